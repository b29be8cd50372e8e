// A human summary of an IR for `qlf generate --dry-run`: what was found, how sure we are, and what was guessed.
import type { IR } from '../../../schemas/ir.js';

export interface DescribeOptions {
  /** List every overlay suggestion with the text it was read from. */
  suggestions?: boolean;
  /** Show field types and provenance. */
  verbose?: boolean;
  style?: { bold(text: string): string; dim(text: string): string; yellow(text: string): string };
}

const pct = (confidence: number) => `${Math.round(confidence * 100)}%`;

function provenance(f: { origin: string; confidence: number; source?: string }): string {
  if (f.origin === 'explicit') return 'explicit';
  if (f.origin === 'overlay') return `overlay ${f.source ?? ''}`.trim();
  return `${f.origin} ${pct(f.confidence)}`;
}

export function describeIR(ir: IR, options: DescribeOptions = {}): string {
  const s = options.style ?? { bold: (t: string) => t, dim: (t: string) => t, yellow: (t: string) => t };
  const lines: string[] = [];
  lines.push(`${s.bold(ir.name)}: ${ir.description.trim().split('\n')[0]?.slice(0, 100) ?? ''}`);
  lines.push(`  domain      ${ir.domain.value} (${provenance(ir.domain)})`);
  lines.push(
    `  compliance  ${ir.compliance.length === 0 ? 'none' : ir.compliance.map((c) => `${c.value} (${provenance(c)})`).join(', ')}`,
  );
  const st = ir.stack;
  lines.push(
    `  stack       ${st.backend.value}/${st.language.value}, ${st.database.value}, frontend ${st.frontend.value}, deploy ${st.deploy.value}`,
  );
  lines.push(`  auth        ${ir.api.auth.value} (${provenance(ir.api.auth)}), minimum ${ir.controls.minAuth}`);
  const applied = ir.overlays.applied.map(
    (o) =>
      `${o.name} (${o.reason}${o.reason === 'inferred' ? ` ${pct(o.confidence)}` : ''}${o.requiredBy?.length ? ` by ${o.requiredBy.join(', ')}` : ''})`,
  );
  lines.push(`  overlays    ${applied.length === 0 ? 'none' : applied.join(', ')}`);
  const appliedNames = new Set(ir.overlays.applied.map((o) => o.name));
  const suggested = ir.overlays.suggested.filter((o) => options.suggestions || !appliedNames.has(o.name));
  if (suggested.length > 0) {
    lines.push(`  suggested   ${suggested.map((o) => `${o.name} ${pct(o.confidence)}`).join(', ')}`);
    if (options.suggestions) {
      for (const o of suggested) {
        lines.push(
          s.dim(`    ${o.name}: ${o.spans.map((span) => JSON.stringify(span.text)).join(', ') || '(no text)'}`),
        );
      }
    }
  }
  if (ir.features.length > 0) lines.push(`  features    ${ir.features.map((f) => f.value).join(', ')}`);
  const scale = [
    ir.ops.scale.requestsPerSecond ? `${ir.ops.scale.requestsPerSecond.value} req/s` : '',
    ir.ops.scale.users ? `${ir.ops.scale.users.value} users` : '',
  ].filter((x) => x);
  if (scale.length > 0) lines.push(`  scale       ${scale.join(', ')}; ${ir.ops.replicas.value} replicas`);
  lines.push(`  entities    ${ir.entities.length}`);
  for (const e of ir.entities) {
    const fields = e.fields.map((f) =>
      options.verbose
        ? `${f.name}: ${f.type}${f.classification ? ` [${f.classification}]` : ''} (${provenance(f)})`
        : `${f.name}${f.classification ? ` [${f.classification}]` : ''}`,
    );
    lines.push(`    ${s.bold(e.name)} (${provenance(e)}) ${s.dim(`/${e.resource}`)}: ${fields.join(', ')}`);
  }
  if (ir.relationships.length > 0) {
    lines.push('  relationships');
    for (const r of ir.relationships) {
      const key = r.joinTable ? `via ${r.joinTable}` : `${r.to}.${r.foreignKey}`;
      lines.push(`    ${r.from} ${r.kind} ${r.to} (${key}; ${provenance(r)})`);
    }
  }
  if (ir.warnings.length > 0) {
    lines.push(`  warnings    ${ir.warnings.length}`);
    for (const w of ir.warnings) lines.push(`    ${s.yellow(w.code)} ${w.message}`);
  }
  return lines.join('\n');
}
