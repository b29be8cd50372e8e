// Precision and recall of the compiler over a labelled set (`corpus/*.yaml`, `heldout/*.yaml`), micro-averaged.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { OverlayRegistry } from '../../../overlays/index.js';
import type { IR } from '../../../schemas/ir.js';
import { runCompile } from '../compile.js';
import { briefFromSentence } from '../lib/sentence-brief.js';

export interface CorpusCase {
  name: string;
  /** Where the text was found (held-out set): a URL, or `written-for-heldout`. */
  source?: string;
  description: string;
  expect: {
    domain: string;
    compliance: string[];
    overlays: string[];
    entities: string[];
    relationships: [string, string, string][];
  };
}

export type Metric = 'domain' | 'compliance' | 'overlays' | 'entities' | 'relationships';
export const METRICS: Metric[] = ['domain', 'compliance', 'overlays', 'entities', 'relationships'];

export interface MetricScore {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}

export interface CaseResult {
  name: string;
  missing: Record<Metric, string[]>;
  extra: Record<Metric, string[]>;
}

export function loadCorpus(dir: string): CorpusCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({
      name: f.replace(/\.yaml$/, ''),
      ...(parse(readFileSync(join(dir, f), 'utf8')) as Omit<CorpusCase, 'name'>),
    }));
}

function relationKey([from, to, kind]: [string, string, string]): string {
  return kind === 'many-to-many' ? `${[from, to].sort().join('<->')}` : `${from}-${kind}->${to}`;
}

/** What the compiler found, as comparable string sets per metric. */
export function predicted(ir: IR): Record<Metric, Set<string>> {
  return {
    domain: new Set([ir.domain.value]),
    compliance: new Set(ir.compliance.map((c) => c.value)),
    overlays: new Set(ir.overlays.applied.map((o) => o.name)),
    entities: new Set(ir.entities.filter((e) => e.origin !== 'overlay').map((e) => e.name)),
    relationships: new Set(ir.relationships.map((r) => relationKey([r.from, r.to, r.kind]))),
  };
}

function expected(c: CorpusCase): Record<Metric, Set<string>> {
  return {
    domain: new Set([c.expect.domain]),
    compliance: new Set(c.expect.compliance ?? []),
    overlays: new Set(c.expect.overlays ?? []),
    entities: new Set(c.expect.entities ?? []),
    relationships: new Set((c.expect.relationships ?? []).map(relationKey)),
  };
}

export async function scoreCorpus(
  cases: CorpusCase[],
  overlays: OverlayRegistry,
): Promise<{ scores: Record<Metric, MetricScore>; results: CaseResult[] }> {
  const counts = Object.fromEntries(METRICS.map((m) => [m, { tp: 0, fp: 0, fn: 0 }])) as Record<
    Metric,
    { tp: number; fp: number; fn: number }
  >;
  const results: CaseResult[] = [];
  for (const c of cases) {
    const brief = { ...briefFromSentence(c.description), name: c.name };
    const { ir } = await runCompile({ source: { brief }, overlays, autoApplyThreshold: 0.7, checkBuildable: false });
    const got = predicted(ir);
    const want = expected(c);
    const result: CaseResult = { name: c.name, missing: {} as CaseResult['missing'], extra: {} as CaseResult['extra'] };
    for (const metric of METRICS) {
      const g = got[metric];
      const w = want[metric];
      result.missing[metric] = [...w].filter((x) => !g.has(x));
      result.extra[metric] = [...g].filter((x) => !w.has(x));
      counts[metric].tp += [...g].filter((x) => w.has(x)).length;
      counts[metric].fp += result.extra[metric].length;
      counts[metric].fn += result.missing[metric].length;
    }
    results.push(result);
  }
  const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
  const scores = Object.fromEntries(
    METRICS.map((m) => {
      const { tp, fp, fn } = counts[m];
      return [m, { tp, fp, fn, precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn) }];
    }),
  ) as Record<Metric, MetricScore>;
  return { scores, results };
}

/** A fixed-width table of the scores, for logs and reports. */
export function formatScores(scores: Record<Metric, MetricScore>): string {
  const rows = [
    `${'metric'.padEnd(14)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'tp'.padStart(6)}${'fp'.padStart(6)}${'fn'.padStart(6)}`,
  ];
  for (const m of METRICS) {
    const s = scores[m];
    rows.push(
      `${m.padEnd(14)}${s.precision.toFixed(3).padStart(10)}${s.recall.toFixed(3).padStart(10)}${String(s.tp).padStart(6)}${String(s.fp).padStart(6)}${String(s.fn).padStart(6)}`,
    );
  }
  return rows.join('\n');
}
