import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../metrics/registry.js';
import type { ReadinessReport } from './readiness.js';
import { type HealthServer, startHealthServer } from './server.js';

describe('startHealthServer', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const start = async (report: ReadinessReport) => {
    const metrics = createMetricsRegistry();
    metrics.counter('qlf_tasks_total').inc({ stage: 'compile', outcome: 'ran' });
    server = await startHealthServer({ registry: metrics.registry, readiness: async () => report, port: 0 });
    return server;
  };

  it('serves the exposition, liveness and readiness on loopback', async () => {
    const { url } = await start({ status: 'ok', checks: [{ name: 'config', status: 'ok', latencyMs: 1 }] });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await metrics.text()).toContain('qlf_tasks_total{stage="compile",outcome="ran"} 1');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: [{ name: 'config', status: 'ok', latencyMs: 1 }] });
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 503 while a readiness check fails', async () => {
    const { url } = await start({
      status: 'failed',
      checks: [{ name: 'remote-cache', status: 'failed', latencyMs: 2000, detail: 'no answer within 2000 ms' }],
    });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as ReadinessReport).checks[0]?.detail).toBe('no answer within 2000 ms');
  });

  it('refuses a port in use', async () => {
    const first = await start({ status: 'ok', checks: [] });
    const metrics = createMetricsRegistry();
    await expect(
      startHealthServer({
        registry: metrics.registry,
        readiness: async () => ({ status: 'ok', checks: [] }),
        port: first.port,
      }),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});
