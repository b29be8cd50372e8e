// Warnings about a service an overlay applies to but cannot protect: a compliance overlay whose rules guard a
// data classification the service has no field of, and data the overlay forbids storing at all.
import type { IR, IRWarning } from '../../schemas/ir.js';
import type { ResolvedOverlay } from './types.js';

/** Fields an overlay forbids outright, by overlay name. */
const FORBIDDEN_FIELDS: Record<string, { code: string; match: RegExp; why: string }[]> = {
  pci: [
    {
      code: 'W_PCI_CVV_FIELD',
      match: /^(?:cvv2?|cvc2?|card_security_code|card_verification_(?:value|code))$/,
      why: 'PCI DSS 3.3.1.2 forbids storing card security codes after authorisation; remove the field and pass the code straight to the payment processor',
    },
  ],
};

function classificationsGuarded(entry: ResolvedOverlay): string[] {
  const guarded = entry.loaded.overlay.rules.flatMap((rule) =>
    rule.check.kind === 'classified-field-encrypted' || rule.check.kind === 'classified-field-masked'
      ? [rule.check.classification]
      : [],
  );
  return [...new Set(guarded)].sort();
}

export function overlayWarnings(ir: IR, order: ResolvedOverlay[]): IRWarning[] {
  const warnings: IRWarning[] = [];
  const fields = ir.entities.flatMap((entity) => entity.fields.map((field) => ({ entity: entity.name, field })));
  for (const entry of order) {
    const overlay = entry.loaded.overlay;
    if (overlay.type === 'compliance') {
      for (const classification of classificationsGuarded(entry)) {
        if (fields.some(({ field }) => field.classification === classification)) continue;
        const regime = overlay.name.toUpperCase();
        const label = classification.toUpperCase();
        warnings.push({
          code: `W_${regime.replace(/-/g, '_')}_NO_${label}`,
          message: `${regime} applies but no ${label} field was found; classify fields with \`classification: ${classification}\` in the brief (or name them as the ${overlay.name} overlay's \`classify\` patterns expect) so that they are protected.`,
          path: 'entities',
        });
      }
    }
    for (const forbidden of FORBIDDEN_FIELDS[overlay.name] ?? []) {
      for (const { entity, field } of fields) {
        if (!forbidden.match.test(field.name)) continue;
        warnings.push({
          code: forbidden.code,
          message: `${entity}.${field.name}: ${forbidden.why}.`,
          path: `entities.${entity}.fields.${field.name}`,
        });
      }
    }
  }
  return warnings;
}
