// Accepts a model's file answer only when it follows the contract exactly (schemas/soc.abnf) and the task's policy;
// otherwise throws a SocRejection listing every problem, for the repair prompt.
import type { AnswerFile, LocatedFile } from './answer-file.js';
import { findEncodingProblems } from './encoding.js';
import { fencedContentProblem } from './fences.js';
import { readFileBlocks } from './file-grammar.js';
import { type AnswerPolicy, checkAnswerPolicy, resolveAnswerPolicy } from './policy.js';
import { type SocProblem, SocRejection } from './rejection.js';
import { findSecrets } from './secrets.js';

export interface FileAnswer {
  files: AnswerFile[];
}

function secretProblems(file: LocatedFile): SocProblem[] {
  return findSecrets(file.content, { path: file.path }).map((secret) => ({
    code: 'E_SOC_SECRET',
    path: file.path,
    line: file.line + secret.line,
    message: `line ${secret.line} of ${file.path} holds a secret (${secret.kind})`,
    excerpt: secret.excerpt,
  }));
}

/**
 * Parses `text` as a file answer and checks it against `policy`: grammar, paths, file types, scaffold, duplicates,
 * limits, fenced contents and secrets. Returns the files in answer order; throws `SocRejection` otherwise.
 */
export function parseFileAnswer(text: string, policy: AnswerPolicy): FileAnswer {
  // Encoding first and alone: a CRLF answer would otherwise fail on every marker line too.
  const encoding = findEncodingProblems(text);
  if (encoding.length > 0) throw new SocRejection(encoding);
  const { files, problems: grammar } = readFileBlocks(text);
  const content: SocProblem[] = [];
  for (const file of files) {
    const fenced = fencedContentProblem(file);
    if (fenced) content.push(fenced);
    content.push(...secretProblems(file));
  }
  content.push(...checkAnswerPolicy(files, resolveAnswerPolicy(policy)));
  // Grammar problems lead (the first one names the rejection); the rest follow in answer order, answer-wide last.
  const byLine = (p: SocProblem) => p.line ?? Number.POSITIVE_INFINITY;
  const problems = [...grammar, ...content.sort((a, b) => byLine(a) - byLine(b))];
  if (problems.length > 0) throw new SocRejection(problems);
  return { files: files.map(({ path, content }) => ({ path, content })) };
}
