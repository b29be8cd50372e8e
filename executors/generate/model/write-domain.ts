// The model's turn in generate: ask for the domain modules, hold the answer to the output contract and to verify's
// checks, and send every rejection back (bounded) before giving up. Nothing the model wrote leaves this function
// unless it passed both.
import { workError } from '../../../core/errors.js';
import { askWithRepairs, type Rejection, type Verdict } from '../../../llm/repair-loop.js';
import type { LlmMessage } from '../../../llm/types.js';
import type { GeneratedFile, GeneratedTree } from '../../../schemas/generated-tree.js';
import type { IR } from '../../../schemas/ir.js';
import type { ModelCheck, ModelFile } from './check-model-files.js';

/** One answer from the model, with what it cost; `remember` stores it once it passed. */
export interface ModelAnswer {
  text: string;
  /** Whether the answer came from the response cache (no call made). */
  cached: boolean;
}

export interface ModelCaller {
  complete(messages: LlmMessage[]): Promise<ModelAnswer>;
  /** Stores an answer that passed the contract and the checks, so the same prompt makes no call again. */
  remember(messages: LlmMessage[], answer: ModelAnswer): Promise<void>;
}

export interface WriteDomainInput {
  ir: IR;
  tree: GeneratedTree;
  caller: ModelCaller;
  /** The composed prompt's user message. */
  prompt: string;
  maxRepairs: number;
  /** Parses an answer under the contract; throws a `SocRejection` when it breaks it. */
  parse(text: string): ModelFile[];
  check(files: ModelFile[]): Promise<ModelCheck>;
  /** Name the files carry as their agent, e.g. `model:openai/gpt-4.1`. */
  agent: string;
  log(line: string): void;
}

export interface WriteDomainResult {
  files: GeneratedFile[];
  /** Every rejected answer, in order. */
  rejections: Rejection[];
}

function checkRejection(problems: string[]): Rejection {
  const listed = problems.slice(0, 20).map((p) => `- ${p}`);
  return {
    code: 'E_MODEL_CHECKS',
    excerpt: problems[0] ?? '',
    feedback: [
      'Your files were rejected by the service checks (compile, secrets, bandit, your tests):',
      ...listed,
      'Fix every problem and answer again with all the files, following the output contract exactly.',
    ].join('\n'),
  };
}

export async function writeDomainModules(input: WriteDomainInput): Promise<WriteDomainResult> {
  const { value: files, rejections } = await askWithRepairs({
    prompt: input.prompt,
    maxRepairs: input.maxRepairs,
    ask: (messages) => input.caller.complete(messages),
    async accept(answer, messages): Promise<Verdict<GeneratedFile[]>> {
      const files = input.parse(answer.text);
      const checked = await input.check(files);
      if (checked.ok === 'skipped') {
        throw workError('E_MODEL_UNCHECKED', `the model's files could not be checked: ${checked.reason}`, {
          hint: 'Install Python with the service modules (see the README) or set QLF_PYTHON; unchecked model code is never written.',
        });
      }
      if (!checked.ok) return { ok: false, rejection: checkRejection(checked.problems) };
      await input.caller.remember(messages, answer);
      const extra = files.map((f) => ({ path: f.path, content: f.content, mode: 0o644, agent: input.agent }));
      if (!extra.some((f) => f.path === 'app/domain/__init__.py')) {
        extra.push({ path: 'app/domain/__init__.py', content: '', mode: 0o644, agent: input.agent });
      }
      return { ok: true, value: extra };
    },
    log: input.log,
    subject: "the model's domain modules",
    hint: 'Nothing was written. Try another model (--model), raise llm.maxRepairs, or keep the template-only service with --fallback template.',
  });
  return { files, rejections };
}

/**
 * The tree with the model's files added. The contract's policy decided what the model may write; a file it names that
 * the templates also write (scaffold allowed by `llm.allowScaffold`) replaces the template's.
 */
export function withModelFiles(tree: GeneratedTree, files: readonly GeneratedFile[]): GeneratedTree {
  const byPath = new Map(tree.files.map((f) => [f.path, f]));
  for (const file of files) byPath.set(file.path, file);
  const all = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { ...tree, files: all };
}
