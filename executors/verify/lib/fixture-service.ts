// Test support: throwaway copies of the fixture service that a test may break, each in its own temp folder.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOOD_SERVICE = fileURLToPath(new URL('../fixtures/good-service', import.meta.url));

export interface ServiceCopy {
  dir: string;
  /** Writes (or overwrites) a file relative to the copy. */
  write(file: string, content: string): Promise<void>;
  /** Replaces the first occurrence of `from` in `file`; throws when absent so a test cannot silently break nothing. */
  replace(file: string, from: string, to: string): Promise<void>;
  remove(): Promise<void>;
}

export async function copyGoodService(): Promise<ServiceCopy> {
  const root = await mkdtemp(join(tmpdir(), 'qlf-verify-test-'));
  const dir = join(root, 'service');
  await cp(GOOD_SERVICE, dir, { recursive: true });
  return {
    dir,
    write: (file, content) => writeFile(join(dir, file), content),
    async replace(file, from, to) {
      const text = await readFile(join(dir, file), 'utf8');
      if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
      await writeFile(join(dir, file), text.replace(from, to));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
