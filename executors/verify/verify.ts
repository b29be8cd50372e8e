// The verify stage: runs every check on a generated service and gates the result.
import { existsSync } from 'node:fs';
import { inputError } from '../../core/errors.js';
import { DEFAULT_PYTHON_MODULES, type FoundPython, findPython, probePython } from '../../core/python.js';
import type { SqlDatabase } from '../../schemas/common.js';
import type { RunnerResult, VerifyFinding, VerifyReport } from '../../schemas/verify-report.js';
import { gate } from './lib/gate.js';
import { mergeTestedVersions } from './lib/imported-versions.js';
import type { RunnerContext, VerifyContext, VerifyInput, VerifyRunner } from './lib/runner.js';
import { TargetDatabases, targetDatabases } from './lib/target-databases.js';
import { RUNNER_NAMES, RUNNERS } from './runners/index.js';

export type { VerifyContext, VerifyInput, VerifyRunner } from './lib/runner.js';

// Probed beyond the service's own modules so runners can tell what the interpreter offers.
const PROBED_MODULES = [...DEFAULT_PYTHON_MODULES, 'bandit', 'alembic', 'psycopg2', 'pymysql'];

/** The interpreter all runners share: the given one, else the first with the service modules, else any Python. */
async function resolvePython(ctx: VerifyContext, env: NodeJS.ProcessEnv): Promise<FoundPython | undefined> {
  if (ctx.python) return probePython(ctx.python, PROBED_MODULES, env);
  const found = (await findPython({ env })) ?? (await findPython({ env, require: [] }));
  return found && probePython(found.path, PROBED_MODULES, env);
}

function selectRunners(names: string[] | undefined): readonly VerifyRunner[] {
  if (!names) return RUNNERS;
  const unknown = names.filter((name) => !RUNNER_NAMES.includes(name));
  if (unknown.length > 0) {
    throw inputError(
      'E_VERIFY_RUNNER',
      `unknown verify runner ${unknown.map((name) => JSON.stringify(name)).join(', ')}`,
      {
        hint: `Choose from ${RUNNER_NAMES.join(', ')}.`,
      },
    );
  }
  return RUNNERS.filter((runner) => names.includes(runner.name));
}

function byPlace(a: VerifyFinding, b: VerifyFinding): number {
  return (
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.runner.localeCompare(b.runner) ||
    (a.database ?? '').localeCompare(b.database ?? '') ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

export async function runVerify(input: VerifyInput, ctx: VerifyContext): Promise<VerifyReport> {
  if (!existsSync(input.serviceDir)) {
    throw inputError('E_VERIFY_NO_SERVICE', `no generated service at ${input.serviceDir}`, {
      hint: `Run \`qlf generate ${input.ir.name}\` first.`,
    });
  }
  const runners = selectRunners(ctx.runners);
  const env = ctx.env ?? process.env;
  const runnerCtx: RunnerContext = { ...ctx, env, pythonInfo: await resolvePython(ctx, env) };
  const results: RunnerResult[] = [];
  const findings: VerifyFinding[] = [];
  let tested: VerifyReport['tested'];
  const databases = new TargetDatabases();
  const runOnce = async (runner: VerifyRunner, kind?: SqlDatabase) => {
    const started = performance.now();
    let outcome: Awaited<ReturnType<VerifyRunner['run']>>;
    try {
      const database = kind ? await databases.fresh(kind, runner.name) : undefined;
      outcome =
        database && 'skipped' in database
          ? { status: 'skipped', reason: database.skipped, findings: [], stats: {} }
          : await runner.run(
              input,
              database && kind ? { ...runnerCtx, database: { kind, url: database.url } } : runnerCtx,
            );
    } catch (error) {
      const message = `the ${runner.name} check crashed: ${(error as Error).message}`;
      outcome = { status: 'failed', findings: [{ rule: 'runner-crashed', severity: 'error', message }], stats: {} };
    }
    results.push({
      runner: runner.name,
      ...(kind ? { database: kind } : {}),
      status: outcome.status,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      stats: outcome.stats,
    });
    ctx.onRunnerDone?.(results.at(-1)!, Math.round(performance.now() - started));
    findings.push(
      ...outcome.findings.map((finding) => ({ ...finding, runner: runner.name, ...(kind ? { database: kind } : {}) })),
    );
    tested = mergeTestedVersions(tested, outcome.tested);
  };
  try {
    for (const runner of runners) {
      if (!runner.perDatabase) await runOnce(runner);
      else for (const kind of targetDatabases(input.ir, ctx.databases)) await runOnce(runner, kind);
    }
  } finally {
    await databases.close();
  }
  findings.sort(byPlace);
  const reported = sameOnEveryDatabase(findings);
  return {
    name: input.ir.name,
    passed: gate(results, reported, ctx.strict),
    strict: ctx.strict,
    runners: results,
    findings: reported,
    ...(tested ? { tested } : {}),
  };
}

/** A finding every database run made alike (a pin warning) is reported once, without a database. */
function sameOnEveryDatabase(findings: VerifyFinding[]): VerifyFinding[] {
  const key = (finding: VerifyFinding) =>
    JSON.stringify([finding.runner, finding.rule, finding.severity, finding.message, finding.file, finding.line]);
  const databases = new Map<string, Set<string>>();
  const all = new Set(findings.map((finding) => finding.database).filter((name) => name !== undefined));
  for (const finding of findings) {
    if (finding.database === undefined) continue;
    const seen = databases.get(key(finding)) ?? new Set<string>();
    seen.add(finding.database);
    databases.set(key(finding), seen);
  }
  const kept: VerifyFinding[] = [];
  const done = new Set<string>();
  for (const finding of findings) {
    const everywhere = all.size > 1 && databases.get(key(finding))?.size === all.size;
    if (!everywhere) kept.push(finding);
    else if (!done.has(key(finding))) {
      done.add(key(finding));
      const { database: _database, ...rest } = finding;
      kept.push(rest);
    }
  }
  return kept;
}
