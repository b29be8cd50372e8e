// Finds, reads and renders prompt templates: a team's file in the workspace prompts folder wins over the built-in
// file of the same name, and every file used is recorded so the caller can report it and hash it.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Eta } from 'eta';
import { inputError, workError } from '../../core/errors.js';
import { packagePath } from '../../core/package-info.js';

/** How a built-in template is named in `files`: it has no workspace path. */
export const BUILTIN_PREFIX = 'builtin:';

/** The folder of the built-in prompt templates, shipped with the package next to `dist/`. */
export function builtinPromptsDir(): string {
  return packagePath('llm', 'prompts', 'templates');
}

export interface UsedTemplate {
  /** File name, e.g. `domain.system.eta`. */
  name: string;
  /** `builtin:domain.system.eta`, or the override's path relative to the workspace root. */
  reported: string;
  /** Content as rendered (CRLF read as LF). */
  content: string;
}

export interface OverrideFolder {
  /** Absolute path of the team's prompts folder. */
  dir: string;
  /** The folder as reported, e.g. `qlf/prompts`. */
  reportAs: string;
}

/** Flat names only: an include can never reach outside the two folders. */
const TEMPLATE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.eta$/;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * One render's worth of templates. A fresh instance per prompt keeps the record of used files exact and lets a team
 * edit its overrides between runs without a stale compiled copy.
 */
export class PromptTemplates {
  private readonly engine: Eta;
  private readonly byPath = new Map<string, UsedTemplate>();

  constructor(private readonly overrides?: OverrideFolder) {
    // Prompts are plain text: no HTML escaping. Control lines end with `-%>` so they leave no blank line.
    this.engine = new Eta({
      views: builtinPromptsDir(),
      autoEscape: false,
      autoTrim: false,
      cache: true,
      useWith: false,
      varName: 'it',
      defaultExtension: '.eta',
    });
    this.engine.resolvePath = (template) => this.locate(template);
    this.engine.readFile = (path) => this.read(path);
  }

  /** Files used so far, in the order first used. */
  used(): UsedTemplate[] {
    return [...this.byPath.values()];
  }

  render(name: string, data: object): string {
    return this.engine.render(name, data);
  }

  private locate(template: string): string {
    const bare = template.replace(/^\.\//, '');
    const name = bare.endsWith('.eta') ? bare : `${bare}.eta`;
    if (!TEMPLATE_NAME.test(name)) {
      throw inputError('E_PROMPT_TEMPLATE_NAME', `prompt template name "${template}" is not a plain file name`, {
        hint: 'include prompt templates by file name alone, e.g. include("_soc-files", it); folders are not allowed',
      });
    }
    if (this.overrides) {
      const path = join(this.overrides.dir, name);
      if (isFile(path)) return this.remember(path, name, `${this.overrides.reportAs}/${name}`);
    }
    const builtin = join(builtinPromptsDir(), name);
    if (isFile(builtin)) return this.remember(builtin, name, `${BUILTIN_PREFIX}${name}`);
    const where = this.overrides
      ? `${this.overrides.reportAs}/ nor among the built-in templates`
      : 'the built-in templates';
    const message = `prompt template ${name} is in neither ${where}`;
    throw this.overrides
      ? inputError('E_PROMPT_TEMPLATE_MISSING', message, {
          hint: `add ${this.overrides.reportAs}/${name}, or fix the include() in your override that names it`,
        })
      : workError('E_PROMPT_TEMPLATE_MISSING', message, { hint: 'reinstall qlf or restore the template file' });
  }

  private remember(path: string, name: string, reported: string): string {
    if (!this.byPath.has(path)) {
      const content = readFileSync(path, 'utf8').replace(/\r\n?/g, '\n');
      this.byPath.set(path, { name, reported, content });
    }
    return path;
  }

  private read(path: string): string {
    const used = this.byPath.get(path);
    if (!used) throw new Error(`prompt template ${path} was read before it was located`);
    return used.content;
  }
}

/** The override folder for `promptsDir` (relative to `root`, or absolute), reported relative to `root`. */
export function overrideFolder(promptsDir: string, root: string): OverrideFolder {
  const dir = resolve(root, promptsDir);
  const rel = relative(root, dir);
  if (rel === '') return { dir, reportAs: '.' };
  const inside = !rel.startsWith('..') && !isAbsolute(rel);
  return { dir, reportAs: (inside ? rel : dir).split(sep).join('/') };
}
