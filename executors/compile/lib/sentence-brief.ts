// Turns a one-sentence request ("Build a HIPAA-compliant patient data API") into a brief with a derived name.
import { inputError } from '../../../core/errors.js';
import { BRIEF_API_VERSION, type Brief, briefSchema } from '../../../schemas/brief.js';

/** Words that say what to do or how, never what the service is. */
const FILLER = new Set(
  'a an the build create make generate write develop implement design set up setup need want please i we me us our my simple small new basic secure compliant compliance hipaa gdpr pci dss soc soc2 fully based ready production grade service'.split(
    ' ',
  ),
);
/** Negations never name a service ("We don't handle payments" is not `don-t-handle-payments`). */
const NEGATIONS = new Set(['no', 'not', 'dont', 'doesnt', 'wont', 'never', 'without', 'handle', 'do', 'does']);
/** Words after which the rest of the sentence is detail, not the service's name. */
const CUT = new Set([
  'with',
  'that',
  'which',
  'for',
  'to',
  'using',
  'so',
  'where',
  'including',
  'in',
  'on',
  'and',
  'who',
]);

/** A deterministic DNS-1123 name from the sentence's content words: `patient-data-api`. */
export function nameFromSentence(sentence: string): string {
  const firstSentence = sentence.trim().split(/[.!?:;\n]/)[0] ?? '';
  const words = firstSentence
    .replace(/['\u2019]/g, '')
    .toLowerCase()
    .normalize('NFKD')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
  const picked: string[] = [];
  for (const word of words) {
    if (CUT.has(word) && picked.length > 0) break;
    if (FILLER.has(word) || CUT.has(word) || NEGATIONS.has(word) || word.length < 2) continue;
    picked.push(word);
    if (picked.length === 4) break;
  }
  const name = picked.join('-').slice(0, 63).replace(/-+$/, '');
  return name.length > 0 ? name : 'service';
}

export function briefFromSentence(sentence: string): Brief {
  const parsed = briefSchema.safeParse({
    apiVersion: BRIEF_API_VERSION,
    kind: 'Brief',
    name: nameFromSentence(sentence),
    description: sentence,
  });
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw inputError('E_BRIEF_SENTENCE', `cannot make a brief from that sentence: ${first?.message ?? 'invalid'}`, {
      hint: 'Describe the service in one sentence, e.g. "Build a HIPAA-compliant patient data API".',
    });
  }
  return parsed.data;
}
