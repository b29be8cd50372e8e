import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonAnswer } from './json-answer.js';
import { type SocCode, SocRejection } from './rejection.js';

const facts = z
  .object({
    entities: z.array(z.object({ name: z.string().min(1), fields: z.array(z.string()) }).strict()),
    auth: z.enum(['none', 'jwt', 'api-key']),
  })
  .strict();

const GOOD = '{\n  "entities": [{ "name": "Order", "fields": ["id", "total"] }],\n  "auth": "jwt"\n}';

function rejection(text: string): SocRejection {
  try {
    parseJsonAnswer(text, facts);
  } catch (error) {
    if (error instanceof SocRejection) return error;
    throw error;
  }
  throw new Error('the answer was accepted');
}

describe('parseJsonAnswer', () => {
  it('accepts one object, with whitespace (CR included) around it', () => {
    const expected = { entities: [{ name: 'Order', fields: ['id', 'total'] }], auth: 'jwt' };
    expect(parseJsonAnswer(GOOD, facts)).toEqual(expected);
    expect(parseJsonAnswer(`\r\n  ${GOOD.replaceAll('\n', '\r\n')}\n\n`, facts)).toEqual(expected);
  });

  it('accepts braces and brackets inside strings', () => {
    const text = '{"entities": [{"name": "Weird}]{[\\"", "fields": []}], "auth": "none"}';
    expect(parseJsonAnswer(text, facts).entities[0]?.name).toBe('Weird}]{["');
  });

  const cases: { name: string; text: string; code: SocCode; line?: number; column?: number }[] = [
    { name: 'prose before', text: `Here is the JSON you asked for:\n${GOOD}`, code: 'E_SOC_PROSE', line: 1 },
    { name: 'prose after', text: `${GOOD}\n\nI inferred jwt from the brief.`, code: 'E_SOC_PROSE', line: 6 },
    { name: 'a fence around it', text: `\`\`\`json\n${GOOD}\n\`\`\``, code: 'E_SOC_FENCE', line: 1 },
    { name: 'a fence after it', text: `${GOOD}\n\`\`\``, code: 'E_SOC_FENCE', line: 5 },
    { name: 'a refusal', text: "I'm sorry, but I cannot assist with that.", code: 'E_SOC_REFUSAL' },
    { name: 'an empty answer', text: '  \n', code: 'E_SOC_EMPTY' },
    { name: 'an array', text: `[${GOOD}]`, code: 'E_SOC_JSON' },
    { name: 'a trailing comma', text: '{\n  "auth": "jwt",\n}', code: 'E_SOC_JSON', line: 3, column: 1 },
    { name: 'single quotes', text: "{'auth': 'jwt'}", code: 'E_SOC_JSON', line: 1, column: 2 },
    { name: 'a cut-off object', text: '{\n  "entities": [{ "name": "Order", "fie', code: 'E_SOC_TRUNCATED' },
    { name: 'a cut-off object between values', text: '{\n  "entities": [', code: 'E_SOC_TRUNCATED' },
    { name: 'a NUL character', text: `{"auth": "jwt\0"}`, code: 'E_SOC_ENCODING' },
    { name: 'a missing field', text: '{"entities": []}', code: 'E_SOC_SCHEMA' },
    {
      name: 'a wrong type',
      text: '{"entities": [{"name": "Order", "fields": "id"}], "auth": "jwt"}',
      code: 'E_SOC_SCHEMA',
    },
  ];

  it.each(cases)('rejects $name with $code', ({ text, code, line, column }) => {
    const error = rejection(text);
    expect(error.code).toBe(code);
    expect(error.answerKind).toBe('json');
    if (line !== undefined) expect(error.line).toBe(line);
    if (column !== undefined) expect(error.problems[0]?.column).toBe(column);
  });

  it('lists every schema issue with its path', () => {
    const error = rejection('{"entities": [{"name": "", "fields": [1]}], "auth": "oauth"}');
    expect(error.problems.map((p) => p.excerpt)).toEqual(['entities[0].name', 'entities[0].fields[0]', 'auth']);
    expect(error.feedback()).toMatch(/Use one of: "none", "jwt", "api-key"/);
    expect(error.feedback()).toMatch(/one JSON object and nothing else/);
  });
});
