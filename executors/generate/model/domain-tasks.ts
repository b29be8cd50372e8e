// What a model is asked to write: the domain logic a brief asks for that templates cannot write (fraud rules, status
// transitions, validation rules stated in prose), each as one extension module under `app/domain/` with its tests.

import { snakeCase } from '../../../core/naming.js';
import type { DomainTask } from '../../../llm/prompts/prompt-view.js';
import type { IR, IREntity } from '../../../schemas/ir.js';

export type { DomainTask };

const STATE_FIELD = /^(status|state|stage)$/;
/** Sentences that state a rule: a modal or a bound. Compliance, auth and scale sentences are the overlays' job. */
const RULE = /\b(must|must not|cannot|can't|may not|never|only|at least|at most|no more than|up to|within)\b/i;
const NOT_A_RULE =
  /\b(compliant|compliance|pci|hipaa|gdpr|soc ?2|jwt|token|oauth|api key|requests per second|rps|deployed|kubernetes)\b/i;

function moneyEntity(ir: IR): IREntity | undefined {
  return ir.entities.find((entity) => entity.fields.some((field) => field.type === 'decimal'));
}

function fraudTask(ir: IR): DomainTask | undefined {
  const feature = ir.features.find((f) => f.value === 'fraud-detection');
  if (!feature) return undefined;
  const target = moneyEntity(ir);
  const subject = target ? `each ${target.name}` : 'each transaction';
  return {
    id: 'fraud-detection',
    module: 'fraud',
    ask:
      `Score ${subject} for fraud before it is accepted: a deterministic risk score from 0 to 100 built from ` +
      'explicit, named rules (amount thresholds, velocity per customer, mismatched currency or country, and any rule ' +
      'the description states), each rule contributing points and a reason; and a review state from the score: ' +
      '`approve` below 30, `review` from 30 to 69, `decline` at 70 or more. Return the score, the state and the ' +
      'reasons that fired.',
    ...(feature.span ? { evidence: feature.span.text } : {}),
  };
}

function statusTasks(ir: IR): DomainTask[] {
  const tasks: DomainTask[] = [];
  for (const entity of ir.entities) {
    if (entity.origin === 'overlay') continue;
    for (const field of entity.fields) {
      if (field.type !== 'enum' || !STATE_FIELD.test(field.name) || !field.values || field.values.length < 2) continue;
      const module = `${snakeCase(entity.name)}_${field.name}`;
      tasks.push({
        id: `${module.replace(/_/g, '-')}`,
        module,
        ask:
          `A state machine for ${entity.name}.${field.name} over ${field.values.map((v) => `\`${v}\``).join(', ')}: ` +
          `the initial state, the allowed transitions as the description implies them (final states have none), a ` +
          'function that returns the next state or raises `ValueError` naming both states for an illegal transition.',
      });
    }
  }
  return tasks;
}

function ruleSentences(description: string): string[] {
  return description
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && RULE.test(s) && !NOT_A_RULE.test(s));
}

function rulesTask(ir: IR): DomainTask | undefined {
  const sentences = ruleSentences(ir.description);
  if (sentences.length === 0) return undefined;
  return {
    id: 'rules',
    module: 'rules',
    ask:
      'Validation rules the description states in prose, one function per rule that raises `ValueError` with a ' +
      `message a client can show when a record breaks it: ${sentences.map((s) => `"${s}"`).join(' ')}`,
    evidence: sentences.join(' '),
  };
}

/** The domain tasks of a service, in a stable order; none means no model call. */
export function domainTasks(ir: IR): DomainTask[] {
  return [fraudTask(ir), ...statusTasks(ir), rulesTask(ir)].filter((t): t is DomainTask => t !== undefined);
}
