// Nx executor `qlf:verify`: verifies one brief's generated service into `<outDir>/<name>/verify/report.json`.
import { createStageExecutor } from '../../core/nx-executor.js';

export default createStageExecutor('verify', (config, options) => {
  if (options.strict !== undefined) config.verify.strict = options.strict;
});
