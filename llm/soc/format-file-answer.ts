// Writes files as a contract answer: the shape the prompt examples show and the loopback test servers answer with.
import type { AnswerFile } from './answer-file.js';
import { beginLine, DONE_LINE, END_LINE, MARKER_PREFIX } from './markers.js';

/**
 * The answer holding `files`, ending with the done line and one LF. A content without a final LF gets one (every
 * content line ends with LF in the grammar). Paths are not checked, so tests can build answers that must fail.
 * Throws when a content line starts with `<<<qlf:`: no answer can carry it.
 */
export function formatFileAnswer(files: readonly AnswerFile[]): string {
  const blocks = files.map(({ path, content }) => {
    const lines = content === '' ? '' : content.endsWith('\n') ? content : `${content}\n`;
    if (lines.split('\n').some((line) => line.startsWith(MARKER_PREFIX))) {
      throw new Error(`${path}: a content line starts with ${MARKER_PREFIX}, which the output contract cannot carry`);
    }
    return `${beginLine(path)}\n${lines}${END_LINE}\n`;
  });
  return `${blocks.join('')}${DONE_LINE}\n`;
}
