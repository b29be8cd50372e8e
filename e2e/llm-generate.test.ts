// End to end with a model: `qlf generate` and `qlf run` with --provider openai, anthropic and bedrock, each through
// its real SDK against a loopback server that speaks the provider's wire protocol and replays recorded answers (no
// live model is called). The fault cases: prose, a refusal, a path outside the service, a key in a file, an answer
// whose tests fail, 429 with Retry-After, 500s, a hung and a cut stream, a missing key, an exhausted budget.
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagePath } from '../core/package-info.js';
import { findPython } from '../core/python.js';
import { startAnthropicServer } from '../llm/testing/anthropic-server.js';
import { startBedrockServer } from '../llm/testing/bedrock-server.js';
import { startOpenAiServer } from '../llm/testing/openai-server.js';
import type { LoopbackServer, ScriptStep } from '../llm/testing/script.js';
import { type QlfResult, runQlfAsync } from './run-qlf.js';

const built = existsSync(packagePath('dist', 'cli', 'commands', 'generate.js'));
const python = await findPython();
const ready = built && python !== undefined;
if (!ready)
  console.warn(`skipped: LLM generation end to end (${built ? 'no Python with FastAPI' : 'dist/ is missing'})`);

const ANSWER = readFileSync(packagePath('llm', 'testing', 'recorded', 'payments-domain.txt'), 'utf8');
const USAGE = { input: 3_000, output: 2_500 };
const OPENAI_KEY = 'sk-loopback-test-key-0123456789abcdefghij';
const ANTHROPIC_KEY = 'sk-ant-loopback-test-key-0123456789abcdef';
const AWS = {
  AWS_ACCESS_KEY_ID: 'AKIALOOPBACKTEST0000',
  AWS_SECRET_ACCESS_KEY: 'loopback-secret-access-key-0123456789',
};
const SECRETS = [OPENAI_KEY, ANTHROPIC_KEY, AWS.AWS_SECRET_ACCESS_KEY];

/** The recorded answer with one file's content swapped in. */
function answerWith(path: string, content: string): string {
  return `<<<qlf:file path="${path}">>>\n${content}<<<qlf:end>>>\n${ANSWER}`;
}

let root: string;
const servers: LoopbackServer[] = [];

async function workspace(name: string, config: Record<string, unknown> = {}): Promise<string> {
  const dir = join(root, name);
  await cp(packagePath('examples', 'payments', 'brief.qlf.yaml'), join(dir, 'payments', 'brief.qlf.yaml'));
  await writeFile(join(dir, 'qlf.config.json'), JSON.stringify(config));
  return dir;
}

async function openai(script: ScriptStep[]): Promise<LoopbackServer> {
  const server = await startOpenAiServer(script, { expectedKey: OPENAI_KEY });
  servers.push(server);
  return server;
}

function llmConfig(server: LoopbackServer, extra: Record<string, unknown> = {}) {
  return {
    llm: {
      providers: { openai: { baseURL: server.url } },
      retries: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 200 },
      idleTimeoutSeconds: 1,
      ...extra,
    },
  };
}

/** Every file under `dir`, read as text: no key may be anywhere. */
async function assertNoSecretsUnder(dir: string, result: QlfResult): Promise<void> {
  for (const secret of SECRETS) {
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  }
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  for (const entry of files) {
    const text = await readFile(join(entry.parentPath, entry.name), 'utf8');
    for (const secret of SECRETS) expect(text, join(entry.parentPath, entry.name)).not.toContain(secret);
  }
}

const generate = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  runQlfAsync(cwd, ['generate', 'payments/brief.qlf.yaml', ...args], {
    env: { OPENAI_API_KEY: OPENAI_KEY, ...env },
    timeoutMs: 180_000,
  });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'qlf-llm-'));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(root, { recursive: true, force: true });
});

