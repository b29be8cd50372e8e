// Finds a Python interpreter that can run generated services: configured, then QLF_PYTHON, then well-known candidates.
// The first `python3` on PATH is often a bare interpreter without FastAPI, so each candidate is probed, never assumed.
import { execa } from 'execa';

/** Modules a generated FastAPI service and its tests import. */
export const DEFAULT_PYTHON_MODULES = [
  'fastapi',
  'sqlalchemy',
  'pydantic',
  'httpx',
  'pytest',
  'uvicorn',
  'prometheus_client',
] as const;

/** Interpreters tried, in order, after the configured one and `QLF_PYTHON`. */
export const PYTHON_CANDIDATES = ['/usr/bin/python3', 'python3', 'python'] as const;

export interface FoundPython {
  /** The interpreter as given (an absolute path or a name found on PATH). */
  path: string;
  /** `major.minor.micro`. */
  version: string;
  /** Every probed module → whether it imports. */
  modules: Record<string, boolean>;
}

export interface FindPythonOptions {
  /** Config `python.interpreter`; tried first. */
  configured?: string;
  /** Environment read for `QLF_PYTHON` and passed to the probes. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Modules the interpreter must import. @default DEFAULT_PYTHON_MODULES */
  require?: readonly string[];
}

// Prints the version, then one `name=0|1` line per module; never raises, so a missing module is an answer, not a crash.
const PROBE = `import importlib.util, sys
print("%d.%d.%d" % sys.version_info[:3])
for name in sys.argv[1:]:
    try:
        ok = importlib.util.find_spec(name) is not None
    except Exception:
        ok = False
    print("%s=%d" % (name, 1 if ok else 0))
`;

const PROBE_TIMEOUT_MS = 15_000;
const probeCache = new Map<string, Promise<FoundPython | undefined>>();

/** Runs the probe in `interpreter`; undefined when it cannot start or does not answer. Cached per process. */
export function probePython(
  interpreter: string,
  modules: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<FoundPython | undefined> {
  const key = `${interpreter}\0${[...modules].sort().join(',')}`;
  let cached = probeCache.get(key);
  if (!cached) {
    cached = runProbe(interpreter, modules, env);
    probeCache.set(key, cached);
  }
  return cached;
}

async function runProbe(
  interpreter: string,
  modules: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<FoundPython | undefined> {
  const result = await execa(interpreter, ['-c', PROBE, ...modules], {
    env: { ...env, PYTHONDONTWRITEBYTECODE: '1' },
    extendEnv: false,
    reject: false,
    timeout: PROBE_TIMEOUT_MS,
    stdin: 'ignore',
  });
  if (result.exitCode !== 0 || typeof result.stdout !== 'string') return undefined;
  const [version, ...lines] = result.stdout.trim().split(/\r?\n/);
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) return undefined;
  const found: Record<string, boolean> = {};
  for (const line of lines) {
    const [name, flag] = line.split('=');
    if (name) found[name] = flag === '1';
  }
  return { path: interpreter, version, modules: found };
}

/** The ordered, de-duplicated interpreters `findPython` tries. */
export function pythonCandidates(options: Pick<FindPythonOptions, 'configured' | 'env'> = {}): string[] {
  const env = options.env ?? process.env;
  const list = [options.configured, env.QLF_PYTHON, ...PYTHON_CANDIDATES].filter(
    (entry): entry is string => typeof entry === 'string' && entry.trim() !== '',
  );
  return [...new Set(list)];
}

/**
 * The first candidate that imports every required module, or undefined when none does. Callers that cannot run
 * without Python report `skipped: python with <modules> not found (set QLF_PYTHON)`.
 */
export async function findPython(options: FindPythonOptions = {}): Promise<FoundPython | undefined> {
  const env = options.env ?? process.env;
  const required = options.require ?? DEFAULT_PYTHON_MODULES;
  for (const candidate of pythonCandidates(options)) {
    const found = await probePython(candidate, required, env);
    if (found && required.every((name) => found.modules[name])) return found;
  }
  return undefined;
}
