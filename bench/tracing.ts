// What tracing costs (a script, not a test): `node dist/bench/tracing.js [--sizes 10,100,500] [--stage generate] [--repeat 7]`.
// For each size it builds a synthetic workspace, runs it cold once, then measures the warm no-op with tracing off (no
// OTLP endpoint: the SDK is never loaded) and on (exporting to a loopback OTLP/HTTP sink in this process), alternating
// the two so both see the same machine, and prints the medians side by side.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { packagePath } from '../core/package-info.js';
import { isStageName, type StageName } from '../graph/stages.js';
import { type Measured, measure } from './measure.js';
import { createWorkspace, syntheticBriefs } from './workspace.js';

/** An OTLP/HTTP endpoint that accepts every export and counts the spans in it. */
async function startSink(): Promise<{ endpoint: string; spans: () => number; close: () => Promise<void> }> {
  let spans = 0;
  const server = createServer(async (request, response) => {
    let body = '';
    for await (const chunk of request) body += chunk;
    const decoded = JSON.parse(body || '{}') as { resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[] };
    for (const resource of decoded.resourceSpans ?? []) {
      for (const scope of resource.scopeSpans ?? []) spans += scope.spans?.length ?? 0;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => spans,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Row {
  size: number;
  tracing: 'off' | 'on';
  runs: Measured[];
  /** Spans the sink received per run. */
  spansPerRun: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;
const formatMs = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);

async function benchSize(size: number, stage: StageName, repeats: number): Promise<Row[]> {
  const ws = await createWorkspace({ briefs: syntheticBriefs(size) });
  const sink = await startSink();
  const off = { OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '', NO_COLOR: '1' };
  const on = { ...off, OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint };
  const qlf = (env: NodeJS.ProcessEnv) =>
    measure(process.execPath, [packagePath('bin', 'qlf.js'), 'run', '--stage', stage, '--json', '--continue'], {
      cwd: ws.root,
      env,
    });
  try {
    const cold = await qlf(off);
    if (cold.exitCode !== 0)
      throw new Error(`the cold run failed (exit ${cold.exitCode}): ${cold.stderr.slice(0, 500)}`);
    const rows: Row[] = [
      { size, tracing: 'off', runs: [], spansPerRun: 0 },
      { size, tracing: 'on', runs: [], spansPerRun: 0 },
    ];
    await qlf(on); // the first traced run warms the file system cache for the SDK's modules, like any later one
    const before = sink.spans();
    for (let i = 0; i < repeats; i++) {
      rows[0]?.runs.push(await qlf(off));
      rows[1]?.runs.push(await qlf(on));
    }
    (rows[1] as Row).spansPerRun = (sink.spans() - before) / repeats;
    return rows;
  } finally {
    await sink.close();
    await ws.dispose();
  }
}

function table(rows: Row[], stage: StageName): string {
  const lines = [
    `qlf tracing overhead: warm no-op of compile..${stage}, node ${process.version}`,
    '',
    '| briefs | tracing | warm no-op (median) | spread | peak RSS | spans per run | vs off |',
    '|---:|---|---:|---|---:|---:|---:|',
  ];
  for (const row of rows) {
    const wall = median(row.runs.map((r) => r.wallMs));
    const rss = row.runs.map((r) => r.peakRssMiB).filter((n): n is number => n !== undefined);
    const walls = row.runs.map((r) => r.wallMs);
    const offRow = rows.find((r) => r.size === row.size && r.tracing === 'off') as Row;
    const offWall = median(offRow.runs.map((r) => r.wallMs));
    const delta = row.tracing === 'off' ? '' : `${wall - offWall >= 0 ? '+' : ''}${formatMs(wall - offWall)}`;
    const failed = row.runs.filter((r) => r.exitCode !== 0).length;
    lines.push(
      `| ${row.size} | ${row.tracing} | ${formatMs(wall)} | ${row.runs.length} runs, ${formatMs(Math.min(...walls))}–${formatMs(Math.max(...walls))}${failed ? `, ${failed} FAILED` : ''} | ${rss.length ? `${median(rss).toFixed(0)} MiB` : 'n/a'} | ${row.spansPerRun} | ${delta} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '10,100,500' },
      stage: { type: 'string', default: 'generate' },
      repeat: { type: 'string', default: '7' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const repeats = Number(values.repeat);
  if (sizes.some((n) => !Number.isInteger(n) || n < 2) || !isStageName(values.stage) || !(repeats >= 1)) {
    process.stderr.write('usage: node dist/bench/tracing.js [--sizes 10,100,500] [--stage generate] [--repeat 7]\n');
    return 2;
  }
  const rows: Row[] = [];
  for (const size of sizes) {
    process.stderr.write(`bench: tracing, ${size} briefs...\n`);
    rows.push(...(await benchSize(size, values.stage, repeats)));
  }
  process.stdout.write(`${table(rows, values.stage)}\n`);
  return 0;
}

process.exitCode = await main();
