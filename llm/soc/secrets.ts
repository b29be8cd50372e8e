// Finds credentials a model wrote into a file. Generated services read secrets from environment variables, so any
// literal key, token or private key in an answer is a leak (or a hallucinated one that would ship).
import { positionsOf } from './text-position.js';

export type SecretKind =
  | 'aws-access-key-id'
  | 'aws-secret-access-key'
  | 'openai-api-key'
  | 'anthropic-api-key'
  | 'github-token'
  | 'slack-token'
  | 'slack-webhook'
  | 'private-key'
  | 'jwt'
  | 'hardcoded-credential';

export interface SecretFinding {
  kind: SecretKind;
  /** 1-based line in the content. */
  line: number;
  /** The kind and the first 4 characters of the value, e.g. `openai-api-key: sk-p…`; never the whole value. */
  excerpt: string;
}

interface Detector {
  kind: SecretKind;
  /** Global; the `value` group (else the whole match) is the secret. */
  pattern: RegExp;
  /** Extra test on the value, to drop look-alikes. */
  accept?: (value: string) => boolean;
}

const hasLetterAndDigit = (value: string) => /[A-Za-z]/.test(value) && /\d/.test(value);

/** Vendor formats: precise enough to apply to every file, tests included. */
const DETECTORS: readonly Detector[] = [
  { kind: 'aws-access-key-id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  {
    kind: 'aws-secret-access-key',
    pattern:
      /\baws[_-]?secret[_-]?(?:access[_-]?)?key["']?\s*[:=]\s*["']?(?<value>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
  },
  { kind: 'anthropic-api-key', pattern: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  {
    kind: 'openai-api-key',
    pattern: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}/g,
    accept: hasLetterAndDigit,
  },
  { kind: 'github-token', pattern: /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}/g },
  { kind: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  {
    kind: 'slack-webhook',
    pattern: /https:\/\/hooks\.slack\.com\/services\/(?<value>T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{20,})/g,
  },
  {
    // The header alone is not a key (code may test for it): a base64 body or an armor header must follow, on the
    // next lines or after `\n` escapes and string quotes.
    kind: 'private-key',
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:\\[nr]|\s|["',])*(?<value>[A-Za-z0-9+/=]{40,}|Proc-Type:|Version:|Comment:)/g,
  },
  // Header and payload are base64url JSON objects (`eyJ` is `{"`); an unsigned token (`alg: none`) is no secret.
  { kind: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{16,}/g },
];

/**
 * `name = "literal"`, `name: type = "literal"`, `"name": "literal"`, `name="literal"` (keyword argument). The name
 * is at most 64 characters and starts an identifier, which keeps the scan linear on long lines.
 */
const ASSIGNMENT =
  /(?<![A-Za-z0-9_-])(?<name>[A-Za-z_][A-Za-z0-9_-]{0,63})["']?\s*(?::\s*[A-Za-z_][\w.[\], |]{0,40}?\s*)?[:=]\s*[rRbBuU]?(?<quote>["'])(?<value>[^"'\\\s]{12,200})\k<quote>/g;
const CREDENTIAL_NAME =
  /pass(?:word|wd|phrase)|secret|api[_-]?key|apikey|token|private[_-]?key|access[_-]?key|auth[_-]?key/i;
/** Names that hold something about a credential, not the credential (`token_url`, `password_min_length`). */
const NOT_A_CREDENTIAL_NAME =
  /(?:url|uri|type|name|names|field|header|hash|hashed|length|len|prefix|suffix|env|var|id|path|file|pattern|regex|endpoint|scheme|min|max|ttl|algorithm|alg|expires?|expiry|minutes|seconds|version|format|label|kind)$/i;
/** Values tests and examples use on purpose. */
const PLACEHOLDER =
  /example|placeholder|change[-_]?me|dummy|fake|sample|your[-_]|yourkey|xxxx|redacted|not[-_]?a[-_]?real|notreal|insecure|test/i;
/** `API_TOKEN_V2` names a variable; `{token}`, `${TOKEN}`, `%s` and `<token>` are templates. */
const NOT_A_LITERAL = /^[A-Z][A-Z0-9_]*$|^[{$%<]/;

function characterClasses(value: string): number {
  return [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(value)).length;
}

/** Test code names fixture passwords on purpose (`register(password="Str0ng-Passw0rd")`): only vendor formats count. */
export function isTestPath(path: string): boolean {
  return /(?:^|\/)tests?\/|(?:^|\/)test_[^/]*$|_test\.py$|(?:^|\/)conftest\.py$/.test(path);
}

function mask(kind: SecretKind, value: string): string {
  return `${kind}: ${value.slice(0, 4)}…`;
}

interface SecretMatch {
  kind: SecretKind;
  value: string;
  /** Where the value starts (what is masked). */
  start: number;
  /** Where the match starts: its line is the one reported (a PEM key's header, not its body). */
  at: number;
}

function secretMatches(content: string, path: string | undefined): SecretMatch[] {
  const found: SecretMatch[] = [];
  const add = (kind: SecretKind, value: string, start: number, at: number) => {
    if (PLACEHOLDER.test(value)) return;
    // A token assigned to `api_key` is found by its vendor format first; the generic rule must not count it twice.
    if (found.some((f) => start < f.start + f.value.length && start + value.length > f.start)) return;
    found.push({ kind, value, start, at });
  };
  for (const detector of DETECTORS) {
    for (const match of content.matchAll(detector.pattern)) {
      const value = match.groups?.value ?? match[0];
      if (detector.accept && !detector.accept(value)) continue;
      add(detector.kind, value, match.index + match[0].lastIndexOf(value), match.index);
    }
  }
  if (!(path && isTestPath(path))) {
    for (const match of content.matchAll(ASSIGNMENT)) {
      const { name = '', value = '' } = match.groups ?? {};
      if (!CREDENTIAL_NAME.test(name) || NOT_A_CREDENTIAL_NAME.test(name)) continue;
      if (NOT_A_LITERAL.test(value) || characterClasses(value) < 3) continue;
      add('hardcoded-credential', value, match.index + match[0].lastIndexOf(value), match.index);
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/**
 * Credentials in `content`, each with its line and a masked excerpt. Literal `password`/`secret`/`api_key`/`token`
 * assignments count when the value has at least 12 characters of three classes (lower, upper, digit, other), is not a
 * placeholder, and the file is not a test (pass its `path`).
 */
export function findSecrets(content: string, options: { path?: string } = {}): SecretFinding[] {
  const position = positionsOf(content);
  return secretMatches(content, options.path).map(({ kind, value, at }) => ({
    kind,
    line: position(at).line,
    excerpt: mask(kind, value),
  }));
}

/** `text` with every secret cut to its first 4 characters, for excerpts of prose or content shown in an error. */
export function maskSecrets(text: string): string {
  let masked = text;
  for (const { value, start } of secretMatches(text, undefined).reverse()) {
    masked = `${masked.slice(0, start)}${value.slice(0, 4)}…${masked.slice(start + value.length)}`;
  }
  return masked;
}
