// The service's environment: non-secret settings for the ConfigMap, secret ones as references to Secrets nobody
// renders. The list is the one `app/settings.py` reads (`readmeSettings`), so the two cannot drift apart.
import type { SqlDatabase } from '../../../schemas/common.js';
import type { IR } from '../../../schemas/ir.js';
import { readmeSettings } from '../../generate/lib/readme-view.js';
import type { ServiceNames } from './names.js';

/** Where a SQLite service keeps its file: the root filesystem is read-only, so it lives on an emptyDir. */
export const SQLITE_DIR = '/var/lib/app';

/** One environment variable read from a Secret key. */
export interface SecretEnv {
  name: string;
  secret: string;
  key: string;
}

export interface ServiceSettings {
  /** ConfigMap data: every setting with a default, keys sorted. */
  config: Record<string, string>;
  /** Required settings, each from a Secret key of the same name, in the order settings.py reads them. */
  secretEnv: SecretEnv[];
}

export function serviceSettings(
  ir: IR,
  qlfVersion: string,
  names: ServiceNames,
  database: SqlDatabase,
  throwawayDatabase: boolean,
): ServiceSettings {
  const settings = readmeSettings(ir, qlfVersion);
  const config: Record<string, string> = {};
  for (const setting of settings.filter((s) => !s.required && s.default !== undefined)) {
    config[setting.name] = setting.default as string;
  }
  // `sqlite:///./app.db` would sit on the read-only root filesystem.
  if (database === 'sqlite') config.DATABASE_URL = `sqlite:///${SQLITE_DIR}/app.db`;

  const secretEnv = settings
    .filter((setting) => setting.required)
    .map((setting) => {
      const secret = setting.name === 'DATABASE_URL' && throwawayDatabase ? names.previewDbSecret : names.secrets;
      return { name: setting.name, secret, key: setting.name };
    });
  return { config: sortedRecord(config), secretEnv };
}

export function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
