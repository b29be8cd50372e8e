// The schemas: one source of truth for every type qlf reads or writes.

export type { Brief, BriefEntity, BriefField, BriefInput } from './brief.js';
export { BRIEF_API_VERSION, briefSchema } from './brief.js';
export type { QlfConfig, QlfUserConfig } from './config.js';
export { configSchema, defineConfig } from './config.js';
export type { GeneratedFile, GeneratedTree } from './generated-tree.js';
export { generatedTreeSchema } from './generated-tree.js';
export type { IR, IREntity, IRField, IRRelationship, IRWarning } from './ir.js';
export { IR_VERSION, irSchema } from './ir.js';
export type { Overlay, OverlayInput, VerificationRule } from './overlay.js';
export { overlaySchema } from './overlay.js';
export type { VerifyFinding, VerifyReport } from './verify-report.js';
export { verifyReportSchema } from './verify-report.js';
