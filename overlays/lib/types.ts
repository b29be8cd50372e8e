// The overlay engine's public types: what loading, resolving and applying overlays hand to each other.
import type { Overlay } from '../../schemas/overlay.js';

/** One overlay file, parsed and validated. */
export interface LoadedOverlay {
  overlay: Overlay;
  /** Absolute path of the file it was read from. */
  file: string;
  /** sha256 of the file bytes. */
  digest: string;
  /** Whether it ships with qlf (`overlays/catalog/`) rather than coming from a workspace folder. */
  builtin: boolean;
  /** For a workspace overlay named like a built-in one: the built-in file it replaces. */
  overrides?: string;
}

/** Every overlay qlf knows about: the built-in catalogue plus the workspace's own folders. */
export interface OverlayRegistry {
  get(name: string): LoadedOverlay | undefined;
  /** Sorted by name. */
  list(): LoadedOverlay[];
}

/** Why an overlay applies: named by the brief or CLI, suggested by the description, or required by another one. */
export type OverlayReason = 'explicit' | 'inferred' | 'required';

export interface OverlayRequest {
  name: string;
  reason: 'explicit' | 'inferred';
  /** 1 for explicit requests; the detection confidence for inferred ones. */
  confidence: number;
}

export interface ResolvedOverlay {
  loaded: LoadedOverlay;
  reason: OverlayReason;
  /** Overlays in the resolved set that list this one in `requires`, sorted. */
  requiredBy: string[];
  confidence: number;
}

export interface ResolvedOverlays {
  /** Application order: priority ascending, then name; later entries win conflicts. */
  overlays: ResolvedOverlay[];
}
