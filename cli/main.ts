// The `qlf` entry point: the only place that prints errors and sets the exit code (0 ok, 1 work failed, 2 bad input).
import { isQlfError } from '../core/errors.js';
import { qlfVersion } from '../core/package-info.js';
import { commandHelp, parseCommandArgs } from './command.js';
import { commands } from './commands/index.js';
import { createOutput, formatError, type Output } from './output.js';

function topHelp(): string {
  const rows = Object.entries(commands).map(([name, { summary }]) => `  ${name.padEnd(12)} ${summary}`);
  return [
    'qlf: turns service briefs into running, verified, signed software.',
    '',
    'Usage: qlf <command> [options]',
    '',
    'Commands:',
    ...rows,
    '',
    'Run `qlf <command> --help` for a command. Global: --help, --version.',
    '',
  ].join('\n');
}

export async function main(argv: string[], out: Output = createOutput()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.print(topHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    out.print(qlfVersion());
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    out.info(
      `error E_UNKNOWN_COMMAND: unknown command ${JSON.stringify(name)}\n  fix: run \`qlf --help\` for the commands: ${Object.keys(commands).join(', ')}`,
    );
    return 2;
  }
  try {
    const command = await entry.load();
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help) {
      out.print(commandHelp(command));
      return 0;
    }
    return await command.run({ values: values as never, positionals, out, cwd: process.cwd() });
  } catch (error) {
    if (isQlfError(error)) {
      out.info(formatError(error, out));
      return error.kind === 'input' ? 2 : 1;
    }
    out.info(`error E_INTERNAL: ${(error as Error)?.stack ?? String(error)}`);
    return 1;
  }
}
