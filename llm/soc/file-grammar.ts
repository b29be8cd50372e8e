// Reads the structure of a file answer (schemas/soc.abnf, `file-answer`): blocks, blank lines, the done line. Every
// problem outside a block is reported, so one repair prompt can name them all; policy checks come after.
import type { LocatedFile } from './answer-file.js';
import { pathProblem } from './answer-path.js';
import { isFenceLine } from './fences.js';
import { BEGIN_OPEN, beginPath, DONE_LINE, END_LINE, isMarkerPrefix, MARKER_PREFIX } from './markers.js';
import { looksLikeRefusal } from './refusal.js';
import type { SocProblem } from './rejection.js';

export interface FileBlocks {
  /** Complete blocks with a valid path, in answer order. */
  files: LocatedFile[];
  problems: SocProblem[];
}

interface OpenBlock {
  path: string;
  line: number;
  pathValid: boolean;
  content: string[];
}

/** An answer with no begin line at all: one problem saying what it is instead. */
function noBlocks(text: string, lines: string[], endsWithLf: boolean): SocProblem {
  const first = lines.findIndex((line) => line.trim() !== '');
  const excerpt = lines[first] ?? '';
  if (lines.length === 1 && !endsWithLf && isMarkerPrefix(lines[0] ?? '')) {
    return { code: 'E_SOC_TRUNCATED', line: 1, excerpt, message: 'the answer ends inside its first marker line' };
  }
  if (lines.every((line) => line === DONE_LINE || line === '')) {
    return { code: 'E_SOC_EMPTY', line: 1, excerpt, message: 'the answer has no file block' };
  }
  if (looksLikeRefusal(text)) {
    return {
      code: 'E_SOC_REFUSAL',
      line: first + 1,
      excerpt,
      message: 'the answer declines the task instead of writing files',
    };
  }
  const fence = lines.findIndex(isFenceLine);
  if (fence !== -1) {
    return {
      code: 'E_SOC_FENCE',
      line: fence + 1,
      excerpt: lines[fence] ?? '',
      message: 'the answer is a Markdown code block, not file blocks',
    };
  }
  return {
    code: 'E_SOC_PROSE',
    line: first + 1,
    excerpt,
    message: 'the answer holds no file block; it must start with a <<<qlf:file path="…">>> line',
  };
}

function markerMistake(line: string, inBlock: boolean): string {
  if (line === END_LINE) return 'an end line with no file open';
  if (line.startsWith('<<<qlf:file')) return 'a malformed begin line; write <<<qlf:file path="RELATIVE/PATH">>>';
  if (line.trimEnd() === END_LINE) return 'a malformed end line; write exactly <<<qlf:end>>> with nothing after it';
  if (line.trimEnd() === DONE_LINE) return 'a malformed done line; write exactly <<<qlf:done>>> with nothing after it';
  return inBlock
    ? 'a content line starts with <<<qlf:, which only marker lines may'
    : 'an unknown marker line; the markers are <<<qlf:file path="…">>>, <<<qlf:end>>> and <<<qlf:done>>>';
}

/**
 * The blocks of `text` and every grammar problem: text, fences or malformed markers outside blocks, unclosed blocks,
 * bad paths, what follows the done line, and a missing done line. Encoding is checked before (encoding.ts).
 */
