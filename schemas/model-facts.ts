// What the compile agent answers: the facts a model read from a description, each citing the exact text it was read
// from. The JSON Schema in the compile prompt is derived from this zod schema, and the answer is validated by it.
import { z } from 'zod';
import { complianceName, fieldType, relationshipKind } from './common.js';

/** A verbatim substring of the description: a fact whose cited text is not in the description is dropped. */
const span = z.string().min(1).max(300).describe('The exact words of the description this fact was read from');
const confidence = z.number().min(0).max(1).describe('How sure you are, from 0 to 1');

export const modelFactsSchema = z
  .object({
    entities: z
      .array(
        z
          .object({
            name: z
              .string()
              .regex(/^[A-Z][A-Za-z0-9]{0,63}$/)
              .describe('Singular PascalCase, e.g. LineItem'),
            fields: z
              .array(
                z
                  .object({
                    name: z
                      .string()
                      .regex(/^[a-z][a-z0-9_]{0,62}$/)
                      .describe('snake_case'),
                    type: fieldType,
                    required: z.boolean(),
                    values: z
                      .array(z.string().min(1).max(63))
                      .max(50)
                      .optional()
                      .describe('For an enum field: its values'),
                    span,
                  })
                  .strict(),
              )
              .max(40),
            span,
            confidence,
          })
          .strict(),
      )
      .max(40),
    relationships: z
      .array(
        z
          .object({
            from: z.string().describe('The entity on the "one" side (or either side of many-to-many)'),
            to: z.string(),
            kind: relationshipKind,
            span,
            confidence,
          })
          .strict(),
      )
      .max(80),
    compliance: z.array(z.object({ value: complianceName, span, confidence }).strict()).max(4),
    scale: z
      .object({
        requestsPerSecond: z.number().int().positive().optional(),
        users: z.number().int().positive().optional(),
        span,
        confidence,
      })
      .strict()
      .nullable(),
  })
  .strict();
export type ModelFacts = z.infer<typeof modelFactsSchema>;

/** The JSON Schema the prompt shows the model. */
export function modelFactsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(modelFactsSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
