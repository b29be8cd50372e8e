import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeneratedService, generatePaymentsService } from './lib/generated-service.js';
import { RUNNER_NAMES } from './runners/index.js';
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
    expect(report.runners.map((runner) => [runner.runner, runner.status, runner.reason])).toEqual(
      RUNNER_NAMES.map((name) => [name, 'passed', undefined]),
    );
    expect(report.passed).toBe(true);
    expect(report.runners.find((runner) => runner.runner === 'pytest')!.stats.passed).toBeGreaterThan(0);
  });
});
