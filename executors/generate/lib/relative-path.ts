// Checks the paths generator agents emit: plain relative POSIX paths that stay inside the service folder.
import { workError } from '../../../core/errors.js';

/** Why `path` is not a safe relative POSIX path, or undefined when it is. */
export function unsafePathReason(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.includes('\\')) return 'contains a backslash (paths are POSIX)';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'is absolute';
  for (const segment of path.split('/')) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
  }
  return undefined;
}

/** Throws `E_GENERATED_PATH` when `path` could escape the service folder; `who` names the agent for the message. */
export function assertSafeRelativePath(path: string, who: string): void {
  const reason = unsafePathReason(path);
  if (reason) {
    // An agent bug, not the user's input: the brief cannot make a correct agent emit such a path.
    throw workError('E_GENERATED_PATH', `${who} emitted the path ${JSON.stringify(path)}, which ${reason}`, {
      hint: 'Generated paths must be relative POSIX paths without "." or ".." segments.',
    });
  }
}
