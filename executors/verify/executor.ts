// Nx executor `qlf:verify`: verifies one brief's generated service into `<outDir>/<name>/verify/report.json`.
import { createStageExecutor, strictOverride } from '../../nx/stage-executor.js';

export default createStageExecutor('verify', strictOverride);
