// How the generated list endpoints page (`api.pagination`): the limits, the cursor rules and the OpenAPI fragments,
// in one place so the FastAPI templates, openapi.json, the README and the generated tests describe the same API.
import type { IR } from '../../../schemas/ir.js';

export type PaginationMode = IR['api']['pagination']['value'];

type Schema = Record<string, unknown>;

export interface PaginationView {
  /** `offset`: `{items, total, limit, offset}`; `cursor`: `{items, next_cursor}`; `none`: `{items}`, every match. */
  mode: PaginationMode;
  /** Bounds of the `limit` query parameter (offset and cursor modes). */
  limit: { default: number; min: number; max: number };
  /** Longest `cursor` accepted; the cursor of any 64-bit id is far shorter. */
  cursorMaxLength: number;
  /** Description of the `cursor` query parameter, served by the app and written into openapi.json alike. */
  cursorDescription: string;
  /** `msg` of the 422 a malformed cursor gets. */
  malformedCursor: string;
}

export function paginationView(ir: IR): PaginationView {
  return {
    mode: ir.api.pagination.value,
    limit: { default: 50, min: 1, max: 200 },
    cursorMaxLength: 64,
    cursorDescription: "Opaque: the previous page's next_cursor; none for the first page. A malformed cursor gets 422.",
    malformedCursor:
      'malformed cursor: pass the next_cursor of the previous page, or leave cursor out for the first page',
  };
}

/** Names of the paging query parameters; a field with one of these names cannot also be a filter. */
export function pageParameterNames(mode: PaginationMode): string[] {
  return { offset: ['limit', 'offset'], cursor: ['limit', 'cursor'], none: [] }[mode];
}

/** The query parameters a list operation takes for paging, before its filters. */
export function pageParameters(pagination: PaginationView): Schema[] {
  const { limit } = pagination;
  const limitParam = {
    name: 'limit',
    in: 'query',
    required: false,
    schema: { type: 'integer', minimum: limit.min, maximum: limit.max, default: limit.default },
  };
  switch (pagination.mode) {
    case 'offset':
      return [
        limitParam,
        { name: 'offset', in: 'query', required: false, schema: { type: 'integer', minimum: 0, default: 0 } },
      ];
    case 'cursor':
      return [
        limitParam,
        {
          name: 'cursor',
          in: 'query',
          required: false,
          description: pagination.cursorDescription,
          schema: { type: 'string', maxLength: pagination.cursorMaxLength },
        },
      ];
    case 'none':
      return [];
  }
}

/** The `<Entity>List` response schema; `items` is the array of `itemRef`. */
export function pageSchema(pagination: PaginationView, itemRef: Schema): Schema {
  const items = { type: 'array', items: itemRef };
  switch (pagination.mode) {
    case 'offset':
      return {
        type: 'object',
        properties: { items, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
        required: ['items', 'total', 'limit', 'offset'],
      };
    case 'cursor':
      return {
        type: 'object',
        description: 'A page of records in ascending id order',
        properties: {
          items,
          next_cursor: {
            anyOf: [{ type: 'string' }, { type: 'null' }],
            description: 'Pass as cursor to get the next page; null on the last page',
          },
        },
        required: ['items', 'next_cursor'],
      };
    case 'none':
      return {
        type: 'object',
        description: 'Every matching record in ascending id order',
        properties: { items },
        required: ['items'],
      };
  }
}

/** Description of a list operation's 200 and 422 responses. */
export function listResponseDescriptions(pagination: PaginationView): { ok: string; invalid: string } {
  switch (pagination.mode) {
    case 'offset':
      return { ok: 'A page of records', invalid: 'Validation error' };
    case 'cursor':
      return { ok: 'A page of records', invalid: 'Validation error, or a malformed cursor' };
    case 'none':
      return { ok: 'Every matching record', invalid: 'Validation error' };
  }
}
