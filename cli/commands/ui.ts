// `qlf ui`: serves the web UI over the workspace (write briefs with a live IR preview, watch the pipeline run, look
// inside what it produced) until Ctrl-C. Loopback only unless `--host` says otherwise.
import { inputError } from '../../core/errors.js';
import { openBrowser } from '../../ui/server/open-browser.js';
import { isLoopbackHost } from '../../ui/server/request-guard.js';
import { startUiServer } from '../../ui/server/server.js';
import { commonOptions, defineCommand } from '../command.js';

/** Where the UI listens when no `--port` is given; `--port 0` picks any free port. */
const DEFAULT_PORT = 4311;

function portOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw inputError('E_USAGE', `--port ${JSON.stringify(value)} is not a port number`, {
      hint: `Pass a number from 0 to 65535, e.g. --port ${DEFAULT_PORT} (0 picks a free port).`,
    });
  }
  return port;
}

export default defineCommand({
  name: 'ui',
  summary: 'Serve the web UI: edit briefs, watch the pipeline, inspect outputs',
  usage: 'ui [--port N] [--host H] [--open]',
  details: [
    'Serves a local web app over the workspace until Ctrl-C: the briefs with their last status per stage, an editor',
    'with completion and a live preview of the IR, the task graph with live status while a run goes, and per brief',
    'the working copy, the verify report, what a regeneration would change, and the capsule with its provenance.',
    '',
    `Listens on 127.0.0.1:${DEFAULT_PORT} by default. Requests must name that address (DNS rebinding is refused), and`,
    'only brief files are written. --host exposes it to other machines: anyone who reaches it can edit briefs and',
    'start runs, so only do that on a network you trust.',
    '',
    'Examples:',
    '  qlf ui --open',
    '  qlf ui --port 0            any free port',
  ].join('\n'),
  options: {
    port: {
      type: 'string',
      description: `Port to listen on (default ${DEFAULT_PORT}; 0: a free port).`,
      valueName: 'n',
    },
    host: { type: 'string', description: 'Address to listen on (default 127.0.0.1).', valueName: 'host' },
    open: { type: 'boolean', description: 'Open the UI in the system browser.' },
    json: { type: 'boolean', description: 'Print the address (and the bytes of each file served) as JSON.' },
    verbose: commonOptions.verbose,
  },
  positionals: false,
  async run({ values, out, cwd }) {
    const host = values.host ?? '127.0.0.1';
    const port = portOf(values.port);
    let server: Awaited<ReturnType<typeof startUiServer>>;
    try {
      server = await startUiServer({ cwd, host, port });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw inputError('E_UI_LISTEN', `cannot listen on ${host}:${port} (${code})`, {
          hint: 'Pick another port with --port (0 picks a free one), or another address with --host.',
        });
      }
      throw error;
    }
    if (!isLoopbackHost(host)) {
      out.info(
        out.style.yellow(
          `warning: qlf ui listens on ${host}, not loopback: anyone who reaches it can read the workspace's briefs and outputs, edit briefs and start runs.`,
        ),
      );
    }
    if (values.json) out.json({ url: server.url, root: server.root, assets: server.assets.sizes() });
    else out.print(`qlf ui: ${server.url} (workspace ${server.root}; Ctrl-C to stop)`);
    if (values.verbose && !values.json) {
      for (const asset of server.assets.sizes())
        out.print(`  ${asset.path}  ${asset.bytes} bytes, ${asset.gzip} gzipped`);
    }
    if (values.open) {
      const opened = await openBrowser(server.url);
      out.print(
        opened.ok
          ? `qlf ui: opened ${opened.command}`
          : `qlf ui: no browser opened (${opened.reason}); open the address above`,
      );
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    out.info('qlf ui: stopping');
    await server.close();
    return 0;
  },
});
