// Nx executor `qlf:generate`: generates one brief's service and merges it into its working copy (beside the brief).
import { createStageExecutor } from '../../nx/stage-executor.js';

export default createStageExecutor('generate', (config, options) => {
  if (options.provider) config.generate.provider = options.provider;
  if (options.model) config.generate.model = options.model;
  if (options.fallback) config.generate.fallback = options.fallback;
});
