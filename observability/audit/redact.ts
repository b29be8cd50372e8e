// Keeps credentials out of the audit log: URLs lose user info, query and fragment; token-like words are masked.

/** `https://user:pw@host/path?token=x#f` → `https://host/path`; text that is no URL comes back unchanged. */
export function safeUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url.toString();
}

const URL_PATTERN = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;
// Long opaque words (bearer tokens, API keys) and `key=value` pairs naming a secret.
const SECRET_ASSIGNMENT = /\b(token|secret|password|passwd|api[_-]?key|authorization)(\s*[=:]\s*)\S+/gi;
const OPAQUE = /\b[A-Za-z0-9_\-+/]{40,}={0,2}/g;
const HEX_DIGEST = /^[0-9a-f]+$/;

/** Free text (an error message) with every URL made safe and secret-looking words masked; at most `max` chars. */
export function redactText(text: string, max = 500): string {
  const cleaned = text
    .replace(URL_PATTERN, (url) => safeUrl(url))
    .replace(SECRET_ASSIGNMENT, (_, key: string, sep: string) => `${key}${sep}***`)
    .replace(OPAQUE, (word) => (HEX_DIGEST.test(word) ? word : '***'));
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}
