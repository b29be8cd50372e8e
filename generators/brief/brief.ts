// Nx generator `qlf:brief`: scaffolds `<directory>/<name>/brief.qlf.yaml` from a template in `files/`, where the
// `briefs` globs of qlf.config.ts find it (so it becomes a project), naming only overlays and briefs that exist.
import { posix } from 'node:path';
import { generateFiles, type Tree } from '@nx/devkit';
import picomatch from 'picomatch';
import { inputError } from '../../core/errors.js';
import { packagePath } from '../../core/package-info.js';
import { isDnsLabel } from '../../nx/brief-problems.js';
import { didYouMeanText } from '../../overlays/lib/did-you-mean.js';
import type { QlfConfig } from '../../schemas/config.js';
import { type BriefGeneratorOptions, briefGeneratorOptionsSchema } from '../../schemas/executor-options.js';
import { parseGeneratorOptions } from '../generator-options.js';
import { reportingQlfErrors } from '../report-errors.js';
import { readTreeConfig } from '../tree-config.js';
import { knownOverlays } from './known-overlays.js';
import { workspaceBriefs } from './workspace-briefs.js';

/** The templates ship with the package sources (not compiled), so they are the same from `dist/`. */
const filesDir = (template: string) => packagePath('generators', 'brief', 'files', template);

/** Where the brief JSON Schema is, seen from the new brief's folder (for editor completion). */
function schemaPath(tree: Tree, briefDir: string): string {
  const selfHosted =
    tree.exists('package.json') && JSON.parse(tree.read('package.json', 'utf8') ?? '{}').name === 'qlf';
  const schema = selfHosted ? 'schemas/json/brief.schema.json' : 'node_modules/qlf/schemas/json/brief.schema.json';
  return posix.relative(briefDir, schema);
}

const list = (value: string | string[] | undefined) =>
  (typeof value === 'string' ? value.split(',') : (value ?? [])).map((name) => name.trim()).filter(Boolean);

/** A folder relative to the workspace root, POSIX, without a trailing slash; refuses one outside the workspace. */
function workspaceFolder(directory: string): string {
  const folder = posix.normalize(directory.split('\\').join('/')).replace(/\/$/, '');
  if (folder.startsWith('..') || posix.isAbsolute(folder)) {
    throw inputError('E_GENERATOR_OPTIONS', `directory "${directory}" is outside the workspace`, {
      hint: 'Pass a folder relative to the workspace root, e.g. --directory=services.',
    });
  }
  return folder === '.' ? '' : folder;
}

/**
 * The folder the new brief goes in. Asked for: it must be one the `briefs` globs find (else the brief would silently
 * be no project: refused, naming the globs). Not asked for: the fixed start of the first glob that finds it there.
 */
function briefFolder(config: QlfConfig, name: string, directory: string | undefined, configFile?: string): string {
  const selects = (folder: string) => {
    const file = posix.join(folder, name, 'brief.qlf.yaml');
    return picomatch(config.briefs)(file) && !picomatch(config.ignore)(file);
  };
  const candidates = [...config.briefs.map((glob) => picomatch.scan(glob).base), 'briefs'];
  const fallback = candidates.find((folder) => folder !== '' && selects(folder));
  if (directory === undefined && fallback !== undefined) return fallback;
  const folder = directory === undefined ? undefined : workspaceFolder(directory);
  if (folder !== undefined && selects(folder)) return folder;
  const globs = `briefs: ${JSON.stringify(config.briefs)}${config.ignore.length > 0 ? `, ignore: ${JSON.stringify(config.ignore)}` : ''}`;
  const where = `${configFile ?? 'the qlf defaults'} (${globs})`;
  throw inputError(
    'E_BRIEF_NOT_SELECTED',
    folder === undefined
      ? `no folder for "${name}" is selected by ${where}`
      : `${posix.join(folder, name, 'brief.qlf.yaml')} would be no project: it is not selected by ${where}`,
    {
      hint: fallback
        ? `Use --directory=${fallback}, or add a glob that matches "${folder}/${name}/brief.qlf.yaml" to \`briefs\` in ${configFile ?? 'qlf.config.ts'}.`
        : `Pass --directory=<folder> where the \`briefs\` globs look, or add a glob for it to ${configFile ?? 'qlf.config.ts'}.`,
    },
  );
}

