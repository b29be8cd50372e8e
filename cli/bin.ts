// Runs the CLI for the `qlf` binary.
import { shutdownTracing, startTracing } from '../observability/tracing/index.js';
import { main } from './main.js';

// A reader that stops early (`qlf … | head`) closes the pipe under us: end quietly, as Unix tools do, rather than
// crash on the unhandled EPIPE. The exit code is the command's when it already has one, else 0 (as ripgrep does).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
  });
}

// Traces are exported only when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT); otherwise nothing is loaded.
// The provider is flushed before the process ends, so the last spans of the command are not lost.
await startTracing('main');
try {
  process.exitCode = await main(process.argv.slice(2));
} finally {
  await shutdownTracing();
}
