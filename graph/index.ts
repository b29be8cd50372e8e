// The task graph engine's public API: the CLI (`qlf run`, `qlf graph`), `qlf watch`, the Nx plugin and the benchmark
// use only these exports.

export type { CacheStats } from '../cache/local-cache.js';
export { LocalCache } from '../cache/local-cache.js';
export type { CacheManifest } from '../cache/manifest.js';
export { readBriefRef } from '../workspace/briefs.js';
export type { AffectedOptions } from './affected.js';
export { affectedBriefs, briefsAffectedBy, isOverlayFile } from './affected.js';
export { discoverBriefs } from './discover-briefs.js';
export type { RunEvent, RunEventName, RunTotals, TaskResult, TaskStatus } from './events.js';
export { totalsOf } from './events.js';
export { loadStageTasks } from './execute-task.js';
export { orderedStages, planGraph } from './plan-graph.js';
export { briefOutDir, publishOutputs } from './publish.js';
export { runGraph } from './run-graph.js';
export type { RunGraphOptions, RunResult } from './run-options.js';
export type { RunStageOptions, RunStageResult } from './run-stage.js';
export { runStage } from './run-stage.js';
export type { BriefRef, HashParts, StageTask, StageTaskContext } from './stage-task.js';
export { defineStageTask } from './stage-task.js';
export { stageTasks } from './stage-tasks/index.js';
export type { TaskEdge, TaskGraph, TaskNode } from './task-graph.js';
export { buildTaskGraph, taskId, topologicalOrder } from './task-graph.js';
export { computeTaskHash, TASK_HASH_SCHEME } from './task-hash.js';
