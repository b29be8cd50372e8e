// Every `qlf` command, loaded lazily so that `qlf run` does not pay for `qlf capsule`.
import type { AnyCommand } from '../command.js';

export const commands: Record<string, { summary: string; load: () => Promise<AnyCommand> }> = {
  compile: { summary: 'Compile briefs to IR', load: async () => (await import('./compile.js')).default as AnyCommand },
  generate: {
    summary: 'Generate a service from a brief file or a sentence',
    load: async () => (await import('./generate.js')).default as AnyCommand,
  },
  overlays: {
    summary: 'List and describe overlays',
    load: async () => (await import('./overlays.js')).default as AnyCommand,
  },
};
