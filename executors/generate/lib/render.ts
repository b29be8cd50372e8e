// Renders the generated-code templates under `executors/generate/templates/` with eta; one engine for every stack.
// Templates are real files (`app/main.py.eta`) that a developer of the target language can read and fix.
import { existsSync } from 'node:fs';
import { Eta } from 'eta';
import { workError } from '../../../core/errors.js';
import { packagePath } from '../../../core/package-info.js';

let engine: Eta | undefined;

/** The folder holding every stack's templates. */
export function templatesRoot(): string {
  return packagePath('executors', 'generate', 'templates');
}

function getEngine(): Eta {
  // autoTrim is off: control lines end with `-%>` so they leave no blank line, and `<%= x %>` keeps its newline.
  engine ??= new Eta({
    views: templatesRoot(),
    autoEscape: false,
    autoTrim: false,
    cache: true,
    useWith: false,
    varName: 'it',
    defaultExtension: '.eta',
  });
  return engine;
}

/**
 * Renders `relPath` (relative to the templates folder, e.g. `fastapi/app/main.py.eta`) with `data` as `it`.
 * Throws a work error naming the template when it is missing or fails.
 */
export function renderTemplate(relPath: string, data: object): string {
  const name = relPath.endsWith('.eta') ? relPath : `${relPath}.eta`;
  if (!existsSync(packagePath('executors', 'generate', 'templates', name))) {
    throw workError('E_TEMPLATE_MISSING', `template ${name} does not exist under ${templatesRoot()}`, {
      hint: 'reinstall qlf or restore the template file',
    });
  }
  try {
    return getEngine().render(`./${name}`, data);
  } catch (cause) {
    throw workError('E_TEMPLATE_RENDER', `template ${name} failed to render: ${(cause as Error).message}`, {
      hint: 'the template or the view model passed to it is wrong; this is a qlf bug',
      cause,
    });
  }
}
