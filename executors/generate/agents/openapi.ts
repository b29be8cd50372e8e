// The OpenAPI agent: `openapi.json` (OpenAPI 3.1) built from the route table and the FastAPI view model, so the
// document lists exactly the operations the generated app serves, with masked and omitted fields as served.
import { canonicalJson } from '../../../core/canonical-json.js';
import type { IR } from '../../../schemas/ir.js';
import type { AgentContext, GeneratorAgent } from '../lib/agent.js';
import { type FastapiView, fastapiView, type ViewEntity, type ViewField } from '../lib/fastapi-view.js';
import { listResponseDescriptions, type PaginationView, pageParameters, pageSchema } from '../lib/pagination.js';
import { DECIMAL_PRECISION, INTEGER_RANGE, TEXT_MAX_CHARS } from '../lib/physical-model.js';
import { EMAIL_PATTERN, integerBounds } from '../lib/python-types.js';
import type { Route } from '../lib/routes.js';

type Schema = Record<string, unknown>;

const DECIMAL_STRING = `^-?\\d{1,${DECIMAL_PRECISION.digits - DECIMAL_PRECISION.places}}(\\.\\d{1,${DECIMAL_PRECISION.places}})?$`;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
/** A record id as requests name it (path ids, foreign keys): what an INTEGER primary key holds. */
const recordId = (): Schema => ({ type: 'integer', minimum: 1, maximum: INTEGER_RANGE.max });

