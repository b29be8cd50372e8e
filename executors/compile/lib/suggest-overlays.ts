// Scores every known overlay against a description: its `detect` patterns (negation-aware) plus the detected domain
// and compliance regimes. Compliance overlays are only auto-applied when the regime itself is named.
import type { ComplianceName, DomainName, Span } from '../../../schemas/common.js';
import type { OverlaySuggestion } from '../../../schemas/ir.js';
import type { Overlay } from '../../../schemas/overlay.js';
import type { Finding } from './finding.js';
import { combine, type Doc, isNegated, round2 } from './text-match.js';

/** Highest confidence an overlay gets from its patterns alone when the analysis points elsewhere. */
const UNCONFIRMED_CAP = 0.65;
const MAX_MATCHES_PER_PATTERN = 200;

/** The compliance regime an overlay stands for, by name. */
export function complianceOfOverlay(name: string): ComplianceName | undefined {
  if (name === 'pci' || name === 'pci-dss') return 'pci-dss';
  if (name === 'hipaa' || name === 'gdpr' || name === 'soc2') return name;
  return undefined;
}

function compile(pattern: string): RegExp | undefined {
  for (const flags of ['giu', 'gi']) {
    try {
      return new RegExp(pattern, flags);
    } catch {
      // try the next flag set: some patterns are valid only without the `u` flag
    }
  }
  return undefined;
}

function tokenAt(doc: Doc, offset: number): number {
  let lo = 0;
  let hi = doc.tokens.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((doc.tokens[mid]?.end ?? 0) <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Non-negated matches of one detect pattern. */
function patternSpans(doc: Doc, pattern: string): Span[] {
  const regex = compile(pattern);
  if (!regex) return [];
  const spans: Span[] = [];
  let count = 0;
  for (let match = regex.exec(doc.text); match && count < MAX_MATCHES_PER_PATTERN; match = regex.exec(doc.text)) {
    count++;
    if (match[0].length === 0) {
      regex.lastIndex++;
      continue;
    }
    const first = tokenAt(doc, match.index);
    const last = tokenAt(doc, match.index + match[0].length - 1);
    if (isNegated(doc, first, last)) continue;
    spans.push({ start: match.index, end: match.index + match[0].length, text: match[0] });
  }
  return spans;
}

export interface AnalysisSignals {
  domain: Finding<DomainName>;
  compliance: Finding<ComplianceName>[];
}

export function suggestOverlays(
  doc: Doc,
  overlays: readonly Pick<Overlay, 'name' | 'type' | 'detect'>[],
  signals: AnalysisSignals,
): OverlaySuggestion[] {
  const suggestions: OverlaySuggestion[] = [];
  for (const overlay of overlays) {
    const weights: number[] = [];
    const spans: Span[] = [];
    for (const detect of overlay.detect) {
      const found = patternSpans(doc, detect.pattern);
      if (found.length === 0) continue;
      weights.push(detect.weight);
      spans.push(found[0] as Span);
    }
    let score = combine(weights);
    const regime = complianceOfOverlay(overlay.name);
    const named = regime ? signals.compliance.find((c) => c.value === regime) : undefined;
    if (named) {
      score = combine([score, named.confidence]);
      if (named.span) spans.push(named.span);
    } else if (overlay.type === 'compliance') {
      score = Math.min(score, UNCONFIRMED_CAP);
    }
    if (overlay.type === 'domain') {
      const domain = signals.domain;
      if (domain.value === overlay.name && domain.origin !== 'default') {
        score = combine([score, domain.confidence]);
        if (domain.span) spans.push(domain.span);
      } else if (domain.origin !== 'default' && domain.value !== overlay.name) {
        score = Math.min(score, UNCONFIRMED_CAP);
      }
    }
    if (score < 0.3) continue;
    const unique = new Map(spans.map((s) => [`${s.start}:${s.end}`, s]));
    suggestions.push({
      name: overlay.name,
      confidence: Math.max(0.3, round2(score)),
      spans: [...unique.values()].sort((a, b) => a.start - b.start || a.end - b.end),
    });
  }
  return suggestions.sort((a, b) => b.confidence - a.confidence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
