// The editor's live preview: the brief text as typed, compiled by the real compiler (executors/compile), returned as
// the IR's entities, relations, suggested overlays and warnings with every span located in the text, or as the
// compiler's located problems when it does not compile. Nothing is written.
import { performance } from 'node:perf_hooks';
import { isQlfError } from '../../core/errors.js';
import { runCompile } from '../../executors/compile/compile.js';
import { locateInBrief } from '../../executors/compile/lib/load-brief.js';
import { loadOverlayRegistry } from '../../overlays/index.js';
import type { IR } from '../../schemas/ir.js';
import type { ResolvedConfig } from '../../workspace/config.js';
import type { ApiIssue, IrPreview, PreviewResponse, Provenance, SpanView } from '../shared/api.js';
import { type DescriptionMap, describeOffsets, spanInText } from './description-map.js';
import { stringField } from './http-util.js';

type RawProvenance = { origin: Provenance['origin']; confidence: number; span?: SpanView; source?: string };

/** `entities[0].fields[2].type` → `['entities', 0, 'fields', 2, 'type']`. */
function pathSegments(path: string): (string | number)[] {
  return path
    .split(/\.|\[|\]/)
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function viewOf(ir: IR, text: string): IrPreview {
  const map: DescriptionMap | undefined = describeOffsets(text, ir.description);
  const span = (value?: { start: number; end: number; text: string }): SpanView | undefined =>
    value ? { ...value, ...(map ? spanInText(map, value) : {}) } : undefined;
  const provenance = (item: RawProvenance): Provenance => ({
    origin: item.origin,
    confidence: item.confidence,
    ...(item.span ? { span: span(item.span) } : {}),
    ...(item.source ? { source: item.source } : {}),
  });
  const finding = <T>(item: { value: T } & RawProvenance) => ({ value: String(item.value), ...provenance(item) });
  const applied = new Set(ir.overlays.applied.map((overlay) => overlay.name));
  return {
    name: ir.name,
    domain: finding(ir.domain),
    compliance: ir.compliance.map(finding),
    auth: finding(ir.api.auth),
    database: finding(ir.stack.database),
    entities: ir.entities.map((entity) => ({
      name: entity.name,
      table: entity.table,
      ...provenance(entity),
      fields: entity.fields.map((field) => ({
        name: field.name,
        type: field.type,
        required: field.required,
        unique: field.unique,
        ...(field.classification ? { classification: field.classification } : {}),
        ...provenance(field),
      })),
    })),
    relations: ir.relationships.map((relation) => ({
      from: relation.from,
      to: relation.to,
      kind: relation.kind,
      ...provenance(relation),
    })),
    suggested: ir.overlays.suggested.map((suggestion) => ({
      name: suggestion.name,
      confidence: suggestion.confidence,
      spans: suggestion.spans.map((s) => span(s) as SpanView),
      applied: applied.has(suggestion.name),
    })),
    applied: ir.overlays.applied.map(({ name, reason, confidence }) => ({ name, reason, confidence })),
    features: ir.features.map(finding),
    warnings: ir.warnings.map((warning) => {
      const where = warning.path ? locateInBrief(text, pathSegments(warning.path)) : undefined;
      return {
        code: warning.code,
        message: warning.message,
        ...(warning.path ? { path: warning.path } : {}),
        ...(warning.span ? { span: span(warning.span) } : {}),
        ...(where ? { line: where.line, column: where.column } : {}),
      };
    }),
  };
}

/** Every problem of a failed compile, located when the compiler said where. */
function issuesOf(error: unknown, file: string | undefined): ApiIssue[] {
  if (!isQlfError(error)) throw error;
  if (error.issues.length > 0) return error.issues.map((issue) => ({ severity: 'error', ...issue }));
  return [
    { code: error.code, message: error.message, file, severity: 'error', ...(error.hint ? { hint: error.hint } : {}) },
  ];
}

export async function compilePreview(config: ResolvedConfig, body: unknown): Promise<PreviewResponse> {
  const text = stringField(body, 'text') as string;
  const file = stringField(body, 'path', { optional: true });
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    // Loaded per preview, like a run does: an overlay file edited meanwhile is seen at once.
    const overlays = await loadOverlayRegistry(config.overlays.dirs);
    const { ir } = await runCompile({
      source: { text, ...(file ? { file } : {}) },
      overlays,
      autoApplyThreshold: config.overlays.autoApplyThreshold,
    });
    return { ok: true, issues: [], ir: viewOf(ir, text), durationMs: elapsed() };
  } catch (error) {
    return { ok: false, issues: issuesOf(error, file), durationMs: elapsed() };
  }
}
