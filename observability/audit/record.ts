// One line of the audit log: who ran which qlf command when, on which briefs (task hashes per stage), what ran, what
// came from the cache, what failed, the capsules made and where they were deployed. Never a secret or an env value.
import { z } from 'zod';

/** The commands that write an audit record. */
export const AUDIT_COMMANDS = ['run', 'watch', 'deploy', 'preview', 'generate'] as const;
export type AuditCommand = (typeof AUDIT_COMMANDS)[number];

export const AUDIT_RECORD_VERSION = 1;

const iso = z.iso.datetime({ offset: true });

export const auditIdentitySchema = z
  .object({
    /** Where the name came from: a CI system's variables, the workspace's git config, or the OS account. */
    source: z.enum(['ci', 'git', 'os']),
    name: z.string(),
    email: z.string().optional(),
    /** The CI system: `github`, `gitlab`, `buildkite`, `circleci`. */
    ci: z.string().optional(),
    /** The CI run or job id. */
    runId: z.string().optional(),
  })
  .strict();
export type AuditIdentity = z.infer<typeof auditIdentitySchema>;

export const auditStageSchema = z
  .object({
    stage: z.string(),
    /** Task hash; null when the task never got that far. */
    hash: z.string().nullable(),
    status: z.enum(['success', 'cached', 'failed', 'skipped']),
    cache: z.enum(['local', 'remote']).optional(),
    errorCode: z.string().optional(),
  })
  .strict();

export const auditBriefSchema = z
  .object({
    name: z.string(),
    stages: z.array(auditStageSchema),
    ran: z.array(z.string()),
    cached: z.array(z.string()),
    failed: z.array(z.string()),
    skipped: z.array(z.string()),
  })
  .strict();
export type AuditBrief = z.infer<typeof auditBriefSchema>;

export const auditCapsuleSchema = z
  .object({
    brief: z.string(),
    file: z.string(),
    /** `sha256:<hex>` of the capsule's manifest.json: the subject its signed provenance names. */
    digest: z.string(),
    /** `sha256:<hex>` of the `.qlcapsule` archive itself. */
    fileDigest: z.string().optional(),
    signed: z.boolean().optional(),
  })
  .strict();
export type AuditCapsule = z.infer<typeof auditCapsuleSchema>;

export const auditDeploySchema = z
  .object({
    brief: z.string().optional(),
    namespace: z.string().optional(),
    context: z.string().optional(),
    cluster: z.string().optional(),
    /** The API server, without user info, query or fragment. */
    server: z.string().optional(),
    /** The service's URL, without user info, query or fragment. */
    url: z.string().optional(),
    dryRun: z.boolean().optional(),
    /** `pending` only while the command runs; a record written after a crash says `failed`. */
    outcome: z.enum(['pending', 'applied', 'deleted', 'terminating', 'missing', 'failed']),
    applied: z.number().int().nonnegative().optional(),
    pruned: z.number().int().nonnegative().optional(),
  })
  .strict();
export type AuditDeploy = z.infer<typeof auditDeploySchema>;

export const auditRecordSchema = z
  .object({
    v: z.literal(AUDIT_RECORD_VERSION),
    /** Random id of the record. */
    id: z.string(),
    command: z.enum(AUDIT_COMMANDS),
    /** A subcommand, e.g. `up` for `qlf preview up`. */
    action: z.string().optional(),
    startedAt: iso,
    endedAt: iso,
    durationMs: z.number().nonnegative(),
    qlfVersion: z.string(),
    who: auditIdentitySchema,
    outcome: z.enum(['success', 'failed', 'interrupted', 'error']),
    /** Why the command failed, when it threw: code and a message with URLs stripped of credentials. */
    error: z.object({ code: z.string().optional(), message: z.string() }).strict().optional(),
    totals: z
      .object({
        tasks: z.number().int(),
        ran: z.number().int(),
        cached: z.number().int(),
        failed: z.number().int(),
        skipped: z.number().int(),
      })
      .strict()
      .optional(),
    briefs: z.array(auditBriefSchema),
    capsules: z.array(auditCapsuleSchema),
    deploys: z.array(auditDeploySchema),
  })
  .strict();
export type AuditRecord = z.infer<typeof auditRecordSchema>;
