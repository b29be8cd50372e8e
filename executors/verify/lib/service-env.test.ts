import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serviceEnv } from './service-env.js';

describe('serviceEnv', () => {
  it('fills secrets with fresh random values, keeps plain examples, and points the database into the temp dir', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qlf-env-test-'));
    try {
      const example = [
        '# comment',
        'DATABASE_URL=postgresql://user:password@db/app',
        'LOG_LEVEL=INFO',
        'JWT_SECRET=',
        'DATA_ENCRYPTION_KEY=change-me',
        'AUTH_USERNAME=',
        'JWT_EXPIRE_MINUTES=',
      ].join('\n');
      await writeFile(join(dir, '.env.example'), example);
      const first = await serviceEnv(dir, '/tmp/qlf-x');
      const second = await serviceEnv(dir, '/tmp/qlf-x');
      expect(first.DATABASE_URL).toBe('sqlite:////tmp/qlf-x/verify.db');
      expect(first.LOG_LEVEL).toBe('INFO');
      expect(first.AUTH_USERNAME).toBe('qlf-verify');
      expect(first.JWT_EXPIRE_MINUTES).toBeUndefined();
      // A Fernet key: 32 bytes as URL-safe base64 with padding, so encryption settings accept it.
      expect(first.DATA_ENCRYPTION_KEY).toMatch(/^[A-Za-z0-9_-]{43}=$/);
      expect(first.JWT_SECRET!.length).toBeGreaterThanOrEqual(32);
      expect(first.JWT_SECRET).not.toBe(second.JWT_SECRET);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
