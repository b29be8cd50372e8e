// The generated word list is compromise's lexicon, word for word: typo correction reads it instead of compromise.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGLISH_WORDS_FILE, lexiconWords, renderEnglishWords } from './emit-english-words.js';
import { ENGLISH_WORDS_JSON } from './english-words.js';
import { isKnownEnglishWord } from './part-of-speech.js';

describe('english-words.ts', () => {
  it('is up to date with compromise (run node dist/executors/compile/lib/emit-english-words.js)', () => {
    expect(JSON.parse(ENGLISH_WORDS_JSON)).toEqual(lexiconWords());
    expect(readFileSync(ENGLISH_WORDS_FILE, 'utf8')).toBe(renderEnglishWords());
  });

  it.each([
    ['content', true],
    ['consent', true],
    ['paymnet', false],
    ['', false],
  ])('knows %j: %s', (word, known) => {
    expect(isKnownEnglishWord(word)).toBe(known);
  });
});
