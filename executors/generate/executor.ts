// Nx executor `qlf:generate`: generates one brief's service into `<outDir>/<name>/service/`.
import { createStageExecutor } from '../../core/nx-executor.js';

export default createStageExecutor('generate', (config, options) => {
  if (options.provider) config.generate.provider = options.provider;
});
