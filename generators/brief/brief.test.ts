import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { briefSchema } from '../../schemas/brief.js';
import briefGenerator from './brief.js';

describe('qlf:brief', () => {
  it('scaffolds a valid brief under the default directory', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await briefGenerator(tree, { name: 'payments' });
    const text = tree.read('briefs/payments/brief.qlf.yaml', 'utf8') ?? '';
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../../node_modules/qlf/schemas/json/brief.schema.json',
    );
    const brief = briefSchema.parse(parse(text));
    expect(brief.name).toBe('payments');
    expect(brief.overlays).toBeUndefined();
  });

  it('takes a directory, a description and comma-separated overlays', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await briefGenerator(tree, {
      name: 'cards',
      directory: 'services/money',
      description: 'Stores card payments.\nRefunds them: on request.',
      overlays: 'fintech, pci',
    });
    const brief = briefSchema.parse(parse(tree.read('services/money/cards/brief.qlf.yaml', 'utf8') ?? ''));
    expect(brief.overlays).toEqual(['fintech', 'pci']);
    expect(brief.description).toBe('Stores card payments. Refunds them: on request.');
  });

  it('refuses a bad name, a folder outside the workspace and an existing brief', async () => {
    const tree = createTreeWithEmptyWorkspace();
    await expect(briefGenerator(tree, { name: 'Bad_Name' })).rejects.toMatchObject({ code: 'E_GENERATOR_OPTIONS' });
    await expect(briefGenerator(tree, { name: 'x', directory: '../up' })).rejects.toMatchObject({
      code: 'E_GENERATOR_OPTIONS',
    });
    await briefGenerator(tree, { name: 'twice' });
    await expect(briefGenerator(tree, { name: 'twice' })).rejects.toMatchObject({ code: 'E_BRIEF_EXISTS' });
  });
});
