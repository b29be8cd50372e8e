// Decides which overlays a brief asks for: its own `overlays:`, overlays named by its explicit domain or compliance,
// and suggestions strong enough to auto-apply. One function for the compiler and for the compile task's hash, so the
// hash covers the full bytes of exactly the overlays a compile can apply and only what detection reads of the others.
import type { OverlayRequest } from '../../../overlays/index.js';
import type { ComplianceName, DomainName } from '../../../schemas/common.js';
import type { OverlaySuggestion } from '../../../schemas/ir.js';
import type { Overlay } from '../../../schemas/overlay.js';
import { detectCompliance } from './detect-compliance.js';
import { detectDomain } from './detect-domain.js';
import { explicit, type Finding, WarningSink } from './finding.js';
import { parseBrief } from './load-brief.js';
import { complianceOfOverlay, suggestOverlays } from './suggest-overlays.js';
import { type Doc, tokenize } from './text-match.js';
import { vocabularyLexicon } from './vocabulary-lexicon.js';

/** What detection reads of an overlay; the rest of it matters only to briefs that apply it. */
export type OverlayDetection = Pick<Overlay, 'name' | 'type' | 'detect'>;

/** The description's evidence that decides overlays: its domain and the compliance regimes it names. */
export interface OverlaySignals {
  doc: Doc;
  domain: Finding<DomainName>;
  compliance: Finding<ComplianceName>[];
}

/** The brief fields overlay choice reads. */
export interface BriefOverlayFields {
  overlays?: string[];
  domain?: DomainName;
  compliance?: ComplianceName[];
}

export interface OverlayChoice {
  /** The brief's explicit domain, else the detected one. */
  domain: Finding<DomainName>;
  /** Detected regimes with the brief's explicit ones, sorted by name. */
  compliance: Finding<ComplianceName>[];
  suggested: OverlaySuggestion[];
  /** What to apply before `requires` is expanded (names may repeat; unknown names are the resolver's to report). */
  requests: OverlayRequest[];
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Detects domain and compliance on a tokenized description (before anything else annotates the doc). */
export function overlaySignals(doc: Doc, warnings: WarningSink): OverlaySignals {
  return { doc, domain: detectDomain(doc, warnings), compliance: detectCompliance(doc, warnings) };
}

function mergeCompliance(brief: BriefOverlayFields, detected: Finding<ComplianceName>[]): Finding<ComplianceName>[] {
  const result = new Map<ComplianceName, Finding<ComplianceName>>();
  for (const c of detected) result.set(c.value, c);
  for (const c of brief.compliance ?? []) result.set(c, explicit(c));
  return [...result.values()].sort((a, b) => byString(a.value, b.value));
}

export function chooseOverlays(input: {
  brief: BriefOverlayFields;
  signals: OverlaySignals;
  overlays: readonly OverlayDetection[];
  autoApplyThreshold: number;
  extraOverlays?: string[];
}): OverlayChoice {
  const { brief, signals } = input;
  const domain = brief.domain !== undefined ? explicit(brief.domain) : signals.domain;
  const compliance = mergeCompliance(brief, signals.compliance);
  const suggested = suggestOverlays(signals.doc, input.overlays, { domain, compliance });
  const requests: OverlayRequest[] = [];
  for (const name of [...(brief.overlays ?? []), ...(input.extraOverlays ?? [])]) {
    requests.push({ name, reason: 'explicit', confidence: 1 });
  }
  for (const { name } of input.overlays) {
    const regime = complianceOfOverlay(name);
    const explicitRegime =
      regime !== undefined && compliance.some((c) => c.value === regime && c.origin === 'explicit');
    const explicitDomain = domain.origin === 'explicit' && domain.value === name;
    if (explicitRegime || explicitDomain) requests.push({ name, reason: 'explicit', confidence: 1 });
  }
  for (const suggestion of suggested) {
    if (suggestion.confidence >= input.autoApplyThreshold) {
      requests.push({ name: suggestion.name, reason: 'inferred', confidence: suggestion.confidence });
    }
  }
  return { domain, compliance, suggested, requests };
}

/**
 * The overlay names a brief's compile requests (before `requires`), sorted and unique: what the compile task hashes
 * in full. Throws what `parseBrief` throws for a brief that does not parse.
 */
export function overlaysRequestedBy(
  text: string,
  overlays: readonly OverlayDetection[],
  autoApplyThreshold: number,
): string[] {
  const brief = parseBrief(text);
  const signals = overlaySignals(tokenize(brief.description, vocabularyLexicon()), new WarningSink());
  const { requests } = chooseOverlays({ brief, signals, overlays, autoApplyThreshold });
  return [...new Set(requests.map((r) => r.name))].sort(byString);
}
