// The Grafana dashboards and Prometheus rules name only metrics and labels qlf exports (metrics/definitions.ts),
// and the dashboards are importable: valid JSON, unique uids, a datasource and a title on every panel.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exposedNames, METRICS, type MetricDefinition } from './metrics/definitions.js';

const here = import.meta.dirname;
const grafanaDir = join(here, 'grafana');
const prometheusDir = join(here, 'prometheus');

interface Target {
  expr?: string;
  datasource?: unknown;
}
interface Panel {
  id?: number;
  title?: string;
  type?: string;
  datasource?: unknown;
  targets?: Target[];
}
interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: { name: string; type: string; query?: unknown; definition?: string }[] };
}

/** A query with the place it came from, for failure messages. */
interface Query {
  where: string;
  expr: string;
}

const METRIC_NAME = /(?<![\w:])qlf_[A-Za-z0-9_]*(?=[{[)\s,]|$)/g;
const ANY_QLF_NAME = /(?<![\w:])qlf_[A-Za-z0-9_:]*/g;
const PROMETHEUS_LABELS = ['job', 'instance'];

/**
 * Metric names in a PromQL expression: identifiers starting `qlf_` followed by `{`, `[`, `)`, whitespace, the end, or
 * `,` (an argument, as in Grafana's `label_values(qlf_x, job)`).
 */
function metricNames(expr: string): string[] {
  return [...new Set(withoutStrings(expr).match(METRIC_NAME) ?? [])];
}

/** Every `qlf_` token, whatever follows it, so a name the stricter pattern misses still fails the check. */
function qlfTokens(expr: string): string[] {
  return [...new Set(withoutStrings(expr).match(ANY_QLF_NAME) ?? [])];
}

/** Label values and quoted text are not names; blank them so `outcome="qlf_x"` or `{a="b=c"}` do not confuse. */
function withoutStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
}

/** Label names used in selectors (`qlf_x{stage="build"}`) and in `by`/`without`/`on`/`ignoring` clauses. */
function labelNames(expr: string): string[] {
  const bare = withoutStrings(expr);
  const labels: string[] = [];
  for (const [, matchers = ''] of bare.matchAll(/qlf_\w+\s*\{([^}]*)\}/g)) {
    for (const [, label = ''] of matchers.matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) labels.push(label);
  }
  for (const [, list = ''] of bare.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
    labels.push(...list.split(',').map((label) => label.trim()));
  }
  return [...new Set(labels.filter(Boolean))];
}

const definitionByExposedName = new Map<string, MetricDefinition>();
for (const metric of METRICS as readonly MetricDefinition[]) {
  const names = metric.type === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => metric.name + s) : [metric.name];
  for (const name of names) definitionByExposedName.set(name, metric);
}

/** Labels a query may use: those of the metrics it names, the ones Prometheus adds, and `le` for buckets. */
function allowedLabels(names: string[]): Set<string> {
  const allowed = new Set(PROMETHEUS_LABELS);
  for (const name of names) {
    for (const label of definitionByExposedName.get(name)?.labels ?? []) allowed.add(label);
    if (name.endsWith('_bucket')) allowed.add('le');
  }
  return allowed;
}

function loadDashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(grafanaDir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(grafanaDir, file), 'utf8')) as Dashboard }));
}

function dashboardQueries(): Query[] {
  return loadDashboards().flatMap(({ file, dashboard }) => [
    ...(dashboard.panels ?? []).flatMap((panel) =>
      (panel.targets ?? []).map((target, i) => ({
        where: `${file}: "${panel.title}" target ${i}`,
        expr: target.expr ?? '',
      })),
    ),
    ...(dashboard.templating?.list ?? [])
      .filter((variable) => variable.type === 'query')
      .map((variable) => ({ where: `${file}: variable ${variable.name}`, expr: variable.definition ?? '' })),
  ]);
}

interface RuleFile {
  groups: {
    name: string;
    rules: { alert?: string; record?: string; expr: string; labels?: Record<string, string> }[];
  }[];
}

function loadRules(): RuleFile {
  return parse(readFileSync(join(prometheusDir, 'alerts.yml'), 'utf8')) as RuleFile;
}

function ruleQueries(): Query[] {
  return loadRules().groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `alerts.yml: ${group.name}/${rule.alert ?? rule.record}`, expr: rule.expr })),
  );
}

/** The alert tests' input series are selectors too: a renamed metric must break them as well. */
function testSeries(): Query[] {
  const file = parse(readFileSync(join(prometheusDir, 'alerts.test.yml'), 'utf8')) as {
    tests: { input_series?: { series: string }[] }[];
  };
  return file.tests.flatMap((test, i) =>
    (test.input_series ?? []).map((input) => ({
      where: `alerts.test.yml: test ${i}: ${input.series}`,
      expr: input.series,
    })),
  );
}

