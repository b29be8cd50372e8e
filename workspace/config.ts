// Finds the workspace root and loads `qlf.config.ts` (through jiti, so users write TypeScript), validated by zod.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { inputError } from '../core/errors.js';
import { zodIssues } from '../core/zod-issues.js';
import { configSchema, type QlfConfig, type RemoteCacheConfig, remoteCacheUrlProblem } from '../schemas/config.js';

export const CONFIG_FILES = ['qlf.config.ts', 'qlf.config.mts', 'qlf.config.js', 'qlf.config.mjs', 'qlf.config.json'];

/** A loaded config with the workspace it belongs to; paths in it are absolute. */
export interface ResolvedConfig extends QlfConfig {
  /** Absolute workspace root (the folder holding the config file, else the start folder). */
  root: string;
  /** Absolute config file path, if there is one. */
  configFile?: string;
}

/** Walks up from `start` to the nearest folder with a qlf config file; falls back to `start`. */
export function findWorkspaceRoot(start: string): { root: string; configFile?: string } {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return { root: dir, configFile: candidate };
    }
    const parent = dirname(dir);
    if (parent === dir) return { root: resolve(start) };
    dir = parent;
  }
}

async function importConfig(file: string): Promise<unknown> {
  if (file.endsWith('.json')) return JSON.parse(readFileSync(file, 'utf8'));
  const { createJiti } = await import('jiti');
  const jiti = createJiti(import.meta.url, { fsCache: true, moduleCache: false });
  return jiti.import(file, { default: true });
}

/** Loads and validates the config for the workspace containing `start`. Bad config is an input error (exit 2). */
export async function loadConfig(start: string, overrides: Partial<QlfConfig> = {}): Promise<ResolvedConfig> {
  const { root, configFile } = findWorkspaceRoot(start);
  let raw: unknown = {};
  if (configFile) {
    try {
      raw = await importConfig(configFile);
    } catch (error) {
      throw inputError('E_CONFIG_LOAD', `cannot load ${configFile}: ${(error as Error).message}`, {
        hint: 'Fix the syntax error in the config file; it must `export default defineConfig({...})`.',
      });
    }
  }
  const parsed = configSchema.safeParse({ ...(raw as object), ...overrides });
  if (!parsed.success) {
    throw inputError('E_CONFIG_SCHEMA', `invalid config in ${configFile ?? '(defaults)'}`, {
      issues: zodIssues(parsed.error, { file: configFile, code: 'E_CONFIG_SCHEMA' }),
    });
  }
  const absolute = (path: string) => (isAbsolute(path) ? path : join(root, path));
  const config = parsed.data;
  // CI runs strict: QLF_STRICT=1 turns every skipped check into a failure without editing the config.
  if (process.env.QLF_STRICT === '1' || process.env.QLF_STRICT === 'true') config.verify.strict = true;
  // CI points at the shared cache through the environment, so the config file (a task hash input) stays the same.
  config.cache = { ...config.cache, remote: resolveRemoteCacheEnv(config.cache.remote, process.env) };
  return {
    ...config,
    outDir: absolute(config.outDir),
    cacheDir: absolute(config.cacheDir),
    overlays: { ...config.overlays, dirs: config.overlays.dirs.map(absolute) },
    root,
    configFile,
  };
}

/** The environment variables that configure the remote cache; the token is read from nowhere else. */
export const REMOTE_CACHE_ENV = Object.freeze({
  url: 'QLF_REMOTE_CACHE_URL',
  team: 'QLF_REMOTE_CACHE_TEAM',
  readOnly: 'QLF_REMOTE_CACHE_READ_ONLY',
  token: 'QLF_REMOTE_CACHE_TOKEN',
});

const TRUE_WORDS = ['1', 'true', 'yes', 'on'];
const FALSE_WORDS = ['0', 'false', 'no', 'off'];

/**
 * `cache.remote` with the `QLF_REMOTE_CACHE_*` overrides applied (each set, non-empty variable wins); undefined when
 * neither the config nor `QLF_REMOTE_CACHE_URL` names a server. Idempotent. Bad values are input errors naming the
 * variable (never echoing the URL, which might hold credentials).
 */
export function resolveRemoteCacheEnv(
  remote: RemoteCacheConfig | undefined,
  env: NodeJS.ProcessEnv,
): RemoteCacheConfig | undefined {
  const envUrl = env[REMOTE_CACHE_ENV.url]?.trim();
  if (envUrl) {
    const problem = remoteCacheUrlProblem(envUrl);
    if (problem) {
      throw inputError('E_CONFIG_ENV', `${REMOTE_CACHE_ENV.url} ${problem}`, {
        hint: `Set ${REMOTE_CACHE_ENV.url} to the cache server's base URL, e.g. https://cache.example.com, or unset it.`,
      });
    }
  }
  const url = envUrl || remote?.url;
  if (!url) return undefined;
  const rawReadOnly = env[REMOTE_CACHE_ENV.readOnly]?.trim().toLowerCase();
  let readOnly = remote?.readOnly ?? false;
  if (rawReadOnly && TRUE_WORDS.includes(rawReadOnly)) readOnly = true;
  else if (rawReadOnly && FALSE_WORDS.includes(rawReadOnly)) readOnly = false;
  else if (rawReadOnly) {
    throw inputError(
      'E_CONFIG_ENV',
      `${REMOTE_CACHE_ENV.readOnly}=${JSON.stringify(env[REMOTE_CACHE_ENV.readOnly])} is not a yes/no value`,
      { hint: `Use one of: ${[...TRUE_WORDS, ...FALSE_WORDS].join(', ')}.` },
    );
  }
  const team = env[REMOTE_CACHE_ENV.team]?.trim() || remote?.team;
  return { ...remote, url, readOnly, ...(team ? { team } : {}) };
}
