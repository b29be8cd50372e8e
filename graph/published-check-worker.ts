// Worker thread for `PublishedState.checkAhead`: checks published records from the far end of the run's task order
// while the main thread checks from the front, so a warm run's many stat calls use a second core. It stops where the
// main thread has got to (`progress`), and only reads.
import { parentPort, workerData } from 'node:worker_threads';
import { type PublishedRecord, readPublishedRecord, stageUnchanged, verdictKey } from './published-record.js';

export interface CheckRequest {
  cacheDir: string;
  /** Tasks to check, last needed first: brief, stage, record file, position in the run's order. */
  tasks: [brief: string, stage: string, file: string, position: number][];
  /** One Int32: the furthest position the main thread has checked itself (-1 for none). */
  progress: SharedArrayBuffer;
}

/** A batch of verdicts: brief, stage, the `verdictKey` judged, and whether it still holds. */
export type CheckVerdict = [brief: string, stage: string, key: string, unchanged: boolean];

const { cacheDir, tasks, progress } = workerData as CheckRequest;
const reached = new Int32Array(progress);
const records = new Map<string, PublishedRecord>();
let batch: CheckVerdict[] = [];
for (const [brief, stage, file, position] of tasks) {
  if (Atomics.load(reached, 0) >= position) break;
  let record = records.get(brief);
  if (!record) {
    record = readPublishedRecord(file);
    records.set(brief, record);
  }
  const known = record.stages[stage as keyof PublishedRecord['stages']];
  if (known) batch.push([brief, stage, verdictKey(known), stageUnchanged(known, cacheDir)]);
  if (batch.length >= 8) {
    parentPort?.postMessage(batch);
    batch = [];
  }
}
parentPort?.postMessage(batch);
