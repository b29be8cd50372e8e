// The brief file (`brief.qlf.yaml`) as the user writes it: the single source of truth for its type and JSON Schema.
import { z } from 'zod';
import {
  authMode,
  backendName,
  classification,
  complianceName,
  databaseName,
  deployTarget,
  dnsLabel,
  domainName,
  fieldType,
  frontendName,
  paginationMode,
  relationshipKind,
} from './common.js';

export const BRIEF_API_VERSION = 'qlf.dev/v1';
/** Longest description accepted, in characters: a brief is prose, not a data dump. */
export const MAX_DESCRIPTION_LENGTH = 100_000;

const identifier = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, { message: 'must start with a letter and hold only letters, digits and "_"' })
  .max(63);

export const briefFieldSchema = z
  .object({
    name: identifier.describe('Field name, snake_case preferred (`card_number`).'),
    type: fieldType.default('string').describe('Field type.'),
    required: z.boolean().optional().describe('Whether a value must be given. @default true'),
    unique: z.boolean().optional().describe('Whether values must be unique across rows. @default false'),
    values: z.array(z.string().min(1)).optional().describe('Allowed values when `type: enum`.'),
    min: z.number().optional().describe('Minimum value (numbers) or length (strings).'),
    max: z.number().optional().describe('Maximum value (numbers) or length (strings).'),
    pattern: z.string().optional().describe('Regular expression a string value must match.'),
    classification: classification.optional().describe('Data class that overlays attach handling rules to.'),
  })
  .strict();

export const briefRelationSchema = z
  .object({
    to: identifier.describe('Target entity name.'),
    kind: relationshipKind.default('one-to-many').describe('Cardinality, seen from this entity.'),
    required: z.boolean().optional(),
  })
  .strict();

export const briefEntitySchema = z
  .object({
    name: identifier.describe('Entity name, singular PascalCase (`Order`).'),
    description: z.string().optional(),
    fields: z.array(briefFieldSchema).default([]),
    relations: z.array(briefRelationSchema).default([]),
  })
  .strict();

export const briefSchema = z
  .object({
    $schema: z.string().optional(),
    apiVersion: z.literal(BRIEF_API_VERSION).describe('Brief format version.'),
    kind: z.literal('Brief'),
    name: dnsLabel.describe('Project name (a DNS-1123 label); also the Nx project name.'),
    description: z
      .string()
      .trim()
      .min(1, { message: 'must not be empty: describe the service in a few sentences' })
      .max(MAX_DESCRIPTION_LENGTH, { message: `must be at most ${MAX_DESCRIPTION_LENGTH} characters` })
      .describe('What the service is for, in natural language. The heart of the brief.'),
    overlays: z.array(dnsLabel).optional().describe('Overlays to apply, e.g. [fintech, pci].'),
    uses: z.array(dnsLabel).optional().describe('Other briefs whose APIs this service calls; orders the task graph.'),
    domain: domainName.optional().describe('Business domain; inferred from the description when absent.'),
    stack: z
      .object({
        backend: backendName.optional(),
        database: databaseName.optional(),
        frontend: frontendName.optional(),
        deploy: deployTarget.optional(),
      })
      .strict()
      .optional(),
    entities: z
      .array(briefEntitySchema)
      .optional()
      .describe('Explicit data model; merged over what the description implies.'),
    api: z
      .object({
        auth: authMode.optional(),
        pagination: paginationMode.optional(),
        basePath: z
          .string()
          .regex(/^(\/[a-z0-9-]+)*$/)
          .optional(),
      })
      .strict()
      .optional(),
    ops: z
      .object({
        replicas: z.number().int().min(1).max(1000).optional(),
        resources: z
          .object({
            cpu: z
              .string()
              .regex(/^\d+(\.\d+)?m?$/)
              .optional(),
            memory: z
              .string()
              .regex(/^\d+(Ki|Mi|Gi)$/)
              .optional(),
          })
          .strict()
          .optional(),
        scale: z
          .object({
            requestsPerSecond: z.number().int().positive().optional(),
            users: z.number().int().positive().optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    compliance: z.array(complianceName).optional().describe('Compliance regimes that apply.'),
    security: z
      .object({
        encryptionAtRest: z.boolean().optional(),
        rateLimitPerMinute: z.number().int().positive().optional(),
        auditLog: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** A brief as written (before defaults are applied). */
export type BriefInput = z.input<typeof briefSchema>;
/** A brief after schema parsing (defaults filled). */
export type Brief = z.output<typeof briefSchema>;
export type BriefEntity = z.output<typeof briefEntitySchema>;
export type BriefField = z.output<typeof briefFieldSchema>;
