// Merges settings that several overlays set, key by key: the overlay applied last (highest priority) wins, and
// every key two overlays set to different values becomes a recorded decision.
import type { OverlayDecision } from '../../schemas/ir.js';

/** What one overlay sets, in application order. */
export interface SettingLayer {
  overlay: string;
  values: Record<string, unknown>;
}

export interface MergedSetting {
  value: unknown;
  winner: string;
  /** Earlier overlays that set a different value. */
  overruled: { overlay: string; value: unknown }[];
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Merges `layers` (lowest priority first); keys are returned sorted. */
export function mergeSettings(layers: SettingLayer[]): Map<string, MergedSetting> {
  const setters = new Map<string, { overlay: string; value: unknown }[]>();
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer.values)) {
      if (value === undefined) continue;
      setters.set(key, [...(setters.get(key) ?? []), { overlay: layer.overlay, value }]);
    }
  }
  const merged = new Map<string, MergedSetting>();
  for (const key of [...setters.keys()].sort()) {
    const list = setters.get(key)!;
    const last = list[list.length - 1]!;
    merged.set(key, {
      value: last.value,
      winner: last.overlay,
      overruled: list.filter((entry) => !sameValue(entry.value, last.value)),
    });
  }
  return merged;
}

/** The decisions a merge implies, one per key that overlays disagreed on, named `<prefix>.<key>`. */
export function decisionsOf(prefix: string, merged: Map<string, MergedSetting>): OverlayDecision[] {
  return [...merged]
    .filter(([, setting]) => setting.overruled.length > 0)
    .map(([key, setting]) => ({
      setting: `${prefix}.${key}`,
      value: setting.value,
      winner: setting.winner,
      overruled: setting.overruled,
    }));
}
