// Reads product features (fraud detection, audit log, search, ...) from a description, ignoring negated mentions.

import { compareStrings } from '../../../core/naming.js';
import type { FeatureName } from '../../../schemas/ir.js';
import { type Finding, inferred } from './finding.js';
import { scoreTerms } from './score-terms.js';
import type { Doc } from './text-match.js';
import { FEATURE_TERMS } from './vocabulary.js';

const FEATURE_FLOOR = 0.6;

export function detectFeatures(doc: Doc): Finding<FeatureName>[] {
  return scoreTerms(doc, FEATURE_TERMS)
    .filter((s) => s.score >= FEATURE_FLOOR)
    .map((s) => inferred(s.key, s.score, s.spans[0]))
    .sort((a, b) => compareStrings(a.value, b.value));
}
