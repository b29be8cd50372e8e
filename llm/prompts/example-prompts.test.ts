// Pins the domain and compile prompts of every example brief: a change to a template or to the view shows up as a
// diff of readable prompt text in review.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCompile } from '../../executors/compile/compile.js';
import { domainTasks } from '../../executors/generate/model/domain-tasks.js';
import { loadOverlayRegistry, type OverlayRegistry } from '../../overlays/index.js';
import type { IR } from '../../schemas/ir.js';
import type { PromptAgent } from '../../schemas/llm.js';
import { modelFactsJsonSchema } from '../../schemas/model-facts.js';
import { type ComposedPrompt, composePrompt } from './compose.js';

const EXAMPLES = join(import.meta.dirname, '../../examples');

/** The prompt as one readable file: files used, then system, then user. */
function promptText(prompt: ComposedPrompt): string {
  return [
    '=== files ===',
    ...prompt.files,
    '=== system ===',
    prompt.system.trimEnd(),
    '=== user ===',
    prompt.user,
  ].join('\n');
}

const examples = readdirSync(EXAMPLES).sort();
const irs = new Map<string, IR>();
let registry: OverlayRegistry;

beforeAll(async () => {
  registry = await loadOverlayRegistry([]);
  for (const name of examples) {
    const file = join(EXAMPLES, name, 'brief.qlf.yaml');
    const text = readFileSync(file, 'utf8');
    irs.set(name, (await runCompile({ source: { text, file }, overlays: registry, autoApplyThreshold: 0.7 })).ir);
  }
});

function compose(name: string, agent: PromptAgent): ComposedPrompt {
  const ir = irs.get(name)!;
  const vars =
    agent === 'domain'
      ? { tasks: domainTasks(ir) }
      : { description: ir.description, factsSchema: modelFactsJsonSchema() };
  return composePrompt({ agent, ir, vars });
}

describe('example prompts', () => {
  it('covers every example brief', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  for (const name of examples) {
    for (const agent of ['domain', 'compile'] as const) {
      it(`${name}: ${agent}`, async () => {
        // A service with no domain logic beyond the templates sends no domain prompt: there is nothing to pin.
        if (agent === 'domain' && domainTasks(irs.get(name)!).length === 0) return;
        await expect(promptText(compose(name, agent))).toMatchFileSnapshot(`./__snapshots__/${name}.${agent}.txt`);
      });
    }
  }
});
