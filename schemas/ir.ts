// The intermediate representation: the canonical, fully-resolved model of one service. Same brief → same bytes.
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
  finding,
  frontendName,
  languageName,
  origin,
  paginationMode,
  relationshipKind,
  span,
} from './common.js';
import { controlsSchema, handlingSchema, verificationRuleSchema } from './overlay.js';

export const IR_VERSION = 'qlf.dev/ir/v1';

export const featureName = z.enum([
  'fraud-detection',
  'audit-log',
  'search',
  'notifications',
  'file-upload',
  'payments',
  'reporting',
  'analytics',
  'webhooks',
  'real-time',
  'caching',
  'scheduling',
  'multi-tenancy',
  'rate-limiting',
  'data-export',
  'i18n',
]);
export type FeatureName = z.infer<typeof featureName>;

/** Provenance every IR element carries. */
const provenance = {
  origin,
  confidence: z.number().min(0).max(1),
  span: span.optional(),
  /** Overlay name when origin is `overlay`. */
  source: z.string().optional(),
};

export const irFieldSchema = z.object({
  /** snake_case column/attribute name. */
  name: z.string(),
  type: fieldType,
  required: z.boolean(),
  unique: z.boolean(),
  values: z.array(z.string()).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  pattern: z.string().optional(),
  classification: classification.optional(),
  /** Resolved handling for classified fields (from overlays). */
  handling: handlingSchema.optional(),
  ...provenance,
});
export type IRField = z.infer<typeof irFieldSchema>;

export const irEntitySchema = z.object({
  /** Singular PascalCase: `LineItem`. */
  name: z.string(),
  /** snake_case plural table name: `line_items`. */
  table: z.string(),
  /** kebab-case plural URL segment: `line-items`. */
  resource: z.string(),
  description: z.string().optional(),
  fields: z.array(irFieldSchema),
  ...provenance,
});
export type IREntity = z.infer<typeof irEntitySchema>;

export const irRelationshipSchema = z.object({
  /** The "one" side for one-to-many (`Customer` in "customers have many orders"). */
  from: z.string(),
  to: z.string(),
  kind: relationshipKind,
  /** Foreign-key column on `to` for one-to-many / one-to-one (`customer_id`); absent for many-to-many. */
  foreignKey: z.string().optional(),
  /** Association table for many-to-many (`order_products`). */
  joinTable: z.string().optional(),
  required: z.boolean(),
  ...provenance,
});
export type IRRelationship = z.infer<typeof irRelationshipSchema>;

export const irEndpointSchema = z.object({
  id: z.string(),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string(),
  description: z.string(),
  source: z.string(),
});
export type IREndpoint = z.infer<typeof irEndpointSchema>;

export const irWarningSchema = z.object({
  code: z.string(),
  message: z.string(),
  span: span.optional(),
  path: z.string().optional(),
});
export type IRWarning = z.infer<typeof irWarningSchema>;

export const appliedOverlaySchema = z.object({
  name: z.string(),
  version: z.string(),
  type: z.enum(['domain', 'compliance']),
  priority: z.number(),
  /** sha256 of the overlay file bytes. */
  digest: z.string(),
  /** explicit (brief/CLI), inferred (suggested above the auto-apply threshold) or required by another overlay. */
  reason: z.enum(['explicit', 'inferred', 'required']),
  requiredBy: z.array(z.string()).optional(),
  confidence: z.number().min(0).max(1),
});
export type AppliedOverlay = z.infer<typeof appliedOverlaySchema>;

export const overlaySuggestionSchema = z.object({
  name: z.string(),
  /** 0.3-1.0. */
  confidence: z.number().min(0.3).max(1),
  spans: z.array(span),
});
export type OverlaySuggestion = z.infer<typeof overlaySuggestionSchema>;

/** One setting that more than one overlay set: who won, by priority, and who was overruled. */
export const overlayDecisionSchema = z.object({
  setting: z.string(),
  value: z.unknown(),
  winner: z.string(),
  overruled: z.array(z.object({ overlay: z.string(), value: z.unknown() })),
});
export type OverlayDecision = z.infer<typeof overlayDecisionSchema>;

export const irSchema = z.object({
  irVersion: z.literal(IR_VERSION),
  name: dnsLabel,
  description: z.string(),
  domain: finding(domainName),
  compliance: z.array(finding(complianceName)),
  stack: z.object({
    backend: finding(backendName),
    language: finding(languageName),
    database: finding(databaseName),
    frontend: finding(frontendName),
    deploy: finding(deployTarget),
  }),
  entities: z.array(irEntitySchema),
  relationships: z.array(irRelationshipSchema),
  api: z.object({
    auth: finding(authMode),
    pagination: finding(paginationMode),
    basePath: z.string(),
    /** Endpoints beyond CRUD (from overlays such as GDPR export/erasure). */
    endpoints: z.array(irEndpointSchema),
  }),
  ops: z.object({
    replicas: finding(z.number().int().min(1)),
    resources: z.object({ cpu: z.string(), memory: z.string() }),
    scale: z.object({
      requestsPerSecond: finding(z.number().int().positive()).optional(),
      users: finding(z.number().int().positive()).optional(),
    }),
  }),
  features: z.array(finding(featureName)),
  /** Resolved security and compliance controls (explicit brief values over overlay values over defaults). */
  controls: controlsSchema.required({ minAuth: true, tls: true, auditLog: true }),
  overlays: z.object({
    applied: z.array(appliedOverlaySchema),
    suggested: z.array(overlaySuggestionSchema),
    decisions: z.array(overlayDecisionSchema),
    rules: z.array(verificationRuleSchema.extend({ source: z.string() })),
    prompts: z.record(z.string(), z.string()),
  }),
  /** Other briefs this service calls (brief names). */
  uses: z.array(dnsLabel),
  warnings: z.array(irWarningSchema),
});
export type IR = z.infer<typeof irSchema>;
