// The compile stage: brief → canonical IR. Deterministic, offline and pattern-based; same brief, same bytes.

import { canonicalJson } from '../../core/canonical-json.js';
import { isQlfError, QlfError, workError } from '../../core/errors.js';
import { applyOverlays, type OverlayRegistry, resolveOverlays } from '../../overlays/index.js';
import type { Brief } from '../../schemas/brief.js';
import { type IR, IR_VERSION, irSchema } from '../../schemas/ir.js';
import type { ModelFacts } from '../../schemas/model-facts.js';
import type { Controls } from '../../schemas/overlay.js';
import { analyze } from './lib/analyze.js';
import { checkDatabase } from './lib/check-database.js';
import { chooseOverlays } from './lib/choose-overlays.js';
import { buildRelationships } from './lib/detect-relationships.js';
import { byDefault, explicit, WarningSink } from './lib/finding.js';
import { locateInBrief, parseBrief } from './lib/load-brief.js';
import { mergeEntities, mergeOps, mergeStack } from './lib/merge-explicit.js';
import { mergeModelFacts } from './lib/model-facts.js';
import { dropEntitiesOfUsedServices } from './lib/used-services.js';
import { contradictionWarnings } from './lib/warnings.js';

export interface CompileInput {
  /** Brief YAML text (with its file name for messages), or an already parsed brief. */
  source: { text: string; file?: string } | { brief: Brief };
  overlays: OverlayRegistry;
  /** Suggested overlays at or above this confidence are applied. */
  autoApplyThreshold: number;
  /** Overlays to apply on top of the brief's own (e.g. from `--overlay`). */
  extraOverlays?: string[];
  /**
   * Refuse what generation cannot build (an unsupported database, fields it cannot store). Only the analyser's
   * accuracy measurement turns it off: it scores what was understood, buildable or not. @default true
   */
  checkBuildable?: boolean;
  /** Facts a model read from the description (`qlf compile --provider`), merged as `origin: llm` findings. */
  modelFacts?: ModelFacts;
}

export interface CompileResult {
  ir: IR;
  /** `canonicalJson(ir)`: the bytes written to `ir.json`. */
  json: string;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Points an unknown-overlay error at the brief's `overlays:` entry that named it. */
function locateOverlayError(error: unknown, brief: Brief, text: string, file?: string): unknown {
  if (!isQlfError(error) || error.code !== 'E_OVERLAY_UNKNOWN') return error;
  const issues = error.issues.map((issue) => {
    if (issue.file) return issue;
    const index = (brief.overlays ?? []).findIndex((name) => issue.message.includes(`\`${name}\``));
    const where = index >= 0 ? locateInBrief(text, ['overlays', index]) : undefined;
    return where
      ? { ...issue, file, line: where.line, column: where.column, path: `overlays[${index}]` }
      : { ...issue, file };
  });
  return new QlfError(error.code, error.message, { hint: error.hint, kind: error.kind, issues });
}

export async function runCompile(input: CompileInput): Promise<CompileResult> {
  const source = input.source;
  const brief = 'brief' in source ? source.brief : parseBrief(source.text, source.file);
  const warnings = new WarningSink();
  const rules = analyze(brief.description, warnings);
  const analysis = input.modelFacts ? mergeModelFacts(rules, input.modelFacts, brief.description, warnings) : rules;
  const merged = mergeEntities(brief, analysis.entities, warnings);
  const { entities, relationships } = dropEntitiesOfUsedServices(
    merged.entities,
    buildRelationships(
      [...merged.relations, ...analysis.relations],
      new Set(merged.entities.map((e) => e.name)),
      warnings,
    ),
    brief.uses ?? [],
    warnings,
  );
  const choice = chooseOverlays({
    brief,
    signals: analysis,
    overlays: input.overlays.list().map((l) => l.overlay),
    autoApplyThreshold: input.autoApplyThreshold,
    extraOverlays: input.extraOverlays,
  });
  const { domain, compliance } = choice;
  if (
    brief.domain !== undefined &&
    analysis.domain.origin === 'inferred' &&
    analysis.domain.value !== brief.domain &&
    analysis.domain.confidence >= 0.8
  ) {
    warnings.add(
      'W_DOMAIN_OVERRIDDEN',
      `the brief says domain ${brief.domain}, but the description reads as ${analysis.domain.value}; kept ${brief.domain}.`,
      { path: 'domain' },
    );
  }
  const security = brief.security ?? {};
  const controls: IR['controls'] = { minAuth: 'none', tls: false, auditLog: security.auditLog ?? false };
  if (security.encryptionAtRest !== undefined) controls.encryptionAtRest = security.encryptionAtRest;
  if (security.rateLimitPerMinute !== undefined) controls.rateLimitPerMinute = security.rateLimitPerMinute;

  const draft: IR = {
    irVersion: IR_VERSION,
    name: brief.name,
    description: brief.description,
    domain,
    compliance,
    stack: mergeStack(brief, analysis.stack),
    entities,
    relationships,
    api: {
      auth: brief.api?.auth !== undefined ? explicit(brief.api.auth) : analysis.auth,
      pagination: brief.api?.pagination !== undefined ? explicit(brief.api.pagination) : byDefault('offset' as const),
      basePath: brief.api?.basePath ?? '/api/v1',
      endpoints: [],
    },
    ops: mergeOps(brief, analysis),
    features: analysis.features,
    controls,
    overlays: {
      applied: [],
      suggested: choice.suggested,
      decisions: [],
      rules: [],
      prompts: {},
    },
    uses: [...new Set(brief.uses ?? [])].sort(byString),
    warnings: [],
  };
  for (const w of contradictionWarnings(draft, analysis)) warnings.add(w.code, w.message, w);
  draft.warnings = [...warnings.items].sort((a, b) => byString(a.code, b.code) || byString(a.message, b.message));

  const explicitControls: Partial<Controls> = {};
  for (const key of ['encryptionAtRest', 'rateLimitPerMinute', 'auditLog'] as const) {
    if (security[key] !== undefined) Object.assign(explicitControls, { [key]: security[key] });
  }
  let resolved: ReturnType<typeof resolveOverlays>;
  try {
    resolved = resolveOverlays(choice.requests, input.overlays);
  } catch (error) {
    throw 'text' in source ? locateOverlayError(error, brief, source.text, source.file) : error;
  }
  const ir = applyOverlays(draft, resolved, { explicit: explicitControls });
  const checked = irSchema.safeParse(ir);
  if (!checked.success) {
    throw workError('E_COMPILE_IR', `compiling ${brief.name} produced an invalid IR: ${checked.error.message}`, {
      hint: 'This is a qlf bug: report it with the brief.',
    });
  }
  if (input.checkBuildable !== false)
    checkDatabase(checked.data, brief, 'text' in source ? { text: source.text, file: source.file } : {});
  return { ir: checked.data, json: canonicalJson(checked.data) };
}
