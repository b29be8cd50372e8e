// An overlay file (`overlays/<name>.yaml`): what a domain or compliance regime adds to a service, declaratively.
import { z } from 'zod';
import { authMode, classification, dnsLabel, fieldType } from './common.js';

export const OVERLAY_API_VERSION = 'qlf.dev/v1';

/** How data of one classification must be handled. */
export const handlingSchema = z
  .object({
    encryptAtRest: z.boolean().optional(),
    /** How the value appears in API responses: in full, masked to the last four characters, or never. */
    responses: z.enum(['full', 'mask-last4', 'omit']).optional(),
    /** How the value appears in logs. */
    logs: z.enum(['allow', 'redact']).optional(),
    /** Whether list endpoints may return it (minimum necessary). */
    inList: z.boolean().optional(),
    /** Whether it is tokenised before storage instead of stored. */
    tokenize: z.boolean().optional(),
    retentionDays: z.number().int().positive().optional(),
  })
  .strict();
export type Handling = z.infer<typeof handlingSchema>;

export const overlayFieldSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    type: fieldType,
    required: z.boolean().default(true),
    unique: z.boolean().default(false),
    values: z.array(z.string()).optional(),
    classification: classification.optional(),
  })
  .strict();

/** Controls an overlay can set; when two overlays set the same one, the higher priority wins and the IR records it. */
export const controlsSchema = z
  .object({
    minAuth: authMode.optional(),
    tls: z.boolean().optional(),
    rateLimitPerMinute: z.number().int().positive().optional(),
    auditLog: z.boolean().optional(),
    idempotencyKeys: z.boolean().optional(),
    decimalMoney: z.boolean().optional(),
    encryptionAtRest: z.boolean().optional(),
    dataExport: z.boolean().optional(),
    dataErasure: z.boolean().optional(),
    consentRecords: z.boolean().optional(),
    retentionDays: z.number().int().positive().optional(),
  })
  .strict();
export type Controls = z.infer<typeof controlsSchema>;

export const verificationRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    description: z.string(),
    severity: z.enum(['error', 'warning']).default('error'),
    check: z.discriminatedUnion('kind', [
      /** Every field of this classification is encrypted (or tokenised) at rest in the generated models. */
      z.object({ kind: z.literal('classified-field-encrypted'), classification }),
      /** Every field of this classification is masked or omitted in responses. */
      z.object({ kind: z.literal('classified-field-masked'), classification }),
      /** The generated app serves an endpoint with this id (see `endpoints`). */
      z.object({ kind: z.literal('endpoint-present'), endpoint: z.string() }),
      /** The generated app has this entity. */
      z.object({ kind: z.literal('entity-present'), entity: z.string() }),
      /** No generated file matches this regular expression. */
      z.object({ kind: z.literal('forbidden-pattern'), pattern: z.string(), files: z.string().default('**/*.py') }),
      /** Some generated file matches this regular expression. */
      z.object({ kind: z.literal('required-pattern'), pattern: z.string(), files: z.string().default('**/*.py') }),
    ]),
  })
  .strict();
export type VerificationRule = z.infer<typeof verificationRuleSchema>;

export const overlaySchema = z
  .object({
    $schema: z.string().optional(),
    apiVersion: z.literal(OVERLAY_API_VERSION),
    kind: z.literal('Overlay'),
    name: dnsLabel,
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    type: z.enum(['domain', 'compliance']),
    description: z.string().min(1),
    /** Higher wins when two overlays set the same control or handling. */
    priority: z.number().int().min(0).max(1000).default(50),
    /** Overlays applied whenever this one is. */
    requires: z.array(dnsLabel).default([]),
    /** Overlays that cannot be applied together with this one. */
    conflicts: z.array(dnsLabel).default([]),
    /** Phrases in a description that suggest this overlay, each with a weight in (0, 1]. */
    detect: z.array(z.object({ pattern: z.string(), weight: z.number().gt(0).max(1) }).strict()).default([]),
    /** Entities the overlay requires in every service it applies to. */
    entities: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Z][A-Za-z0-9]*$/),
            reason: z.string(),
            fields: z.array(overlayFieldSchema),
          })
          .strict(),
      )
      .default([]),
    /** Classifies fields by name (a regular expression over snake_case field names). */
    classify: z.array(z.object({ match: z.string(), classification }).strict()).default([]),
    /** Handling per classification. */
    handling: z.partialRecord(classification, handlingSchema).default({}),
    /** Endpoints beyond CRUD that the service must serve. */
    endpoints: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
            method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
            path: z.string().regex(/^\//),
            description: z.string(),
          })
          .strict(),
      )
      .default([]),
    controls: controlsSchema.default({}),
    rules: z.array(verificationRuleSchema).default([]),
    /** Fragments added to LLM prompts per agent kind. */
    prompts: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type OverlayInput = z.input<typeof overlaySchema>;
export type Overlay = z.output<typeof overlaySchema>;
