// The hash inputs the plugin's targets declare: upstream outputs, environment variables, and qlf itself (its sources
// in qlf's own repository, else the installed package's own version and lockfile entry, never its dependency tree).
import { relative, sep } from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';
import { packagePath, packageRoot } from '../core/package-info.js';
import { IR_FILE, SOURCE_MANIFEST } from '../graph/stages.js';

export type Input = NonNullable<TargetConfiguration['inputs']>[number];

export const posix = (path: string) => path.split(sep).join('/');

/** Upstream outputs, by file name, that a stage's hash covers (`transitive`: also beyond its direct dependencies). */
export const upstream = (glob: string, transitive = true): Input => ({ dependentTasksOutputFiles: glob, transitive });
export const env = (name: string): Input => ({ env: name });

/** The IR every stage after compile reads. */
export const IR = upstream(`**/${IR_FILE}`);
/** The working copy's content. Not a file input: Nx hashes workspace files before generate merges into them. */
export const SOURCE = upstream(`**/${SOURCE_MANIFEST}`);

/** `node <script> <args>` run from the workspace root, for a `runtime` input (Nx runs it there, once per run). */
function nodeCommand(root: string, script: string, args = ''): string {
  const path = posix(relative(root, script));
  return `node ${/^[\w./@+-]+$/.test(path) ? path : JSON.stringify(path)}${args ? ` ${args}` : ''}`;
}

/** Whether the workspace is qlf's own repository (its sources are workspace files there). */
export const isQlfRepository = (root: string) => packageRoot() === root;

/**
 * qlf itself as an input. In qlf's own repository its sources are workspace files. Elsewhere it is the installed
 * package, by what `qlf-identity.js` prints: its version and its own lockfile entry. Not `externalDependencies`, which
 * hashes qlf's whole dependency tree, so that any transitive bump would invalidate every task.
 */
export function qlfInputs(root: string): Input[] {
  if (isQlfRepository(root)) {
    return [
      '{workspaceRoot}/{cache,core,executors,graph,llm,nx,overlays,schemas,workspace}/**/*',
      '!{workspaceRoot}/**/*.test.ts',
    ];
  }
  return [{ runtime: nodeCommand(root, packagePath('dist', 'nx', 'qlf-identity.js')) }];
}

/**
 * The public id of the key package signs with (`qlf keys fingerprint`; Nx runs it in the workspace root with the
 * task's environment). Hashing the key's path would miss a key replaced in place; its fingerprint holds no secret.
 */
export function signingKeyInput(root: string): Input {
  return { runtime: nodeCommand(root, packagePath('bin', 'qlf.js'), 'keys fingerprint') };
}
