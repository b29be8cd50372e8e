// The path syntax of a file block: relative POSIX paths that can only name a file inside the target folder.

/** @default 200 */
export const MAX_PATH_LENGTH = 200;
/** Segments in a path, the file name included. @default 8 */
export const MAX_PATH_DEPTH = 8;

const SEGMENT_CHARS = /^[A-Za-z0-9_.-]+$/;

/** What is wrong with `path` as a file block path, or undefined when it follows the grammar's `path` rule. */
export function pathProblem(path: string): string | undefined {
  const shown = JSON.stringify(path);
  if (path === '') return 'the path is empty';
  if (path.includes('\\')) return `path ${shown} holds a backslash; use "/" between segments`;
  if (/^[A-Za-z]:/.test(path))
    return `path ${shown} starts with a drive letter; paths are relative to the service root`;
  if (path.startsWith('/')) return `path ${shown} is absolute; paths are relative to the service root`;
  if (path.length > MAX_PATH_LENGTH) return `path ${shown} is longer than ${MAX_PATH_LENGTH} characters`;
  const segments = path.split('/');
  for (const segment of segments) {
    if (segment === '') return `path ${shown} has an empty segment ("//" or a trailing "/")`;
    if (segment === '.' || segment === '..') return `path ${shown} has a "${segment}" segment`;
    if (!SEGMENT_CHARS.test(segment)) {
      return `path ${shown} has characters other than letters, digits, "_", "." and "-" in segment ${JSON.stringify(segment)}`;
    }
    // Windows drops a trailing dot, so `app/security.py.` would land on a protected file there.
    if (segment.endsWith('.')) return `path ${shown} has a segment ending in "."`;
  }
  if (segments.length > MAX_PATH_DEPTH) return `path ${shown} has more than ${MAX_PATH_DEPTH} segments`;
  return undefined;
}
