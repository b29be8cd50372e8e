// The benchmark over a synthetic workspace of N briefs: a cold run, a warm no-op, one brief edited, one workspace
// overlay edited, a whitespace-only edit (early cutoff), a published output deleted by hand, a file added to a working
// copy, and the cold and warm `nx run-many` on the same workspace.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packagePath } from '../core/package-info.js';
import { STAGES, type StageName } from '../graph/stages.js';
import { measure } from './measure.js';
import { nxRows } from './nx-rows.js';
import { expectRan, median, type Row, ranTasks, summary, tasksOf } from './tasks.js';
import { createWorkspace, syntheticBriefs, TEAM_OVERLAY, type Workspace } from './workspace.js';

/** Briefs in `names` that ran `stage`, sorted. */
function briefsThatRan(tasks: ReturnType<typeof tasksOf>, stage?: StageName): string[] {
  const ran = ranTasks(tasks).filter((t) => (stage ? t.stage === stage : t.stage !== 'compile'));
  return [...new Set(ran.map((t) => t.brief))].sort();
}

export async function benchSize(size: number, stage: StageName, withNx: boolean, repeats: number): Promise<Row[]> {
  const briefs = syntheticBriefs(size);
  const ws: Workspace = await createWorkspace({ briefs });
  const rows: Row[] = [];
  const stages = STAGES.slice(0, STAGES.indexOf(stage) + 1);
  const ids = (names: string[], only?: StageName[]) => names.flatMap((n) => (only ?? stages).map((s) => `${n}:${s}`));
  const qlf = () =>
    measure(process.execPath, [packagePath('bin', 'qlf.js'), 'run', '--stage', stage, '--json', '--continue'], {
      cwd: ws.root,
      env: { NO_COLOR: '1' },
    });
  const row = (scenario: string, measured: Awaited<ReturnType<typeof qlf>>, check: string): Row => ({
    size,
    scenario,
    measured,
    check,
    ran: ranTasks(tasksOf(measured)).length,
  });
  try {
    const cold = await qlf();
    const rate = size / (cold.wallMs / 1000);
    rows.push(row('cold full run', cold, `${summary(tasksOf(cold))}; ${rate.toFixed(1)} briefs/s`));

    // No-ops repeat the same work, so they are measured several times and the median is reported.
    const warm = await median(repeats, qlf);
    rows.push(row('warm no-op', warm.median, `${expectRan(tasksOf(warm.median), [])}; ${warm.spread}`));

    // An edited description: that brief's stages re-run (no synthetic brief uses #0).
    const edited = briefs[0];
    if (edited) {
      await ws.write(`briefs/${edited.name}/brief.qlf.yaml`, edited.text.replace('page by page', 'ten at a time'));
      const one = await qlf();
      rows.push(row('one brief edited', one, expectRan(tasksOf(one), ids([edited.name]))));
    }

    // The workspace overlay: only its users' compiles re-run (and those of the briefs using them, whose hashes cover
    // their outputs); downstream, the same briefs at most.
    const users = briefs.filter((b) => /overlays: \[.*team-audit/.test(b.text)).map((b) => b.name);
    const dependents = briefs.filter((b) => users.some((u) => b.text.includes(`uses: [${u}]`))).map((b) => b.name);
    const allowed = new Set([...users, ...dependents]);
    await ws.write('overlays/team-audit.yaml', TEAM_OVERLAY.replace('auditLog: true', 'auditLog: true\n  tls: true'));
    const overlay = await qlf();
    const within = (names: string[]) => names.every((b) => allowed.has(b)) && users.every((u) => names.includes(u));
    const compiled = briefsThatRan(tasksOf(overlay), 'compile');
    const downstream = briefsThatRan(tasksOf(overlay));
    rows.push(
      row(
        `overlay edited (${users.length} users)`,
        overlay,
        `${summary(tasksOf(overlay))}; compile ${within(compiled) ? 'only its users' : `UNEXPECTED: ${compiled.length} briefs`}, downstream ${within(downstream) ? 'only its users' : `UNEXPECTED: ${downstream.length} briefs`}`,
      ),
    );

    // Whitespace only: compile re-runs, produces the same IR, and nothing downstream runs.
    const spaced = briefs[1];
    if (spaced) {
      await ws.write(`briefs/${spaced.name}/brief.qlf.yaml`, `${spaced.text}\n\n# a comment\n`);
      const ws1 = await qlf();
      rows.push(row('whitespace-only edit', ws1, expectRan(tasksOf(ws1), ids([spaced.name], ['compile']))));
    }

    // A published output deleted by hand: the warm path notices and restores it from the cache; nothing runs.
    const restored = briefs[2];
    if (restored) {
      const ir = `dist/qlf/${restored.name}/ir.json`;
      await ws.remove(ir);
      const again = await qlf();
      const back = existsSync(join(ws.root, ir));
      rows.push(
        row(
          'published ir.json deleted',
          again,
          `${expectRan(tasksOf(again), [])}; ir.json ${back ? 'restored' : 'MISSING'}`,
        ),
      );
    }

    // A hand edit in a working copy: that brief's generate merges (nothing to write) and the stages after it re-run.
    const handEdited = briefs[3];
    if (handEdited) {
      await ws.write(`briefs/${handEdited.name}/service/app/mine.py`, 'ANSWER = 42\n');
      const edit = await qlf();
      const after = stages.slice(stages.indexOf('generate') + 1);
      rows.push(row('working-copy file added', edit, expectRan(tasksOf(edit), ids([handEdited.name], after))));
    }

    if (withNx) rows.push(...(await nxRows(ws.root, size, stages, repeats)));
  } finally {
    await ws.dispose();
  }
  return rows;
}
