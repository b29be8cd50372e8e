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
