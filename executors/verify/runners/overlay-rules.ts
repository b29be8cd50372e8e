// Checks the IR's overlay verification rules against the generated code, reporting the file and line of each violation.
// Conventions the generators follow: models in app/models.py; an encrypted or tokenised field is stored only as
// `<field>_encrypted`; a masked field is read as `<field>_last4` or through `mask_last4`; routes are FastAPI decorators.
import picomatch from 'picomatch';
import { parse } from 'yaml';
import type { IR, IRField } from '../../../schemas/ir.js';
import type { VerificationRule } from '../../../schemas/overlay.js';
import { normalisePath, operations } from '../lib/openapi-paths.js';
import {
  attributeLines,
  type ClassBlock,
  classBlocks,
  columnLines,
  routes,
  sqlColumnLines,
} from '../lib/python-source.js';
import { outcomeOf, type RunnerFinding, type VerifyRunner } from '../lib/runner.js';
import { lineAt, listServiceFiles, readText } from '../lib/service-files.js';

const MODELS = 'app/models.py';
// Request-side pydantic classes may carry a raw value in; every other schema class can reach a response.
const REQUEST_CLASS = /(Create|Update|Patch|In|Input|Request)$/;

/** The generated service's text files, read once and shared by every rule. */
class ServiceSource {
  private constructor(
    readonly files: string[],
    private readonly texts: Map<string, string>,
  ) {}

  static async load(serviceDir: string): Promise<ServiceSource> {
    const files = await listServiceFiles(serviceDir);
    const texts = new Map<string, string>();
    for (const file of files) {
      const text = await readText(serviceDir, file);
      if (text !== undefined) texts.set(file, text);
    }
    return new ServiceSource(files, texts);
  }

  text(file: string): string | undefined {
    return this.texts.get(file);
  }

  matching(glob: string): string[] {
    const isMatch = picomatch(glob, { dot: true });
    return this.files.filter((file) => this.texts.has(file) && isMatch(file));
  }
}

type Violation = Omit<RunnerFinding, 'rule' | 'severity'>;

function classifiedFields(ir: IR, classification: string): Array<{ entity: string; field: IRField }> {
  return ir.entities.flatMap((entity) =>
    entity.fields
      .filter((field) => field.classification === classification)
      .map((field) => ({ entity: entity.name, field })),
  );
}

function checkEncrypted(ir: IR, source: ServiceSource, classification: string): Violation[] {
  const violations: Violation[] = [];
  const models = source.text(MODELS);
  const blocks = models === undefined ? [] : classBlocks(models);
  for (const { entity, field } of classifiedFields(ir, classification)) {
    if (models === undefined) {
      violations.push({ message: `${MODELS} is missing, so ${entity}.${field.name} cannot be checked` });
      continue;
    }
    const block = blocks.find((candidate) => candidate.name === entity);
    const lines: ClassBlock['lines'] =
      block?.lines ?? models.split(/\r?\n/).map((text, index) => ({ line: index + 1, text }));
    for (const line of columnLines(lines, field.name)) {
      violations.push({
        message: `${entity}.${field.name} (${classification}) is stored in clear`,
        file: MODELS,
        line,
      });
    }
    if (columnLines(lines, `${field.name}_encrypted`).length === 0) {
      const place = block ? { file: MODELS, line: block.line } : { file: MODELS };
      violations.push({
        message: `${entity} has no ${field.name}_encrypted column for ${classification} data`,
        ...place,
      });
    }
    for (const file of source.matching('migrations/**/*.sql')) {
      for (const line of sqlColumnLines(source.text(file)!, field.name)) {
        violations.push({ message: `column ${field.name} (${classification}) is stored in clear`, file, line });
      }
    }
  }
  return violations;
}

/**
 * Whether the app masks `field` on the way out: a `<field>_last4` attribute in a read schema, or the response built
 * with `mask_last4` (`"<field>": mask_last4(...)` / `<field>=mask_last4(...)`).
 */
function maskedInCode(source: ServiceSource, schemaFiles: string[], field: string): boolean {
  const viaHelper = new RegExp(`["']?\\b${field}["']?\\s*[:=]\\s*mask_last4\\(`);
  if (source.matching('app/**/*.py').some((file) => viaHelper.test(source.text(file)!))) return true;
  return schemaFiles.some((file) =>
    classBlocks(source.text(file)!).some(
      (block) => !REQUEST_CLASS.test(block.name) && attributeLines(block.lines, `${field}_last4`).length > 0,
    ),
  );
}

