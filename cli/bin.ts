// Runs the CLI for the `qlf` binary.
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
