// A generated service answers real HTTP: generate the payments service, start it with uvicorn on a loopback port,
// and walk one resource through create → list → get → update → delete → 404.

import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython } from '../core/python.js';
import { type RunningApp, startApp } from '../executors/verify/lib/app-server.js';
import { type DatabaseServer, startDatabaseServer } from '../executors/verify/lib/database-server.js';
import { childEnv } from '../executors/verify/lib/process.js';
import { serviceEnv } from '../executors/verify/lib/service-env.js';
import {
  createBody,
  type GeneratedService,
  generatePaymentsService,
  requiredParents,
  standaloneEntity,
  updatableField,
} from '../executors/verify/testing/generated-service.js';
import type { IREntity } from '../schemas/ir.js';

const b64 = (raw: Buffer) => raw.toString('base64url');

/** Credentials for the service's own auth scheme, and the environment that makes the service accept them. */
function authSetup(service: GeneratedService): { env: Record<string, string>; user?: string; password?: string } {
  const mode = service.ir.api.auth.value;
  if (mode === 'jwt' || mode === 'oauth2') {
    const password = b64(randomBytes(18));
    const salt = randomBytes(16);
    const iterations = 1000;
    const hash = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
    const env = {
      AUTH_USERNAME: 'qlf-e2e',
      AUTH_PASSWORD_HASH: `pbkdf2_sha256$${iterations}$${b64(salt)}$${b64(hash)}`,
    };
    return { env, user: 'qlf-e2e', password };
  }
  if (mode === 'api-key') return { env: { API_KEYS: b64(randomBytes(24)) } };
  return { env: {} };
}

describe('generated service over HTTP', () => {
  let service: GeneratedService;
  let app: RunningApp | undefined;
  let database: DatabaseServer | undefined;
  let tmp: string;
  const headers: Record<string, string> = { 'content-type': 'application/json' };

  beforeAll(async () => {
    const python = await findPython();
    if (!python) throw new Error('no python with fastapi/uvicorn found: set QLF_PYTHON');
    service = await generatePaymentsService();
    tmp = await mkdtemp(join(tmpdir(), 'qlf-e2e-http-'));
    const auth = authSetup(service);
    // On the database a production service runs on: a real PostgreSQL, migrated to head before the first start.
    const started = await startDatabaseServer('postgresql');
    if ('skipped' in started) throw new Error(`the service cannot be started against PostgreSQL: ${started.skipped}`);
    database = started;
    const url = await database.createDatabase('payments');
    const env = childEnv(process.env, { ...(await serviceEnv(service.dir, tmp)), ...auth.env, DATABASE_URL: url });
    const migrated = await execa(python.path, ['-m', 'alembic', 'upgrade', 'head'], {
      cwd: service.dir,
      env,
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    });
    expect(migrated.exitCode, String(migrated.stderr)).toBe(0);
    app = await startApp({ python: python.path, cwd: service.dir, env, startTimeoutMs: 30_000, lifetimeMs: 120_000 });
    if (auth.user && auth.password) {
      const form = new URLSearchParams({ username: auth.user, password: auth.password });
      const response = await fetch(`${app.baseUrl}/auth/token`, { method: 'POST', body: form });
      expect(response.status).toBe(200);
      headers.authorization = `Bearer ${((await response.json()) as { access_token: string }).access_token}`;
    }
    if (auth.env.API_KEYS) headers['x-api-key'] = auth.env.API_KEYS;
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await database?.stop();
    await service?.remove();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  const call = (url: string, method: string, body?: unknown) =>
    fetch(url, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

  /** The served collection path of an entity (`/api/v1/payments`), read from the app's own OpenAPI document. */
  async function collectionOf(entity: IREntity): Promise<string> {
    const served = (await (await fetch(`${app!.baseUrl}/openapi.json`)).json()) as { paths: Record<string, object> };
    const paths = Object.keys(served.paths);
    const collection = paths.find((path) => path.endsWith(`/${entity.resource}`) && 'post' in served.paths[path]!);
    expect(collection, `no collection path for ${entity.resource} in ${paths.join(', ')}`).toBeDefined();
    return collection!;
  }

  it('creates, lists, reads, updates and deletes a record, then answers 404', async () => {
    const entity = standaloneEntity(service.ir);
    const collection = await collectionOf(entity);
    const item = (id: unknown) => `${app!.baseUrl}${collection}/${id}`;

    const created = await call(`${app!.baseUrl}${collection}`, 'POST', createBody(entity));
    expect(created.status, await created.clone().text()).toBe(201);
    const record = (await created.json()) as Record<string, unknown>;
    expect(record.id).toBeDefined();

    const list = await call(`${app!.baseUrl}${collection}`, 'GET');
    expect(list.status).toBe(200);
    const listed = (await list.json()) as { items?: Array<{ id: unknown }> } | Array<{ id: unknown }>;
    const items = Array.isArray(listed) ? listed : (listed.items ?? []);
    expect(items.map((entry) => entry.id)).toContain(record.id);

    const read = await call(item(record.id), 'GET');
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id: unknown }).id).toBe(record.id);

    const field = updatableField(entity);
    if (field) {
      const value = field.type === 'integer' ? 7 : 'changed';
      const updated = await call(item(record.id), 'PATCH', { [field.name]: value });
      expect(updated.status, await updated.clone().text()).toBe(200);
      expect(((await updated.json()) as Record<string, unknown>)[field.name]).toBe(value);
    }

    const deleted = await call(item(record.id), 'DELETE');
    expect(deleted.status).toBe(204);
    expect((await call(item(record.id), 'GET')).status).toBe(404);
  });

  it('masks a card number in responses after creating the record and its parents', async () => {
    const entity = service.ir.entities.find((candidate) =>
      candidate.fields.some((field) => field.classification === 'pan'),
    );
    expect(entity, 'the payments service has a PAN field').toBeDefined();
    const body = createBody(entity!, 2);
    for (const { parent, foreignKey } of requiredParents(service.ir, entity!)) {
      const created = await call(`${app!.baseUrl}${await collectionOf(parent)}`, 'POST', createBody(parent, 3));
      expect(created.status, await created.clone().text()).toBe(201);
      body[foreignKey] = ((await created.json()) as { id: unknown }).id;
    }
    const created = await call(`${app!.baseUrl}${await collectionOf(entity!)}`, 'POST', body);
    expect(created.status, await created.clone().text()).toBe(201);
    const text = await created.text();
    expect(text).not.toContain('4111111111111111');
    expect(text).toContain('1111');
  });
});
