// Reads the business domain from a description: the domain whose vocabulary has the strongest non-negated evidence.
import type { DomainName } from '../../../schemas/common.js';
import { byDefault, type Finding, inferred, type WarningSink } from './finding.js';
import { bestTerm, scoreTerms } from './score-terms.js';
import type { Doc } from './text-match.js';
import { DOMAIN_TERMS } from './vocabulary.js';

/** Evidence below this is too thin to name a domain; the service is then `general`. */
const DOMAIN_FLOOR = 0.5;

export function detectDomain(doc: Doc, warnings: WarningSink): Finding<DomainName> {
  const scores = scoreTerms(doc, DOMAIN_TERMS);
  const best = bestTerm(scores, DOMAIN_FLOOR);
  if (!best) return byDefault<DomainName>('general', 0.5);
  const rivals = scores.filter((s) => s.key !== best.key && s.score >= DOMAIN_FLOOR && best.score - s.score < 0.05);
  if (rivals.length > 0) {
    warnings.add(
      'W_DOMAIN_AMBIGUOUS',
      `the description fits domains ${[best.key, ...rivals.map((r) => r.key)].join(', ')} about equally; chose ${best.key}. Set \`domain:\` in the brief to decide.`,
      { path: 'domain' },
    );
  }
  return inferred<DomainName>(best.key, Math.max(0.3, best.score), best.spans[0]);
}
