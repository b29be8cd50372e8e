// The contract every verify runner implements, and the context the stage hands it.
import type { FoundPython } from '../../../core/python.js';
import type { SqlDatabase } from '../../../schemas/common.js';
import type { IR } from '../../../schemas/ir.js';
import type { RunnerResult, TestedVersions, VerifyFinding } from '../../../schemas/verify-report.js';

export interface VerifyInput {
  ir: IR;
  /** Absolute path of the generated service. */
  serviceDir: string;
}

export interface VerifyContext {
  /** Interpreter that runs the service; else `findPython()`. */
  python?: string;
  /** A skipped runner (missing tool) fails the gate. */
  strict: boolean;
  /** Time limit per runner's child process, in milliseconds. */
  timeoutMs: number;
  /** Run only these runners (by name), in the stage's order. @default every runner */
  runners?: string[];
  /**
   * The databases the database runners (migrations, pytest) run against, each in turn: PostgreSQL and MySQL on
   * throwaway servers started on loopback, SQLite in a temp file. @default the brief's database, then sqlite
   */
  databases?: SqlDatabase[];
  /** Test files (relative to the service) the pytest runner runs instead of the whole suite. @default every test */
  testPaths?: string[];
  /** Environment child processes start from (PATH, QLF_PYTHON). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Called after each runner with its wall time (kept out of the report, whose bytes must not vary). */
  onRunnerDone?(result: RunnerResult, durationMs: number): void;
}

/** What a runner sees: the stage context plus the interpreter resolved once for all runners. */
export interface RunnerContext extends VerifyContext {
  /** The resolved interpreter with the modules it imports, or undefined when no Python runs at all. */
  pythonInfo?: FoundPython;
  env: NodeJS.ProcessEnv;
  /** For a per-database runner: the database of this run, empty and its own (a SQLAlchemy URL). */
  database?: { kind: SqlDatabase; url: string };
}

/** A finding before the stage stamps the runner name on it. */
export type RunnerFinding = Omit<VerifyFinding, 'runner'>;

export interface RunnerOutcome {
  status: 'passed' | 'failed' | 'skipped';
  /** Why it was skipped (`bandit not installed`) or failed without findings. */
  reason?: string;
  findings: RunnerFinding[];
  stats: Record<string, number>;
  /** What a test run ran with (pytest): the interpreter and the distributions the tests imported. */
  tested?: TestedVersions;
}

export interface VerifyRunner {
  name: string;
  /** Spawns heavy child processes (a test suite, a server). */
  heavy?: boolean;
  /** Runs once per target database, each time with `ctx.database` set to a fresh database of that kind. */
  perDatabase?: boolean;
  run(input: VerifyInput, ctx: RunnerContext): Promise<RunnerOutcome>;
}

/** Failed when any finding is an error, else passed. */
export function outcomeOf(findings: RunnerFinding[], stats: Record<string, number> = {}): RunnerOutcome {
  const failed = findings.some((finding) => finding.severity === 'error');
  return { status: failed ? 'failed' : 'passed', findings, stats };
}

export function skipped(reason: string, findings: RunnerFinding[] = []): RunnerOutcome {
  return { status: 'skipped', reason, findings, stats: {} };
}

/** The skip reason when the interpreter lacks some of `modules`, or undefined when it has them all. */
export function missingPython(ctx: RunnerContext, modules: readonly string[]): string | undefined {
  const info = ctx.pythonInfo;
  if (info && modules.every((name) => info.modules[name])) return undefined;
  const missing = info ? modules.filter((name) => !info.modules[name]) : modules;
  return `python with ${missing.join('/')} not found (set QLF_PYTHON)`;
}
