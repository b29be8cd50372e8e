// Scans every generated text file for hard-coded credentials: cloud keys, private keys, JWTs, secret-named literals.
// Allowed: values read from the environment (no literal at all), empty strings, and obvious placeholders such as
// `change-me` or `<your-key>` — `.env.example` documents variables with such placeholders, so it is scanned like the rest.
import { outcomeOf, type RunnerFinding, type VerifyRunner } from '../lib/runner.js';
import { lineAt, scanTextFiles } from '../lib/service-files.js';

interface Detector {
  rule: string;
  pattern: RegExp;
  what: string;
}

const DETECTORS: Detector[] = [
  { rule: 'aws-access-key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, what: 'an AWS access key id' },
  {
    rule: 'private-key',
    pattern: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g,
    what: 'a private key block',
  },
  {
    rule: 'jwt',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
    what: 'a JSON Web Token',
  },
];

// A name that holds a credential ends with one of these words (so `token_type` or `secret_name` do not count).
const SECRET_NAME =
  /(?:password|passwd|pwd|secret|secret_?key|api_?key|apikey|access_?key|private_?key|token|credentials?)$/i;
// Any key-ish name, for long random-looking literals.
const KEYISH_NAME = /(?:key|secret|token|password|credential|salt)/i;

// `name = "value"`, `name: str = "value"`, `"name": "value"`, `name: value` (YAML) and `NAME=value` (dotenv).
// Whitespace is `[ \t]` only: an empty `NAME=` must not swallow the next line as its value.
const ASSIGNMENT =
  /(?<![\w.])["']?([A-Za-z_][\w-]*)["']?[ \t]*(?::[ \t]*[A-Za-z_][\w[\], .|]*)?[ \t]*(?:=|:)[ \t]*(?:(["'])((?:(?!\2)[^\\\n]|\\.)*)\2|([^\s"'#,;{}()[\]]+)[ \t]*$)/gm;
// Documentation writes `scheme://user:password@host`; that word is a placeholder, not a credential.
const URL_PLACEHOLDER = /^(?:password|pass|passwd|pwd|secret)$/i;
const URL_CREDENTIAL = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"']+:([^\s@/"']+)@/g;

const PLACEHOLDER =
  /^(?:|\*+|x+|\.\.\.|none|null|changeme|change[-_]me.*|replace[-_]?me.*|placeholder.*|example.*|dummy.*|your[-_].*|<.*>|\$\{.*\}|\$[A-Z_]+|%\(.*\)s|\{\{.*\}\})$/i;

function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

/** Shannon entropy in bits per character. */
function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Why `value` assigned to `name` looks like a real credential, or undefined. */
function literalVerdict(name: string, value: string, quoted: boolean): string | undefined {
  if (isPlaceholder(value)) return undefined;
  // Unquoted right-hand sides in code are expressions (`os.environ[...]`); only dotenv/YAML-style values count.
  if (!quoted && /[()[\]]/.test(value)) return undefined;
  if (SECRET_NAME.test(name) && value.length >= 4) return `${name} is assigned a literal value`;
  // Generated keys and tokens are base64/hex/url-safe runs; code such as `foreign_keys="[Visit.patient_id]"` is not.
  if (KEYISH_NAME.test(name) && value.length >= 20 && /^[A-Za-z0-9+/=_-]+$/.test(value) && entropy(value) >= 3.5) {
    return `${name} is assigned a long random-looking literal`;
  }
  return undefined;
}

function scan(file: string, text: string): RunnerFinding[] {
  const findings: RunnerFinding[] = [];
  const push = (rule: string, index: number, message: string) =>
    findings.push({ rule, severity: 'error', message, file, line: lineAt(text, index) });
  for (const detector of DETECTORS) {
    for (const match of text.matchAll(detector.pattern))
      push(detector.rule, match.index, `${detector.what} is hard-coded`);
  }
  for (const match of text.matchAll(ASSIGNMENT)) {
    const quoted = match[3] !== undefined;
    const verdict = literalVerdict(match[1]!, match[3] ?? match[4] ?? '', quoted);
    if (verdict) push('hardcoded-secret', match.index, `${verdict}; read it from the environment instead`);
  }
  for (const match of text.matchAll(URL_CREDENTIAL)) {
    if (!isPlaceholder(match[1]!) && !URL_PLACEHOLDER.test(match[1]!)) {
      push('url-credential', match.index, 'a URL carries a literal password');
    }
  }
  return findings;
}

export const secretsRunner: VerifyRunner = {
  name: 'secrets',
  async run(input) {
    const { findings, scanned } = await scanTextFiles(input.serviceDir, scan);
    return outcomeOf(findings, { files: scanned });
  },
};
