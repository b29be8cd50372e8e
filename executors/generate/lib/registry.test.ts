import { describe, expect, it } from 'vitest';
import type { IR } from '../../../schemas/ir.js';
import { shopIr } from '../../../testing/sample-irs.js';
import { ARTIFACT_KINDS, type ArtifactKind, type GeneratorAgent } from './agent.js';
import { selectAgents } from './registry.js';

function agent(name: string, kind: ArtifactKind, score: (ir: IR) => number): GeneratorAgent {
  return { name, kind, score, generate: () => [] };
}

const onFastapi = (value: number) => (ir: IR) => (ir.stack.backend.value === 'fastapi' ? value : 0);
const complete = ARTIFACT_KINDS.map((kind) => agent(`${kind}-a`, kind, onFastapi(1)));

describe('selectAgents', () => {
  it.each([
    ['the only agent of each kind', [], 'backend-a', 1],
    ['the higher score', [agent('backend-b', 'backend', onFastapi(5))], 'backend-b', 5],
    ['the name that sorts first on a tie', [agent('backend-0', 'backend', onFastapi(1))], 'backend-0', 1],
    ['never an agent scoring 0', [agent('backend-z', 'backend', () => 0)], 'backend-a', 1],
    ['never an agent scoring below 0', [agent('backend-n', 'backend', () => -3)], 'backend-a', 1],
  ])('picks %s', (_name, extra, expected, score) => {
    const selected = selectAgents(shopIr(), [...complete, ...extra]);
    expect(selected.map((entry) => entry.kind)).toEqual([...ARTIFACT_KINDS]);
    expect(selected[0]).toMatchObject({ kind: 'backend', score });
    expect(selected[0]?.agent.name).toBe(expected);
  });

  it('names the stack and the supported values when no agent serves a kind', () => {
    const ir = shopIr();
    ir.stack.backend.value = 'express';
    expect(() => selectAgents(ir, complete)).toThrow(
      expect.objectContaining({
        code: 'E_NO_AGENT',
        kind: 'input',
        message: 'no backend generator for stack "express"',
        hint: 'supported: fastapi; set stack.backend in the brief to one of them',
      }),
    );
  });

  it('names the database for the migrations kind', () => {
    const ir = shopIr();
    ir.stack.database.value = 'mongodb';
    const agents = [
      ...complete.filter((entry) => entry.kind !== 'database'),
      agent('sql', 'database', (input) => (['postgresql', 'sqlite'].includes(input.stack.database.value) ? 1 : 0)),
    ];
    expect(() => selectAgents(ir, agents)).toThrow(
      expect.objectContaining({
        message: 'no database generator for stack "mongodb"',
        hint: 'supported: postgresql, sqlite; set stack.database in the brief to one of them',
      }),
    );
  });

  it('says so when no agent of a kind exists at all', () => {
    expect(() => selectAgents(shopIr(), complete.slice(1))).toThrow(
      expect.objectContaining({ code: 'E_NO_AGENT', message: 'no backend generator for stack "fastapi"' }),
    );
  });
});
