// Nx executor `qlf:compile`: compiles one brief to `<outDir>/<name>/ir.json`.
import { createStageExecutor } from '../../core/nx-executor.js';

export default createStageExecutor('compile');
