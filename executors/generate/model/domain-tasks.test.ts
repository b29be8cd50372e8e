import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../../core/package-info.js';
import { loadOverlayRegistry } from '../../../overlays/index.js';
import { runCompile } from '../../compile/compile.js';
import { domainTasks } from './domain-tasks.js';

async function irOf(text: string) {
  return (await runCompile({ source: { text }, overlays: await loadOverlayRegistry([]), autoApplyThreshold: 0.7 })).ir;
}

describe('domainTasks', () => {
  it('asks for fraud rules and the payment status machine for the payments example', async () => {
    const ir = await irOf(readFileSync(packagePath('examples', 'payments', 'brief.qlf.yaml'), 'utf8'));
    const tasks = domainTasks(ir);
    expect(tasks.map((t) => [t.id, t.module])).toEqual([
      ['fraud-detection', 'fraud'],
      ['payment-status', 'payment_status'],
    ]);
    expect(tasks[0]?.ask).toContain('each Payment');
    expect(tasks[1]?.ask).toContain('`pending`, `authorized`, `captured`, `failed`, `refunded`');
  });

  it('reads rules stated in prose, leaving compliance and auth sentences to the overlays', async () => {
    const ir = await irOf(
      [
        'apiVersion: qlf.dev/v1',
        'kind: Brief',
        'name: loans',
        'description: >-',
        '  A library lending service. Members borrow books. A member can borrow at most five books at a time.',
        '  The service must be GDPR compliant. Loans must be returned within 21 days.',
        '',
      ].join('\n'),
    );
    const rules = domainTasks(ir).find((t) => t.id === 'rules');
    expect(rules?.ask).toContain('"A member can borrow at most five books at a time."');
    expect(rules?.ask).toContain('"Loans must be returned within 21 days."');
    expect(rules?.ask).not.toContain('GDPR');
  });

  it('asks nothing of a brief with no domain logic beyond the templates', async () => {
    const ir = await irOf('apiVersion: qlf.dev/v1\nkind: Brief\nname: notes\ndescription: A service to keep notes.\n');
    expect(domainTasks(ir)).toEqual([]);
  });
});
