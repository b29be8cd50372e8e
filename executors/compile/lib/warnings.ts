// Warnings about what a description says against itself or against its compliance regimes, instead of silent guesses.
import type { IR, IRWarning } from '../../../schemas/ir.js';
import type { Analysis } from './analyze.js';

/** Entities that hold protected health information. */
const PHI_ENTITIES = new Set([
  'Patient',
  'Encounter',
  'MedicalRecord',
  'Prescription',
  'Diagnosis',
  'LabResult',
  'Medication',
  'Allergy',
  'Appointment',
  'Claim',
]);

export function contradictionWarnings(ir: IR, analysis: Analysis): IRWarning[] {
  const warnings: IRWarning[] = [];
  const regimes = new Set(ir.compliance.map((c) => c.value));
  if (analysis.paymentsNegated && regimes.has('pci-dss')) {
    warnings.push({
      code: 'W_CONTRADICTION',
      message:
        'the description says there is no payment processing, yet PCI DSS applies; drop PCI or describe the card data the service handles.',
      path: 'compliance',
    });
  }
  if (
    ir.api.auth.value === 'none' &&
    ir.api.auth.origin !== 'default' &&
    (regimes.has('hipaa') || regimes.has('pci-dss'))
  ) {
    warnings.push({
      code: 'W_CONTRADICTION',
      message: `the service is described without authentication, but ${[...regimes].sort().join(', ')} require authenticated access; overlays will raise the minimum.`,
      path: 'api.auth',
    });
  }
  if (
    regimes.has('hipaa') &&
    !ir.entities.some((e) => PHI_ENTITIES.has(e.name) || e.fields.some((f) => f.classification === 'phi'))
  ) {
    warnings.push({
      code: 'W_HIPAA_NO_PHI',
      message:
        'HIPAA is mentioned but no entity holding protected health information (patients, records, encounters) was found.',
      path: 'entities',
    });
  }
  if (ir.entities.length === 0) {
    warnings.push({
      code: 'W_NO_ENTITIES',
      message:
        'no entities found in the description; name what the service stores ("customers with name and email") or list `entities:`.',
      path: 'entities',
    });
  }
  return warnings;
}
