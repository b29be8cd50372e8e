// The qlf benchmark (a script, not a test):
// `node dist/bench/run.js [--sizes 10,100,500] [--stage generate] [--nx-max N] [--repeat N] [--skip-examples]`.
// For each size it measures a synthetic workspace (bench/synthetic.ts), then the bundled examples through every
// stage (bench/examples.ts), each beside `nx run-many` on the same workspace; it prints every measurement and the
// targets of issue #15 with their verdicts (bench/report.ts).
import { parseArgs } from 'node:util';
import { isStageName } from '../graph/stages.js';
import { benchExamples } from './examples.js';
import { table, targets } from './report.js';
import { benchSize } from './synthetic.js';
import type { Row } from './tasks.js';

const USAGE =
  'usage: node dist/bench/run.js [--sizes 10,100,500] [--stage generate] [--nx-max 500] [--repeat 5] [--skip-examples]\n';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10,100,500' },
      stage: { type: 'string', default: 'generate' },
      // Nx's cold run forks a process per task (about a second each here): compare with Nx up to this many briefs.
      'nx-max': { type: 'string', default: '500' },
      // Warm no-ops are measured this many times (Nx's up to 3) and the median reported.
      repeat: { type: 'string', default: '5' },
      // The examples' cold run verifies, builds and packages six services: minutes, with Python and databases.
      'skip-examples': { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const nxMax = Number(values['nx-max']);
  const repeats = Number(values.repeat);
  if (
    sizes.some((n) => !Number.isInteger(n) || n < 2) ||
    !isStageName(values.stage) ||
    !Number.isInteger(nxMax) ||
    !Number.isInteger(repeats) ||
    repeats < 1
  ) {
    process.stderr.write(USAGE);
    return 2;
  }
  const rows: Row[] = [];
  for (const size of sizes) {
    process.stderr.write(`bench: ${size} briefs...\n`);
    rows.push(...(await benchSize(size, values.stage, size <= nxMax, repeats)));
  }
  if (!values['skip-examples']) {
    process.stderr.write('bench: the examples, every stage...\n');
    rows.push(...(await benchExamples(nxMax > 0, repeats)));
  }
  const header = `qlf benchmark: synthetic briefs through compile..${values.stage} (\`--stage ${values.stage}\`), the examples through every stage; node ${process.version}`;
  process.stdout.write(`${table(rows, header)}\n\nTargets (issue #15):\n\n${targets(rows)}\n`);
  return 0;
}

process.exitCode = await main();
