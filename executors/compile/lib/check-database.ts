// Refuses, at compile time and located in the brief, what the generated service could not store: a database qlf does
// not generate for (MongoDB), and fields the chosen database cannot index or hold (a unique TEXT column on MySQL, a
// unique JSON column anywhere, a VARCHAR past MySQL's row or key limits).
import { inputError, type QlfIssue } from '../../../core/errors.js';
import type { Brief } from '../../../schemas/brief.js';
import type { IR, IRField } from '../../../schemas/ir.js';
import { physicalModel, SQL_DATABASES, TEXT_MAX_CHARS } from '../../generate/lib/physical-model.js';
import { locateInBrief } from './load-brief.js';

/** MySQL's InnoDB index key limit (3072 bytes) over utf8mb4's 4 bytes per character. */
const MYSQL_MAX_INDEXED_CHARS = 768;
/** MySQL's 65,535-byte row limit over 4 bytes per character, less room for the other columns. */
const MYSQL_MAX_VARCHAR = 16_000;

interface Source {
  text?: string;
  file?: string;
}

function issueAt(source: Source, path: (string | number)[], code: string, message: string, hint: string): QlfIssue {
  const where =
    source.text !== undefined
      ? (locateInBrief(source.text, path) ?? locateInBrief(source.text, ['description']))
      : undefined;
  return {
    code,
    message,
    hint,
    ...(source.file ? { file: source.file } : {}),
    ...(where ? { line: where.line, column: where.column } : {}),
    path: path.join('.'),
  };
}

/** The brief path of a field (`entities.0.fields.2`) when the brief lists it, else the entity's, else the description. */
function fieldPath(brief: Brief, entity: string, field: string): (string | number)[] {
  const entityIndex = (brief.entities ?? []).findIndex((candidate) => candidate.name === entity);
  if (entityIndex < 0) return ['description'];
  const fieldIndex = (brief.entities?.[entityIndex]?.fields ?? []).findIndex((candidate) => candidate.name === field);
  return fieldIndex < 0 ? ['entities', entityIndex] : ['entities', entityIndex, 'fields', fieldIndex];
}

function fieldProblem(field: IRField, database: string, length: number | undefined): string | undefined {
  if (field.unique && field.type === 'json') return 'is unique, but JSON values cannot be compared for uniqueness';
  if (database !== 'mysql') return undefined;
  if (field.unique && field.type === 'text') return 'is unique, but MySQL cannot index a TEXT column';
  if (field.unique && length !== undefined && length > MYSQL_MAX_INDEXED_CHARS) {
    return `is unique and ${length} characters long, past the ${MYSQL_MAX_INDEXED_CHARS} characters a MySQL index holds (utf8mb4)`;
  }
  if (field.type === 'text' && field.max !== undefined && field.max > TEXT_MAX_CHARS) {
    return `is up to ${field.max} characters long, past the ${TEXT_MAX_CHARS} a MySQL TEXT column holds (utf8mb4)`;
  }
  if (length !== undefined && length > MYSQL_MAX_VARCHAR) {
    return `is ${length} characters long, past the ${MYSQL_MAX_VARCHAR} a MySQL VARCHAR column can hold (utf8mb4)`;
  }
  return undefined;
}

export function checkDatabase(ir: IR, brief: Brief, source: Source): void {
  const database = ir.stack.database.value;
  if (!(SQL_DATABASES as readonly string[]).includes(database)) {
    const said = brief.stack?.database !== undefined;
    const issue = issueAt(
      source,
      said ? ['stack', 'database'] : ['description'],
      'E_DATABASE_UNSUPPORTED',
      `${said ? 'stack.database is' : 'the description asks for'} ${database}, which qlf does not generate services for; it generates for ${SQL_DATABASES.join(', ')}`,
      `Set \`stack.database:\` to one of ${SQL_DATABASES.join(', ')} (postgresql for a production service).`,
    );
    throw inputError('E_DATABASE_UNSUPPORTED', issue.message, { hint: issue.hint, issues: [issue] });
  }
  const issues: QlfIssue[] = [];
  for (const table of physicalModel(ir).tables) {
    for (const column of table.columns) {
      if (!column.field || column.role !== 'field') continue;
      const length = column.type === 'text' || column.type === 'json' ? undefined : column.maxLength;
      const problem = fieldProblem(column.field, database, length);
      if (!problem) continue;
      issues.push(
        issueAt(
          source,
          fieldPath(brief, table.entity.name, column.field.name),
          'E_FIELD_UNSUPPORTED',
          `${table.entity.name}.${column.field.name} ${problem} (stack.database: ${database})`,
          column.field.type === 'json'
            ? 'Drop `unique: true`, or store a string key beside the JSON value and make that unique.'
            : `Make it \`type: string\` with \`max:\` at most ${MYSQL_MAX_INDEXED_CHARS} (or drop \`unique: true\`), or target postgresql.`,
        ),
      );
    }
  }
  if (issues.length > 0) {
    throw inputError(
      'E_FIELD_UNSUPPORTED',
      `${issues.length} field${issues.length === 1 ? '' : 's'} cannot be stored as the brief asks on ${database}`,
      { hint: issues[0]?.hint, issues },
    );
  }
}
