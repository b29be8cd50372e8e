import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNNERS } from './runners/index.js';
import { type GeneratedService, generatePaymentsService } from './testing/generated-service.js';
import { runVerify } from './verify.js';

describe('verify on a generated service', () => {
  let service: GeneratedService;
  beforeAll(async () => {
    service = await generatePaymentsService();
  });
  afterAll(async () => {
    await service?.remove();
  });

  it('passes every runner on the generated payments service', async () => {
    const report = await runVerify({ ir: service.ir, serviceDir: service.dir }, { strict: true, timeoutMs: 50_000 });
    const errors = report.findings.filter((finding) => finding.severity === 'error');
    expect(errors).toEqual([]);
    // Per-database runners run on the brief's database (PostgreSQL) and on SQLite.
    expect(report.runners.map((runner) => [runner.runner, runner.database, runner.status, runner.reason])).toEqual(
      RUNNERS.flatMap((runner) =>
        runner.perDatabase
          ? ['postgresql', 'sqlite'].map((database) => [runner.name, database, 'passed', undefined])
          : [[runner.name, undefined, 'passed', undefined]],
      ),
    );
    expect(report.passed).toBe(true);
    expect(report.runners.find((runner) => runner.runner === 'pytest')!.stats.passed).toBeGreaterThan(0);
  });
});
