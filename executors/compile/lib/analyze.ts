// Runs every detector over a description once: the inferred half of the IR, before explicit brief values are merged.
import type { AuthMode, ComplianceName, DomainName } from '../../../schemas/common.js';
import type { FeatureName, IR, IREntity } from '../../../schemas/ir.js';
import { detectAuth } from './detect-auth.js';
import { detectCompliance } from './detect-compliance.js';
import { detectDomain } from './detect-domain.js';
import { compoundAliases, detectEntities } from './detect-entities.js';
import { detectFeatures } from './detect-features.js';
import type { RelationFinding } from './detect-relationships.js';
import { detectScale, type Scale } from './detect-scale.js';
import { detectStack } from './detect-stack.js';
import { detectStructure } from './detect-structure.js';
import { ENTITY_TERMS } from './entity-vocabulary.js';
import type { Finding, WarningSink } from './finding.js';
import { scoreTerms } from './score-terms.js';
import { type Doc, Lexicon, phraseWords, tokenize } from './text-match.js';
import { BACKEND_TERMS, COMPLIANCE_TERMS, DATABASE_TERMS, DOMAIN_TERMS, FEATURE_TERMS } from './vocabulary.js';

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

let lexicon: Lexicon | undefined;
/** Words typos are corrected toward: every word of the entity, domain, compliance and feature vocabularies. */
function vocabularyLexicon(): Lexicon {
  if (lexicon) return lexicon;
  const words = new Set<string>();
  const tables = [
    ...Object.values(DOMAIN_TERMS),
    ...Object.values(COMPLIANCE_TERMS),
    ...Object.values(FEATURE_TERMS),
    ...Object.values(BACKEND_TERMS),
    ...Object.values(DATABASE_TERMS),
  ];
  for (const table of tables)
    for (const phrase of Object.keys(table)) for (const w of phraseWords(phrase)) words.add(w);
  for (const { phrases } of Object.values(ENTITY_TERMS))
    for (const p of phrases) for (const w of phraseWords(p)) words.add(w);
  lexicon = new Lexicon([...words].filter((w) => w.length >= 5));
  return lexicon;
}

export function analyze(description: string, warnings: WarningSink): Analysis {
  const doc = tokenize(description, vocabularyLexicon());
  doc.aliases = compoundAliases(doc);
  const structure = detectStructure(doc);
  const entities = detectEntities(doc, structure, warnings);
  const [payments] = scoreTerms(doc, { payments: { payment: 1, 'payment processing': 1 } });
  return {
    doc,
    domain: detectDomain(doc, warnings),
    compliance: detectCompliance(doc, warnings),
    stack: detectStack(doc, warnings),
    entities,
    relations: structure.relations.map((r) => ({ ...r, origin: 'inferred' as const })),
    auth: detectAuth(doc, warnings),
    scale: detectScale(doc),
    features: detectFeatures(doc),
    paymentsNegated: payments?.negatedOnly ?? false,
  };
}
