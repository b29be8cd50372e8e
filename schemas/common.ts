// Building blocks shared by the brief, the IR and the overlays.
import { z } from 'zod';

/** A DNS-1123 label: lowercase letters, digits and '-', starting and ending alphanumeric, at most 63 characters. */
export const dnsLabel = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    message: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit',
  });

/** Where a fact in the IR came from. */
/** `llm`: a model read it from the description (with the span it cites), checked against the text. */
export const origin = z.enum(['explicit', 'inferred', 'overlay', 'default', 'llm']);
export type Origin = z.infer<typeof origin>;

/** The part of the description a finding was read from: UTF-16 offsets, end exclusive. */
export const span = z.object({
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  text: z.string(),
});
export type Span = z.infer<typeof span>;

/** A value plus how sure we are of it and where it came from. */
export function finding<T extends z.ZodTypeAny>(value: T) {
  return z.object({
    value,
    confidence: z.number().min(0).max(1),
    origin,
    /** For inferred findings: the text it was read from. */
    span: span.optional(),
    /** For overlay-origin findings: the overlay that set it. */
    source: z.string().optional(),
  });
}

export const domainName = z.enum([
  'fintech',
  'healthcare',
  'ecommerce',
  'saas',
  'logistics',
  'education',
  'social',
  'iot',
  'hr',
  'real-estate',
  'media',
  'travel',
  'general',
]);
export type DomainName = z.infer<typeof domainName>;

export const complianceName = z.enum(['pci-dss', 'hipaa', 'gdpr', 'soc2']);
export type ComplianceName = z.infer<typeof complianceName>;

export const backendName = z.enum(['fastapi', 'express', 'fastify', 'gin', 'spring-boot', 'axum']);
export type BackendName = z.infer<typeof backendName>;

export const languageName = z.enum(['python', 'typescript', 'javascript', 'go', 'java', 'rust']);
export const databaseName = z.enum(['postgresql', 'mysql', 'sqlite', 'mongodb']);
/** The databases generated services run on (compile refuses the others). */
export const sqlDatabaseName = z.enum(['postgresql', 'mysql', 'sqlite']);
export type SqlDatabase = z.infer<typeof sqlDatabaseName>;
export const frontendName = z.enum(['none', 'react', 'vue', 'angular', 'svelte']);
export const deployTarget = z.enum(['kubernetes', 'docker', 'serverless', 'none']);
export const authMode = z.enum(['none', 'jwt', 'api-key', 'oauth2']);
export type AuthMode = z.infer<typeof authMode>;
export const paginationMode = z.enum(['offset', 'cursor', 'none']);

/** Field types a brief can name; the generators map each to SQL, Python and OpenAPI types. */
export const fieldType = z.enum([
  'string',
  'text',
  'integer',
  'decimal',
  'boolean',
  'date',
  'datetime',
  'uuid',
  'email',
  'url',
  'json',
  'enum',
]);
export type FieldType = z.infer<typeof fieldType>;

/** Data classifications that overlays attach handling rules to. */
export const classification = z.enum(['pan', 'phi', 'pii', 'secret', 'financial']);
export type Classification = z.infer<typeof classification>;

export const relationshipKind = z.enum(['one-to-many', 'many-to-many', 'one-to-one']);
export type RelationshipKind = z.infer<typeof relationshipKind>;