export function readFileBlocks(text: string): FileBlocks {
  const lines = text.split('\n');
  const endsWithLf = text.endsWith('\n');
  if (endsWithLf) lines.pop();
  if (text.trim() === '') {
    return { files: [], problems: [{ code: 'E_SOC_EMPTY', line: 1, excerpt: '', message: 'the answer is empty' }] };
  }
  if (!lines.some((line) => line.startsWith('<<<qlf:file'))) {
    return { files: [], problems: [noBlocks(text, lines, endsWithLf)] };
  }
  const files: LocatedFile[] = [];
  const problems: SocProblem[] = [];
  const problem = (code: SocProblem['code'], index: number, message: string, extra: Partial<SocProblem> = {}) =>
    problems.push({ code, line: index + 1, excerpt: lines[index] ?? '', message, ...extra });
  let open: OpenBlock | undefined;
  let blocks = 0;
  let done = false;
  let inProse = false;
  /** Whether line `i` is the last and has no LF: the answer may have been cut off in the middle of it. */
  const cut = (i: number) => i === lines.length - 1 && !endsWithLf;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (open) {
      if (line === END_LINE || (line.trimEnd() === END_LINE && !cut(i))) {
        if (line !== END_LINE) problem('E_SOC_PROSE', i, markerMistake(line, true), { path: open.path });
        if (open.pathValid) {
          files.push({ path: open.path, line: open.line, content: open.content.map((l) => `${l}\n`).join('') });
        }
        open = undefined;
        continue;
      }
      const unclosed = line === DONE_LINE || (!cut(i) && line.startsWith(BEGIN_OPEN));
      if (unclosed) {
        const message = `file ${open.path} (line ${open.line}) has no end line; close it with <<<qlf:end>>>`;
        problem('E_SOC_PROSE', i, message, { path: open.path });
        open = undefined;
        // Read this line again, as the begin or done line it is.
        i--;
        continue;
      }
      if (cut(i)) break;
      if (line.startsWith(MARKER_PREFIX)) problem('E_SOC_PROSE', i, markerMistake(line, true), { path: open.path });
      open.content.push(line);
      continue;
    }
    const path = beginPath(line);
    if (path !== undefined) {
      inProse = false;
      blocks++;
      const bad = pathProblem(path);
      if (bad) problem('E_SOC_PATH', i, bad, { path });
      open = { path, line: i + 1, pathValid: bad === undefined, content: [] };
      continue;
    }
    if (line === DONE_LINE) {
      done = true;
      if (blocks === 0) problem('E_SOC_EMPTY', i, 'the done line comes before any file block');
      const after = afterDone(lines, i);
      if (after) problems.push(after);
      break;
    }
    if (line === '' && blocks > 0) continue;
    if (cut(i) && isMarkerPrefix(line)) break;
    if (isFenceLine(line)) {
      inProse = false;
      problem('E_SOC_FENCE', i, 'a Markdown fence outside a file block');
    } else if (line.startsWith(MARKER_PREFIX)) {
      inProse = false;
      problem('E_SOC_PROSE', i, markerMistake(line, false));
    } else if (!inProse) {
      inProse = true;
      problem('E_SOC_PROSE', i, blocks === 0 ? 'text before the first file block' : 'text between file blocks');
    }
  }
  if (open) {
    problems.push({
      code: 'E_SOC_TRUNCATED',
      line: open.line,
      path: open.path,
      excerpt: lines[lines.length - 1] ?? '',
      message: `the answer ends inside file ${open.path}, which has no end line; it was cut off`,
    });
  } else if (!done) {
    problems.push({
      code: 'E_SOC_TRUNCATED',
      line: lines.length,
      excerpt: lines[lines.length - 1] ?? '',
      message: 'the answer has no <<<qlf:done>>> line; it was cut off or the done line is missing',
    });
  }
  return { files, problems };
}

/** What follows the done line, when more than one LF does. */
function afterDone(lines: string[], doneIndex: number): SocProblem | undefined {
  const rest = lines.slice(doneIndex + 1);
  if (rest.length === 0) return undefined;
  const at = (offset: number, code: SocProblem['code'], message: string): SocProblem => ({
    code,
    line: doneIndex + 2 + offset,
    excerpt: rest[offset] ?? '',
    message,
  });
  const fence = rest.findIndex(isFenceLine);
  if (fence !== -1) return at(fence, 'E_SOC_FENCE', 'a Markdown fence after the done line');
  const text = rest.findIndex((line) => line !== '');
  if (text === -1) return at(0, 'E_SOC_PROSE', 'blank lines after the done line; at most one newline may follow it');
  return at(text, 'E_SOC_PROSE', 'text after the done line');
}
