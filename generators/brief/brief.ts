// Nx generator `qlf:brief`: scaffolds `<directory>/<name>/brief.qlf.yaml` from the template in `files/`.
import { posix } from 'node:path';
import { generateFiles, type Tree } from '@nx/devkit';
import { inputError } from '../../core/errors.js';
import { packagePath } from '../../core/package-info.js';
import { zodIssues } from '../../core/zod-issues.js';
import { type BriefGeneratorOptions, briefGeneratorOptionsSchema } from '../../schemas/executor-options.js';

/** The template folder ships with the package sources (not compiled), so it is the same from `dist/`. */
const filesDir = () => packagePath('generators', 'brief', 'files');

/** Where the brief JSON Schema is, seen from the new brief's folder (for editor completion). */
function schemaPath(tree: Tree, briefDir: string): string {
  const selfHosted =
    tree.exists('package.json') && JSON.parse(tree.read('package.json', 'utf8') ?? '{}').name === 'qlf';
  const schema = selfHosted ? 'schemas/json/brief.schema.json' : 'node_modules/qlf/schemas/json/brief.schema.json';
  return posix.relative(briefDir, schema);
}

export default async function briefGenerator(tree: Tree, raw: BriefGeneratorOptions): Promise<void> {
  const parsed = briefGeneratorOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    throw inputError('E_GENERATOR_OPTIONS', 'invalid options for qlf:brief', {
      issues: zodIssues(parsed.error, { code: 'E_GENERATOR_OPTIONS' }),
    });
  }
  const options = parsed.data;
  const overlays = (typeof options.overlays === 'string' ? options.overlays.split(',') : (options.overlays ?? []))
    .map((name) => name.trim())
    .filter(Boolean);
  const directory = posix.normalize(options.directory.split('\\').join('/')).replace(/\/$/, '');
  if (directory.startsWith('..') || posix.isAbsolute(directory)) {
    throw inputError('E_GENERATOR_OPTIONS', `directory "${options.directory}" is outside the workspace`, {
      hint: 'Pass a folder relative to the workspace root, e.g. --directory=services.',
    });
  }
  const briefDir = posix.join(directory, options.name);
  if (tree.exists(posix.join(briefDir, 'brief.qlf.yaml'))) {
    throw inputError('E_BRIEF_EXISTS', `${briefDir}/brief.qlf.yaml already exists`, {
      hint: 'Pick another name or directory, or edit the existing brief.',
    });
  }
  const description = options.description ?? `Describe what ${options.name} does, for whom, and what data it keeps.`;
  generateFiles(tree, filesDir(), directory, {
    name: options.name,
    overlays,
    schemaPath: schemaPath(tree, briefDir),
    descriptionBlock: description
      .trim()
      .split('\n')
      .map((line) => `  ${line}`.trimEnd())
      .join('\n'),
  });
}
