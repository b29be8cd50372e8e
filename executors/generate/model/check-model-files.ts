// Verify, before anything reaches a working copy: the model's files merged with the template tree into a throwaway
// working copy,
// then verify's own static checks on the whole service and pytest on the model's tests.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ownedTempDir } from '../../../core/owned-temp.js';
import type { GeneratedTree } from '../../../schemas/generated-tree.js';
import type { IR } from '../../../schemas/ir.js';
import type { VerifyReport } from '../../../schemas/verify-report.js';
import { writeWorkingCopy } from '../lib/write-working-copy.js';

export interface ModelFile {
  path: string;
  content: string;
}

export interface ModelCheckOptions {
  /** Interpreter that runs the service; else the one verify finds. */
  python?: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

export type ModelCheck =
  | { ok: true; report: VerifyReport }
  | { ok: false; report: VerifyReport; problems: string[] }
  | { ok: 'skipped'; reason: string };

const CHECKS = ['py-compile', 'secrets', 'bandit', 'pytest'];

/** Lays `files` over `tree` in a temp folder and runs the checks; the folder is gone when it returns. */
export async function checkModelFiles(
  ir: IR,
  tree: GeneratedTree,
  files: readonly ModelFile[],
  options: ModelCheckOptions,
): Promise<ModelCheck> {
  const { runVerify } = await import('../../verify/verify.js');
  const work = await ownedTempDir('model-check');
  const dir = join(work, 'service');
  try {
    // A fresh working copy, as the merge writes one (with the first migration revision the tests migrate to).
    const byPath = new Map(tree.files.map((f) => [f.path, f]));
    for (const file of files) byPath.set(file.path, { ...file, mode: 0o644, agent: 'model' });
    const all = { ...tree, files: [...byPath.values()] };
    await writeWorkingCopy(all, ir, dir, join(work, 'base'), { qlf: 'check', provider: 'model' });
    const testPaths = files.map((f) => f.path).filter((p) => /^tests\/test_[^/]+\.py$/.test(p));
    const report = await runVerify(
      { ir, serviceDir: dir },
      {
        strict: false,
        timeoutMs: options.timeoutMs,
        runners: CHECKS,
        databases: ['sqlite'],
        testPaths,
        ...(options.python ? { python: options.python } : {}),
        ...(options.env ? { env: options.env } : {}),
      },
    );
    const pytest = report.runners.find((r) => r.runner === 'pytest');
    if (pytest?.status === 'skipped') return { ok: 'skipped', reason: `pytest: ${pytest.reason ?? 'not run'}` };
    const problems = report.findings
      .filter((f) => f.severity === 'error')
      .map((f) => `${f.runner}: ${f.file ? `${f.file}${f.line ? `:${f.line}` : ''}: ` : ''}${f.message}`);
    if (testPaths.length === 0) problems.push('pytest: the answer has no tests/test_domain_*.py file');
    if (pytest && pytest.stats.passed === 0) problems.push('pytest: no test of the answer passed');
    return problems.length === 0 ? { ok: true, report } : { ok: false, report, problems };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
