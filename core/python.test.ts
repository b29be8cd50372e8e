import { describe, expect, it } from 'vitest';
import { findPython, probePython, pythonCandidates } from './python.js';

describe('pythonCandidates', () => {
  it('tries configured, then QLF_PYTHON, then the fixed candidates, without duplicates', () => {
    expect(pythonCandidates({ configured: '/opt/py/bin/python', env: { QLF_PYTHON: '/usr/bin/python3' } })).toEqual([
      '/opt/py/bin/python',
      '/usr/bin/python3',
      'python3',
      'python',
    ]);
    expect(pythonCandidates({ env: {} })).toEqual(['/usr/bin/python3', 'python3', 'python']);
  });
});

describe('findPython', () => {
  it('finds an interpreter with the service modules and reports its version and modules', async () => {
    const found = await findPython({ env: process.env });
    expect(found, 'no python with fastapi/pytest found: set QLF_PYTHON').toBeDefined();
    expect(found!.version).toMatch(/^3\.\d+\.\d+$/);
    expect(found!.modules.fastapi).toBe(true);
    expect(found!.modules.pytest).toBe(true);
  });

  it('passes over interpreters that do not exist or lack a module', async () => {
    const env = { ...process.env, QLF_PYTHON: '/nonexistent/python3' };
    const found = await findPython({ configured: '/nonexistent/configured-python', env });
    expect(found).toBeDefined();
    expect(found!.path).not.toContain('nonexistent');
  });

  it('returns undefined when no candidate imports a required module', async () => {
    const found = await findPython({ require: ['qlf_module_that_does_not_exist'] });
    expect(found).toBeUndefined();
  });

  it('reports a missing module as false instead of failing the probe', async () => {
    const found = await findPython();
    const probe = await probePython(found!.path, ['json', 'qlf_module_that_does_not_exist']);
    expect(probe!.modules).toEqual({ json: true, qlf_module_that_does_not_exist: false });
  });
});
