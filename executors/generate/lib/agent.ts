// The generator agent contract: each agent turns the IR into the files of one artifact kind.
import type { GeneratedFile } from '../../../schemas/generated-tree.js';
import type { IR } from '../../../schemas/ir.js';

/** Artifact kinds the generate stage produces; one agent is chosen per kind. */
export const ARTIFACT_KINDS = ['backend', 'database', 'api', 'tests', 'docs'] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

export interface AgentContext {
  /** qlf version, written into generated headers so output changes when qlf does. */
  qlfVersion: string;
}

export interface GeneratorAgent {
  /** Unique id, e.g. `fastapi-backend`. */
  name: string;
  kind: ArtifactKind;
  /**
   * How well this agent fits the IR: 0 means it cannot serve it (e.g. wrong stack), higher is better.
   * The registry picks the highest score per kind; a kind with no agent above 0 is an error naming the stack.
   */
  score(ir: IR): number;
  /** Pure: same IR and context → same files, byte for byte. Paths are POSIX, relative to the service root. */
  generate(ir: IR, ctx: AgentContext): Omit<GeneratedFile, 'agent'>[];
}
