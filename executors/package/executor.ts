// Nx executor `qlf:package`: packages one brief into `<outDir>/<name>/package/<name>.qlcapsule`.
import { createStageExecutor, strictOverride } from '../../nx/stage-executor.js';

export default createStageExecutor('package', strictOverride);
