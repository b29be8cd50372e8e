// The benchmark over the bundled examples, every stage (compile → deploy): a cold run, then the warm no-op that
// `qlf run examples` is after every change elsewhere. The workspace builds no image (`build.image: false`): an image
// build skipped for want of a container engine is never cached, so without an engine every run would build again.
import { packagePath } from '../core/package-info.js';
import { STAGES } from '../graph/stages.js';
import { measure } from './measure.js';
import { nxRows } from './nx-rows.js';
import { expectRan, median, type Row, ranTasks, summary, tasksOf } from './tasks.js';
import { createWorkspace, exampleBriefs } from './workspace.js';

export const EXAMPLES = 'examples';

export async function benchExamples(withNx: boolean, repeats: number): Promise<Row[]> {
  const briefs = exampleBriefs();
  const ws = await createWorkspace({ briefs, folder: 'examples', config: { build: { image: false } } });
  const qlf = () =>
    measure(process.execPath, [packagePath('bin', 'qlf.js'), 'run', 'examples', '--json', '--continue'], {
      cwd: ws.root,
      env: { NO_COLOR: '1' },
    });
  const rows: Row[] = [];
  try {
    const cold = await qlf();
    rows.push({
      size: EXAMPLES,
      scenario: `cold full run, all stages (${briefs.length} briefs)`,
      measured: cold,
      check: summary(tasksOf(cold)),
      ran: ranTasks(tasksOf(cold)).length,
    });
    const warm = await median(repeats, qlf);
    rows.push({
      size: EXAMPLES,
      scenario: 'warm no-op, all stages',
      measured: warm.median,
      check: `${expectRan(tasksOf(warm.median), [])}; ${warm.spread}`,
      ran: ranTasks(tasksOf(warm.median)).length,
    });
    if (withNx) rows.push(...(await nxRows(ws.root, EXAMPLES, STAGES, repeats, briefs.length)));
  } finally {
    await ws.dispose();
  }
  return rows;
}
