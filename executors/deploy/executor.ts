// Nx executor `qlf:deploy`: renders one brief's Kubernetes objects (`<outDir>/<name>/deploy/`) through the engine,
// then, unless `apply: false`, applies them to the cluster. The Nx target is never cached: applying changes the world.
import { join, resolve } from 'node:path';
import { briefOutDir } from '../../graph/publish.js';
import { createStageExecutor } from '../../nx/stage-executor.js';

export default createStageExecutor('deploy', undefined, async ({ config, options, brief, root, print }) => {
  if (!options.apply) return;
  const { applyRendered } = await import('./deploy.js');
  const result = await applyRendered({
    deployDir: join(briefOutDir(config, brief), 'deploy'),
    ...(options.kubeconfig ? { kubeconfig: resolve(root, options.kubeconfig) } : {}),
    ...(options.context ? { context: options.context } : {}),
    ...(options.dryRun ? { dryRunServer: true } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.timeoutSeconds ? { timeoutMs: options.timeoutSeconds * 1000 } : {}),
    onProgress: (line) => print(`${brief}: ${line}`),
  });
  const pruned =
    result.pruned.length > 0 ? `, ${result.dryRun ? 'would prune' : 'pruned'} ${result.pruned.length}` : '';
  print(
    `${brief} ${result.dryRun ? 'validated (dry run)' : 'deployed'}: ${result.applied.length} objects${pruned}${result.url ? ` → ${result.url}` : ''}`,
  );
});
