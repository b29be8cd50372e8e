// In-memory overlays and registries for tests of resolution and application, without files on disk.
import { sha256 } from '../../core/hash.js';
import { type OverlayInput, overlaySchema } from '../../schemas/overlay.js';
import type { LoadedOverlay, OverlayRegistry, ResolvedOverlays } from '../lib/types.js';

/** A validated overlay named `name`; `input` overrides any key. */
export function testOverlay(name: string, input: Partial<OverlayInput> = {}): LoadedOverlay {
  const overlay = overlaySchema.parse({
    apiVersion: 'qlf.dev/v1',
    kind: 'Overlay',
    name,
    version: '1.0.0',
    type: 'domain',
    description: `The ${name} test overlay.`,
    ...input,
  });
  return { overlay, file: `/test/${name}.yaml`, digest: sha256(JSON.stringify(overlay)), builtin: false };
}

export function testRegistry(overlays: LoadedOverlay[]): OverlayRegistry {
  const byName = new Map(overlays.map((loaded) => [loaded.overlay.name, loaded]));
  return {
    get: (name) => byName.get(name),
    list: () => [...byName.values()].sort((a, b) => a.overlay.name.localeCompare(b.overlay.name)),
  };
}

/** Resolved overlays applied in the order given, each as an explicit request. */
export function testResolved(overlays: LoadedOverlay[]): ResolvedOverlays {
  return { overlays: overlays.map((loaded) => ({ loaded, reason: 'explicit', requiredBy: [], confidence: 1 })) };
}
