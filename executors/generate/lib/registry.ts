// Picks one generator agent per artifact kind: the highest score above 0 wins, ties go to the name that sorts first.
import { inputError } from '../../../core/errors.js';
import { backendName, databaseName } from '../../../schemas/common.js';
import type { IR } from '../../../schemas/ir.js';
import { ARTIFACT_KINDS, type ArtifactKind, type GeneratorAgent } from './agent.js';

export interface SelectedAgent {
  kind: ArtifactKind;
  agent: GeneratorAgent;
  score: number;
}

/** The stack setting an artifact kind depends on: the database for migrations, the backend for everything else. */
function stackSetting(kind: ArtifactKind): 'backend' | 'database' {
  return kind === 'database' ? 'database' : 'backend';
}

/** Values of that stack setting some agent of `kind` can serve, found by asking each agent about a variant IR. */
function supportedValues(ir: IR, kind: ArtifactKind, agents: readonly GeneratorAgent[]): string[] {
  const setting = stackSetting(kind);
  const values: readonly string[] = setting === 'database' ? databaseName.options : backendName.options;
  const candidates = agents.filter((agent) => agent.kind === kind);
  return values.filter((value) => {
    const variant = { ...ir, stack: { ...ir.stack, [setting]: { ...ir.stack[setting], value } } } as IR;
    return candidates.some((agent) => agent.score(variant) > 0);
  });
}

/** One agent per kind in `ARTIFACT_KINDS` order; a kind nobody can serve is an input error naming the stack. */
export function selectAgents(ir: IR, agents: readonly GeneratorAgent[]): SelectedAgent[] {
  return ARTIFACT_KINDS.map((kind) => {
    let best: SelectedAgent | undefined;
    for (const agent of agents) {
      if (agent.kind !== kind) continue;
      const score = agent.score(ir);
      if (!(score > 0)) continue;
      if (!best || score > best.score || (score === best.score && agent.name < best.agent.name)) {
        best = { kind, agent, score };
      }
    }
    if (best) return best;
    const setting = stackSetting(kind);
    const supported = supportedValues(ir, kind, agents);
    throw inputError('E_NO_AGENT', `no ${kind} generator for stack "${ir.stack[setting].value}"`, {
      hint:
        supported.length > 0
          ? `supported: ${supported.join(', ')}; set stack.${setting} in the brief to one of them`
          : `no installed generator produces ${kind} files; this qlf build cannot generate this service`,
    });
  });
}
