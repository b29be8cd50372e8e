// Waits on what controllers do after an apply: a migration Job finishing, a Deployment rolling out.
import { setTimeout as sleep } from 'node:timers/promises';
import { workError } from '../../../core/errors.js';
import type { KubeClient } from './kube-client.js';
import type { KubeObject } from './types.js';

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  onProgress: (line: string) => void;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}
interface Observed {
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    succeeded?: number;
    conditions?: Condition[];
  };
  metadata: { generation?: number };
}
type Verdict = { done: true } | { done: false; progress: string; failure?: string };

/** Polls `object` until `judge` says done, throws its failure, or the time runs out (then `onTimeout` builds the error). */
async function pollUntil(
  client: KubeClient,
  object: KubeObject,
  options: WaitOptions,
  judge: (live: Observed) => Verdict,
  onTimeout: (last: Observed | undefined) => Error,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last: Observed | undefined;
  let lastLine = '';
  for (;;) {
    last = (await client.read(object)) as unknown as Observed;
    const verdict = judge(last);
    if (verdict.done) return;
    if (verdict.failure) throw workError(verdict.failure, verdict.progress, { hint: hintFor(object) });
    if (verdict.progress !== lastLine) options.onProgress(verdict.progress);
    lastLine = verdict.progress;
    if (Date.now() + options.pollMs > deadline) throw onTimeout(last);
    await sleep(options.pollMs);
  }
}

/** Resolves when the Job has succeeded; a Failed condition becomes E_DEPLOY_MIGRATION_FAILED. */
export async function waitForJob(client: KubeClient, job: KubeObject, options: WaitOptions): Promise<void> {
  const name = job.metadata.name;
  await pollUntil(
    client,
    job,
    options,
    ({ status }) => {
      const failed = status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
      if (failed) {
        const why = [failed.reason, failed.message].filter(Boolean).join(': ') || 'no reason given';
        return {
          done: false,
          failure: 'E_DEPLOY_MIGRATION_FAILED',
          progress: `migration job "${name}" failed: ${why}`,
        };
      }
      const complete = status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
      if (complete || (status?.succeeded ?? 0) > 0) return { done: true };
      return { done: false, progress: `waiting for migration job "${name}" to complete...` };
    },
    () =>
      workError(
        'E_DEPLOY_MIGRATION_TIMEOUT',
        `migration job "${name}" did not complete within ${seconds(options.timeoutMs)}`,
        { hint: `${hintFor(job)}; raise the timeout if the migration is long` },
      ),
  );
  options.onProgress(`job "${name}" completed`);
}

/** Resolves when the Deployment is rolled out, the way `kubectl rollout status` decides it. */
export async function waitForRollout(client: KubeClient, deployment: KubeObject, options: WaitOptions): Promise<void> {
  const name = deployment.metadata.name;
  await pollUntil(
    client,
    deployment,
    options,
    (live) => rolloutVerdict(name, live),
    (last) =>
      workError(
        'E_DEPLOY_ROLLOUT_TIMEOUT',
        `deployment "${name}" in namespace "${deployment.metadata.namespace}" did not roll out within ${seconds(options.timeoutMs)}; last status: ${describeStatus(last)}`,
        { hint: `${hintFor(deployment)}; raise the timeout for slow starts` },
      ),
  );
  options.onProgress(`deployment "${name}" successfully rolled out`);
}

function rolloutVerdict(name: string, { metadata, spec, status = {} }: Observed): Verdict {
  const waiting = `waiting for deployment "${name}" rollout to finish:`;
  if ((status.observedGeneration ?? 0) < (metadata.generation ?? 0)) {
    return { done: false, progress: `waiting for deployment "${name}" spec update to be observed...` };
  }
  const stalled = status.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  if (stalled) {
    const progress = `deployment "${name}" exceeded its progress deadline: ${stalled.message ?? ''}`.trim();
    return { done: false, failure: 'E_DEPLOY_ROLLOUT_FAILED', progress };
  }
  const replicas = spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < replicas) {
    return { done: false, progress: `${waiting} ${updated} out of ${replicas} new replicas have been updated...` };
  }
  if ((status.replicas ?? 0) > updated) {
    const old = (status.replicas ?? 0) - updated;
    return { done: false, progress: `${waiting} ${old} old replicas are pending termination...` };
  }
  if (available < replicas) {
    return { done: false, progress: `${waiting} ${available} of ${replicas} updated replicas are available...` };
  }
  return { done: true };
}

function describeStatus(live: Observed | undefined): string {
  if (!live?.status) return 'no status reported';
  const { observedGeneration, replicas, updatedReplicas, readyReplicas, availableReplicas } = live.status;
  return (
    `observedGeneration ${observedGeneration ?? 0} of generation ${live.metadata.generation ?? 0}, ` +
    `${replicas ?? 0} replicas, ${updatedReplicas ?? 0} updated, ${readyReplicas ?? 0} ready, ${availableReplicas ?? 0} available`
  );
}

function hintFor(object: KubeObject): string {
  const ref = `${object.kind.toLowerCase()}/${object.metadata.name}`;
  return `inspect it with \`kubectl -n ${object.metadata.namespace} describe ${ref}\` and \`kubectl -n ${object.metadata.namespace} logs ${ref}\``;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10}s`;
