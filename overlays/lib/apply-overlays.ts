// Applies resolved overlays to an IR: a pure function from (IR, overlays) to a new, validated IR that records what
// each overlay added, which one won every disagreement, and what it could not protect. Applying twice is a no-op.
import { workError } from '../../core/errors.js';
import { complianceName, domainName } from '../../schemas/common.js';
import { type IR, type IRWarning, irSchema, type OverlayDecision } from '../../schemas/ir.js';
import type { Controls } from '../../schemas/overlay.js';
import { applyControls, inferExplicitControls } from './apply-controls.js';
import { addRequiredEntities, attachHandling, classifyFields } from './apply-entities.js';
import { mergeSettings } from './merge-settings.js';
import { overlayWarnings } from './overlay-warnings.js';
import { compareApplicationOrder } from './resolve-overlays.js';
import type { ResolvedOverlay, ResolvedOverlays } from './types.js';

export interface ApplyOverlaysOptions {
  /**
   * Controls the brief set explicitly (its `security` block); they win over overlays. When absent they are
   * inferred from the IR (see `inferExplicitControls`), which cannot see an explicit `auditLog: false`.
   */
  explicit?: Partial<Controls>;
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Overlay name → compliance regime it implements, where the names differ. */
const REGIME_OF: Record<string, string> = { pci: 'pci-dss' };

function applyEndpoints(draft: IR, order: ResolvedOverlay[]): OverlayDecision[] {
  const merged = mergeSettings(
    order.map((entry) => ({
      overlay: entry.loaded.overlay.name,
      values: Object.fromEntries(entry.loaded.overlay.endpoints.map((e) => [e.id, e])),
    })),
  );
  const added = [...merged].map(([, setting]) => ({
    ...(setting.value as IR['api']['endpoints'][number]),
    source: setting.winner,
  }));
  const ids = new Set(added.map((e) => e.id));
  draft.api.endpoints = [...draft.api.endpoints.filter((e) => !ids.has(e.id)), ...added].sort((a, b) =>
    byKey(a.id, b.id),
  );
  return [...merged]
    .filter(([, s]) => s.overruled.length > 0)
    .map(([id, s]) => ({ setting: `endpoints.${id}`, value: s.value, winner: s.winner, overruled: s.overruled }));
}

function collectRulesAndPrompts(draft: IR, order: ResolvedOverlay[]): void {
  const rules = new Map<string, IR['overlays']['rules'][number]>();
  const prompts = new Map<string, string[]>();
  for (const entry of order) {
    const overlay = entry.loaded.overlay;
    for (const rule of overlay.rules) rules.set(rule.id, { ...rule, source: overlay.name });
    for (const [agent, fragment] of Object.entries(overlay.prompts)) {
      prompts.set(agent, [...(prompts.get(agent) ?? []), fragment.trim()]);
    }
  }
  draft.overlays.rules = [...rules.values()].sort((a, b) => byKey(a.id, b.id));
  draft.overlays.prompts = Object.fromEntries(
    [...prompts].sort(([a], [b]) => byKey(a, b)).map(([agent, fragments]) => [agent, fragments.join('\n\n')]),
  );
}

/** Domain and compliance findings the applied overlays imply, where the IR does not already hold them. */
function applyFindings(draft: IR, order: ResolvedOverlay[]): void {
  // The domain is the highest priority domain overlay asked for; one only pulled in by `requires` comes last.
  const domains = order.filter(
    (e) => e.loaded.overlay.type === 'domain' && domainName.safeParse(e.loaded.overlay.name).success,
  );
  const domain = [
    ...domains.filter((e) => e.reason === 'required'),
    ...domains.filter((e) => e.reason !== 'required'),
  ].pop();
  if (domain && draft.domain.value === 'general' && draft.domain.origin !== 'explicit') {
    const name = domain.loaded.overlay.name;
    draft.domain = { value: domainName.parse(name), confidence: domain.confidence, origin: 'overlay', source: name };
  }
  for (const entry of order) {
    const name = entry.loaded.overlay.name;
    const regime = complianceName.safeParse(REGIME_OF[name] ?? name);
    if (entry.loaded.overlay.type !== 'compliance' || !regime.success) continue;
    if (draft.compliance.some((finding) => finding.value === regime.data)) continue;
    draft.compliance.push({ value: regime.data, confidence: entry.confidence, origin: 'overlay', source: name });
  }
}

function mergeDecisions(previous: OverlayDecision[], current: OverlayDecision[]): OverlayDecision[] {
  const bySetting = new Map(previous.map((d) => [d.setting, d]));
  for (const decision of current) bySetting.set(decision.setting, decision);
  return [...bySetting.values()].sort((a, b) => byKey(a.setting, b.setting));
}

function mergeWarnings(previous: IRWarning[], current: IRWarning[]): IRWarning[] {
  const key = (w: IRWarning) => `${w.code}\u0000${w.path ?? ''}\u0000${w.message}`;
  const seen = new Set(previous.map(key));
  const added: IRWarning[] = [];
  for (const warning of current) {
    if (seen.has(key(warning))) continue;
    seen.add(key(warning));
    added.push(warning);
  }
  added.sort((a, b) => byKey(a.code, b.code) || byKey(a.path ?? '', b.path ?? '') || byKey(a.message, b.message));
  return [...previous, ...added];
}

export function applyOverlays(ir: IR, resolved: ResolvedOverlays, options: ApplyOverlaysOptions = {}): IR {
  const order = [...resolved.overlays].sort((a, b) => compareApplicationOrder(a.loaded, b.loaded));
  const explicit = options.explicit ?? inferExplicitControls(ir);
  const draft = structuredClone(ir);
  const warnings: IRWarning[] = [];

  addRequiredEntities(draft, order, warnings);
  const decisions = [
    ...classifyFields(draft, order),
    ...attachHandling(draft, order),
    ...applyControls(draft, order, explicit, warnings),
    ...applyEndpoints(draft, order),
  ];
  collectRulesAndPrompts(draft, order);
  applyFindings(draft, order);
  warnings.push(...overlayWarnings(draft, order));

  draft.overlays.applied = order.map((entry) => ({
    name: entry.loaded.overlay.name,
    version: entry.loaded.overlay.version,
    type: entry.loaded.overlay.type,
    priority: entry.loaded.overlay.priority,
    digest: entry.loaded.digest,
    reason: entry.reason,
    requiredBy: [...entry.requiredBy].sort(byKey),
    confidence: entry.confidence,
  }));
  draft.overlays.decisions = mergeDecisions(ir.overlays.decisions, decisions);
  draft.warnings = mergeWarnings(ir.warnings, warnings);

  const checked = irSchema.safeParse(draft);
  if (!checked.success) {
    throw workError('E_OVERLAY_APPLY', `applying overlays produced an invalid IR: ${checked.error.message}`, {
      hint: 'This is a qlf bug: report it with the brief and the overlays applied.',
    });
  }
  return checked.data;
}
