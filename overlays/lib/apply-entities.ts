// The data-model half of applying overlays: required entities added or completed, fields classified by name, and
// each classified field given the handling its classification calls for. Works on a draft IR the caller cloned.
import { resourceName, tableName } from '../../core/naming.js';
import type { Classification } from '../../schemas/common.js';
import type { IR, IRField, IRWarning, OverlayDecision } from '../../schemas/ir.js';
import type { Handling } from '../../schemas/overlay.js';
import { decisionsOf, mergeSettings } from './merge-settings.js';
import type { ResolvedOverlay } from './types.js';

type OverlayField = ResolvedOverlay['loaded']['overlay']['entities'][number]['fields'][number];

function fieldFrom(def: OverlayField, entry: ResolvedOverlay): IRField {
  return {
    name: def.name,
    type: def.type,
    required: def.required,
    unique: def.unique,
    ...(def.values ? { values: [...def.values] } : {}),
    ...(def.classification ? { classification: def.classification } : {}),
    origin: 'overlay',
    confidence: entry.confidence,
    source: entry.loaded.overlay.name,
  };
}

/**
 * Adds each required entity the service lacks. When the service already has it, only the overlay's missing
 * *required* fields are merged in: the user's own shape is kept. A field of another type takes the overlay's type
 * when the compiler inferred it, and is kept and reported when the brief declared it.
 */
export function addRequiredEntities(draft: IR, order: ResolvedOverlay[], warnings: IRWarning[]): void {
  const added: IR['entities'] = [];
  for (const entry of order) {
    const overlay = entry.loaded.overlay;
    for (const def of overlay.entities) {
      const existing = [...draft.entities, ...added].find((entity) => entity.name === def.name);
      if (!existing) {
        added.push({
          name: def.name,
          table: tableName(def.name),
          resource: resourceName(def.name),
          description: def.reason,
          fields: def.fields.map((field) => fieldFrom(field, entry)),
          origin: 'overlay',
          confidence: entry.confidence,
          source: overlay.name,
        });
        continue;
      }
      for (const field of def.fields) {
        const present = existing.fields.find((f) => f.name === field.name);
        if (!present) {
          if (field.required) existing.fields.push(fieldFrom(field, entry));
        } else if (present.type !== field.type && present.origin !== 'explicit') {
          // A type the compiler guessed yields to the overlay's; one the brief wrote down does not.
          const index = existing.fields.indexOf(present);
          existing.fields[index] = {
            ...fieldFrom(field, entry),
            required: present.required || field.required,
            unique: present.unique || field.unique,
          };
        } else if (present.type !== field.type) {
          warnings.push({
            code: 'W_OVERLAY_FIELD_TYPE',
            message: `${def.name}.${field.name} is ${present.type}, but the ${overlay.name} overlay expects ${field.type}; kept ${present.type}. Change its type in the brief if ${field.type} was meant.`,
            path: `entities.${def.name}.fields.${field.name}`,
          });
        }
      }
    }
  }
  draft.entities.push(...added.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
}

/**
 * Classifies every unclassified field whose whole name matches a `classify` pattern. A field the brief (or an
 * earlier application) already classified is left alone; when overlays disagree, the higher priority one wins.
 */
export function classifyFields(draft: IR, order: ResolvedOverlay[]): OverlayDecision[] {
  const rules = order.flatMap((entry) =>
    entry.loaded.overlay.classify.map((rule) => ({
      overlay: entry.loaded.overlay.name,
      regex: new RegExp(`^(?:${rule.match})$`),
      classification: rule.classification,
    })),
  );
  const decisions: OverlayDecision[] = [];
  for (const entity of draft.entities) {
    for (const field of entity.fields) {
      if (field.classification !== undefined) continue;
      const layers = new Map<string, Record<string, unknown>>();
      for (const rule of rules) {
        if (!layers.has(rule.overlay) && rule.regex.test(field.name)) {
          layers.set(rule.overlay, { classification: rule.classification });
        }
      }
      if (layers.size === 0) continue;
      const merged = mergeSettings([...layers].map(([overlay, values]) => ({ overlay, values })));
      const winner = merged.get('classification')!;
      field.classification = winner.value as IRField['classification'];
      if (winner.overruled.length > 0) {
        decisions.push({ setting: `classification.${entity.name}.${field.name}`, ...winner });
      }
    }
  }
  return decisions;
}

/** Merges handling per classification across overlays and attaches it to every field of that classification. */
export function attachHandling(draft: IR, order: ResolvedOverlay[]): OverlayDecision[] {
  const classifications = [...new Set(order.flatMap((entry) => Object.keys(entry.loaded.overlay.handling)))].sort();
  const decisions: OverlayDecision[] = [];
  const handlingFor = new Map<string, Handling>();
  for (const classification of classifications) {
    const merged = mergeSettings(
      order.map((entry) => ({
        overlay: entry.loaded.overlay.name,
        values: entry.loaded.overlay.handling[classification as Classification] ?? {},
      })),
    );
    handlingFor.set(classification, Object.fromEntries([...merged].map(([key, s]) => [key, s.value])) as Handling);
    decisions.push(...decisionsOf(`handling.${classification}`, merged));
  }
  for (const entity of draft.entities) {
    for (const field of entity.fields) {
      const handling = field.classification && handlingFor.get(field.classification);
      if (handling) field.handling = { ...handling };
    }
  }
  return decisions;
}
