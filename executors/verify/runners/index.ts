// Every verify runner, in the order the stage runs them: cheap static checks first, heavy ones last.
import type { VerifyRunner } from '../lib/runner.js';
import { banditRunner } from './bandit.js';
import { conflictMarkersRunner } from './conflict-markers.js';
import { migrationsRunner } from './migrations.js';
import { openapiRunner } from './openapi.js';
import { overlayRulesRunner } from './overlay-rules.js';
import { pyCompileRunner } from './py-compile.js';
import { pytestRunner } from './pytest.js';
import { secretsRunner } from './secrets.js';

export const RUNNERS: readonly VerifyRunner[] = [
  conflictMarkersRunner,
  pyCompileRunner,
  secretsRunner,
  overlayRulesRunner,
  banditRunner,
  openapiRunner,
  migrationsRunner,
  pytestRunner,
];

export const RUNNER_NAMES: readonly string[] = RUNNERS.map((runner) => runner.name);
