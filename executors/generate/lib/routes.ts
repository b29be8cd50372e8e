// The route table: every method + path the generated backend serves. The FastAPI templates and the OpenAPI agent
// both read it, so the served app and the published document cannot drift apart.
import type { IR, IREndpoint } from '../../../schemas/ir.js';
import { subjectEntity } from './data-subject-view.js';

export type RouteKind =
  | 'health'
  | 'ready'
  | 'auth-token'
  | 'list'
  | 'create'
  | 'read'
  | 'update'
  | 'delete'
  | 'subject-export'
  | 'subject-erase'
  | 'overlay';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** Full path as served, with `{param}` placeholders. */
  path: string;
  /** Also the FastAPI `operation_id`, so the app's own document carries the same ids. */
  operationId: string;
  /** Entity name for CRUD routes. */
  entity?: string;
  kind: RouteKind;
  /** Whether the route requires credentials (never for health, readiness and the token endpoint). */
  auth: boolean;
  summary: string;
  /** The IR endpoint id for overlay endpoints. */
  endpointId?: string;
}

export const DEFAULT_BASE_PATH = '/api/v1';

/** Entity names the compliance overlays use for their audit trail. */
export const AUDIT_ENTITY_NAMES = ['AuditEvent', 'AuditLog', 'AccessLog', 'AuditEntry'];

/** The audit trail is written by the service itself; the API may read it but never write, change or delete it. */
export function isReadOnlyEntity(ir: IR, entityName: string): boolean {
  return ir.controls.auditLog && AUDIT_ENTITY_NAMES.includes(entityName);
}

/** `ir.api.basePath` without a trailing slash, `/api/v1` when empty. */
export function basePath(ir: IR): string {
  const trimmed = ir.api.basePath.trim().replace(/\/+$/, '');
  if (trimmed === '') return DEFAULT_BASE_PATH;
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Whether entity routes require credentials. */
export function authEnabled(ir: IR): boolean {
  return ir.api.auth.value !== 'none';
}

/** Whether the service issues its own tokens at `POST /auth/token`. */
export function issuesTokens(ir: IR): boolean {
  return ir.api.auth.value === 'jwt' || ir.api.auth.value === 'oauth2';
}

function snake(text: string): string {
  return text
    .replace(/[{}]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

/**
 * How an overlay endpoint is implemented: data-subject export/erasure are understood when some entity is a data
 * subject; anything else (and those, without a subject) is `overlay`, a 501 stub for the team to fill in.
 */
export function overlayRouteKind(endpoint: IREndpoint, hasSubject: boolean): RouteKind {
  if (hasSubject && /\{[a-z_]+\}/.test(endpoint.path) && /subject/.test(endpoint.path)) {
    if (endpoint.method === 'GET' && /\/export$/.test(endpoint.path)) return 'subject-export';
    if (endpoint.method === 'DELETE' && /\}$/.test(endpoint.path)) return 'subject-erase';
  }
  return 'overlay';
}

/** Singular snake name of an entity (`LineItem` → `line_item`), used in operation ids. */
function singular(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

export function routeTable(ir: IR): Route[] {
  const base = basePath(ir);
  const auth = authEnabled(ir);
  const routes: Route[] = [
    { method: 'GET', path: '/health', operationId: 'health', kind: 'health', auth: false, summary: 'Liveness' },
    { method: 'GET', path: '/ready', operationId: 'ready', kind: 'ready', auth: false, summary: 'Readiness' },
  ];
  if (issuesTokens(ir)) {
    routes.push({
      method: 'POST',
      path: '/auth/token',
      operationId: 'issue_token',
      kind: 'auth-token',
      auth: false,
      summary: 'Exchange a username and password for a bearer token',
    });
  }
  const entities = [...ir.entities].sort((a, b) => (a.resource < b.resource ? -1 : a.resource > b.resource ? 1 : 0));
  for (const entity of entities) {
    const collection = `${base}/${entity.resource}`;
    const item = `${collection}/{id}`;
    const one = singular(entity.name);
    const plural = snake(entity.resource);
    const common = { entity: entity.name, auth };
    if (isReadOnlyEntity(ir, entity.name)) {
      routes.push(
        {
          ...common,
          method: 'GET',
          path: collection,
          operationId: `list_${plural}`,
          kind: 'list',
          summary: `List ${entity.resource}`,
        },
        {
          ...common,
          method: 'GET',
          path: item,
          operationId: `get_${one}`,
          kind: 'read',
          summary: `Read a ${entity.name}`,
        },
      );
      continue;
    }
    routes.push(
      {
        ...common,
        method: 'GET',
        path: collection,
        operationId: `list_${plural}`,
        kind: 'list',
        summary: `List ${entity.resource}`,
      },
      {
        ...common,
        method: 'POST',
        path: collection,
        operationId: `create_${one}`,
        kind: 'create',
        summary: `Create a ${entity.name}`,
      },
      {
        ...common,
        method: 'GET',
        path: item,
        operationId: `get_${one}`,
        kind: 'read',
        summary: `Read a ${entity.name}`,
      },
      {
        ...common,
        method: 'PATCH',
        path: item,
        operationId: `update_${one}`,
        kind: 'update',
        summary: `Update a ${entity.name}`,
      },
      {
        ...common,
        method: 'DELETE',
        path: item,
        operationId: `delete_${one}`,
        kind: 'delete',
        summary: `Delete a ${entity.name}`,
      },
    );
  }
  const endpoints = [...ir.api.endpoints].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const hasSubject = subjectEntity(ir.entities) !== undefined;
  for (const endpoint of endpoints) {
    routes.push({
      method: endpoint.method,
      path: `${base}${endpoint.path.startsWith('/') ? '' : '/'}${endpoint.path}`,
      operationId: snake(endpoint.id),
      kind: overlayRouteKind(endpoint, hasSubject),
      auth,
      summary: endpoint.description,
      endpointId: endpoint.id,
    });
  }
  return routes;
}
