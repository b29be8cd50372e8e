// Readiness of a long-running qlf (`qlf watch`): can the next run start? The config loads, the cache folder takes a
// write, the remote cache answers (when one is set) and the model providers' keys are present (when one is used; the
// provider itself is never called). Each check has a time limit, so a hanging dependency reports failed, not hangs.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { keyVariableOf } from '../../llm/providers/key-variable.js';
import type { ProviderName } from '../../schemas/llm.js';
import type { ResolvedConfig } from '../../workspace/config.js';

export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  latencyMs: number;
  detail?: string;
}

export interface ReadinessReport {
  /** `ok` when every check is ok or skipped. */
  status: 'ok' | 'failed';
  checks: CheckResult[];
}

type Outcome = { status: CheckStatus; detail?: string };

export interface ReadinessOptions {
  /** Loads the config the next run would use. */
  loadConfig(): Promise<ResolvedConfig>;
  /** Where provider keys are looked for. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Time limit of each check. @default 2000 */
  timeoutMs?: number;
}

/** Runs `check` within `timeoutMs`; a check that throws or runs out of time is `failed`. */
async function timed(name: string, timeoutMs: number, check: (signal: AbortSignal) => Promise<Outcome>) {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((done) => {
    timer = setTimeout(() => {
      controller.abort();
      done({ status: 'failed', detail: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const outcome = await Promise.race([
    check(controller.signal).catch((error): Outcome => ({ status: 'failed', detail: messageOf(error) })),
    timeout,
  ]);
  clearTimeout(timer);
  const result: CheckResult = { name, status: outcome.status, latencyMs: Math.round(performance.now() - started) };
  return outcome.detail === undefined ? result : { ...result, detail: outcome.detail };
}

function messageOf(error: unknown): string {
  const { message, code, cause } = (error ?? {}) as { message?: string; code?: string; cause?: unknown };
  const inner = (cause as { code?: string; message?: string } | undefined)?.code;
  return [message || code || String(error), inner].filter(Boolean).join(': ');
}

async function cacheDirWritable(config: ResolvedConfig): Promise<Outcome> {
  await mkdir(config.cacheDir, { recursive: true });
  const probe = join(config.cacheDir, `.ready-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, 'ready\n');
  } finally {
    await rm(probe, { force: true });
  }
  return { status: 'ok', detail: relative(config.root, config.cacheDir) || '.' };
}

async function remoteCacheReachable(config: ResolvedConfig, signal: AbortSignal): Promise<Outcome> {
  const url = config.cache.remote?.url;
  if (!url) return { status: 'skipped', detail: 'no remote cache configured' };
  // Any HTTP answer means the server is there; whether this machine may read or write is the run's business.
  const response = await fetch(url, { method: 'HEAD', signal, redirect: 'manual' });
  await response.body?.cancel();
  return { status: 'ok', detail: `HTTP ${response.status}` };
}

/** The key variables of the chosen provider and of its failover chain that are unset. */
function providerKeys(config: ResolvedConfig, env: NodeJS.ProcessEnv): Outcome {
  const chosen = config.generate.provider;
  if (chosen === 'templates') return { status: 'skipped', detail: 'generate.provider is templates' };
  const missing = (name: ProviderName): string | undefined => {
    const settings = config.llm.providers[name] ?? {};
    // Without a key variable Bedrock takes the AWS chain (profile, SSO, role), which only a call can check.
    if (name === 'bedrock' && !settings.apiKeyEnv) return undefined;
    const variable = keyVariableOf(name, settings);
    return env[variable]?.trim() ? undefined : variable;
  };
  const chosenMissing = missing(chosen);
  if (chosenMissing) return { status: 'failed', detail: `${chosen}: ${chosenMissing} is not set` };
  const failover = config.llm.failover.filter((name) => name !== chosen);
  const left = failover.flatMap((name) => {
    const variable = missing(name);
    return variable ? [`${name} (${variable} is not set)`] : [];
  });
  const detail = left.length > 0 ? `failover leaves out ${left.join(', ')}` : undefined;
  return detail ? { status: 'ok', detail } : { status: 'ok' };
}

/** Every readiness check, in a fixed order; the checks after `config` use the config it loaded. */
export async function checkReadiness(options: ReadinessOptions): Promise<ReadinessReport> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const env = options.env ?? process.env;
  let config: ResolvedConfig | undefined;
  const checks = [
    await timed('config', timeoutMs, async () => {
      config = await options.loadConfig();
      return { status: 'ok', detail: config.configFile ? relative(config.root, config.configFile) : 'defaults' };
    }),
  ];
  const loaded = config as ResolvedConfig | undefined;
  const rest: [string, (signal: AbortSignal) => Promise<Outcome>][] = loaded
    ? [
        ['cache-dir', () => cacheDirWritable(loaded)],
        ['remote-cache', (signal) => remoteCacheReachable(loaded, signal)],
        ['llm-keys', async () => providerKeys(loaded, env)],
      ]
    : ['cache-dir', 'remote-cache', 'llm-keys'].map((name) => [
        name,
        async () => ({ status: 'skipped', detail: 'the config did not load' }),
      ]);
  checks.push(...(await Promise.all(rest.map(([name, check]) => timed(name, timeoutMs, check)))));
  return { status: checks.every((check) => check.status !== 'failed') ? 'ok' : 'failed', checks };
}
