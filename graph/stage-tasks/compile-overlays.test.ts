// The compile task's hash covers the full bytes of the overlays its brief applies and only what detection reads of
// the others, whether or not the memo of earlier answers exists; and the overlays it decides on are those the
// compiler applies.
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { hashParts } from '../../core/hash.js';
import { packagePath } from '../../core/package-info.js';
import { runCompile } from '../../executors/compile/compile.js';
import { overlaysRequestedBy } from '../../executors/compile/lib/choose-overlays.js';
import { builtinOverlayDir, loadOverlayRegistry } from '../../overlays/index.js';
import { registryView, withRequired } from '../../overlays/lib/registry-view.js';
import type { RunOnce } from '../stage-task.js';
import { makeWorkspace, removeWorkspaces, type TestWorkspace } from '../testing/workspace.js';
import { compileTask } from './compile.js';

afterAll(removeWorkspaces);

const TEAM = `apiVersion: qlf.dev/v1
kind: Overlay
name: team-audit
version: 1.0.0
type: compliance
description: Every service keeps an audit trail.
detect:
  - { pattern: '\\baudit trail\\b', weight: 0.4 }
controls:
  auditLog: true
`;

const brief = (name: string, description: string, extra = '') =>
  `apiVersion: qlf.dev/v1\nkind: Brief\nname: ${name}\ndescription: ${description}\n${extra}`;

const BRIEFS = {
  audited: brief('audited', 'Members borrow books from a library.', 'overlays: [team-audit]\n'),
  library: brief('library', 'Members borrow books and librarians track loans.'),
  payments: brief('payments', 'A PCI-compliant payment processing API with fraud detection.'),
};

async function workspace(): Promise<TestWorkspace> {
  const ws = await makeWorkspace(
    BRIEFS,
    `${JSON.stringify({ briefs: ['briefs/**/brief.qlf.yaml'], overlays: { dirs: ['overlays'] } })}\n`,
  );
  await ws.write('overlays/team-audit.yaml', TEAM);
  return ws;
}

function freshOnce(): RunOnce {
  const memo = new Map<string, Promise<unknown>>();
  return <T>(key: string, compute: () => Promise<T>) => {
    if (!memo.has(key)) memo.set(key, compute());
    return memo.get(key) as Promise<T>;
  };
}

/** Each brief's compile hash, as one run computes them. */
async function hashes(ws: TestWorkspace): Promise<Record<string, string>> {
  const config = await ws.config();
  const once = freshOnce();
  const result: Record<string, string> = {};
  for (const name of Object.keys(BRIEFS)) {
    const file = join(ws.root, 'briefs', name, 'brief.qlf.yaml');
    const parts = await compileTask.inputs({
      config,
      brief: { name, file, uses: [] },
      inputDir: '',
      usesDirs: {},
      serviceDir: '',
      once,
    });
    result[name] = hashParts(parts);
  }
  return result;
}

const memoFile = (ws: TestWorkspace) => join(ws.root, '.qlf', 'compile-overlays.json');

async function savedMemo(ws: TestWorkspace): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const text = await readFile(memoFile(ws), 'utf8').catch(() => undefined);
    if (text) return text;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error('the memo was never saved');
}

