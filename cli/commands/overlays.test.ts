// `qlf overlays list | describe` run through the real CLI entry point with a capturing Output.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import type { Output } from '../output.js';

function capture(): Output & { stdout: string; stderr: string } {
  const identity = (text: string) => text;
  const out = {
    stdout: '',
    stderr: '',
    color: false,
    isTTY: false,
    style: { bold: identity, dim: identity, red: identity, green: identity, yellow: identity, cyan: identity },
    print: (text: string) => {
      out.stdout += `${text}\n`;
    },
    info: (text: string) => {
      out.stderr += `${text}\n`;
    },
    json: (value: unknown) => {
      out.stdout += `${JSON.stringify(value, null, 2)}\n`;
    },
  };
  return out;
}

async function run(args: string[]) {
  const out = capture();
  const code = await main(['overlays', ...args], out);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

const SOC2 = `apiVersion: qlf.dev/v1
kind: Overlay
name: soc2
version: 0.1.0
type: compliance
description: SOC 2 security criteria.
priority: 70
controls: { auditLog: true }
`;

let workspace: string;
const startDir = process.cwd();
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'qlf-overlays-cli-'));
  await mkdir(join(workspace, 'compliance'));
  await writeFile(join(workspace, 'compliance', 'soc2.yaml'), SOC2);
  await writeFile(join(workspace, 'qlf.config.json'), JSON.stringify({ overlays: { dirs: ['compliance'] } }));
});
afterAll(async () => {
  process.chdir(startDir);
  await rm(workspace, { recursive: true, force: true });
});

describe('qlf overlays', () => {
  it('list prints a table of the built-in overlays', async () => {
    const { code, stdout } = await run(['list']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+VERSION\s+PRIORITY\s+REQUIRES\s+SOURCE\s+DESCRIPTION$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([
      'ecommerce',
      'fintech',
      'gdpr',
      'healthcare',
      'hipaa',
      'pci',
    ]);
    expect(lines.find((line) => line.startsWith('pci'))).toMatch(
      /^pci\s+compliance\s+1\.0\.0\s+90\s+fintech\s+built-in/,
    );
  });

  it('list --json includes workspace overlays from the config', async () => {
    process.chdir(workspace);
    try {
      const { code, stdout } = await run(['list', '--json']);
      expect(code).toBe(0);
      const rows = JSON.parse(stdout) as { name: string; builtin: boolean; source: string }[];
      expect(rows.map((row) => row.name)).toEqual([
        'ecommerce',
        'fintech',
        'gdpr',
        'healthcare',
        'hipaa',
        'pci',
        'soc2',
      ]);
      expect(rows.find((row) => row.name === 'soc2')).toMatchObject({
        builtin: false,
        source: `workspace ${join('compliance', 'soc2.yaml')}`,
      });
    } finally {
      process.chdir(startDir);
    }
  });

  it('describe prints everything an overlay adds', async () => {
    const { code, stdout } = await run(['describe', 'gdpr']);
    expect(code).toBe(0);
    for (const text of [
      'gdpr 1.0.0 (compliance, priority 80), built-in',
      'ConsentRecord:',
      'GET    /data-subjects/{subject_id}/export  (gdpr-export)',
      'DELETE /data-subjects/{subject_id}  (gdpr-erasure)',
      'dataErasure: true',
      'gdpr-export-endpoint [error]',
      'pii: responses=full, logs=redact, inList=true',
    ]) {
      expect(stdout).toContain(text);
    }
  });

  it('describe --json shows the overlay and what applies with it', async () => {
    const { code, stdout } = await run(['describe', 'pci', '--json']);
    expect(code).toBe(0);
    const described = JSON.parse(stdout);
    expect(described).toMatchObject({
      name: 'pci',
      type: 'compliance',
      requires: ['fintech'],
      appliesWith: ['fintech'],
    });
    expect(described.handling.pan).toMatchObject({ responses: 'mask-last4', inList: false });
    expect(described.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    { args: ['describe', 'hippa'], code: 2, text: 'unknown overlay `hippa`. Did you mean `hipaa`?' },
    { args: ['describe'], code: 2, text: 'missing the overlay name' },
    { args: ['show'], code: 2, text: 'unknown action `show`' },
    { args: [], code: 2, text: 'missing the action' },
    { args: ['list', 'extra'], code: 2, text: 'unexpected argument `extra`' },
  ])('$args exits $code', async ({ args, code, text }) => {
    const result = await run(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(text);
  });
});
