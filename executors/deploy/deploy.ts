// Applies what the `deploy` task rendered for one brief: reads `<outDir>/<name>/deploy/` (the objects in the order
// `deploy.json` lists them) and hands them to the apply engine. Rendering stays a cached task; this part talks to a
// cluster, so it runs every time it is asked and never from a cache.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { inputError } from '../../core/errors.js';
import { type ApplyResult, applyObjects, type KubeObject, loadKubeConfig } from './apply/index.js';

export interface DeployManifest {
  name: string;
  objects: { kind: string; name: string; namespace?: string }[];
  warnings: string[];
}

/** The rendered objects of `deployDir`, in apply order; an input error when the folder was never rendered. */
export async function readRendered(deployDir: string): Promise<{ manifest: DeployManifest; objects: KubeObject[] }> {
  let manifest: DeployManifest;
  try {
    manifest = JSON.parse(await readFile(join(deployDir, 'deploy.json'), 'utf8')) as DeployManifest;
  } catch {
    throw inputError('E_DEPLOY_NOT_RENDERED', `nothing rendered at ${deployDir}`, {
      hint: 'Run `qlf run --stage deploy` (or `qlf deploy`, which renders first).',
    });
  }
  const byKey = new Map<string, KubeObject>();
  const base = join(deployDir, 'base');
  for (const file of (await readdir(base)).filter((name) => name.endsWith('.yaml')).sort()) {
    const object = parse(await readFile(join(base, file), 'utf8')) as KubeObject | null;
    if (!object?.kind || object.kind === 'Kustomization') continue;
    byKey.set(`${object.kind}/${object.metadata.name}`, object);
  }
  const objects = manifest.objects.map(({ kind, name }) => {
    const object = byKey.get(`${kind}/${name}`);
    if (!object) {
      throw inputError('E_DEPLOY_NOT_RENDERED', `${deployDir} lists ${kind} ${name} but has no file for it`, {
        hint: 'Render again: `qlf run --stage deploy`.',
      });
    }
    return object;
  });
  return { manifest, objects };
}

export interface ApplyRenderedOptions {
  deployDir: string;
  kubeconfig?: string;
  context?: string;
  dryRunServer?: boolean;
  force?: boolean;
  timeoutMs?: number;
  onProgress?: (line: string) => void;
}

/** Applies the rendered objects of one brief to the cluster the kubeconfig names. */
export async function applyRendered(options: ApplyRenderedOptions): Promise<ApplyResult> {
  const { manifest, objects } = await readRendered(options.deployDir);
  const namespace = objects.find((object) => object.kind === 'Namespace')?.metadata.name ?? manifest.name;
  const kubeConfig = loadKubeConfig({
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
  });
  return applyObjects(objects, {
    kubeConfig,
    brief: manifest.name,
    namespace,
    ...(options.dryRunServer ? { dryRunServer: true } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}
