// Fuzzing parseBrief + runCompile: random, unicode and mutated briefs fail only with QlfError, and never hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { QlfError } from '../../core/errors.js';
import { loadOverlayRegistry, type OverlayRegistry } from '../../overlays/index.js';
import { cpuMsSince } from '../../testing/cpu-time.js';
import { runCompile } from './compile.js';
import { briefFromSentence } from './lib/sentence-brief.js';

const EXAMPLE = readFileSync(join(import.meta.dirname, '../../examples/shop/brief.qlf.yaml'), 'utf8');
/**
 * Each run must finish well inside this much CPU time: the matchers are linear scans, never backtracking regexes. CPU
 * time, not wall time, so another process busy on the machine cannot fail the test; a backtracking regex still would.
 */
const RUN_LIMIT_MS = 2000;
let registry: OverlayRegistry;
beforeAll(async () => {
  registry = await loadOverlayRegistry([]);
});

/** Compiles `text`; passes when it succeeds or fails with a QlfError, in bounded time. */
async function survives(text: string, asSentence = false): Promise<void> {
  const started = process.cpuUsage();
  try {
    const source = asSentence ? { brief: briefFromSentence(text) } : { text, file: 'fuzz.yaml' };
    await runCompile({ source, overlays: registry, autoApplyThreshold: 0.7 });
  } catch (error) {
    if (!(error instanceof QlfError)) throw error;
  }
  expect(cpuMsSince(started)).toBeLessThan(RUN_LIMIT_MS);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ maxLength: 8 }) }),
);

type Mutation =
  | { kind: 'delete' | 'duplicate' | 'swap'; at: number; text?: undefined }
  | { kind: 'insert'; at: number; text: string };

function mutate(text: string, steps: Mutation[]): string {
  let lines = text.split('\n');
  for (const step of steps) {
    const i = step.at % lines.length;
    if (step.kind === 'delete') lines = lines.filter((_, k) => k !== i);
    else if (step.kind === 'duplicate') lines.splice(i, 0, lines[i] ?? '');
    else {
      const line = lines[i] ?? '';
      const c = step.at % Math.max(1, line.length);
      const inserted = 'text' in step ? step.text : '';
      lines[i] =
        step.kind === 'swap'
          ? line.slice(0, c) + line.slice(c + 1, c + 2) + line.slice(c, c + 1) + line.slice(c + 2)
          : line.slice(0, c) + inserted + line.slice(c);
    }
    if (lines.length === 0) lines = [''];
  }
  return lines.join('\n');
}

describe('parseBrief + runCompile under fuzzing', () => {
  it('survives random strings as brief files', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), (text) => survives(text)),
      { numRuns: 300 },
    );
  });

  it('survives random unicode as brief files and as descriptions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (text) => {
        await survives(text);
        await survives(text, true);
      }),
      { numRuns: 300 },
    );
  });

  it('survives mutated valid briefs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), (steps) => survives(mutate(EXAMPLE, steps))),
      { numRuns: 300 },
    );
  });

  it('stays fast on long adversarial descriptions', async () => {
    const words = 'no not customers have many orders each order has a , and with belong to many categories ( ) '.split(
      ' ',
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...words), { minLength: 1000, maxLength: 5000 }), (parts) =>
        survives(parts.join(' '), true),
      ),
      { numRuns: 20 },
    );
  });
});
