// qlf's public API (`import { defineConfig } from 'qlf'`): the config helper, the schemas and their types, the stage
// names and the coded error. A user's qlf.config.ts imports `defineConfig` from here, so it stays light: no stage code.

export type { QlfIssue } from './core/errors.js';
export { QlfError } from './core/errors.js';
export type { StageName } from './graph/stages.js';
export { STAGES } from './graph/stages.js';
export type {
  Brief,
  BriefInput,
  GeneratedFile,
  GeneratedTree,
  IR,
  IREntity,
  IRField,
  IRRelationship,
  Overlay,
  QlfConfig,
  QlfUserConfig,
  VerifyReport,
} from './schemas/index.js';
export {
  BRIEF_API_VERSION,
  briefSchema,
  configSchema,
  defineConfig,
  IR_VERSION,
  irSchema,
  overlaySchema,
} from './schemas/index.js';
