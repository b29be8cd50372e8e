// Runs the CLI for the `qlf` binary.
import { main } from './main.js';

// A reader that stops early (`qlf … | head`) closes the pipe under us: end quietly, as Unix tools do, rather than
// crash on the unhandled EPIPE. The exit code is the command's when it already has one, else 0 (as ripgrep does).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

process.exitCode = await main(process.argv.slice(2));
