// Bundles the web UI's browser app (ui/app) into dist/ui/app/: index.html, one minified script and one stylesheet,
// everything it needs inside them (no CDN: `qlf ui` works offline). Run by `npm run build` after tsc.
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { packagePath } from '../core/package-info.js';

/**
 * codemirror-json-schema renders schema descriptions with markdown-it and highlights code in them with shiki (several
 * hundred kB, and a WebAssembly engine). Brief schema descriptions are plain sentences with `code`, so its renderer
 * is swapped for a small one that escapes the text and marks code.
 */
const plainSchemaMarkdown: Plugin = {
  name: 'plain-schema-markdown',
  setup(context) {
    context.onResolve({ filter: /\/utils\/markdown(\.js)?$/ }, (args) =>
      args.importer.includes(`${join('node_modules', 'codemirror-json-schema')}`)
        ? { path: packagePath('ui', 'app', 'editor', 'schema-markdown.ts') }
        : undefined,
    );
  },
};

/**
 * Its parser table also reaches JSON5's parser (30 kB) although briefs are YAML and the JSON5 mode is never chosen;
 * that import gets a stand-in that says so if it were ever called.
 */
const noJson5: Plugin = {
  name: 'no-json5',
  setup(context) {
    context.onResolve({ filter: /^json5$/ }, (args) =>
      args.importer.includes(`${join('node_modules', 'codemirror-json-schema')}`)
        ? { path: 'json5', namespace: 'no-json5' }
        : undefined,
    );
    context.onLoad({ filter: /.*/, namespace: 'no-json5' }, () => ({
      contents: "export default { parse() { throw new Error('JSON5 is not read by the qlf UI'); } };",
      loader: 'js',
    }));
  },
};

async function main(): Promise<void> {
  const source = packagePath('ui', 'app');
  const out = packagePath('dist', 'ui', 'app');
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const result = await build({
    entryPoints: { app: join(source, 'main.tsx') },
    outdir: out,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome111', 'firefox115', 'safari16.4'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(source, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    plugins: [plainSchemaMarkdown, noJson5],
  });
  await copyFile(join(source, 'index.html'), join(out, 'index.html'));
  const lines: string[] = [];
  for (const file of Object.keys(result.metafile.outputs)) {
    lines.push(`  ${file.slice(file.lastIndexOf('/') + 1)} ${(await stat(file)).size} bytes`);
  }
  process.stdout.write(`ui: bundled the web app into dist/ui/app/\n${lines.join('\n')}\n`);
}

await main();
