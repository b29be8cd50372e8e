// Spans of a brief's description land on the same words in the file, whatever form the YAML scalar takes.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeOffsets, spanInText } from './description-map.js';

const briefs: [form: string, text: string][] = [
  ['plain', 'name: x\ndescription: A PCI-compliant payment API with fraud detection.\n'],
  ['double-quoted with escapes', 'name: x\ndescription: "A \\"PCI-compliant\\" payment API\\twith fraud detection."\n'],
  ['single-quoted', "name: x\ndescription: 'A ''PCI-compliant'' payment API with fraud detection.'\n"],
  ['literal block', 'name: x\ndescription: |\n  A PCI-compliant payment API\n  with fraud detection.\nkind: Brief\n'],
  ['folded block', 'name: x\ndescription: >-\n  A PCI-compliant\n  payment API with\n\n  fraud detection.\n'],
  [
    'folded, indented more',
    'name: x\ndescription: >\n    A PCI-compliant payment API\n    with fraud detection.\nuses: []\n',
  ],
  ['plain over lines', 'name: x\ndescription: A PCI-compliant payment\n  API with fraud detection.\n'],
];

describe('describeOffsets', () => {
  it.each(briefs)('maps every word of a %s description to the file', (_form, text) => {
    const description = parse(text).description as string;
    const map = describeOffsets(text, description);
    expect(map).toBeDefined();
    for (const word of ['PCI-compliant', 'payment', 'fraud', 'detection.']) {
      const start = description.indexOf(word);
      expect(start).toBeGreaterThanOrEqual(0);
      const { from, to } = spanInText(map!, { start, end: start + word.length });
      expect(text.slice(from, to)).toBe(word);
    }
  });

  it('gives up on a text without a string description', () => {
    expect(describeOffsets('name: x\ndescription: [a, b]\n', 'a b')).toBeUndefined();
    expect(describeOffsets('name: x\n', 'anything')).toBeUndefined();
    expect(describeOffsets('description: other words\n', 'not these')).toBeUndefined();
  });
});
