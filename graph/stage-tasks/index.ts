// The registered stage tasks, in pipeline order. A later stage joins the graph by adding its file and one line here.
import type { StageTask } from '../stage-task.js';
import { buildTask } from './build.js';
import { compileTask } from './compile.js';
import { deployTask } from './deploy.js';
import { generateTask } from './generate.js';
import { packageTask } from './package.js';
import { verifyTask } from './verify.js';

export const stageTasks: StageTask[] = [compileTask, generateTask, verifyTask, buildTask, packageTask, deployTask];
