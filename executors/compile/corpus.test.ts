// Precision and recall of the compiler over the hand-labelled corpus in `corpus/`.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOverlayRegistry } from '../../overlays/index.js';
import { formatScores, loadCorpus, METRICS, scoreCorpus } from './testing/corpus-metrics.js';

/** The floor every metric must reach on the labelled corpus. */
const FLOOR = 0.9;

describe('labelled corpus', () => {
  it('reaches precision and recall of at least 0.9 on every metric', async () => {
    const cases = loadCorpus(join(import.meta.dirname, 'corpus'));
    expect(cases.length).toBeGreaterThanOrEqual(60);
    const { scores } = await scoreCorpus(cases, await loadOverlayRegistry([]));
    console.log(`corpus: ${cases.length} briefs\n${formatScores(scores)}`);
    for (const metric of METRICS) {
      expect.soft(scores[metric].precision, `${metric} precision`).toBeGreaterThanOrEqual(FLOOR);
      expect.soft(scores[metric].recall, `${metric} recall`).toBeGreaterThanOrEqual(FLOOR);
    }
  });
});
