// Runs `qlf` in-process for tests: `main` with fake stdout/stderr streams, inside a chosen working folder.
import { main } from '../main.js';
import { createOutput } from '../output.js';

export interface Captured {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `qlf <args>` in `cwd` with fake streams; `tty` makes stdout look like a terminal. */
export async function runQlf(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = { NO_COLOR: '1' },
  tty = false,
): Promise<Captured> {
  const captured = { stdout: '', stderr: '' };
  const stream = (key: 'stdout' | 'stderr') =>
    ({
      isTTY: tty,
      write: (chunk: string) => {
        captured[key] += chunk;
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    const code = await main(args, createOutput(stream('stdout'), stream('stderr'), env));
    return { ...captured, code };
  } finally {
    process.chdir(previous);
  }
}