describe('compile task hash: overlays', () => {
  it('an overlay edit changes the hashes of the briefs applying it, and no other', async () => {
    const ws = await workspace();
    const before = await hashes(ws);
    await ws.write('overlays/team-audit.yaml', TEAM.replace('auditLog: true', 'auditLog: true\n  tls: true'));
    const after = await hashes(ws);
    expect(after.audited).not.toBe(before.audited);
    expect(after.library).toBe(before.library);
    expect(after.payments).toBe(before.payments);
  });

  it('a detection edit (a new pattern) changes every hash: suggestions are in every IR', async () => {
    const ws = await workspace();
    const before = await hashes(ws);
    await ws.write(
      'overlays/team-audit.yaml',
      TEAM.replace('weight: 0.4 }', "weight: 0.4 }\n  - { pattern: 'loans', weight: 0.3 }"),
    );
    const after = await hashes(ws);
    for (const name of Object.keys(BRIEFS)) expect(after[name], name).not.toBe(before[name]);
  });

  it('an auto-applied built-in overlay counts as used: overriding pci changes only the PCI brief', async () => {
    const ws = await workspace();
    const before = await hashes(ws);
    const pci = readFileSync(join(builtinOverlayDir(), 'pci.yaml'), 'utf8');
    await ws.write('overlays/pci.yaml', pci.replace(/^description: .*$/m, 'description: "Our own PCI rules."'));
    const after = await hashes(ws);
    expect(after.payments).not.toBe(before.payments);
    expect(after.library).toBe(before.library);
    expect(after.audited).toBe(before.audited);
  });

  it('an overlay a used one requires counts as used', async () => {
    const ws = await workspace();
    await ws.write(
      'overlays/house.yaml',
      TEAM.replace('name: team-audit', 'name: house').replace(/detect:\n.*\n/, 'requires: [team-audit]\n'),
    );
    await ws.write('briefs/library/brief.qlf.yaml', `${BRIEFS.library}overlays: [house]\n`);
    const before = await hashes(ws);
    await ws.write('overlays/team-audit.yaml', TEAM.replace('auditLog: true', 'auditLog: true\n  tls: true'));
    const after = await hashes(ws);
    expect(after.library).not.toBe(before.library);
    expect(after.payments).toBe(before.payments);
  });

  it('is the same with, without and with a corrupt memo', async () => {
    const ws = await workspace();
    const first = await hashes(ws);
    expect(JSON.parse(await savedMemo(ws)).briefs).not.toEqual({});
    expect(await hashes(ws)).toEqual(first);
    await ws.write('.qlf/compile-overlays.json', '{"identity": 1, "briefs": [');
    expect(await hashes(ws)).toEqual(first);
    await rm(memoFile(ws), { force: true });
    expect(await hashes(ws)).toEqual(first);
  });

  it('a broken overlay file or a brief that does not parse hashes every overlay file', async () => {
    const ws = await workspace();
    const before = await hashes(ws);
    await ws.write('overlays/broken.yaml', 'name: [');
    const broken = await hashes(ws);
    expect(broken.library).not.toBe(before.library);
    await rm(join(ws.root, 'overlays', 'broken.yaml'));
    await ws.write('briefs/library/brief.qlf.yaml', 'name: library\n');
    const once = freshOnce();
    const parts = await compileTask.inputs({
      config: await ws.config(),
      brief: { name: 'library', file: join(ws.root, 'briefs', 'library', 'brief.qlf.yaml'), uses: [] },
      inputDir: '',
      usesDirs: {},
      serviceDir: '',
      once,
    });
    expect(parts.filter((p) => typeof p === 'string' && p.startsWith('overlay 0/'))).toHaveLength(
      readdirSync(builtinOverlayDir()).filter((f) => f.endsWith('.yaml')).length,
    );
  });
});

describe('overlays the hash decides on', () => {
  const descriptions = [
    ...readdirSync(packagePath('executors', 'compile', 'corpus'))
      .filter((f) => f.endsWith('.yaml'))
      .map(
        (f) =>
          (parse(readFileSync(packagePath('executors', 'compile', 'corpus', f), 'utf8')) as { description: string })
            .description,
      ),
  ];
  const examples = readdirSync(packagePath('examples')).map((name) =>
    readFileSync(packagePath('examples', name, 'brief.qlf.yaml'), 'utf8'),
  );

  it('are exactly the overlays the compiler applies, on the corpus and the examples', async () => {
    const registry = await loadOverlayRegistry([]);
    const view = await registryView([], { get: () => undefined, set: () => undefined });
    const texts = [...examples, ...descriptions.map((d, i) => brief(`corpus-${i}`, JSON.stringify(d)))];
    let applied = 0;
    for (const text of texts) {
      const decided = withRequired(
        overlaysRequestedBy(
          text,
          view.overlays.map((o) => o.outline),
          0.7,
        ),
        view,
      );
      const { ir } = await runCompile({
        source: { text },
        overlays: registry,
        autoApplyThreshold: 0.7,
        checkBuildable: false,
      });
      const names = ir.overlays.applied.map((o) => o.name).sort();
      applied += names.length;
      expect(decided, text).toEqual(names);
    }
    expect(applied).toBeGreaterThan(20);
  });
});
