// Runs every detector over a description once: the inferred half of the IR, before explicit brief values are merged.
import type { AuthMode, ComplianceName, DomainName } from '../../../schemas/common.js';
import type { FeatureName, IR, IREntity } from '../../../schemas/ir.js';
import { overlaySignals } from './choose-overlays.js';
import { detectAuth } from './detect-auth.js';
import { compoundAliases, detectEntities } from './detect-entities.js';
import { detectFeatures } from './detect-features.js';
import type { RelationFinding } from './detect-relationships.js';
import { detectScale, type Scale } from './detect-scale.js';
import { detectStack } from './detect-stack.js';
import { detectStructure } from './detect-structure.js';
import type { Finding, WarningSink } from './finding.js';
import { scoreTerms } from './score-terms.js';
import { type Doc, tokenize } from './text-match.js';
import { vocabularyLexicon } from './vocabulary-lexicon.js';

export interface Analysis {
  doc: Doc;
  domain: Finding<DomainName>;
  compliance: Finding<ComplianceName>[];
  stack: IR['stack'];
  entities: IREntity[];
  relations: RelationFinding[];
  auth: Finding<AuthMode>;
  scale: Scale;
  features: Finding<FeatureName>[];
  /** Whether payments were mentioned only in negated form ("no payment processing"). */
  paymentsNegated: boolean;
}

const PAYMENT_TERMS = { payments: { payment: 1, 'payment processing': 1 } };

export function analyze(description: string, warnings: WarningSink): Analysis {
  const doc = tokenize(description, vocabularyLexicon());
  // First, on the bare doc: the compile task's hash runs the same detection to learn which overlays a brief applies.
  const { domain, compliance } = overlaySignals(doc, warnings);
  doc.aliases = compoundAliases(doc);
  const structure = detectStructure(doc);
  const entities = detectEntities(doc, structure, warnings);
  const [payments] = scoreTerms(doc, PAYMENT_TERMS);
  return {
    doc,
    domain,
    compliance,
    stack: detectStack(doc, warnings),
    entities,
    relations: structure.relations.map((r) => ({ ...r, origin: 'inferred' as const })),
    auth: detectAuth(doc, warnings),
    scale: detectScale(doc),
    features: detectFeatures(doc),
    paymentsNegated: payments?.negatedOnly ?? false,
  };
}
