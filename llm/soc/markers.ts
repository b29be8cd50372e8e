// The marker lines of a file answer, spelled once for the parser, the formatter and the prompt examples.

/** Every marker line starts with this; content lines may not. */
export const MARKER_PREFIX = '<<<qlf:';
/** A begin line up to the path: `<<<qlf:file path="`. */
export const BEGIN_OPEN = '<<<qlf:file path="';
export const BEGIN_CLOSE = '">>>';
export const END_LINE = '<<<qlf:end>>>';
export const DONE_LINE = '<<<qlf:done>>>';

/** `<<<qlf:file path="…">>>`; the path is checked on its own so a bad one gets its own message. */
const BEGIN_LINE = /^<<<qlf:file path="(.*)">>>$/;

export function beginLine(path: string): string {
  return `${BEGIN_OPEN}${path}${BEGIN_CLOSE}`;
}

/** The path of a begin line, or undefined when `line` is not one. */
export function beginPath(line: string): string | undefined {
  return BEGIN_LINE.exec(line)?.[1];
}

/** Whether `line` could be the start of a marker line cut off by the end of the answer. */
export function isMarkerPrefix(line: string): boolean {
  return (
    line !== '' &&
    (END_LINE.startsWith(line) ||
      DONE_LINE.startsWith(line) ||
      BEGIN_OPEN.startsWith(line) ||
      line.startsWith(BEGIN_OPEN))
  );
}