/** JSON Schema of a field as a request accepts it. */
function requestSchema(field: ViewField): Schema {
  const bounds: Schema = {};
  if (field.min !== undefined)
    bounds[field.type === 'integer' || field.type === 'decimal' ? 'minimum' : 'minLength'] = field.min;
  if (field.max !== undefined)
    bounds[field.type === 'integer' || field.type === 'decimal' ? 'maximum' : 'maxLength'] = field.max;
  switch (field.type) {
    case 'string':
    case 'text':
      return {
        type: 'string',
        ...(field.max === undefined ? { maxLength: field.type === 'string' ? 255 : TEXT_MAX_CHARS } : {}),
        ...bounds,
        ...(field.pattern ? { pattern: field.pattern } : {}),
      };
    case 'email':
      return { type: 'string', format: 'email', maxLength: 320, pattern: EMAIL_PATTERN };
    case 'url':
      return { type: 'string', format: 'uri', maxLength: 2048 };
    case 'uuid':
      return { type: 'string', format: 'uuid' };
    case 'integer': {
      const { min, max } = integerBounds(field);
      return { type: 'integer', minimum: min, maximum: max };
    }
    case 'decimal':
      return {
        anyOf: [
          { type: 'number', ...bounds },
          { type: 'string', pattern: DECIMAL_STRING },
        ],
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'enum':
      return { type: 'string', enum: field.values ?? [] };
    default:
      return {};
  }
}

/** JSON Schema of a field as responses show it: decimals as strings, masked values as `**** **** **** 1234`. */
function responseSchema(field: ViewField): Schema {
  if (field.response === 'mask-last4')
    return {
      type: 'string',
      pattern: '^\\*{4} \\*{4} \\*{4} .{0,4}$',
      description: 'Masked: last four characters only',
    };
  if (field.type === 'decimal') return { type: 'string', format: 'decimal', pattern: DECIMAL_STRING };
  const schema = requestSchema(field);
  delete schema.maxLength;
  delete schema.minLength;
  delete schema.minimum;
  delete schema.maximum;
  return schema;
}

function entitySchemas(entity: ViewEntity, pagination: PaginationView): Record<string, Schema> {
  const create: Schema = { type: 'object', additionalProperties: false, properties: {}, required: [] };
  const update: Schema = { type: 'object', additionalProperties: false, properties: {} };
  const createProps = create.properties as Record<string, Schema>;
  const updateProps = update.properties as Record<string, Schema>;
  const required = create.required as string[];
  for (const field of entity.fields) {
    createProps[field.name] = field.required ? requestSchema(field) : nullable(requestSchema(field));
    updateProps[field.name] = nullable(requestSchema(field));
    if (field.required) required.push(field.name);
  }
  for (const fk of entity.foreignKeys) {
    createProps[fk.column] = fk.required ? recordId() : nullable(recordId());
    updateProps[fk.column] = nullable(recordId());
    if (fk.required) required.push(fk.column);
  }
  for (const m2m of entity.manyToMany) {
    createProps[m2m.idsField] = { type: 'array', items: recordId() };
    updateProps[m2m.idsField] = nullable({ type: 'array', items: recordId() });
  }
  const read = (list: boolean): Schema => {
    const properties: Record<string, Schema> = { id: { type: 'integer' } };
    const req = ['id'];
    for (const field of entity.fields) {
      if (field.response === 'omit' || (list && !field.inList)) continue;
      properties[field.name] = field.required ? responseSchema(field) : nullable(responseSchema(field));
      if (field.required) req.push(field.name);
    }
    for (const fk of entity.foreignKeys) {
      properties[fk.column] = fk.required ? { type: 'integer' } : nullable({ type: 'integer' });
      if (fk.required) req.push(fk.column);
    }
    for (const m2m of entity.manyToMany) properties[m2m.idsField] = { type: 'array', items: { type: 'integer' } };
    properties.created_at = { type: 'string', format: 'date-time' };
    properties.updated_at = { type: 'string', format: 'date-time' };
    req.push('created_at', 'updated_at');
    return { type: 'object', properties, required: req };
  };
  const schemas: Record<string, Schema> = {
    [`${entity.name}Create`]: create,
    [`${entity.name}Update`]: update,
    [`${entity.name}Read`]: read(false),
  };
  if (entity.reducedList) {
    schemas[`${entity.name}ListItem`] = { ...read(true), description: 'List view: minimum necessary fields only' };
  }
  schemas[`${entity.name}List`] = pageSchema(
    pagination,
    ref(`${entity.name}${entity.reducedList ? 'ListItem' : 'Read'}`),
  );
  return schemas;
}

const json = (schema: Schema) => ({ content: { 'application/json': { schema } } });
const error = (description: string) => ({ description, ...json(ref('HTTPError')) });

function operation(route: Route, view: FastapiView): Schema {
  const entity = view.entities.find((e) => e.name === route.entity);
  const responses: Record<string, unknown> = {};
  const parameters: Schema[] = [];
  let requestBody: Schema | undefined;
  const idParam = { name: 'id', in: 'path', required: true, schema: recordId() };
  switch (route.kind) {
    case 'health':
      responses['200'] = { description: 'Alive', ...json({ type: 'object' }) };
      break;
    case 'ready':
      responses['200'] = { description: 'Ready', ...json({ type: 'object' }) };
      responses['503'] = { description: 'The database is unreachable', ...json({ type: 'object' }) };
      break;
    case 'auth-token':
      requestBody = {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              properties: {
                username: { type: 'string' },
                password: { type: 'string' },
                grant_type: { type: 'string' },
              },
              required: ['username', 'password'],
            },
          },
        },
      };
      responses['200'] = { description: 'A bearer token', ...json(ref('TokenResponse')) };
      responses['401'] = error('Wrong username or password');
      responses['422'] = { description: 'Validation error', ...json(ref('HTTPValidationError')) };
      break;
    case 'list':
      parameters.push(
        ...pageParameters(view.pagination),
        ...(entity?.filters ?? []).map((f) => {
          const field = entity?.fields.find((x) => x.name === f.name);
          return {
            name: f.name,
            in: 'query',
            required: false,
            // A filter takes what a request body takes for the field (enum, pattern, length, integer range).
            schema: field ? requestSchema(field) : recordId(),
          };
        }),
      );
      responses['200'] = {
        description: listResponseDescriptions(view.pagination).ok,
        ...json(ref(`${route.entity}List`)),
      };
      break;
    case 'create':
      if (entity?.idempotent) {
        parameters.push({
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: { type: 'string', maxLength: 255 },
          description: 'Same key and body replay the first response; another body is 409',
        });
      }
      requestBody = { required: true, ...json(ref(`${route.entity}Create`)) };
      responses['201'] = { description: 'Created', ...json(ref(`${route.entity}Read`)) };
      responses['409'] = error('Conflicts with an existing record');
      break;
    case 'read':
      parameters.push(idParam);
      responses['200'] = { description: 'The record', ...json(ref(`${route.entity}Read`)) };
      responses['404'] = error('Not found');
      break;
    case 'update':
      parameters.push(idParam);
      requestBody = { required: true, ...json(ref(`${route.entity}Update`)) };
      responses['200'] = { description: 'The updated record', ...json(ref(`${route.entity}Read`)) };
      responses['404'] = error('Not found');
      responses['409'] = error('Conflicts with an existing record');
      break;
    case 'delete':
      parameters.push(idParam);
      responses['204'] = { description: 'Deleted' };
      responses['404'] = error('Not found');
      break;
    default: {
      for (const match of route.path.matchAll(/\{([a-z_]+)\}/g)) {
        parameters.push({
          name: match[1],
          in: 'path',
          required: true,
          schema: route.kind === 'overlay' ? { type: 'string' } : recordId(),
        });
      }
      if (route.kind === 'overlay') responses['501'] = error('Not implemented yet');
      else
        responses['200'] = {
          description: route.kind === 'subject-export' ? 'Every record about the subject' : 'What was erased',
          ...json({ type: 'object' }),
        };
      responses['404'] = error('No such data subject');
    }
  }
  if (route.kind !== 'health' && route.kind !== 'ready' && route.kind !== 'auth-token') {
    const description = route.kind === 'list' ? listResponseDescriptions(view.pagination).invalid : 'Validation error';
    responses['422'] = { description, ...json(ref('HTTPValidationError')) };
  }
  if (route.auth) responses['401'] = error('Missing or invalid credentials');
  if (requestBody) {
    responses['400'] = error('The body cannot be parsed (not UTF-8, or nested too deep)');
    responses['413'] = error('The body is larger than the service accepts (MAX_BODY_BYTES)');
  }
  if (route.kind !== 'health' && route.kind !== 'ready') {
    responses['429'] = error('Too many requests from this client (RATE_LIMIT_PER_MINUTE); retry after Retry-After');
  }
  responses['500'] = error('Internal server error');
  const security = route.auth ? [view.auth === 'api-key' ? { apiKeyAuth: [] } : { bearerAuth: [] }] : undefined;
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [
      route.entity
        ? (entity?.resource ?? route.entity)
        : route.kind === 'auth-token'
          ? 'auth'
          : route.kind.startsWith('subject')
            ? 'data-subjects'
            : route.kind === 'overlay'
              ? 'extensions'
              : 'health',
    ],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
    ...(security ? { security } : {}),
  };
}

