import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyGoodService, GOOD_SERVICE, goodServiceIr, type ServiceCopy } from '../testing/good-service.js';
import { testContext } from '../testing/test-context.js';
import { openapiRunner } from './openapi.js';

describe('openapi runner', () => {
  let copy: ServiceCopy | undefined;
  afterEach(async () => {
    await copy?.remove();
    copy = undefined;
  });

  it('passes the fixture: the document lints without errors and the app serves every operation', async () => {
    const outcome = await openapiRunner.run({ ir: goodServiceIr(), serviceDir: GOOD_SERVICE }, await testContext());
    expect(outcome.status).toBe('passed');
    expect(outcome.stats).toEqual({ notServed: 0, undocumented: 0 });
    expect(outcome.findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('reports a structurally invalid document with line and column', async () => {
    copy = await copyGoodService();
    await copy.replace('openapi.json', '"description": "Successful Response"', '"description": 42');
    const outcome = await openapiRunner.run({ ir: goodServiceIr(), serviceDir: copy.dir }, await testContext());
    expect(outcome.status).toBe('failed');
    const struct = outcome.findings.find((finding) => finding.rule === 'openapi/struct');
    expect(struct).toMatchObject({ severity: 'error', file: 'openapi.json' });
    const text = await readFile(join(copy.dir, 'openapi.json'), 'utf8');
    const line = text.split('\n').findIndex((row) => row.includes('"description": 42')) + 1;
    expect(struct!.line).toBe(line);
    expect(struct!.column).toBeGreaterThan(1);
  });

  it('requires security on every non-public operation when the service has auth', async () => {
    const ir = goodServiceIr();
    ir.api.auth.value = 'jwt';
    const outcome = await openapiRunner.run(
      { ir, serviceDir: GOOD_SERVICE },
      await testContext({ pythonInfo: undefined }),
    );
    const security = outcome.findings.filter((finding) => finding.rule === 'openapi/security-defined');
    expect(security.map((finding) => finding.message.split(' at ')[1])).toEqual([
      '#/paths/~1payments/get',
      '#/paths/~1payments/post',
      '#/paths/~1payments~1{payment_id}/get',
      '#/paths/~1payments~1{payment_id}/delete',
    ]);
    expect(security.every((finding) => finding.severity === 'error')).toBe(true);
  });

  it('lints but is skipped, with the reason, when no Python can serve the app', async () => {
    const outcome = await openapiRunner.run(
      { ir: goodServiceIr(), serviceDir: GOOD_SERVICE },
      await testContext({ pythonInfo: undefined }),
    );
    expect(outcome.status).toBe('skipped');
    expect(outcome.reason).toBe(
      'python with fastapi/uvicorn not found (set QLF_PYTHON); document linted, served paths not checked',
    );
    expect(outcome.findings.length).toBeGreaterThan(0);
  });

  it('reports a document that does not parse', async () => {
    copy = await copyGoodService();
    await copy.write('openapi.json', '{\n  "openapi": "3.1.0",\n  "info": {\n}\n');
    const outcome = await openapiRunner.run({ ir: goodServiceIr(), serviceDir: copy.dir }, await testContext());
    expect(outcome.status).toBe('failed');
    expect(outcome.findings[0]).toMatchObject({ rule: 'openapi-syntax', severity: 'error', file: 'openapi.json' });
    expect(outcome.findings[0]!.line).toBeGreaterThanOrEqual(4);
  });

  it('names a path the document declares but the app does not serve', async () => {
    copy = await copyGoodService();
    const document = JSON.parse(await readFile(join(copy.dir, 'openapi.json'), 'utf8'));
    document.paths['/refunds/{refund_id}'] = {
      get: {
        operationId: 'get_refund',
        summary: 'Get refund',
        responses: { '200': { description: 'ok' }, '404': { description: 'no' } },
      },
    };
    await copy.write('openapi.json', JSON.stringify(document, null, 2));
    const outcome = await openapiRunner.run({ ir: goodServiceIr(), serviceDir: copy.dir }, await testContext());
    expect(outcome.status).toBe('failed');
    expect(outcome.stats).toEqual({ notServed: 1, undocumented: 0 });
    const missing = outcome.findings.find((finding) => finding.rule === 'openapi-path-not-served');
    expect(missing).toMatchObject({ severity: 'error', file: 'openapi.json' });
    expect(missing!.message).toContain('GET /refunds/{}');
    expect(missing!.line).toBeGreaterThan(1);
  });

  it('reports an app that does not start, with its output', async () => {
    copy = await copyGoodService();
    await copy.replace('app/main.py', 'app = FastAPI(', 'raise RuntimeError("boom at import")\napp = FastAPI(');
    const outcome = await openapiRunner.run({ ir: goodServiceIr(), serviceDir: copy.dir }, await testContext());
    expect(outcome.status).toBe('failed');
    const start = outcome.findings.find((finding) => finding.rule === 'app-start');
    expect(start!.message).toMatch(/exited before answering[\s\S]*boom at import/);
  });
});
