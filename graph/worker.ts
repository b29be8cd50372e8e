// The piscina worker: runs one stage task per call in a worker thread (compiled to dist/graph/worker.js).
import { runWithRemoteParent } from '../observability/tracing/index.js';
import { executeTask } from './execute-task.js';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.js';

export default function runInWorker(request: WorkerRequest): Promise<WorkerResponse> {
  return runWithRemoteParent(request.trace, () => executeTask(request));
}
