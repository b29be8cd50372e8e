// Reads compliance regimes (PCI DSS, HIPAA, GDPR, SOC 2) from a description, ignoring negated mentions.
import type { ComplianceName } from '../../../schemas/common.js';
import { euResidency } from './detect-residency.js';
import { type Finding, inferred, type WarningSink } from './finding.js';
import { scoreTerms, type TermScore } from './score-terms.js';
import { combine, type Doc } from './text-match.js';
import { COMPLIANCE_TERMS } from './vocabulary.js';

const COMPLIANCE_FLOOR = 0.6;

/** GDPR evidence from where people live ("customers across the EU", "users in Germany and France"). */
function withResidency(scores: TermScore<ComplianceName>[], doc: Doc): TermScore<ComplianceName>[] {
  const residency = euResidency(doc);
  if (!residency) return scores;
  return scores.map((s) =>
    s.key === 'gdpr'
      ? {
          ...s,
          score: combine([s.score, residency.weight]),
          // Named evidence ("GDPR") stays first; where people live only adds to it.
          spans: [...s.spans, residency.span],
        }
      : s,
  );
}

export function detectCompliance(doc: Doc, warnings: WarningSink): Finding<ComplianceName>[] {
  const found: Finding<ComplianceName>[] = [];
  for (const score of withResidency(scoreTerms(doc, COMPLIANCE_TERMS), doc)) {
    if (score.score >= COMPLIANCE_FLOOR) {
      found.push(inferred(score.key, score.score, score.spans[0]));
    } else if (score.score > 0) {
      warnings.add(
        'W_COMPLIANCE_WEAK',
        `the description hints at ${score.key} ("${score.spans[0]?.text ?? ''}") without naming it; not applied. Add it to \`compliance:\` if it applies.`,
        { span: score.spans[0], path: 'compliance' },
      );
    }
  }
  return found;
}
