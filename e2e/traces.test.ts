// End to end: the built `qlf run --stage generate` exports its trace to a loopback OTLP/HTTP receiver when
// OTEL_EXPORTER_OTLP_ENDPOINT is set: one root run span, a span per task under it, the worker's spans under their
// task's span. Without the variable nothing is exported and no thread imports the trace SDK.
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from '../observability/tracing/testing/otlp-receiver.js';
import { runQlfAsync } from './run-qlf.js';

const built = existsSync(packagePath('dist', 'observability', 'tracing', 'provider.js'));
if (!built) console.warn('skipped: dist/ is missing: run `npm run build`');

// A brief whose compile fails (a field type qlf does not know); its generate is skipped.
const BROKEN = `apiVersion: qlf.dev/v1
kind: Brief
name: broken
description: A service whose only entity has a field of a type qlf does not know.
entities:
  - name: Thing
    fields:
      - { name: size, type: gigantic }
`;

// Records every module specifier of the trace API or SDK any thread resolves (preloaded into the main thread and, as
// worker threads inherit it, into each pool worker).
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (/^@opentelemetry\\/(api|sdk-|exporter-|resources)/.test(specifier)) appendFileSync(process.env.QLF_TEST_IMPORTS, specifier + '\\n');
  return next(specifier, context);
}
`;
const REGISTER = `import { register } from 'node:module';
register(new URL('./hooks.mjs', import.meta.url));
`;

describe.skipIf(!built)('traces of a run', () => {
  let root = '';
  let receiver: OtlpReceiver;
  let importsLog = '';
  let preload = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'qlf-e2e-traces-'));
    await cp(packagePath('examples', 'payments', 'brief.qlf.yaml'), join(root, 'briefs/payments/brief.qlf.yaml'));
    await mkdir(join(root, 'briefs/broken'), { recursive: true });
    await writeFile(join(root, 'briefs/broken/brief.qlf.yaml'), BROKEN);
    await writeFile(join(root, 'qlf.config.json'), `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'] })}\n`);
    await writeFile(join(root, 'hooks.mjs'), HOOKS);
    await writeFile(join(root, 'register.mjs'), REGISTER);
    importsLog = join(root, 'imports.log');
    preload = `--import=${pathToFileURL(join(root, 'register.mjs')).href}`;
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  beforeEach(async () => {
    receiver = await startOtlpReceiver();
    await writeFile(importsLog, '');
  });

  afterEach(() => receiver.close());

  const qlf = (env: NodeJS.ProcessEnv) =>
    runQlfAsync(root, ['run', '--stage', 'generate', '--json', '--continue'], {
      env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', NODE_OPTIONS: preload, QLF_TEST_IMPORTS: importsLog, ...env },
      timeoutMs: 50_000,
    });
  const sdkImports = async () => (await readFile(importsLog, 'utf8')).split('\n').filter(Boolean);

  it('exports nothing and never imports the trace SDK without an endpoint', async () => {
    await rm(join(root, '.qlf'), { recursive: true, force: true });
    const cold = await qlf({ OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    expect(cold.code).toBe(1); // broken:compile fails
    expect(JSON.parse(cold.stdout).totals).toMatchObject({ success: 2, failed: 1, skipped: 1 });
    expect(await sdkImports()).toEqual([]);
    expect(receiver.requests).toBe(0);
  });

  it('exports one trace: the run, a span per task under it, the worker spans under their task', async () => {
    await rm(join(root, '.qlf'), { recursive: true, force: true });
    const result = await qlf({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(result.code).toBe(1);
    const spans = receiver.spans;
    // The positive control of the test above: the same detector sees the SDK once tracing is on.
    expect(await sdkImports()).toContain('@opentelemetry/sdk-trace-node');

    const runs = spans.filter((s) => s.name === 'qlf.run');
    expect(runs).toHaveLength(1);
    const run = runs[0] as ReceivedSpan;
    expect(run.parentSpanId).toBe('');
    expect(run.attributes).toMatchObject({ 'qlf.run.tasks': 4, 'qlf.run.failed': 1, 'qlf.run.skipped': 1 });
    expect(run.status.code).toBe(2);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([run.traceId]));

    const tasks = new Map(spans.filter((s) => s.name === 'qlf.task').map((s) => [s.attributes['qlf.task.id'], s]));
    expect([...tasks.keys()].sort()).toEqual([
      'broken:compile',
      'broken:generate',
      'payments:compile',
      'payments:generate',
    ]);
    const reported = JSON.parse(result.stdout).tasks as { id: string; hash: string | null }[];
    for (const task of reported) {
      const span = tasks.get(task.id) as ReceivedSpan;
      expect(span.parentSpanId).toBe(run.spanId);
      expect(span.attributes).toMatchObject({
        'qlf.brief': task.id.split(':')[0],
        'qlf.stage': task.id.split(':')[1],
        'qlf.cache': 'none',
      });
      expect(span.attributes['qlf.task.hash']).toBe(task.hash ?? undefined);
    }
    expect(tasks.get('payments:generate')?.attributes['qlf.status']).toBe('success');
    expect(tasks.get('broken:generate')?.attributes['qlf.status']).toBe('skipped');
    const failed = tasks.get('broken:compile') as ReceivedSpan;
    expect(failed.attributes).toMatchObject({ 'qlf.status': 'failed', 'qlf.error.code': 'E_BRIEF_SCHEMA' });
    expect(failed.status.code).toBe(2);

    // Each task that ran has its stage's `run` span from the worker thread, parented on the task span by traceparent.
    const stageRuns = spans.filter((s) => s.name === 'qlf.stage.run');
    expect(stageRuns).toHaveLength(3);
    for (const span of stageRuns) {
      const id = `${span.attributes['qlf.brief']}:${span.attributes['qlf.stage']}`;
      expect(span.parentSpanId).toBe(tasks.get(id)?.spanId);
      expect(span.resource['qlf.thread']).toBe('worker');
    }
    const brokenRun = stageRuns.find((s) => s.attributes['qlf.brief'] === 'broken') as ReceivedSpan;
    expect(brokenRun.status.code).toBe(2);
    expect(brokenRun.attributes['qlf.error.code']).toBe('E_BRIEF_SCHEMA');
    // Publishing happens in the main thread, under the task span.
    const publishes = spans.filter((s) => s.name === 'qlf.publish');
    expect(publishes.map((s) => s.parentSpanId).sort()).toEqual(
      ['payments:compile', 'payments:generate'].map((id) => tasks.get(id)?.spanId).sort(),
    );
  });

  it('marks warm hits as served from the local cache', async () => {
    const warm = await qlf({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint });
    expect(warm.code).toBe(1);
    const tasks = receiver.spans.filter((s) => s.name === 'qlf.task');
    const hit = tasks.find((s) => s.attributes['qlf.task.id'] === 'payments:generate');
    expect(hit?.attributes).toMatchObject({ 'qlf.status': 'cached', 'qlf.cache': 'local' });
    expect(receiver.spans.filter((s) => s.name === 'qlf.stage.run')).toHaveLength(1); // only broken:compile runs
  });
});
