// Resolution: requires expanded, unknown names, cycles and conflicts rejected, order by priority then name.
import { describe, expect, it } from 'vitest';
import { isQlfError, type QlfError } from '../../core/errors.js';
import { testOverlay, testRegistry } from '../testing/test-overlays.js';
import { resolveOverlays } from './resolve-overlays.js';
import type { OverlayRequest } from './types.js';

const registry = testRegistry([
  testOverlay('base', { priority: 10 }),
  testOverlay('money', { priority: 40, requires: ['base'] }),
  testOverlay('cards', { type: 'compliance', priority: 90, requires: ['money'] }),
  testOverlay('health', { priority: 30 }),
  testOverlay('alpha', { priority: 40 }),
  testOverlay('strict', { priority: 60, conflicts: ['lax'] }),
  testOverlay('lax', { priority: 60 }),
  testOverlay('loop-a', { requires: ['loop-b'] }),
  testOverlay('loop-b', { requires: ['loop-c'] }),
  testOverlay('loop-c', { requires: ['loop-a'] }),
  testOverlay('broken', { requires: ['missing-one'] }),
]);

const explicit = (name: string): OverlayRequest => ({ name, reason: 'explicit', confidence: 1 });
const inferred = (name: string, confidence: number): OverlayRequest => ({ name, reason: 'inferred', confidence });

function failure(requests: OverlayRequest[]): QlfError {
  try {
    resolveOverlays(requests, registry);
  } catch (error) {
    if (isQlfError(error)) return error;
    throw error;
  }
  throw new Error('expected resolveOverlays to fail');
}

describe('resolveOverlays', () => {
  it.each([
    { requests: [explicit('cards')], order: ['base', 'money', 'cards'] },
    { requests: [explicit('health'), explicit('alpha')], order: ['health', 'alpha'] },
    { requests: [explicit('money'), explicit('alpha')], order: ['base', 'alpha', 'money'] },
    { requests: [], order: [] },
  ])('expands requires and orders by priority then name: $order', ({ requests, order }) => {
    const resolved = resolveOverlays(requests, registry);
    expect(resolved.overlays.map((entry) => entry.loaded.overlay.name)).toEqual(order);
  });

  it('records why each overlay applies, who required it and how sure we are', () => {
    const resolved = resolveOverlays([inferred('cards', 0.8), inferred('money', 0.5)], registry);
    const summary = resolved.overlays.map(({ loaded, reason, requiredBy, confidence }) => ({
      name: loaded.overlay.name,
      reason,
      requiredBy,
      confidence,
    }));
    expect(summary).toEqual([
      { name: 'base', reason: 'required', requiredBy: ['money'], confidence: 0.8 },
      { name: 'money', reason: 'inferred', requiredBy: ['cards'], confidence: 0.8 },
      { name: 'cards', reason: 'inferred', requiredBy: [], confidence: 0.8 },
    ]);
  });

  it('merges duplicate requests: explicit beats inferred', () => {
    const resolved = resolveOverlays([inferred('health', 0.6), explicit('health')], registry);
    expect(resolved.overlays).toHaveLength(1);
    expect(resolved.overlays[0]).toMatchObject({ reason: 'explicit', confidence: 1 });
  });

  it('is deterministic whatever the request order', () => {
    const a = resolveOverlays([explicit('cards'), explicit('health'), explicit('alpha')], registry);
    const b = resolveOverlays([explicit('alpha'), explicit('health'), explicit('cards')], registry);
    expect(a).toEqual(b);
  });

  it('names an unknown overlay, lists the known ones and suggests the closest', () => {
    const error = failure([explicit('card')]);
    expect(error.code).toBe('E_OVERLAY_UNKNOWN');
    expect(error.kind).toBe('input');
    expect(error.message).toContain('unknown overlay `card`');
    expect(error.message).toContain('Did you mean `cards`?');
    expect(error.issues[0]?.hint).toContain('alpha, base, broken, cards');
  });

  it('reports every unknown name at once, including unknown requires', () => {
    const error = failure([explicit('nope'), explicit('broken')]);
    expect(error.issues.map((issue) => issue.message)).toEqual([
      'overlay `broken` requires unknown overlay `missing-one`.',
      'unknown overlay `nope`.',
    ]);
    expect(error.issues[0]?.file).toBe('/test/broken.yaml');
  });

  it('names a requires cycle in order', () => {
    const error = failure([explicit('loop-b')]);
    expect(error.code).toBe('E_OVERLAY_CYCLE');
    expect(error.message).toContain('loop-b → loop-c → loop-a → loop-b');
  });

  it('rejects overlays that conflict, in either direction', () => {
    for (const requests of [
      [explicit('strict'), explicit('lax')],
      [explicit('lax'), explicit('strict')],
    ]) {
      const error = failure(requests);
      expect(error.code).toBe('E_OVERLAY_CONFLICT');
      expect(error.message).toContain('`lax` and `strict` cannot be applied together: strict lists lax');
    }
  });
});
