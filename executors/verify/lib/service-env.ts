// The environment a generated service runs with during verification: a throwaway SQLite database and random secrets.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const SECRET_NAME = /(SECRET|KEY|TOKEN|PASSWORD|PASSWD|SALT|PEPPER)/;
const IDENTITY_NAME = /(USER|USERNAME|NAME|LOGIN|EMAIL)$/;
const ENV_EXAMPLES = ['.env.example', '.env.sample', '.env.template'];

/** Secrets most generated services read even when `.env.example` is absent. */
const DEFAULT_SECRETS = [
  'SECRET_KEY',
  'JWT_SECRET',
  'DATA_ENCRYPTION_KEY',
  'FIELD_ENCRYPTION_KEY',
  'API_KEY',
  'API_KEYS',
];

/** 32 random bytes as URL-safe base64 with padding: long enough for any secret check, and a valid Fernet key. */
function randomSecret(): string {
  return randomBytes(32).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

async function exampleEntries(serviceDir: string): Promise<Array<[string, string]>> {
  for (const name of ENV_EXAMPLES) {
    let text: string;
    try {
      text = await readFile(join(serviceDir, name), 'utf8');
    } catch {
      continue;
    }
    const entries: Array<[string, string]> = [];
    for (const line of text.split(/\r?\n/)) {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
      if (match) entries.push([match[1]!, match[2]!.trim().replace(/^(["'])(.*)\1$/, '$2')]);
    }
    return entries;
  }
  return [];
}

/**
 * Every variable of the service's `.env.example`: secret-looking names get fresh random values (never the example's
 * placeholder, never anything of the caller's), others keep the example value; `DATABASE_URL` points into `tmpDir`.
 */
export async function serviceEnv(serviceDir: string, tmpDir: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of DEFAULT_SECRETS) env[name] = randomSecret();
  for (const [name, value] of await exampleEntries(serviceDir)) {
    if (SECRET_NAME.test(name.toUpperCase())) env[name] = randomSecret();
    else if (value !== '') env[name] = value;
    // An empty identity setting (AUTH_USERNAME=) is usually required; numbers and the like keep their defaults.
    else if (IDENTITY_NAME.test(name.toUpperCase())) env[name] = 'qlf-verify';
  }
  env.DATABASE_URL = `sqlite:///${join(tmpDir, 'verify.db')}`;
  env.TMPDIR = tmpDir;
  return env;
}
