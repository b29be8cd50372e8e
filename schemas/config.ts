// `qlf.config.ts`: where briefs live, where output goes, and each stage's settings.
import { z } from 'zod';
import { sqlDatabaseName } from './common.js';
import { generatorName, llmConfigSchema } from './llm.js';

/** Why a remote cache URL is refused, or undefined when it is fine. Shared with the env override check. */
export function remoteCacheUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute http:// or https:// URL, e.g. "https://cache.example.com"';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `must use http:// or https://, not ${url.protocol}//`;
  }
  if (url.username || url.password) {
    return 'must not hold credentials: put the token in the QLF_REMOTE_CACHE_TOKEN environment variable';
  }
  if (url.search || url.hash) return 'must not hold a query or fragment: set the team with `team`';
  return undefined;
}

/** `cache.remote`: where the shared cache is; the token is deliberately not an option. */
export const remoteCacheConfigSchema = z
  .object({
    /**
     * Base URL of a Turborepo-compatible cache server (artifacts live under `<url>/v8/artifacts/<hash>`); else
     * `QLF_REMOTE_CACHE_URL`.
     */
    url: z.string().superRefine((value, ctx) => {
      const problem = remoteCacheUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    /** Team (sent as `teamId` when it starts with `team_`, else as `slug`); else `QLF_REMOTE_CACHE_TEAM`. */
    team: z.string().min(1).optional(),
    /**
     * Fetch from the remote cache but never upload (developer machines); else `QLF_REMOTE_CACHE_READ_ONLY`.
     * @default false
     */
    readOnly: z.boolean().default(false),
    /**
     * Seconds to wait for the connection to the cache server. A server that cannot be reached in time is not asked
     * again during the run, which goes on without the remote cache (one warning). @default 5
     */
    connectTimeoutSeconds: z.number().positive().max(600).optional(),
    /**
     * Seconds to wait, once connected, for the server's response to start, and the longest pause allowed while an
     * artifact moves (a transfer that keeps moving may take longer). A server that times out is not asked again during
     * the run, which goes on without the remote cache (one warning); no retries. @default 10
     */
    firstByteTimeoutSeconds: z.number().positive().max(600).optional(),
    /** Not an option: the token is read only from `QLF_REMOTE_CACHE_TOKEN`, so it never lands in a committed file. */
    token: z
      .never({ message: 'is not read from the config file: set the QLF_REMOTE_CACHE_TOKEN environment variable' })
      .optional(),
  })
  .strict();
export type RemoteCacheConfig = z.output<typeof remoteCacheConfigSchema>;

const dnsName = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be a lowercase DNS name');

/** Where and how the `deploy` stage renders and applies Kubernetes objects. */
export const deployConfigSchema = z
  .object({
    /** Namespace of each service. @default the brief's name */
    namespace: dnsName.max(63).optional(),
    /** Public host of each service: `<name>.<baseDomain>`. @default 'example.com' */
    baseDomain: dnsName.default('example.com'),
    /** IngressClass the Ingress uses. @default 'nginx' */
    ingressClass: z.string().min(1).default('nginx'),
    /** Namespace of the ingress controller, the only source NetworkPolicy lets in. @default 'ingress-nginx' */
    ingressNamespace: dnsName.max(63).default('ingress-nginx'),
    /** cert-manager ClusterIssuer that issues the TLS certificate. @default 'letsencrypt' */
    clusterIssuer: z.string().min(1).default('letsencrypt'),
    /** Where the database is, for the egress NetworkPolicy: an IP block and port. @default 0.0.0.0/0 on the dialect's port */
    database: z.object({ cidr: z.string().min(1), port: z.number().int().min(1).max(65535).optional() }).optional(),
    /** GDPR data residency: labels the objects and pins pods to nodes carrying `nodeLabel=<region>`. */
    residency: z
      .object({ region: z.string().min(1), nodeLabel: z.string().min(1).default('topology.kubernetes.io/region') })
      .optional(),
    /** Preview environments (`qlf preview`). */
    preview: z
      .object({
        /** Hosts `<namespace>.<baseDomain>`. @default deploy.baseDomain */
        baseDomain: dnsName.optional(),
        /** Lifetime of a preview when `--ttl` is not given, e.g. `24h`, `3d`. @default '24h' */
        ttl: z
          .string()
          .regex(/^\d+[mhd]$/, 'a number then m, h or d, e.g. 24h')
          .default('24h'),
        /** Use the `DATABASE_URL` Secret you provide instead of a throwaway PostgreSQL per preview. @default false */
        sharedDatabase: z.boolean().default(false),
      })
      .strict()
      .default({ ttl: '24h', sharedDatabase: false }),
  })
  .strict();
export type DeployConfig = z.output<typeof deployConfigSchema>;

export const configSchema = z
  .object({
    /** Globs (relative to the workspace root) that find briefs. @default ['**\/brief.qlf.yaml'] */
    briefs: z.array(z.string()).default(['**/brief.qlf.yaml']),
    /** Globs never searched for briefs. @default ['**\/node_modules/**', '**\/dist/**', '**\/.qlf/**'] */
    ignore: z.array(z.string()).default(['**/node_modules/**', '**/dist/**', '**/.qlf/**', '**/.nx/**']),
    /** Artifacts folder; each brief writes `<outDir>/<name>/` (IR, pristine generated tree, reports, capsules). @default 'dist/qlf' */
    outDir: z.string().default('dist/qlf'),
    /** Local task cache folder. @default '.qlf/cache' */
    cacheDir: z.string().default('.qlf/cache'),
    cache: z
      .object({
        /**
         * A cache shared between machines, speaking the Turborepo remote cache HTTP API. Off unless set here or by
         * `QLF_REMOTE_CACHE_URL`. The token comes only from `QLF_REMOTE_CACHE_TOKEN`, never from this file.
         */
        remote: remoteCacheConfigSchema.optional(),
      })
      .strict()
      .default({}),
    overlays: z
      .object({
        /** Extra folders holding the workspace's own overlay files. @default [] */
        dirs: z.array(z.string()).default([]),
        /** Suggested overlays at or above this confidence are applied automatically. @default 0.7 */
        autoApplyThreshold: z.number().min(0.3).max(1).default(0.7),
      })
      .strict()
      .default({ dirs: [], autoApplyThreshold: 0.7 }),
    python: z
      .object({
        /** Interpreter that runs generated services; else `QLF_PYTHON`, else the first candidate that imports FastAPI. */
        interpreter: z.string().optional(),
      })
      .strict()
      .default({}),
    generate: z
      .object({
        /**
         * Who writes the domain logic templates cannot: nobody (the offline templates), or an LLM provider, which writes
         * extension modules and their tests on top of the templates' scaffold. @default 'templates'
         */
        provider: generatorName.default('templates'),
        /** Model id or alias (`sonnet`, `gpt4`) for the provider. @default the provider's `defaultModel` */
        model: z.string().min(1).optional(),
        /**
         * When the model's answer cannot be used (broken contract after repairs, failed checks, budget, outage):
         * `none` fails the task, `template` keeps the template-only service and says so. @default 'none'
         */
        fallback: z.enum(['none', 'template']).default('none'),
        /**
         * The service's working copy, relative to the brief's folder: the user's source, committed, merged on every
         * regeneration. @default 'service'
         */
        serviceDir: z.string().min(1).default('service'),
      })
      .strict()
      .default({ provider: 'templates', fallback: 'none', serviceDir: 'service' }),
    verify: z
      .object({
        /** Treat a skipped check (missing tool) as a failure. @default false */
        strict: z.boolean().default(false),
        /** Per-check time limit in milliseconds. @default 300000 */
        timeoutMs: z.number().int().positive().default(300_000),
        /**
         * Databases the migrations and the test suite run against, each on a throwaway server (or file) qlf starts.
         * @default the brief's `stack.database`, then sqlite
         */
        databases: z.array(sqlDatabaseName).min(1).optional(),
      })
      .strict()
      .default({ strict: false, timeoutMs: 300_000 }),
    deploy: deployConfigSchema.default({
      baseDomain: 'example.com',
      ingressClass: 'nginx',
      ingressNamespace: 'ingress-nginx',
      clusterIssuer: 'letsencrypt',
      preview: { ttl: '24h', sharedDatabase: false },
    }),
    build: z
      .object({
        /** Container engine endpoint; else `DOCKER_HOST`. */
        dockerHost: z.string().optional(),
        /** Base image overrides by build argument (`PYTHON_IMAGE: 'python:3.12-slim@sha256:…'`). @default {} */
        baseImages: z.record(z.string(), z.string()).default({}),
        /** Isolation of RUN steps on Podman: `chroot` builds where no container runtime can run. @default 'default' */
        isolation: z.enum(['default', 'chroot']).default('default'),
        /**
         * Build the image through the engine. `false` writes the Dockerfile and the reproducible context only (an image
         * built elsewhere, e.g. by your CI's builder); that result is cached, unlike a build skipped for want of an
         * engine. @default true
         */
        image: z.boolean().default(true),
      })
      .strict()
      .default({ baseImages: {}, isolation: 'default', image: true }),
    package: z
      .object({
        /** Private key (PEM) that signs provenance; else `QLF_SIGNING_KEY`. Never copied into a capsule. */
        signingKey: z.string().optional(),
        /** Documentation sections. */
        docs: z
          .array(z.enum(['overview', 'run', 'configuration', 'api', 'sbom', 'security']))
          .default(['overview', 'run', 'configuration', 'api', 'sbom', 'security']),
      })
      .strict()
      .default({ docs: ['overview', 'run', 'configuration', 'api', 'sbom', 'security'] }),
    /** LLM providers, prices, budget and resilience; used when `generate.provider` (or `--provider`) names one. */
    llm: llmConfigSchema.default({
      providers: {},
      aliases: {},
      prices: {},
      budget: { period: 'month', warnUsd: 80, limitUsd: 100 },
      retries: { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 20_000 },
      idleTimeoutSeconds: 60,
      requestTimeoutSeconds: 300,
      circuitBreaker: { failureThreshold: 5, cooldownSeconds: 60 },
      failover: [],
      maxRepairs: 2,
      maxOutputTokens: 16_000,
      promptsDir: 'qlf/prompts',
      allowScaffold: [],
    }),
    /** Metrics, health and the audit log of runs. */
    observability: z
      .object({
        /** Add a `brief` label to task metrics; off by default, since it grows with the workspace. @default false */
        briefLabel: z.boolean().default(false),
        audit: z
          .object({
            /** Record every run in the audit log. @default true */
            enabled: z.boolean().default(true),
            /** The log, relative to the workspace root. @default '.qlf/audit/audit.jsonl' */
            file: z.string().min(1).default('.qlf/audit/audit.jsonl'),
            /** Rotate the log once it passes this size. @default 10485760 (10 MiB) */
            maxBytes: z.number().int().min(1024).default(10_485_760),
            /** Rotated logs kept (`audit.jsonl.1` … `.N`). @default 5 */
            keep: z.number().int().min(1).max(100).default(5),
          })
          .strict()
          .default({ enabled: true, file: '.qlf/audit/audit.jsonl', maxBytes: 10_485_760, keep: 5 }),
      })
      .strict()
      .default({
        briefLabel: false,
        audit: { enabled: true, file: '.qlf/audit/audit.jsonl', maxBytes: 10_485_760, keep: 5 },
      }),
    run: z
      .object({
        /** Worker threads for tasks. @default cores - 1, at least 1 */
        concurrency: z.number().int().positive().optional(),
        /** Tasks that spawn heavy child processes (pytest, image builds) at once. @default 1 */
        heavyConcurrency: z.number().int().positive().default(1),
      })
      .strict()
      .default({ heavyConcurrency: 1 }),
  })
  .strict();

/** What users write in `qlf.config.ts`. */
export type QlfUserConfig = z.input<typeof configSchema>;
/** Config with every default filled and paths absolute (see `resolveConfig`). */
export type QlfConfig = z.output<typeof configSchema>;

/** Typed identity helper for `qlf.config.ts`. */
export function defineConfig(config: QlfUserConfig): QlfUserConfig {
  return config;
}