describe.skipIf(!ready)('generate with a model, through each provider SDK', () => {
  it('openai: qlf run writes the fraud rules and status transitions, verify runs their tests, the cost is reported, a rerun calls nothing', async () => {
    const server = await openai([{ answer: ANSWER, usage: USAGE }]);
    const cwd = await workspace('openai-run', llmConfig(server));
    const run = await runQlfAsync(cwd, ['run', '--stage', 'verify', '--provider', 'openai', '--model', 'gpt4'], {
      env: { OPENAI_API_KEY: OPENAI_KEY },
      timeoutMs: 400_000,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const service = join(cwd, 'payments', 'service');
    expect(readFileSync(join(service, 'app', 'domain', 'fraud.py'), 'utf8')).toContain('def assess(');
    expect(existsSync(join(service, 'tests', 'test_domain_payment_status.py'))).toBe(true);
    const lock = JSON.parse(readFileSync(join(service, 'qlf.lock.json'), 'utf8'));
    expect(lock.generator).toMatchObject({ provider: 'openai', model: 'gpt-4.1' });
    // verify ran the model's tests with the rest of the suite, on the working copy.
    const report = JSON.parse(readFileSync(join(cwd, 'dist', 'qlf', 'payments', 'verify', 'report.json'), 'utf8'));
    expect(report.passed).toBe(true);
    // gpt-4.1 at $2 / $8 per million tokens: 3,000 in and 2,500 out is $0.026.
    expect(run.stdout).toContain(
      'LLM payments: openai gpt-4.1: 1 call(s) (0 from the response cache), 3,000 in / 2,500 out tokens',
    );
    expect(run.stdout).toContain('LLM total: $0.03');
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.keyMatched).toBe(true);
    const body = server.requests[0]?.body as { temperature: number; seed: number; messages: { content: string }[] };
    expect(body.temperature).toBe(0);
    expect(body.messages.map((m) => m.content).join('\n')).toContain('app/domain/fraud.py');

    const again = await runQlfAsync(cwd, ['run', '--stage', 'verify', '--provider', 'openai', '--model', 'gpt4'], {
      env: { OPENAI_API_KEY: OPENAI_KEY },
    });
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(again.stdout).not.toContain('LLM total');
    await assertNoSecretsUnder(cwd, run);
  }, 600_000);

  it('anthropic: qlf generate streams the answer through the Messages API', async () => {
    const server = await startAnthropicServer([{ answer: ANSWER, usage: USAGE }], { expectedKey: ANTHROPIC_KEY });
    servers.push(server);
    const cwd = await workspace('anthropic', { llm: { providers: { anthropic: { baseURL: server.url } } } });
    const result = await generate(cwd, ['--provider', 'anthropic', '--model', 'sonnet', '--json'], {
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.usage).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    expect(json.usage.calls[0]).toMatchObject({ inputTokens: 3000, outputTokens: 2500, cached: false });
    expect(existsSync(join(cwd, 'payments', 'service', 'app', 'domain', 'fraud.py'))).toBe(true);
    expect(server.requests[0]?.keyMatched).toBe(true);
    await assertNoSecretsUnder(cwd, result);
  }, 180_000);

  it('bedrock: qlf generate calls the Converse API with the AWS credential chain', async () => {
    const server = await startBedrockServer([{ answer: ANSWER, usage: USAGE }], { expectedKey: AWS.AWS_ACCESS_KEY_ID });
    servers.push(server);
    const cwd = await workspace('bedrock', {
      llm: { providers: { bedrock: { baseURL: server.url, region: 'us-east-1' } } },
    });
    const result = await generate(cwd, ['--provider', 'bedrock', '--model', 'sonnet', '--json'], AWS);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.usage.provider).toBe('bedrock');
    expect(json.usage.calls[0].costUsd).toBeGreaterThan(0);
    expect(server.requests[0]?.path).toMatch(/^\/model\/[^/]+\/converse/);
    expect(server.requests[0]?.keyMatched).toBe(true);
    await assertNoSecretsUnder(cwd, result);
  }, 180_000);
});

describe.skipIf(!ready)('faults: each ends in a clear result and nothing non-conforming is written', () => {
  it('prose, then a refusal, then a conforming answer: the parser errors go back to the model and the third answer is used', async () => {
    const server = await openai([
      { answer: `Sure! Here are the files you asked for.\n${ANSWER}` },
      { refusal: "I'm sorry, but I can't help with that." },
      { answer: ANSWER },
    ]);
    const cwd = await workspace('repair', llmConfig(server));
    const result = await generate(cwd, ['--provider', 'openai']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/answer 1 rejected \(E_SOC_PROSE\)/);
    expect(result.stdout).toMatch(/answer 2 rejected \(E_SOC_REFUSAL\)/);
    expect(server.requests).toHaveLength(3);
    const repair = server.requests[1]?.body as { messages: { role: string; content: string }[] };
    expect(repair.messages.at(-1)?.content).toContain('E_SOC_PROSE');
    expect(existsSync(join(cwd, 'payments', 'service', 'app', 'domain', 'fraud.py'))).toBe(true);
  }, 180_000);

  it('a path out of the service and a key in a file: rejected every time, the task fails and nothing is written', async () => {
    const outside = answerWith('../../.ssh/authorized_keys', 'ssh-ed25519 AAAA attacker\n');
    const leak = answerWith('app/domain/keys.py', `OPENAI_KEY = "sk-proj-${'a1B2c3D4'.repeat(6)}"\n`);
    const server = await openai([{ answer: outside }, { answer: leak }, { answer: outside }]);
    const cwd = await workspace('hostile', llmConfig(server));
    const result = await generate(cwd, ['--provider', 'openai']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('E_MODEL_REJECTED');
    expect(result.stdout).toMatch(/E_SOC_PATH/);
    expect(result.stdout).toMatch(/E_SOC_SECRET/);
    expect(existsSync(join(cwd, 'payments', 'service'))).toBe(false);
    expect(existsSync(join(root, '.ssh'))).toBe(false);
    expect(result.stdout + result.stderr).not.toContain('a1B2c3D4a1B2c3D4');
  }, 180_000);

  it('answers whose own tests fail are sent back; with --fallback template the template-only service is kept and said so', async () => {
    const failing = answerWith('tests/test_domain_extra.py', 'def test_wrong():\n    assert 1 == 2\n');
    const server = await openai([{ answer: failing }, { answer: failing }, { answer: failing }]);
    const cwd = await workspace('fallback', llmConfig(server));
    const result = await generate(cwd, ['--provider', 'openai', '--fallback', 'template']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/rejected \(E_MODEL_CHECKS\).*test_wrong/);
    expect(result.stdout).toContain('fallback: the template-only service is kept');
    expect(existsSync(join(cwd, 'payments', 'service', 'app', 'main.py'))).toBe(true);
    expect(existsSync(join(cwd, 'payments', 'service', 'app', 'domain'))).toBe(false);
  }, 180_000);

  it('429 with Retry-After, a 500, a hung connection and a stream cut mid-answer are retried until an answer comes', async () => {
    const server = await openai([
      { status: 429, retryAfter: '0' },
      { status: 500 },
      { hang: true, afterHeaders: true },
      { answer: ANSWER },
    ]);
    const cwd = await workspace(
      'retries',
      llmConfig(server, { retries: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 100 } }),
    );
    const result = await generate(cwd, ['--provider', 'openai']);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/rate-limit \(429\), retry 1/);
    expect(result.stdout).toMatch(/server \(500\), retry 2/);
    expect(result.stdout).toMatch(/timeout, retry 3/);
    expect(server.requests).toHaveLength(4);

    const cut = await openai([{ cutAfter: 5, answer: ANSWER }, { cutAfter: 50, answer: ANSWER }, { cutAfter: 9 }]);
    const cwd2 = await workspace('cut', llmConfig(cut));
    const failed = await generate(cwd2, ['--provider', 'openai']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('E_LLM_UNAVAILABLE');
    expect(existsSync(join(cwd2, 'payments', 'service'))).toBe(false);
  }, 180_000);

  it('a missing key is bad input naming the variable; an exhausted budget makes no call', async () => {
    const server = await openai([{ answer: ANSWER }]);
    const cwd = await workspace('no-key', llmConfig(server));
    const noKey = await generate(cwd, ['--provider', 'openai'], { OPENAI_API_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('OPENAI_API_KEY');
    expect(existsSync(join(cwd, 'payments', 'service'))).toBe(false);

    const broke = await workspace('budget', llmConfig(server, { budget: { warnUsd: 0.001, limitUsd: 0.002 } }));
    const result = await generate(broke, ['--provider', 'openai']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('E_LLM_BUDGET');
    expect(server.requests).toHaveLength(0);
    expect(existsSync(join(broke, 'payments', 'service'))).toBe(false);
  }, 180_000);
});

describe.skipIf(!ready)('failover and comparison', () => {
  it('openai keeps failing: the call fails over to anthropic, whose answer is used and recorded', async () => {
    const down = await openai([{ status: 503 }, { status: 503 }, { status: 503 }]);
    const up = await startAnthropicServer([{ answer: ANSWER, usage: USAGE }], { expectedKey: ANTHROPIC_KEY });
    servers.push(up);
    const cwd = await workspace(
      'failover',
      llmConfig(down, {
        providers: { openai: { baseURL: down.url }, anthropic: { baseURL: up.url } },
        failover: ['anthropic'],
      }),
    );
    const result = await generate(cwd, ['--provider', 'openai', '--json'], {
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('openai: gave up (failed)');
    expect(down.requests).toHaveLength(3);
    expect(up.requests).toHaveLength(1);
    const json = JSON.parse(result.stdout);
    expect(json.usage).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
    const lock = JSON.parse(readFileSync(join(cwd, 'payments', 'service', 'qlf.lock.json'), 'utf8'));
    expect(lock.generator).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4-5' });
  }, 180_000);

  it('--compare openai,anthropic writes both services side by side, each verified, and leaves the working copy alone', async () => {
    const a = await openai([{ answer: ANSWER, usage: USAGE }]);
    const b = await startAnthropicServer([{ answer: ANSWER, usage: { input: 2_800, output: 2_600 } }], {
      expectedKey: ANTHROPIC_KEY,
    });
    servers.push(b);
    const cwd = await workspace(
      'compare',
      llmConfig(a, { providers: { openai: { baseURL: a.url }, anthropic: { baseURL: b.url } } }),
    );
    const result = await generate(cwd, ['--compare', 'openai,anthropic', '--json'], {
      ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout).compare as { provider: string; outcome: string; costUsd: number }[];
    expect(rows.map((r) => [r.provider, r.outcome])).toEqual([
      ['openai', 'verified'],
      ['anthropic', 'verified'],
    ]);
    expect(rows.every((r) => r.costUsd > 0)).toBe(true);
    const compare = join(cwd, 'dist', 'qlf', 'payments', 'compare');
    for (const provider of ['openai', 'anthropic']) {
      expect(existsSync(join(compare, provider, 'service', 'app', 'domain', 'fraud.py'))).toBe(true);
      expect(JSON.parse(readFileSync(join(compare, provider, 'verify-report.json'), 'utf8')).passed).toBe(true);
    }
    expect(existsSync(join(compare, 'compare.json'))).toBe(true);
    expect(existsSync(join(cwd, 'payments', 'service'))).toBe(false);
  }, 400_000);
});

describe.skipIf(!ready)('a budget exhausted mid-run', () => {
  it('two briefs in one qlf run: the first call fits the limit, the second is refused before it is made', async () => {
    const server = await openai([
      { answer: ANSWER, usage: USAGE },
      { answer: ANSWER, usage: USAGE },
    ]);
    const cwd = await workspace(
      'mid-run',
      llmConfig(server, { maxOutputTokens: 8000, budget: { warnUsd: 0.05, limitUsd: 0.08 } }),
    );
    const brief = readFileSync(join(cwd, 'payments', 'brief.qlf.yaml'), 'utf8');
    await mkdirp(join(cwd, 'refunds'));
    await writeFile(join(cwd, 'refunds', 'brief.qlf.yaml'), brief.replace(/^name: payments$/m, 'name: refunds'));
    const run = await runQlfAsync(cwd, ['run', '--stage', 'generate', '--continue', '--provider', 'openai', '--json'], {
      env: { OPENAI_API_KEY: OPENAI_KEY },
      timeoutMs: 300_000,
    });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    const tasks = JSON.parse(run.stdout).tasks as { id: string; status: string; errorCode?: string }[];
    const generated = tasks.filter((t) => t.id.endsWith(':generate'));
    expect(generated.map((t) => t.status).sort()).toEqual(['failed', 'success']);
    expect(generated.find((t) => t.status === 'failed')?.errorCode).toBe('E_LLM_BUDGET');
    expect(server.requests).toHaveLength(1);
    expect(JSON.parse(run.stdout).llm.totalUsd).toBe(0.026);
  }, 300_000);
});

describe.skipIf(!built)('compile with a model', () => {
  const BRIEF = [
    'apiVersion: qlf.dev/v1',
    'kind: Brief',
    'name: library',
    'description: >-',
    '  A lending library. Readers borrow books and every loan has a due date. Books sit on shelves in rooms.',
    '  Readers may reserve a title that is out.',
    'entities:',
    '  - name: Loan',
    '    fields:',
    '      - { name: returned, type: boolean }',
    '',
  ].join('\n');
  const FACTS = {
    entities: [
      {
        name: 'Shelf',
        fields: [{ name: 'room', type: 'string', required: true, span: 'shelves in rooms' }],
        span: 'Books sit on shelves',
        confidence: 0.95,
      },
      {
        name: 'Loan',
        fields: [{ name: 'due_date', type: 'date', required: true, span: 'due date' }],
        span: 'every loan',
        confidence: 0.9,
      },
      {
        name: 'Reservation',
        fields: [{ name: 'title', type: 'string', required: true, span: 'a title that is out' }],
        span: 'reserve a title',
        confidence: 0.8,
      },
      { name: 'Ghost', fields: [], span: 'ghosts haunt the stacks', confidence: 0.9 },
    ],
    relationships: [],
    compliance: [],
    scale: null,
  };

  it('merges cited facts as origin llm, drops an uncited one, keeps the explicit YAML, and repairs a fenced answer', async () => {
    const json = JSON.stringify(FACTS);
    const server = await openai([
      { answer: `\`\`\`json\n${json}\n\`\`\`` },
      { answer: json, usage: { input: 900, output: 200 } },
    ]);
    const cwd = join(root, 'compile-model');
    await writeFile(join(await mkdirp(cwd), 'brief.qlf.yaml'), BRIEF);
    await writeFile(join(cwd, 'qlf.config.json'), JSON.stringify(llmConfig(server)));
    const result = await runQlfAsync(cwd, ['compile', 'brief.qlf.yaml', '--provider', 'openai', '--model', 'mini'], {
      env: { OPENAI_API_KEY: OPENAI_KEY },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/answer 1 rejected \(E_SOC_(FENCE|JSON)\)/);
    expect(result.stderr).toContain('openai gpt-4.1-mini: 2 call(s)');
    const ir = JSON.parse(result.stdout);
    const reservation = ir.entities.find((e: { name: string }) => e.name === 'Reservation');
    expect(reservation).toMatchObject({ origin: 'llm', confidence: 0.8, span: { text: 'reserve a title' } });
    expect(reservation.fields[0]).toMatchObject({
      name: 'title',
      origin: 'llm',
      span: { text: 'a title that is out' },
    });
    // Shelf was read by the rules too: their finding, made surer, with the model's cited field.
    const shelf = ir.entities.find((e: { name: string }) => e.name === 'Shelf');
    expect(shelf).toMatchObject({ origin: 'inferred', confidence: 0.9 });
    expect(shelf.fields[0]).toMatchObject({ name: 'room', origin: 'llm' });
    expect(ir.entities.some((e: { name: string }) => e.name === 'Ghost')).toBe(false);
    expect(ir.warnings.some((w: { code: string }) => w.code === 'W_MODEL_CITE')).toBe(true);
    const loan = ir.entities.find((e: { name: string }) => e.name === 'Loan');
    expect(loan.origin).toBe('explicit');
    expect(loan.fields.map((f: { name: string }) => f.name)).not.toContain('due_date');
  }, 60_000);
});

async function mkdirp(dir: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  return dir;
}
