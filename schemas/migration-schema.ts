// The database schema a service's Alembic revisions build, as `qlf.lock.json` records it: the next generation diffs
// the new IR's schema against this one to write the next revision.
import { z } from 'zod';

export const columnTypeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('string'), length: z.number().int().positive() }),
  z.object({ kind: z.literal('text') }),
  z.object({ kind: z.literal('integer') }),
  z.object({ kind: z.literal('numeric'), precision: z.number().int().positive(), scale: z.number().int().min(0) }),
  z.object({ kind: z.literal('boolean') }),
  z.object({ kind: z.literal('date') }),
  z.object({ kind: z.literal('datetime') }),
  z.object({ kind: z.literal('json') }),
]);
export type ColumnType = z.infer<typeof columnTypeSchema>;

const identifier = z.string().min(1).max(64);

export const schemaColumnSchema = z.object({
  name: identifier,
  type: columnTypeSchema,
  nullable: z.boolean(),
  /** The table's auto-incrementing integer key. */
  autoincrement: z.boolean().optional(),
});
export type SchemaColumn = z.infer<typeof schemaColumnSchema>;

export const schemaForeignKeySchema = z.object({
  name: identifier,
  column: identifier,
  table: identifier,
  onDelete: z.enum(['CASCADE', 'SET NULL']),
});
export type SchemaForeignKey = z.infer<typeof schemaForeignKeySchema>;

const namedColumns = z.object({ name: identifier, columns: z.array(identifier).min(1) });

export const schemaTableSchema = z.object({
  name: identifier,
  columns: z.array(schemaColumnSchema),
  primaryKey: namedColumns,
  foreignKeys: z.array(schemaForeignKeySchema),
  uniques: z.array(namedColumns),
  indexes: z.array(namedColumns),
  /** `column IN (values)`: enum fields. */
  checks: z.array(z.object({ name: identifier, column: identifier, values: z.array(z.string()) })),
});
export type SchemaTable = z.infer<typeof schemaTableSchema>;

export const migrationSchemaSchema = z.object({ tables: z.array(schemaTableSchema) });
export type MigrationSchema = z.infer<typeof migrationSchemaSchema>;

/** What the lock records about migrations: the schema qlf's revisions build, and those revisions. */
export const migrationStateSchema = z.object({
  schema: migrationSchemaSchema,
  revisions: z.array(z.object({ id: z.string().min(1), path: z.string().regex(/^migrations\/versions\/[^/]+\.py$/) })),
});
export type MigrationState = z.infer<typeof migrationStateSchema>;
