// Nx prints a generator's error by its message: put what `qlf` prints there (each problem with its place, code and
// fix), not only the summary line.

import { createOutput, formatError } from '../cli/output.js';
import { isQlfError } from '../core/errors.js';

/** Plain text, whatever the terminal: Nx frames the message itself. */
const plain = createOutput(process.stdout, process.stderr, { NO_COLOR: '1' });

/** `generator`, with a qlf error's message replaced by the full report of it. */
export function reportingQlfErrors<A extends unknown[]>(generator: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await generator(...args);
    } catch (error) {
      if (isQlfError(error)) {
        const report = formatError(error, plain);
        error.message = error.issues.length > 0 ? `${error.message}\n${report}` : report;
      }
      throw error;
    }
  };
}