/** Refuses names the workspace does not know: every unknown overlay and `uses`, with the known ones. */
function checkReferences(
  tree: Tree,
  config: QlfConfig,
  options: { overlays: string[]; uses: string[] },
  briefs: Map<string, string>,
) {
  const bad = [...options.overlays, ...options.uses].filter((name) => !isDnsLabel(name));
  if (bad.length > 0) {
    throw inputError('E_GENERATOR_OPTIONS', `${bad.map((name) => `"${name}"`).join(', ')} is not a DNS-1123 label`, {
      hint: 'Overlay and brief names are lowercase letters, digits and "-".',
    });
  }
  const overlays = knownOverlays(tree, config.overlays.dirs);
  const allOverlays = [...new Set([...overlays.builtin, ...overlays.workspace])].sort();
  const unknownOverlays = options.overlays.filter((name) => !allOverlays.includes(name));
  if (unknownOverlays.length > 0) {
    const [first = ''] = unknownOverlays;
    throw inputError(
      'E_OVERLAY_UNKNOWN',
      `unknown overlay ${unknownOverlays.map((n) => `"${n}"`).join(', ')}.${didYouMeanText(first, allOverlays)}`,
      {
        hint:
          `Use one of: built-in ${overlays.builtin.join(', ')}` +
          (overlays.workspace.length > 0
            ? `; workspace (${config.overlays.dirs.join(', ')}) ${overlays.workspace.join(', ')}`
            : '') +
          `. A workspace overlay is a YAML file in a folder of \`overlays.dirs\`.`,
      },
    );
  }
  const unknownUses = options.uses.filter((name) => !briefs.has(name));
  if (unknownUses.length > 0) {
    const known = [...briefs.keys()].sort();
    throw inputError(
      'E_GRAPH_UNKNOWN_USES',
      `uses ${unknownUses.map((n) => `"${n}"`).join(', ')}, which no brief is named`,
      {
        hint:
          known.length > 0
            ? `Use one of: ${known.join(', ')}.`
            : 'The workspace has no brief yet: generate the used brief first.',
      },
    );
  }
}

async function briefGenerator(tree: Tree, raw: BriefGeneratorOptions): Promise<void> {
  const options = parseGeneratorOptions('brief', briefGeneratorOptionsSchema, raw);
  const { config, file: configFile } = await readTreeConfig(tree);
  const briefs = workspaceBriefs(tree, config.ignore);
  const existing = briefs.get(options.name);
  if (existing) {
    throw inputError('E_BRIEF_DUPLICATE', `a brief named "${options.name}" already exists: ${existing}`, {
      hint: 'Pick another name: brief names are project names and output folders, one per workspace.',
    });
  }
  const overlays = list(options.overlays);
  const uses = list(options.uses);
  checkReferences(tree, config, { overlays, uses }, briefs);
  const directory = briefFolder(config, options.name, options.directory, configFile);
  const briefDir = posix.join(directory, options.name);
  if (tree.exists(posix.join(briefDir, 'brief.qlf.yaml'))) {
    throw inputError('E_BRIEF_EXISTS', `${briefDir}/brief.qlf.yaml already exists`, {
      hint: 'Pick another name or directory, or edit the existing brief.',
    });
  }
  const description = options.description ?? `Describe what ${options.name} does, for whom, and what data it keeps.`;
  generateFiles(tree, filesDir(options.template), directory, {
    name: options.name,
    overlays,
    uses,
    schemaPath: schemaPath(tree, briefDir),
    descriptionBlock: description
      .trim()
      .split('\n')
      .map((line) => `  ${line}`.trimEnd())
      .join('\n'),
  });
}

export default reportingQlfErrors(briefGenerator);
