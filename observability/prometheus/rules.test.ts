// promtool accepts the Prometheus config, the alerting rules and every dashboard query, and the rules' unit tests
// (alerts.test.yml) pass. Skipped with a warning where promtool is not installed; CI installs it.
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';

const promtool = process.env.PROMTOOL ?? '/usr/bin/promtool';
const hasPromtool = existsSync(promtool);
if (!hasPromtool) console.warn('skipped: promtool not installed');

const here = import.meta.dirname;
const grafanaDir = join(here, '..', 'grafana');

/** Grafana's variables, replaced by values Prometheus accepts so the query can be parsed. */
const GRAFANA_VARIABLES: Record<string, string> = { $__rate_interval: '5m', $__range: '1h', $job: '.*' };

/** Runs promtool in this folder (rule paths resolve against the file naming them) and fails with its output. */
async function runPromtool(...args: string[]): Promise<string> {
  const result = await execa(promtool, args, { cwd: here, reject: false, all: true });
  expect(result.exitCode, `promtool ${args.join(' ')}\n${result.all}`).toBe(0);
  return result.all ?? '';
}

async function dashboardRuleFile(): Promise<string> {
  const rules: { record: string; expr: string }[] = [];
  for (const file of (await readdir(grafanaDir)).filter((f) => f.endsWith('.json')).sort()) {
    const dashboard = JSON.parse(await readFile(join(grafanaDir, file), 'utf8')) as {
      panels: { id: number; title: string; targets: { expr: string; refId: string }[] }[];
    };
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const expr = target.expr.replace(/\$\w+/g, (variable) => GRAFANA_VARIABLES[variable] ?? variable);
        expect(expr, `${file}: "${panel.title}" uses an unknown Grafana variable`).not.toContain('$');
        // The record name carries the place, so promtool's error says which panel's query does not parse.
        const place = `${file.replace(/\W/g, '_')}:panel_${panel.id}_${target.refId}`;
        rules.push({ record: `dashboard:${place}:check`, expr });
      }
    }
  }
  return stringify({ groups: [{ name: 'dashboard-queries', rules }] });
}

describe.skipIf(!hasPromtool)('promtool', () => {
  const temps: string[] = [];
  afterAll(async () => {
    for (const dir of temps) await rm(dir, { recursive: true, force: true });
  });

  it('check config prometheus.yml', async () => {
    expect(await runPromtool('check', 'config', 'prometheus.yml')).toContain('SUCCESS');
  });

  it('check rules alerts.yml', async () => {
    expect(await runPromtool('check', 'rules', 'alerts.yml')).toContain('SUCCESS');
  });

  it('test rules alerts.test.yml', async () => {
    expect(await runPromtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });

  it('parses every dashboard query', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qlf-dashboard-queries-'));
    temps.push(dir);
    const file = join(dir, 'dashboard-queries.yml');
    await writeFile(file, await dashboardRuleFile());
    expect(await runPromtool('check', 'rules', file)).toContain('SUCCESS');
  });
});
