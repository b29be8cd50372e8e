// Delivers a capsule into a folder: written beside its final name and renamed, with a `.sha256` file next to it.
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic-fs.js';
import type { Channel } from './channel.js';

export function dirChannel(dir: string): Channel {
  const root = resolve(dir);
  return {
    describe: () => `dir:${root}`,
    async deliver(capsule) {
      const target = join(root, capsule.fileName);
      await writeFileAtomic(target, capsule.bytes);
      await writeFileAtomic(`${target}.sha256`, `${capsule.digest.replace(/^sha256:/, '')}  ${capsule.fileName}\n`);
      return { channel: 'dir', location: target };
    },
  };
}
