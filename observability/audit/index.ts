// The audit log of runs: who ran which command when, on which briefs, with which outcome. Named exports only.
export type { AuditSession, KubeTargetSource } from './audit-session.js';
export { describeKubeTarget, renderedNamespace, startAudit } from './audit-session.js';
export type { AuditRunPart, BuildAuditRecordInput } from './build-record.js';
export { auditBriefs, auditCapsules, buildAuditRecord } from './build-record.js';
export { ciIdentity, gitIdentity, resolveIdentity } from './identity.js';
export type { AuditLog, AuditQuery } from './reader.js';
export { auditLogFiles, parseAuditLines, readAuditLog } from './reader.js';
export type {
  AuditBrief,
  AuditCapsule,
  AuditCommand,
  AuditDeploy,
  AuditIdentity,
  AuditRecord,
} from './record.js';
export { AUDIT_COMMANDS, auditRecordSchema } from './record.js';
export type { RecordRunOptions, RecordRunResult } from './record-run.js';
export { auditLogFile, recordRun } from './record-run.js';
export { redactText, safeUrl } from './redact.js';
export { parseSince, SINCE_FORMS } from './since.js';
export type { AuditLogOptions } from './writer.js';
export { appendAuditRecord } from './writer.js';
