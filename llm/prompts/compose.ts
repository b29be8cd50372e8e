// Composes an agent's prompt from the IR, the overlays' fragments and the agent's templates (a team's overrides
// first, then the built-in files). Same inputs and templates, same bytes, so prompts can key the response cache.

import { inputError, isQlfError, workError } from '../../core/errors.js';
import { hashParts } from '../../core/hash.js';
import type { IR } from '../../schemas/ir.js';
import type { PromptAgent } from '../../schemas/llm.js';
import { BUILTIN_PREFIX, overrideFolder, PromptTemplates, type UsedTemplate } from './prompt-templates.js';
import { type PromptVars, promptView } from './prompt-view.js';

export interface ComposePromptInput {
  agent: PromptAgent;
  ir: IR;
  /**
   * The team's prompt folder (`llm.promptsDir`), relative to `root` or absolute: a file there replaces the built-in
   * template of the same name. A folder that does not exist is fine. @default no overrides
   */
  overridesDir?: string;
  /** The workspace root: `overridesDir` is resolved and reported relative to it. @default process.cwd() */
  root?: string;
  vars?: PromptVars;
}

export interface ComposedPrompt {
  system: string;
  user: string;
  /** Templates used, in the order first used: `builtin:<name>`, or an override's workspace-relative path. */
  files: string[];
  /** sha256 of the names and contents of the templates used, for cache keys. */
  digest: string;
}

/** Trailing blank lines are template layout, not prompt: every prompt ends with exactly one newline. */
function finish(text: string): string {
  return `${text.replace(/\s+$/, '')}\n`;
}

function templatesDigest(used: UsedTemplate[]): string {
  const sorted = [...used].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return hashParts(sorted.flatMap((template) => [template.name, template.content]));
}

function renderError(agent: PromptAgent, cause: unknown, used: UsedTemplate[]): Error {
  if (isQlfError(cause)) return cause;
  const message = `the ${agent} prompt failed to render: ${(cause as Error).message}`;
  const overrides = used.filter((template) => !template.reported.startsWith(BUILTIN_PREFIX)).map((t) => t.reported);
  if (overrides.length > 0) {
    return inputError('E_PROMPT_TEMPLATE', message, {
      hint: `check the override templates it used (${overrides.join(', ')}); remove one to fall back to the built-in file`,
    });
  }
  return workError('E_PROMPT_TEMPLATE', message, { hint: 'this is a qlf bug in a built-in prompt template' });
}

/** `{ system, user }` for `agent`, with the template files used and their digest. */
export function composePrompt(input: ComposePromptInput): ComposedPrompt {
  const { agent, ir } = input;
  const view = promptView(ir, agent, input.vars);
  const overrides =
    input.overridesDir === undefined ? undefined : overrideFolder(input.overridesDir, input.root ?? process.cwd());
  const templates = new PromptTemplates(overrides);
  let system: string;
  let user: string;
  try {
    system = finish(templates.render(`${agent}.system`, view));
    user = finish(templates.render(`${agent}.user`, view));
  } catch (cause) {
    throw renderError(agent, cause, templates.used());
  }
  const used = templates.used();
  return { system, user, files: used.map((template) => template.reported), digest: templatesDigest(used) };
}
