// Markdown code fences: a fence line outside a file block, or a file whose whole content is one fenced block, means the
// model wrapped code the way chat answers do; the file would be written with the fence in it.
import type { AnswerFile, LocatedFile } from './answer-file.js';
import type { SocProblem } from './rejection.js';

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

/** A CommonMark fence line: up to three spaces, then three or more backticks or tildes. */
export function isFenceLine(line: string): boolean {
  return FENCE_OPEN.test(line);
}

/** The content's lines without the blank lines around them, and how many blank lines led. */
function innerLines(content: string): { lines: string[]; leading: number } {
  const lines = content.split('\n');
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  let leading = 0;
  while (leading < lines.length && lines[leading]?.trim() === '') leading++;
  return { lines: lines.slice(leading), leading };
}

/**
 * Whether the content (blank lines around it aside) opens with a fence and closes with a bare fence of the same
 * character, at least as long. A Python file that merely opens with a fence is refused too: no Python module starts
 * with backticks or tildes.
 */
export function isFenceWrapped(file: AnswerFile): boolean {
  const { lines } = innerLines(file.content);
  const opener = FENCE_OPEN.exec(lines[0] ?? '')?.[1];
  if (opener === undefined) return false;
  if (/\.pyi?$/.test(file.path)) return true;
  if (lines.length < 2) return false;
  const closer = new RegExp(`^ {0,3}${opener[0] === '`' ? '`' : '~'}{${opener.length},}\\s*$`);
  return closer.test(lines[lines.length - 1] ?? '');
}

export function fencedContentProblem(file: LocatedFile): SocProblem | undefined {
  if (!isFenceWrapped(file)) return undefined;
  const { lines, leading } = innerLines(file.content);
  return {
    code: 'E_SOC_FENCE',
    path: file.path,
    line: file.line + 1 + leading,
    message: `the content of ${file.path} is wrapped in a Markdown code fence; write the file's own lines only`,
    excerpt: lines[0] ?? '',
  };
}
