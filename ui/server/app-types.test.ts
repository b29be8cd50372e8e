// The browser app (ui/app) is type-checked with its own settings (DOM types, preact's JSX), apart from the node code
// the root tsconfig checks: this runs that check as part of the test suite.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../core/package-info.js';

describe('ui/app', () => {
  it('type-checks with ui/app/tsconfig.json', { timeout: 120_000 }, () => {
    const tsc = packagePath('node_modules', 'typescript', 'bin', 'tsc');
    const result = spawnSync(process.execPath, [tsc, '--noEmit', '-p', packagePath('ui', 'app', 'tsconfig.json')], {
      encoding: 'utf8',
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
