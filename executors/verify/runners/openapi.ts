// Validates the service's OpenAPI document, then checks that the running app serves every operation it declares.
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ownedTempDir } from '../../../core/owned-temp.js';
import { AppStartError, startApp } from '../lib/app-server.js';
import { lintOpenApi } from '../lib/openapi-lint.js';
import { compareOperations } from '../lib/openapi-paths.js';
import { childEnv } from '../lib/process.js';
import { missingPython, outcomeOf, type VerifyRunner } from '../lib/runner.js';
import { serviceEnv } from '../lib/service-env.js';
import { lineAt } from '../lib/service-files.js';

const DOCUMENTS = ['openapi.json', 'openapi.yaml', 'openapi.yml'];
const START_TIMEOUT_MS = 30_000;

/** Line of the path key in the document text, for the finding. */
function pathLine(source: string, path: string): number | undefined {
  for (const quoted of [`"${path}"`, `'${path}'`, `${path}:`]) {
    const index = source.indexOf(quoted);
    if (index >= 0) return lineAt(source, index);
  }
  return undefined;
}

/** Starts the app, fetches its live document, stops the app. */
async function servedDocument(serviceDir: string, python: string, ctx: { env: NodeJS.ProcessEnv; timeoutMs: number }) {
  const tmp = await ownedTempDir('openapi');
  try {
    const env = childEnv(ctx.env, await serviceEnv(serviceDir, tmp));
    const startTimeoutMs = Math.min(START_TIMEOUT_MS, ctx.timeoutMs);
    const app = await startApp({ python, cwd: serviceDir, env, startTimeoutMs, lifetimeMs: ctx.timeoutMs });
    try {
      const response = await fetch(`${app.baseUrl}/openapi.json`, { signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new AppStartError(`GET /openapi.json answered ${response.status}`);
      return (await response.json()) as unknown;
    } finally {
      await app.stop();
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export const openapiRunner: VerifyRunner = {
  name: 'openapi',
  heavy: true,
  async run(input, ctx) {
    const file = DOCUMENTS.find((name) => existsSync(join(input.serviceDir, name)));
    if (!file) {
      const message = `no ${DOCUMENTS.join(' / ')} at the service root`;
      return outcomeOf([{ rule: 'openapi-missing', severity: 'error', message }]);
    }
    const source = await readFile(join(input.serviceDir, file), 'utf8');
    const findings = await lintOpenApi(file, source, { authNone: input.ir.api.auth.value === 'none' });
    if (findings.some((finding) => finding.rule === 'openapi-syntax')) return outcomeOf(findings);

    const missing = missingPython(ctx, ['fastapi', 'uvicorn']);
    if (missing || !ctx.pythonInfo) {
      return {
        status: 'skipped',
        reason: `${missing}; document linted, served paths not checked`,
        findings,
        stats: {},
      };
    }
    if (!existsSync(join(input.serviceDir, 'app', 'main.py'))) {
      findings.push({ rule: 'app-missing', severity: 'error', message: 'no app/main.py to serve the document', file });
      return outcomeOf(findings);
    }
    let served: unknown;
    try {
      served = await servedDocument(input.serviceDir, ctx.pythonInfo.path, ctx);
    } catch (error) {
      if (!(error instanceof AppStartError)) throw error;
      findings.push({
        rule: 'app-start',
        severity: 'error',
        message: `the app did not start: ${error.message}`,
        file: 'app/main.py',
      });
      return outcomeOf(findings);
    }
    const declared = parse(source) as unknown;
    const { notServed, undocumented } = compareOperations(declared, served);
    for (const { operation, path } of notServed) {
      const line = pathLine(source, path);
      findings.push({
        rule: 'openapi-path-not-served',
        severity: 'error',
        message: `${operation} is in ${file} but the app does not serve it`,
        file,
        ...(line ? { line } : {}),
      });
    }
    for (const { operation } of undocumented) {
      findings.push({
        rule: 'openapi-path-undocumented',
        severity: 'warning',
        message: `the app serves ${operation}, which ${file} does not declare`,
        file,
      });
    }
    return outcomeOf(findings, { notServed: notServed.length, undocumented: undocumented.length });
  },
};
