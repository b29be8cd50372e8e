// The editor's preview: the real compiler's answer, with problems located at their line and column and every span
// pointing at the words it was read from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewResponse } from '../shared/api.js';
import { startUiWorkspace, type UiWorkspace } from './testing/ui-workspace.js';

let ws: UiWorkspace;

beforeAll(async () => {
  ws = await startUiWorkspace();
}, 60_000);

afterAll(async () => {
  await ws?.close();
});

const preview = async (text: string) =>
  (
    await ws.request('POST', '/api/preview', { body: { text, path: 'briefs/x/brief.qlf.yaml' } })
  ).json() as unknown as PreviewResponse;

const head = 'apiVersion: qlf.dev/v1\nkind: Brief\nname: payments\n';

describe('UI server: compile preview', () => {
  it('suggests overlays with the text they were read from, located in the brief', async () => {
    const text = `${head}description: >\n  A PCI-compliant payment processing API with fraud detection.\n  Customers have many payments; each payment has an amount and a card number.\n`;
    const answer = await preview(text);
    expect(answer.ok, JSON.stringify(answer.issues)).toBe(true);
    const names = answer.ir?.suggested.map((s) => s.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(['fintech', 'pci']));
    const spans = answer.ir?.suggested.flatMap((s) => s.spans) ?? [];
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) expect(text.slice(span.from, span.to)).toBe(span.text);
    const entities = answer.ir?.entities.map((e) => e.name) ?? [];
    expect(entities).toEqual(expect.arrayContaining(['Customer', 'Payment']));
    for (const entity of answer.ir?.entities ?? []) {
      if (entity.span?.from !== undefined) expect(text.slice(entity.span.from, entity.span.to)).toBe(entity.span.text);
    }
  });

  it('locates a YAML syntax error at its line and column', async () => {
    const answer = await preview(`${head}description: "An orders API\nstack:\n  database: postgresql\n`);
    expect(answer.ok).toBe(false);
    expect(answer.issues.length).toBeGreaterThan(0);
    expect(answer.issues[0]).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
    expect(answer.issues[0]?.line).toBeGreaterThanOrEqual(4);
  });

  it('locates schema problems at the key or value, each with a fix', async () => {
    const text = `${head}description: An orders API for the warehouse.\nstack:\n  database: postgres\ncolour: blue\n`;
    const answer = await preview(text);
    expect(answer.ok).toBe(false);
    const byLine = new Map(answer.issues.map((issue) => [issue.line, issue]));
    expect(byLine.get(6)).toMatchObject({ code: 'E_BRIEF_SCHEMA', column: 13 });
    expect(byLine.get(7)).toMatchObject({ code: 'E_BRIEF_SCHEMA', column: 1 });
    for (const issue of answer.issues) expect(issue.hint).toBeTruthy();
  });

  it('locates a database the generator cannot build for at the line asking for it', async () => {
    const answer = await preview(`${head}description: An orders API for the warehouse.\nstack:\n  database: mongodb\n`);
    expect(answer.ok).toBe(false);
    expect(answer.issues.some((issue) => issue.line === 6)).toBe(true);
  });
});
