// Nx executor `qlf:build`: builds one brief's container image (or its context when no engine answers) into
// `<outDir>/<name>/build/`.
import { createStageExecutor, strictOverride } from '../../nx/stage-executor.js';

export default createStageExecutor('build', strictOverride);
