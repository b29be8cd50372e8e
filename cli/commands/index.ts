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
  run: {
    summary: 'Run the task graph for briefs (cached)',
    load: async () => (await import('./run.js')).default as AnyCommand,
  },
  deploy: {
    summary: 'Render and apply briefs to Kubernetes',
    load: async () => (await import('./deploy.js')).default as AnyCommand,
  },
  preview: {
    summary: 'Preview environments: one namespace per brief and branch',
    load: async () => (await import('./preview.js')).default as AnyCommand,
  },
  graph: { summary: 'Print the task graph', load: async () => (await import('./graph.js')).default as AnyCommand },
  watch: {
    summary: 'Re-run affected tasks when briefs, overlays or the config change',
    load: async () => (await import('./watch.js')).default as AnyCommand,
  },
  cache: {
    summary: 'Show, clean or prune the task cache',
    load: async () => (await import('./cache.js')).default as AnyCommand,
  },
  keys: {
    summary: 'Create a signing key pair for capsules',
    load: async () => (await import('./keys.js')).default as AnyCommand,
  },
  capsule: {
    summary: 'Verify, inspect or extract a .qlcapsule',
    load: async () => (await import('./capsule.js')).default as AnyCommand,
  },
  audit: {
    summary: 'Show the audit log of runs',
    load: async () => (await import('./audit.js')).default as AnyCommand,
  },
  deliver: {
    summary: 'Deliver a capsule to folders, HTTP endpoints and OCI registries',
    load: async () => (await import('./deliver.js')).default as AnyCommand,
  },
  ui: {
    summary: 'Serve the web UI over the workspace',
    load: async () => (await import('./ui.js')).default as AnyCommand,
  },
};
