import { describe, expect, it } from 'vitest';
import { isQlfError } from '../../../core/errors.js';
import { formatFileAnswer, parseFileAnswer } from '../../../llm/soc/index.js';
import { DOMAIN_ANSWER_POLICY } from '../../../llm/soc/policy.js';
import type { LlmMessage } from '../../../llm/types.js';
import { shopIr } from '../../../testing/sample-irs.js';
import type { ModelCheck, ModelFile } from './check-model-files.js';
import { type ModelAnswer, withModelFiles, writeDomainModules } from './write-domain.js';

const GOOD = formatFileAnswer([
  { path: 'app/domain/rules.py', content: 'def ok():\n    return True\n' },
  {
    path: 'tests/test_domain_rules.py',
    content: 'from app.domain.rules import ok\n\n\ndef test_ok():\n    assert ok()\n',
  },
]);
const PASSED: ModelCheck = { ok: true, report: { name: 's', passed: true, strict: false, runners: [], findings: [] } };

function scripted(answers: string[]) {
  const seen: LlmMessage[][] = [];
  const remembered: string[] = [];
  return {
    seen,
    remembered,
    caller: {
      async complete(messages: LlmMessage[]): Promise<ModelAnswer> {
        seen.push(messages.map((m) => ({ ...m })));
        const text = answers.shift();
        if (text === undefined) throw new Error('no answer left');
        return { text, cached: false };
      },
      async remember(_messages: LlmMessage[], answer: ModelAnswer) {
        remembered.push(answer.text);
      },
    },
  };
}

function input(answers: string[], checks: ModelCheck[] = [], maxRepairs = 2) {
  const script = scripted(answers);
  const log: string[] = [];
  const run = writeDomainModules({
    ir: shopIr(),
    tree: { name: 's', files: [], agents: [] },
    caller: script.caller,
    prompt: 'write the rules',
    maxRepairs,
    parse: (text) => parseFileAnswer(text, DOMAIN_ANSWER_POLICY).files,
    check: async (_files: ModelFile[]) => checks.shift() ?? PASSED,
    agent: 'model:openai/gpt-4.1',
    log: (line) => log.push(line),
  });
  return { run, script, log };
}

describe('writeDomainModules', () => {
  it('takes a conforming answer that passes the checks, and remembers only it', async () => {
    const { run, script } = input([GOOD]);
    const result = await run;
    expect(result.files.map((f) => f.path)).toEqual([
      'app/domain/rules.py',
      'tests/test_domain_rules.py',
      'app/domain/__init__.py',
    ]);
    expect(result.files.every((f) => f.agent === 'model:openai/gpt-4.1')).toBe(true);
    expect(script.remembered).toEqual([GOOD]);
  });

  it('sends the parser error back with the rejected answer, then uses the repaired one', async () => {
    const { run, script, log } = input([`Here you go:\n${GOOD}`, GOOD]);
    const result = await run;
    expect(result.rejections.map((r) => r.code)).toEqual(['E_SOC_PROSE']);
    expect(script.seen[1]?.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(script.seen[1]?.[2]?.content).toContain('E_SOC_PROSE');
    expect(log[0]).toMatch(/answer 1 rejected \(E_SOC_PROSE\)/);
    expect(script.remembered).toEqual([GOOD]);
  });

  it('sends failing checks back, and fails after the last repair with nothing returned or remembered', async () => {
    const failed: ModelCheck = {
      ...PASSED,
      ok: false,
      problems: ['pytest: tests/test_domain_rules.py::test_ok failed'],
    };
    const { run, script } = input([GOOD, GOOD], [failed, failed], 1);
    const error = await run.catch((e: unknown) => e);
    expect(isQlfError(error) && error.code).toBe('E_MODEL_REJECTED');
    expect(script.seen[1]?.[2]?.content).toContain('test_ok failed');
    expect(script.remembered).toEqual([]);
  });

  it('refuses to return files it could not check', async () => {
    const { run } = input([GOOD], [{ ok: 'skipped', reason: 'pytest: python not found' }]);
    const error = await run.catch((e: unknown) => e);
    expect(isQlfError(error) && error.code).toBe('E_MODEL_UNCHECKED');
  });
});

describe('withModelFiles', () => {
  it('adds the model files in path order, replacing a scaffold file only when the policy let it through', () => {
    const tree = {
      name: 's',
      agents: [],
      files: [
        { path: 'app/main.py', content: 'main', agent: 'fastapi' },
        { path: 'z.txt', content: 'z', agent: 'docs' },
      ],
    };
    const merged = withModelFiles(tree, [
      { path: 'app/domain/x.py', content: 'x', agent: 'model' },
      { path: 'app/main.py', content: 'model main', agent: 'model' },
    ]);
    expect(merged.files.map((f) => `${f.path}:${f.agent}`)).toEqual([
      'app/domain/x.py:model',
      'app/main.py:model',
      'z.txt:docs',
    ]);
  });
});
