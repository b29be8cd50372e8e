// The words typos in a description are corrected toward: built once per process from the compiler's vocabularies.
import { ENTITY_TERMS } from './entity-vocabulary.js';
import { Lexicon, phraseWords } from './text-match.js';
import { BACKEND_TERMS, COMPLIANCE_TERMS, DATABASE_TERMS, DOMAIN_TERMS, FEATURE_TERMS } from './vocabulary.js';

let lexicon: Lexicon | undefined;

/** Every word of the entity, domain, compliance, feature, backend and database vocabularies (5 letters or more). */
export function vocabularyLexicon(): Lexicon {
  if (lexicon) return lexicon;
  const words = new Set<string>();
  const tables = [
    ...Object.values(DOMAIN_TERMS),
    ...Object.values(COMPLIANCE_TERMS),
    ...Object.values(FEATURE_TERMS),
    ...Object.values(BACKEND_TERMS),
    ...Object.values(DATABASE_TERMS),
  ];
  for (const table of tables)
    for (const phrase of Object.keys(table)) for (const w of phraseWords(phrase)) words.add(w);
  for (const { phrases } of Object.values(ENTITY_TERMS))
    for (const p of phrases) for (const w of phraseWords(p)) words.add(w);
  lexicon = new Lexicon([...words].filter((w) => w.length >= 5));
  return lexicon;
}
