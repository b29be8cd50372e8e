import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TEAM_OVERLAY } from '../../bench/workspace.js';
import { briefSchema } from '../../schemas/brief.js';
import briefGenerator from './brief.js';

const brief = (name: string) => `apiVersion: qlf.dev/v1\nkind: Brief\nname: ${name}\ndescription: Keeps things.\n`;

/** An empty workspace whose qlf config is `config` (a plain object, as a user may write it). */
function workspace(config?: string): Tree {
  const tree = createTreeWithEmptyWorkspace();
  if (config) tree.write('qlf.config.ts', `export default ${config};\n`);
  return tree;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as { code?: string; message: string },
  );

describe('qlf:brief', () => {
  it('scaffolds a valid brief under the default directory', async () => {
    const tree = workspace();
    await briefGenerator(tree, { name: 'payments' });
    const text = tree.read('briefs/payments/brief.qlf.yaml', 'utf8') ?? '';
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../node_modules/qlf/schemas/json/brief.schema.json',
    );
    const parsed = briefSchema.parse(parse(text));
    expect(parsed.name).toBe('payments');
    expect(parsed.overlays).toBeUndefined();
  });

  it('takes a directory, a description, comma-separated overlays and the briefs it uses', async () => {
    const tree = workspace();
    tree.write('briefs/payments/brief.qlf.yaml', brief('payments'));
    await briefGenerator(tree, {
      name: 'cards',
      directory: 'services/money',
      description: 'Stores card payments.\nRefunds them: on request.',
      overlays: 'fintech, pci',
      uses: ['payments'],
    });
    const parsed = briefSchema.parse(parse(tree.read('services/money/cards/brief.qlf.yaml', 'utf8') ?? ''));
    expect(parsed.overlays).toEqual(['fintech', 'pci']);
    expect(parsed.uses).toEqual(['payments']);
    expect(parsed.description).toBe('Stores card payments. Refunds them: on request.');
  });

  it('puts the brief where the `briefs` globs look when no directory is given', async () => {
    const tree = workspace("{ briefs: ['services/*/brief.qlf.yaml'] }");
    await briefGenerator(tree, { name: 'orders' });
    expect(tree.exists('services/orders/brief.qlf.yaml')).toBe(true);
  });

  it('refuses a directory the `briefs` globs miss, naming the globs and a directory that works', async () => {
    const tree = workspace("{ briefs: ['services/**/brief.qlf.yaml'], ignore: ['**/legacy/**'] }");
    const error = await failure(briefGenerator(tree, { name: 'orders', directory: 'apps' }));
    expect(error?.code).toBe('E_BRIEF_NOT_SELECTED');
    expect(error?.message).toContain(
      'apps/orders/brief.qlf.yaml would be no project: it is not selected by qlf.config.ts (briefs: ["services/**/brief.qlf.yaml"], ignore: ["**/legacy/**"])',
    );
    expect(error?.message).toContain('fix: Use --directory=services');
    const ignored = await failure(briefGenerator(tree, { name: 'orders', directory: 'services/legacy' }));
    expect(ignored?.code).toBe('E_BRIEF_NOT_SELECTED');
    expect(tree.listChanges().filter((change) => change.path.endsWith('brief.qlf.yaml'))).toEqual([]);
  });

  it('refuses an unknown overlay, listing the built-in and the workspace ones', async () => {
    const tree = workspace("{ overlays: { dirs: ['overlays'] } }");
    tree.write('overlays/team-audit.yaml', TEAM_OVERLAY);
    const error = await failure(briefGenerator(tree, { name: 'cards', overlays: 'pcii' }));
    expect(error?.code).toBe('E_OVERLAY_UNKNOWN');
    expect(error?.message).toContain('unknown overlay "pcii". Did you mean `pci`?');
    expect(error?.message).toMatch(
      /fix: Use one of: built-in .*\bfintech\b.*\bpci\b.*; workspace \(overlays\) team-audit\./,
    );
    await briefGenerator(tree, { name: 'cards', overlays: ['pci', 'team-audit'] });
    expect(parse(tree.read('briefs/cards/brief.qlf.yaml', 'utf8') ?? '').overlays).toEqual(['pci', 'team-audit']);
  });

  it('refuses a name any brief of the workspace has, wherever it is', async () => {
    const tree = workspace("{ briefs: ['services/**/brief.qlf.yaml'] }");
    tree.write('elsewhere/old/brief.qlf.yaml', brief('payments'));
    const error = await failure(briefGenerator(tree, { name: 'payments' }));
    expect(error?.code).toBe('E_BRIEF_DUPLICATE');
    expect(error?.message).toContain('a brief named "payments" already exists: elsewhere/old/brief.qlf.yaml');
  });

  it('refuses to use a brief that does not exist, listing those that do', async () => {
    const tree = workspace();
    tree.write('briefs/payments/brief.qlf.yaml', brief('payments'));
    const error = await failure(briefGenerator(tree, { name: 'orders', uses: 'paymnets' }));
    expect(error?.code).toBe('E_GRAPH_UNKNOWN_USES');
    expect(error?.message).toContain('fix: Use one of: payments.');
  });

  it('refuses a bad name, a folder outside the workspace and a file already there', async () => {
    const tree = workspace();
    const bad = await failure(briefGenerator(tree, { name: 'Bad_Name' }));
    expect(bad).toMatchObject({ code: 'E_GENERATOR_OPTIONS' });
    expect(bad?.message).toContain('error E_GENERATOR_OPTIONS: `name` must be a DNS-1123 label');
    await expect(briefGenerator(tree, { name: 'x', directory: '../up' })).rejects.toMatchObject({
      code: 'E_GENERATOR_OPTIONS',
    });
    tree.write('briefs/taken/brief.qlf.yaml', brief('other'));
    await expect(briefGenerator(tree, { name: 'taken' })).rejects.toMatchObject({ code: 'E_BRIEF_EXISTS' });
  });

  it('starts from the annotated template: valid as written, and with every example section uncommented', async () => {
    const tree = workspace();
    await briefGenerator(tree, { name: 'shop', template: 'annotated', description: 'Sells books.' });
    const text = tree.read('briefs/shop/brief.qlf.yaml', 'utf8') ?? '';
    expect(briefSchema.parse(parse(text)).name).toBe('shop');
    const uncommented = text
      .split('\n')
      .filter((line) => !/^# (A qlf|The commented|\(what you|yaml-language)/.test(line))
      .map((line) => line.replace(/^# /, '').replace(/\s+# .*$/, ''))
      .join('\n');
    const full = briefSchema.parse(parse(uncommented.replace('uses: [payments]', '')));
    expect(Object.keys(full)).toEqual(expect.arrayContaining(['overlays', 'entities', 'api', 'ops', 'security']));
  });
});
