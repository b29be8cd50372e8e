// Files the UI never serves, whatever folder they are in: keys, credentials, local environment files, and folders
// that hold them (`.keys/`, `.ssh/`) or qlf's and git's own state. Matched on names, and on content for private keys.

/** Folders whose content is never served. */
const SECRET_DIRS = new Set(['.keys', '.ssh', '.gnupg', '.aws', '.azure', '.kube', '.docker', '.git', '.qlf']);

/** File names that hold secrets by convention. `.env.example` and the like are templates, not secrets. */
const SECRET_FILES: readonly RegExp[] = [
  /^\.env$/,
  /^\.env\.(?!example$|sample$|template$|dist$).+$/,
  /\.(pem|key|p12|pfx|jks|keystore|kdbx|asc|gpg|ppk)$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/,
  /^\.(npmrc|netrc|pypirc|htpasswd|pgpass|git-credentials)$/,
  /^(credentials|secrets?)(\.[a-z0-9]+)?$/i,
  /\.(tfvars|tfstate)$/,
  /^kubeconfig$/i,
];

/** The marker of a PEM private key, found in files whatever their name. */
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Why `relPath` (POSIX, relative to the workspace root) must not be served, or undefined when it may be. */
export function secretPathReason(relPath: string): string | undefined {
  const parts = relPath.split('/');
  const dir = parts.slice(0, -1).find((part) => SECRET_DIRS.has(part));
  if (dir) return `files under ${dir}/ are never served`;
  const name = parts.at(-1) ?? '';
  if (SECRET_DIRS.has(name)) return `${name} is never served`;
  if (SECRET_FILES.some((pattern) => pattern.test(name))) return `${name} looks like a key or credentials file`;
  return undefined;
}

/** Whether `content` holds a private key. */
export function holdsPrivateKey(content: string): boolean {
  return PRIVATE_KEY.test(content);
}
