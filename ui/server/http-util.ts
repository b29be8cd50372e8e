// Small HTTP helpers for the UI server: JSON answers, bounded JSON bodies, and a coded error that names its status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isQlfError, type QlfIssue } from '../../core/errors.js';
import type { ApiErrorBody } from '../shared/api.js';

/** An error the API answers with: an HTTP status, a code, a message, and what to do about it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { hint?: string; issues?: QlfIssue[]; data?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Headers every answer carries: no caching of API data, no sniffing, no framing by other sites. */
const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
} as const;

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

export function sendBytes(
  res: ServerResponse,
  status: number,
  body: Uint8Array | string,
  headers: Record<string, string | number>,
): void {
  res.writeHead(status, { ...COMMON_HEADERS, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** Any thrown value as the API's error body: ApiErrors keep their status, qlf input errors are 400, the rest 500. */
export function errorAnswer(error: unknown): { status: number; body: ApiErrorBody } {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.extra.hint ? { hint: error.extra.hint } : {}),
          ...(error.extra.issues?.length ? { issues: error.extra.issues } : {}),
        },
        ...(error.extra.data ?? {}),
      },
    };
  }
  if (isQlfError(error)) {
    return {
      status: error.kind === 'input' ? 400 : 500,
      body: {
        error: {
          code: error.code,
          message: error.message,
          ...(error.hint ? { hint: error.hint } : {}),
          ...(error.issues.length ? { issues: error.issues } : {}),
        },
      },
    };
  }
  return { status: 500, body: { error: { code: 'E_INTERNAL', message: (error as Error)?.message ?? String(error) } } };
}

/** Reads a JSON request body of at most `maxBytes`; a larger or unparsable body is a 413 or 400. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      throw new ApiError(413, 'E_UI_BODY_TOO_LARGE', `the request body is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new ApiError(400, 'E_UI_BAD_JSON', `the request body is not JSON: ${(error as Error).message}`);
  }
}

/** A string field of a JSON body, or a 400 naming it. */
export function stringField(body: unknown, name: string, options: { optional?: boolean } = {}): string | undefined {
  const value = (body as Record<string, unknown> | null)?.[name];
  if (value === undefined && options.optional) return undefined;
  if (typeof value !== 'string') {
    throw new ApiError(400, 'E_UI_BAD_REQUEST', `\`${name}\` must be a string`, {
      hint: `Send a JSON object with a string \`${name}\`.`,
    });
  }
  return value;
}
