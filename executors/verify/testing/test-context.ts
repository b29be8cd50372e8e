// Test support: the runner context the stage would build, resolved once per test file.
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PYTHON_MODULES, findPython, probePython } from '../../../core/python.js';
import type { RunnerContext } from '../lib/runner.js';

export async function testContext(overrides: Partial<RunnerContext> = {}): Promise<RunnerContext> {
  const found = await findPython();
  if (!found) throw new Error('no python with fastapi/pytest found: set QLF_PYTHON');
  const pythonInfo = await probePython(found.path, [...DEFAULT_PYTHON_MODULES, 'bandit']);
  return { strict: false, timeoutMs: 60_000, env: process.env, pythonInfo, ...overrides };
}

/**
 * A real interpreter that cannot import any installed package: the found Python started with `-S` (no site
 * directories), so fastapi, pytest and bandit are all missing.
 */
export async function barePython(): Promise<string> {
  const found = await findPython({ require: [] });
  if (!found) throw new Error('no python found');
  const dir = await mkdtemp(join(tmpdir(), 'qlf-bare-python-'));
  const wrapper = join(dir, 'python');
  await writeFile(wrapper, `#!/bin/sh\nexec ${JSON.stringify(found.path)} -S "$@"\n`);
  await chmod(wrapper, 0o755);
  return wrapper;
}
