// The pipeline order, in one place: everything else asks this list.

export const STAGES = ['compile', 'generate', 'verify', 'build', 'package', 'deploy'] as const;
export type StageName = (typeof STAGES)[number];

/** The stage a stage depends on, or undefined for the first. */
export function upstreamOf(stage: StageName): StageName | undefined {
  const index = STAGES.indexOf(stage);
  return index > 0 ? STAGES[index - 1] : undefined;
}

export function isStageName(value: string): value is StageName {
  return (STAGES as readonly string[]).includes(value);
}

/** compile's canonical IR. */
export const IR_FILE = 'ir.json';
/** generate's pristine tree, as published under `<outDir>/<name>/`. */
export const GENERATED_DIR = 'generated';
/** The lock the working copy gets: the IR and the digest of every generated file. */
export const GENERATED_LOCK = 'generated.lock.json';
/** What the model calls of a generation cost (`templates`: none); `qlf run` sums it per brief and in total. */
export const LLM_USAGE = 'llm-usage.json';
/** The manifest of the working copy's shipped files after the merge: what downstream stages (and Nx hashes) read. */
export const SOURCE_MANIFEST = 'source.json';
/** deploy's rendered Kubernetes objects. */
export const DEPLOY_DIR = 'deploy';

/**
 * What each stage owns under `<outDir>/<name>/`, a file or a folder: what qlf caches and publishes, and what Nx
 * restores on a hit and hashes for dependents. The stage tasks and the Nx plugin both read this one declaration.
 */
export const STAGE_OUTPUTS: { readonly [S in StageName]: readonly string[] } = {
  compile: [IR_FILE],
  generate: [GENERATED_DIR, GENERATED_LOCK, LLM_USAGE],
  verify: ['verify'],
  build: ['build'],
  package: ['package'],
  deploy: [DEPLOY_DIR],
};

/**
 * Records a stage writes beside its outputs once they are published, outside qlf's cache: generate's manifest of the
 * working copy after the merge. Nx declares them as outputs too, so the stages after it hash the working copy.
 */
export const STAGE_RECORDS: { readonly [S in StageName]?: readonly string[] } = {
  generate: [SOURCE_MANIFEST],
};