function checkMasked(ir: IR, source: ServiceSource, classification: string): Violation[] {
  const violations: Violation[] = [];
  const schemaFiles = [...source.matching('app/schemas.py'), ...source.matching('app/schemas/**/*.py')];
  const document = openapiDocument(source);
  const components = (document as { components?: { schemas?: Record<string, { properties?: object }> } } | undefined)
    ?.components?.schemas;
  for (const { entity, field } of classifiedFields(ir, classification)) {
    const masked = maskedInCode(source, schemaFiles, field.name);
    // A masked field may keep its name in responses (the value is `**** 1234`); an omitted or unmasked one may not.
    const nameAllowed = field.handling?.responses === 'mask-last4' && masked;
    if (field.handling?.responses !== 'omit' && !masked) {
      violations.push({
        message: `${entity}.${field.name} (${classification}) is not masked: no ${field.name}_last4 read field and no mask_last4 call`,
      });
    }
    if (nameAllowed) continue;
    for (const file of schemaFiles) {
      for (const block of classBlocks(source.text(file)!)) {
        if (REQUEST_CLASS.test(block.name)) continue;
        for (const line of attributeLines(block.lines, field.name)) {
          violations.push({
            message: `${block.name}.${field.name} (${classification}) reaches responses unmasked`,
            file,
            line,
          });
        }
      }
    }
    for (const [name, schema] of Object.entries(components ?? {})) {
      if (REQUEST_CLASS.test(name) || !schema?.properties || !(field.name in schema.properties)) continue;
      violations.push({
        message: `response schema ${name} exposes ${field.name} (${classification})`,
        file: 'openapi.json',
      });
    }
  }
  return violations;
}

function openapiDocument(source: ServiceSource): unknown {
  const text = source.text('openapi.json') ?? source.text('openapi.yaml') ?? source.text('openapi.yml');
  if (text === undefined) return undefined;
  try {
    return parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function checkEndpoint(ir: IR, source: ServiceSource, id: string): Violation[] {
  const endpoint = ir.api.endpoints.find((candidate) => candidate.id === id);
  if (!endpoint) return [{ message: `the IR declares no endpoint with id ${JSON.stringify(id)}` }];
  const wanted = normalisePath(endpoint.path);
  const withBase = normalisePath(`${ir.api.basePath.replace(/\/$/, '')}${endpoint.path}`);
  const fits = (method: string, path: string) => {
    const served = normalisePath(path);
    return method === endpoint.method && (served === wanted || served === withBase || served.endsWith(wanted));
  };
  for (const file of source.matching('app/**/*.py')) {
    if (routes(source.text(file)!).some((route) => fits(route.method, route.path))) return [];
  }
  for (const operation of operations(openapiDocument(source)).keys()) {
    const [method, path] = operation.split(' ');
    if (fits(method!, path!)) return [];
  }
  return [{ message: `${endpoint.method} ${endpoint.path} (${id}) is not served by any route in app/` }];
}

function checkEntity(source: ServiceSource, entity: string): Violation[] {
  const models = source.text(MODELS);
  if (models !== undefined && classBlocks(models).some((block) => block.name === entity)) return [];
  return [
    { message: `entity ${entity} has no model class in ${MODELS}`, ...(models === undefined ? {} : { file: MODELS }) },
  ];
}

function patternMatches(source: ServiceSource, pattern: RegExp, glob: string): Violation[] {
  const found: Violation[] = [];
  for (const file of source.matching(glob)) {
    const text = source.text(file)!;
    for (const match of text.matchAll(pattern)) {
      // A leading `\s*` can swallow newlines; the line is where the visible match starts.
      const start = match.index + (match[0].length - match[0].trimStart().length);
      found.push({
        message: `matches ${JSON.stringify(match[0].trim().slice(0, 80))}`,
        file,
        line: lineAt(text, start),
      });
      if (match[0] === '') break;
    }
  }
  return found;
}

function checkRule(ir: IR, source: ServiceSource, rule: VerificationRule): Violation[] {
  const check = rule.check;
  switch (check.kind) {
    case 'classified-field-encrypted':
      return checkEncrypted(ir, source, check.classification);
    case 'classified-field-masked':
      return checkMasked(ir, source, check.classification);
    case 'endpoint-present':
      return checkEndpoint(ir, source, check.endpoint);
    case 'entity-present':
      return checkEntity(source, check.entity);
    case 'forbidden-pattern':
      return patternMatches(source, new RegExp(check.pattern, 'gm'), check.files);
    case 'required-pattern':
      return patternMatches(source, new RegExp(check.pattern, 'gm'), check.files).length > 0
        ? []
        : [{ message: `no file matching ${check.files} matches /${check.pattern}/` }];
  }
}

export const overlayRulesRunner: VerifyRunner = {
  name: 'overlay-rules',
  async run(input) {
    const source = await ServiceSource.load(input.serviceDir);
    const findings: RunnerFinding[] = [];
    let violated = 0;
    for (const rule of input.ir.overlays.rules) {
      let violations: Violation[];
      try {
        violations = checkRule(input.ir, source, rule);
      } catch (error) {
        violations = [{ message: `the rule cannot be checked: ${(error as Error).message}` }];
      }
      if (violations.length > 0) violated++;
      for (const violation of violations) {
        findings.push({
          ...violation,
          rule: rule.id,
          severity: rule.severity,
          message: `${rule.description} [${rule.source}]: ${violation.message}`,
        });
      }
    }
    return outcomeOf(findings, { rules: input.ir.overlays.rules.length, violated });
  },
};
