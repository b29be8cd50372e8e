// The task graph the pipeline view draws: one node per brief and stage, edges along the stage chain and `uses`, with
// each task's last recorded status. Briefs that cannot be read are left out (the briefs list shows their problem).
import { buildTaskGraph, orderedStages, stageTasks } from '../../graph/index.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { GraphResponse, StageName, StageStatus } from '../shared/api.js';
import { listBriefs } from './briefs-api.js';

export async function taskGraph(config: ResolvedConfig): Promise<GraphResponse> {
  const briefs = (await listBriefs(config)).filter((brief) => brief.name !== null);
  const refs = briefs.map((brief) => ({ name: brief.name as string, file: brief.file, uses: brief.uses }));
  // Lenient: a `uses` naming a brief that does not exist (yet) is drawn without its edge instead of failing the view.
  const graph = buildTaskGraph(refs, orderedStages(stageTasks), { lenient: true });
  const statuses: Record<string, StageStatus> = {};
  for (const brief of briefs) {
    for (const [stage, status] of Object.entries(brief.stages) as [StageName, StageStatus][]) {
      statuses[`${brief.name}:${stage}`] = status;
    }
  }
  return { nodes: graph.nodes, edges: graph.edges, statuses };
}
