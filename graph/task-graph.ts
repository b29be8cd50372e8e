// The task graph: one node per (brief, stage), edges along the stage chain and along `uses`.
//
// Edge rule for `uses`: a brief's stage S depends on stage S of every brief it uses (orders:generate waits for
// payments:generate). That is the finest ordering that still lets a stage read the same stage's output of the services
// it calls (their IR when compiling, their OpenAPI when generating a client), without serialising whole pipelines.
import { inputError } from '../core/errors.js';
import type { BriefRef } from './stage-task.js';
import type { StageName } from './stages.js';

export interface TaskNode {
  /** `<brief>:<stage>`. */
  id: string;
  brief: string;
  stage: StageName;
}

export interface TaskEdge {
  /** The task that waits. */
  from: string;
  /** The task it waits for. */
  to: string;
  kind: 'stage' | 'uses';
}

export interface TaskGraph {
  nodes: TaskNode[];
  edges: TaskEdge[];
  /** Task id → ids it depends on. */
  dependencies: Map<string, string[]>;
  /** Task id → ids that depend on it. */
  dependents: Map<string, string[]>;
  briefs: Map<string, BriefRef>;
}

export function taskId(brief: string, stage: StageName): string {
  return `${brief}:${stage}`;
}

/**
 * Builds the graph for `briefs` over `stages` (in pipeline order, only stages that have a task). A `uses` name that is
 * not among the briefs is ignored when `lenient` (a narrowed run), else an input error. Cycles are input errors.
 */
export function buildTaskGraph(
  briefs: readonly BriefRef[],
  stages: readonly StageName[],
  options: { lenient?: boolean } = {},
): TaskGraph {
  const byName = new Map(briefs.map((brief) => [brief.name, brief]));
  const nodes: TaskNode[] = [];
  const edges: TaskEdge[] = [];
  for (const brief of briefs) {
    for (const used of brief.uses) {
      if (!byName.has(used) && !options.lenient) {
        throw inputError('E_GRAPH_UNKNOWN_USES', `brief "${brief.name}" uses "${used}", which no brief is named`, {
          hint: `Add a brief named "${used}" or remove it from \`uses\` in ${brief.file}.`,
        });
      }
    }
    stages.forEach((stage, index) => {
      nodes.push({ id: taskId(brief.name, stage), brief: brief.name, stage });
      const previous = stages[index - 1];
      if (previous) edges.push({ from: taskId(brief.name, stage), to: taskId(brief.name, previous), kind: 'stage' });
      for (const used of brief.uses) {
        if (byName.has(used)) edges.push({ from: taskId(brief.name, stage), to: taskId(used, stage), kind: 'uses' });
      }
    });
  }
  const dependencies = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  const dependents = new Map<string, string[]>(nodes.map((node) => [node.id, []]));
  for (const edge of edges) {
    dependencies.get(edge.from)?.push(edge.to);
    dependents.get(edge.to)?.push(edge.from);
  }
  const cycle = findCycle(briefs, byName);
  if (cycle) {
    throw inputError('E_GRAPH_CYCLE', `briefs use each other in a cycle: ${cycle.join(' → ')}`, {
      hint: 'Remove one of these `uses` entries; services that call each other cannot be built in order.',
    });
  }
  return { nodes, edges, dependencies, dependents, briefs: byName };
}

/** The first `uses` cycle (as a closed list of names), or undefined. The task graph cycles exactly when this does. */
function findCycle(briefs: readonly BriefRef[], byName: Map<string, BriefRef>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const used of byName.get(name)?.uses ?? []) {
      if (!byName.has(used)) continue;
      const found = visit(used);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const brief of [...briefs].sort((a, b) => a.name.localeCompare(b.name))) {
    const found = visit(brief.name);
    if (found) return found;
  }
  return undefined;
}

/** Task ids in an order where every task comes after its dependencies (stable: pipeline order, then name). */
export function topologicalOrder(graph: TaskGraph): string[] {
  const remaining = new Map([...graph.dependencies].map(([id, deps]) => [id, deps.length]));
  const order: string[] = [];
  let ready = [...remaining].filter(([, count]) => count === 0).map(([id]) => id);
  while (ready.length > 0) {
    ready.sort();
    const next: string[] = [];
    for (const id of ready) {
      order.push(id);
      for (const dependent of graph.dependents.get(id) ?? []) {
        const left = (remaining.get(dependent) ?? 0) - 1;
        remaining.set(dependent, left);
        if (left === 0) next.push(dependent);
      }
    }
    ready = next;
  }
  return order;
}
