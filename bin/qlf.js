#!/usr/bin/env node
// Entry point of the `qlf` command: loads the compiled CLI from dist/.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('qlf: the compiled CLI is missing (dist/cli/bin.js). Run `npm run build` in the qlf package.\n');
  process.exit(2);
}
await import(main.href);