export function openapiDocument(ir: IR, ctx: AgentContext): Schema {
  const view = fastapiView(ir, ctx.qlfVersion);
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of view.routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, Schema>)[route.method.toLowerCase()] = operation(route, view);
  }
  const schemas: Record<string, Schema> = {
    HTTPError: { type: 'object', properties: { detail: {} }, required: ['detail'] },
    HTTPValidationError: { type: 'object', properties: { detail: { type: 'array', items: { type: 'object' } } } },
  };
  if (view.issuesTokens) {
    schemas.TokenResponse = {
      type: 'object',
      properties: { access_token: { type: 'string' }, token_type: { type: 'string' }, expires_in: { type: 'integer' } },
      required: ['access_token', 'token_type', 'expires_in'],
    };
  }
  for (const entity of view.entities) Object.assign(schemas, entitySchemas(entity, view.pagination));
  const securitySchemes: Record<string, Schema> = {};
  if (view.issuesTokens) securitySchemes.bearerAuth = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
  if (view.auth === 'api-key') securitySchemes.apiKeyAuth = { type: 'apiKey', in: 'header', name: 'X-API-Key' };
  return {
    openapi: '3.1.0',
    info: { title: view.name, version: view.version, description: view.description },
    paths,
    components: { schemas, ...(Object.keys(securitySchemes).length > 0 ? { securitySchemes } : {}) },
  };
}

const openapi: GeneratorAgent = {
  name: 'openapi',
  kind: 'api',
  score: (ir) => (ir.stack.backend.value === 'fastapi' ? 100 : 0),
  generate: (ir, ctx) => [{ path: 'openapi.json', content: canonicalJson(openapiDocument(ir, ctx)) }],
};

export default openapi;
