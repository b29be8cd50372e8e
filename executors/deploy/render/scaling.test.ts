// The HPA ceiling heuristic, case by case.
import { describe, expect, it } from 'vitest';
import type { IR } from '../../../schemas/ir.js';
import { maxReplicas } from './scaling.js';

function ir(replicas: number, cpu: string, scale: { rps?: number; users?: number } = {}): IR {
  const found = (value: number) => ({ value, confidence: 1, origin: 'explicit' as const });
  return {
    ops: {
      replicas: found(replicas),
      resources: { cpu, memory: '256Mi' },
      scale: {
        ...(scale.rps ? { requestsPerSecond: found(scale.rps) } : {}),
        ...(scale.users ? { users: found(scale.users) } : {}),
      },
    },
  } as IR;
}

describe('maxReplicas', () => {
  it.each([
    ['no load figure: twice the replicas', ir(2, '250m'), 4],
    ['one replica without load still gets room to scale', ir(1, '250m'), 2],
    // 150 req/s at 70 % of 25 req/s per replica (0.25 core × 100): ceil(8.57)
    ['orders: 150 req/s on 250m', ir(3, '250m', { rps: 150 }), 9],
    // 200 req/s at 70 % of 50 req/s per replica
    ['payments: 200 req/s on 500m', ir(2, '500m', { rps: 200 }), 6],
    ['users read as 0.1 req/s each', ir(2, '1', { users: 5000 }), 8],
    ['requestsPerSecond wins over users', ir(2, '1', { rps: 10, users: 100000 }), 3],
    ['capped at 20', ir(2, '100m', { rps: 10000 }), 20],
    ['above the cap when the brief asks for more replicas', ir(25, '1', { rps: 100000 }), 26],
    ['tiny load still leaves room above the floor', ir(4, '2', { rps: 1 }), 5],
  ])('%s', (_, input, expected) => {
    expect(maxReplicas(input)).toBe(expected);
  });
});