describe('PromQL name extraction', () => {
  it.each([
    ['sum(rate(qlf_tasks_total{outcome="failed"}[5m]))', ['qlf_tasks_total']],
    ['rate(qlf_runs_total[5m])', ['qlf_runs_total']],
    ['max(qlf_llm_budget_used_ratio)', ['qlf_llm_budget_used_ratio']],
    ['qlf_llm_circuit_open == 1', ['qlf_llm_circuit_open']],
    ['qlf_llm_circuit_open', ['qlf_llm_circuit_open']],
    ['up{job="qlf_watch"} == 0', []],
    ['label_values(qlf_tasks_total, job)', ['qlf_tasks_total']],
    ['a / on (job) qlf_a{x="1"} + qlf_b[1m]', ['qlf_a', 'qlf_b']],
  ])('%s names %j', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });

  it('sees a qlf_ name the stricter pattern misses', () => {
    expect(metricNames('qlf_tasks_totl+1')).toEqual([]);
    expect(qlfTokens('qlf_tasks_totl+1')).toEqual(['qlf_tasks_totl']);
  });

  it('finds selector and grouping labels, not label values', () => {
    expect(labelNames('sum by (stage, le) (rate(qlf_x_bucket{job=~"$job",outcome!="a=b"}[5m]))').sort()).toEqual([
      'job',
      'le',
      'outcome',
      'stage',
    ]);
  });
});

describe('Grafana dashboards', () => {
  const dashboards = loadDashboards();

  it('are the four expected ones, with unique uids', () => {
    expect(dashboards.map(({ file }) => file)).toEqual([
      'deploys.json',
      'llm-usage.json',
      'pipeline-overview.json',
      'verify-findings.json',
    ]);
    const uids = dashboards.map(({ dashboard }) => dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  describe.each(dashboards)('$file', ({ dashboard }) => {
    it('has a uid, a title, a schema version and a Prometheus datasource variable', () => {
      expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
      expect(dashboard.title).toBeTruthy();
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(dashboard.templating?.list).toContainEqual(
        expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
      );
    });

    it('gives every panel a unique id, a title, the datasource and at least one query', () => {
      const panels = dashboard.panels ?? [];
      expect(panels.length).toBeGreaterThan(0);
      const ids = panels.map((panel) => panel.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of panels) {
        expect(panel.title, `panel ${panel.id}`).toBeTruthy();
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, resolved by Grafana.
        expect(panel.datasource, `panel "${panel.title}"`).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(panel.targets?.length, `panel "${panel.title}"`).toBeGreaterThan(0);
        for (const target of panel.targets ?? []) expect(target.expr, `panel "${panel.title}"`).toBeTruthy();
      }
    });
  });
});

describe.each([
  ['dashboard queries', dashboardQueries()],
  ['alerting rules', ruleQueries()],
  ['alert test input series', testSeries()],
])('%s', (_kind, queries) => {
  const exported = exposedNames();

  it('exist', () => {
    expect(queries.length).toBeGreaterThan(0);
  });

  it.each(queries)('$where names only exported metrics and their labels', ({ expr }) => {
    const names = metricNames(expr);
    // `up` is Prometheus's own; every other query is about a qlf metric.
    if (!expr.startsWith('up{')) expect(names.length, 'names no qlf_ metric').toBeGreaterThan(0);
    expect(qlfTokens(expr).filter((name) => !exported.has(name))).toEqual([]);
    const allowed = allowedLabels(names);
    expect(labelNames(expr).filter((label) => !allowed.has(label))).toEqual([]);
  });
});

describe('coverage', () => {
  it('puts every exported metric on a dashboard', () => {
    const used = new Set(dashboardQueries().flatMap(({ expr }) => metricNames(expr)));
    const missing = (METRICS as readonly MetricDefinition[])
      .map((metric) => metric.name)
      .filter((name) => ![...used].some((u) => u === name || definitionByExposedName.get(u)?.name === name));
    expect(missing).toEqual([]);
  });

  it('gives every alert a severity and a summary, description and runbook', () => {
    for (const group of loadRules().groups) {
      for (const rule of group.rules) {
        const alert = rule as { alert: string; labels?: Record<string, string>; annotations?: Record<string, string> };
        expect(['warning', 'critical'], alert.alert).toContain(alert.labels?.severity);
        expect(Object.keys(alert.annotations ?? {}).sort(), alert.alert).toEqual(['description', 'runbook', 'summary']);
      }
    }
  });
});
