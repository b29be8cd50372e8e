// Pins the domain and compile prompts of every example brief: a change to a template or to the view shows up as a
// diff of readable prompt text in review.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCompile } from '../../executors/compile/compile.js';
import { loadOverlayRegistry, type OverlayRegistry } from '../../overlays/index.js';
import type { IR } from '../../schemas/ir.js';
import type { PromptAgent } from '../../schemas/llm.js';
import { type ComposedPrompt, composePrompt } from './compose.js';
import type { DomainTask } from './prompt-view.js';

const EXAMPLES = join(import.meta.dirname, '../../examples');

/** A stand-in for the facts schema the compile agent is given; the prompt shows whatever schema it is passed. */
const SAMPLE_FACTS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['entities', 'relations', 'compliance', 'scale'],
  $defs: {
    evidence: {
      type: 'object',
      required: ['span', 'confidence'],
      properties: { span: { type: 'string', minLength: 1 }, confidence: { type: 'number', minimum: 0, maximum: 1 } },
    },
  },
  properties: {
    entities: { type: 'array', items: { type: 'object', required: ['name', 'fields', 'span', 'confidence'] } },
    relations: { type: 'array', items: { type: 'object', required: ['from', 'to', 'kind', 'span', 'confidence'] } },
    compliance: { type: 'array', items: { type: 'object', required: ['regime', 'span', 'confidence'] } },
    scale: { type: 'object' },
  },
};

/** One plausible piece of domain logic per example. */
const TASKS: Record<string, DomainTask> = {
  clinic: {
    id: 'no-show-risk',
    module: 'no_show',
    ask: 'flag appointments at risk of a no-show from their start time and duration',
  },
  crm: {
    id: 'lead-scoring',
    module: 'lead_score',
    ask: 'score contacts 0-100 from their job title and how many notes they have',
  },
  orders: {
    id: 'ship-readiness',
    module: 'readiness',
    ask: 'decide whether an order can ship from its status and line items',
  },
  patients: {
    id: 'encounter-summary',
    module: 'encounters',
    ask: "summarise a patient's encounters by reason, newest first",
  },
  payments: {
    id: 'fraud-detection',
    module: 'fraud',
    ask: 'risk score 0-100 and a review state for payments',
    evidence: 'run fraud detection on every payment',
  },
  shop: {
    id: 'order-totals',
    module: 'pricing',
    ask: 'compute an order total from its line items, quantity times unit price',
  },
};
const DEFAULT_TASK: DomainTask = { id: 'domain-rules', module: 'rules', ask: 'validate records against the brief' };

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
      ? { tasks: [TASKS[name] ?? DEFAULT_TASK] }
      : { description: ir.description, factsSchema: JSON.stringify(SAMPLE_FACTS_SCHEMA, null, 2) };
  return composePrompt({ agent, ir, vars });
}

describe('example prompts', () => {
  it('covers every example brief', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
  });

  for (const name of examples) {
    for (const agent of ['domain', 'compile'] as const) {
      it(`${name}: ${agent}`, async () => {
        await expect(promptText(compose(name, agent))).toMatchFileSnapshot(`./__snapshots__/${name}.${agent}.txt`);
      });
    }
  }
});
