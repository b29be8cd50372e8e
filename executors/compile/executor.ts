// Nx executor `qlf:compile`: compiles one brief to `<outDir>/<name>/ir.json`.
import { createStageExecutor } from '../../nx/stage-executor.js';

export default createStageExecutor('compile');
