// One task's details for the pipeline view: from the run this server is doing (or did last), else from what the
// workspace records: the published record's log and duration, and the audit log's status.
import { join } from 'node:path';
import { resolveInside } from '../../core/safe-path.js';
import { readPublishedRecord } from '../../graph/published-record.js';
import { isStageName } from '../../graph/stages.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { TaskView } from '../shared/api.js';
import { ApiError } from './http-util.js';
import type { RunHub } from './run-hub.js';
import { briefStatuses } from './stage-status.js';

export async function taskDetails(config: ResolvedConfig, hub: RunHub, id: string): Promise<TaskView> {
  const [brief, stage, ...rest] = id.split(':');
  if (!brief || !stage || rest.length > 0 || !isStageName(stage)) {
    throw new ApiError(400, 'E_UI_BAD_REQUEST', `${JSON.stringify(id)} is not a task id (<brief>:<stage>)`);
  }
  const status = (await briefStatuses(config, [brief])).get(brief)?.[stage];
  const fromRun = hub.task(id);
  const endedAt = hub.snapshot()?.endedAt;
  // This server's run says most (its log, a failure's hint), unless a run recorded after it ended (in a terminal).
  const recordedLater =
    endedAt !== undefined && status?.at !== undefined && Date.parse(status.at) > Date.parse(endedAt);
  if (fromRun && !recordedLater) return fromRun;
  let published: ReturnType<typeof readPublishedRecord>['stages'][typeof stage];
  try {
    published = readPublishedRecord(resolveInside(join(config.root, '.qlf', 'published'), `${brief}.json`)).stages[
      stage
    ];
  } catch {
    published = undefined;
  }
  if (!status && !published) throw new ApiError(404, 'E_UI_NOT_FOUND', `${id} has no recorded run yet`);
  // The published log is the last success's: it does not describe a failure recorded since.
  const log =
    published && (!status || status.status === 'success' || status.status === 'cached') ? published : undefined;
  return {
    id,
    brief,
    stage,
    status: status?.status ?? 'success',
    ...(status?.cache ? { cache: status.cache } : {}),
    ...(status?.errorCode ? { errorCode: status.errorCode } : {}),
    ...(log ? { durationMs: log.durationMs, log: log.terminalOutput } : {}),
    source: log ? 'published' : 'audit',
  };
}
