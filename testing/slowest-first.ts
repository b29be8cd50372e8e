// Test files in the order that finishes the suite soonest on few workers: the longest files first (longest
// processing time first), then the rest in vitest's own order (its cached durations, else file size). A fresh checkout
// has no cached durations, and without this a 4-minute file could start last and run alone.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The slowest files, slowest first, as measured on a 2-core machine (`vitest run --reporter=json`). */
const SLOWEST = [
  'e2e/database-matrix.test.ts',
  'e2e/edit-loop.test.ts',
  'e2e/nx.test.ts',
  'e2e/run.test.ts',
  'executors/generate/generated-service.test.ts',
  'e2e/llm-generate.test.ts',
  'e2e/kill-run.test.ts',
  'e2e/nx-workspace.test.ts',
  'e2e/deploy.test.ts',
  'e2e/migrations.test.ts',
  'graph/stage-tasks/stage-tasks.test.ts',
  'executors/verify/generated.test.ts',
];

function rank(file: TestSpecification): number {
  const path = file.moduleId.replaceAll('\\', '/');
  const index = SLOWEST.findIndex((slow) => path.endsWith(`/${slow}`));
  return index < 0 ? SLOWEST.length : index;
}

export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return sorted
      .map((file, at) => ({ file, at, rank: rank(file) }))
      .sort((a, b) => a.rank - b.rank || a.at - b.at)
      .map(({ file }) => file);
  }
}
