// Ask, hold the answer to the contract (and any checks), and send each rejection back to the model, a bounded number
// of times. The one loop both model agents (compile's facts, generate's domain modules) use.
import { workError } from '../core/errors.js';
import { SocRejection } from './soc/index.js';
import type { LlmMessage } from './types.js';

/** Why one answer was turned down, and what the model is told on the next attempt. */
export interface Rejection {
  code: string;
  excerpt: string;
  feedback: string;
}

/** What `accept` decides about one answer: the value to keep, or the rejection to send back. */
export type Verdict<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

export interface RepairLoopInput<A extends { text: string }, T> {
  /** The task's first user message. */
  prompt: string;
  /** How many times a rejected answer is sent back before giving up (`llm.maxRepairs`). */
  maxRepairs: number;
  ask(messages: LlmMessage[]): Promise<A>;
  /** Judges an answer. A thrown `SocRejection` (the contract's parsers) counts as a rejection; anything else ends the loop. */
  accept(answer: A, messages: LlmMessage[]): Promise<Verdict<T>>;
  log(line: string): void;
  /** What the final error calls the answers, e.g. "the model's facts". */
  subject: string;
  /** What the user can do when every attempt was rejected. */
  hint: string;
}

export interface RepairLoopResult<T> {
  value: T;
  /** Every rejected answer, in order. */
  rejections: Rejection[];
}

/** A contract violation as a rejection the loop can send back. */
export function rejectionOf(error: SocRejection): Rejection {
  return { code: error.code, excerpt: error.excerpt, feedback: error.feedback() };
}

export async function askWithRepairs<A extends { text: string }, T>(
  input: RepairLoopInput<A, T>,
): Promise<RepairLoopResult<T>> {
  const messages: LlmMessage[] = [{ role: 'user', content: input.prompt }];
  const rejections: Rejection[] = [];
  for (let attempt = 0; attempt <= input.maxRepairs; attempt++) {
    const answer = await input.ask(messages);
    let verdict: Verdict<T>;
    try {
      verdict = await input.accept(answer, messages);
    } catch (error) {
      if (!(error instanceof SocRejection)) throw error;
      verdict = { ok: false, rejection: rejectionOf(error) };
    }
    if (verdict.ok) return { value: verdict.value, rejections };
    const { rejection } = verdict;
    rejections.push(rejection);
    input.log(`model answer ${attempt + 1} rejected (${rejection.code}): ${rejection.excerpt.slice(0, 160)}`);
    messages.push({ role: 'assistant', content: answer.text }, { role: 'user', content: rejection.feedback });
  }
  const last = rejections.at(-1);
  throw workError(
    'E_MODEL_REJECTED',
    `${input.subject}: ${rejections.length} answer(s) rejected; last: ${last?.code} ${JSON.stringify(last?.excerpt.slice(0, 200))}`,
    { hint: input.hint },
  );
}
