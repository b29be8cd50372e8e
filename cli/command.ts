// A small typed command definition over node:util parseArgs; commands return an exit code and never exit themselves.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { inputError } from '../core/errors.js';
import type { Output } from './output.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  name: string;
  /** One line for `qlf --help`. */
  summary: string;
  /** Usage line after `qlf `, e.g. `compile <brief|dir> [options]`. */
  usage: string;
  /** Longer help: examples and notes. */
  details?: string;
  options: O;
  /** Whether positional arguments are accepted. @default true */
  positionals?: boolean;
  run(ctx: CommandContext<O>): Promise<number>;
}

type OptionValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean | undefined
  : S extends { multiple: true }
    ? string[] | undefined
    : string | undefined;

export interface CommandContext<O extends Record<string, OptionSpec>> {
  /** Parsed option values, the common options (`help`, `json`, `verbose`) included. */
  values: { [K in keyof O]: OptionValue<O[K]> } & { [K in keyof typeof commonOptions]: boolean | undefined };
  positionals: string[];
  out: Output;
  cwd: string;
}

export type AnyCommand = CommandSpec<Record<string, OptionSpec>>;

/** Identity helper that types a command's options. */
export function defineCommand<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/** Options every command accepts. */
export const commonOptions = {
  help: { type: 'boolean', short: 'h', description: 'Show help for this command.' },
  json: { type: 'boolean', description: 'Print machine-readable JSON on stdout.' },
  verbose: { type: 'boolean', short: 'v', description: 'Print more detail.' },
} as const satisfies Record<string, OptionSpec>;

export function parseCommandArgs<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  argv: string[],
): { values: Record<string, unknown>; positionals: string[] } {
  const options: Record<string, OptionSpec> = { ...commonOptions, ...spec.options };
  try {
    const parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(options).map(([name, { description: _d, valueName: _v, ...rest }]) => [name, rest]),
      ),
      allowPositionals: spec.positionals ?? true,
      strict: true,
    });
    return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
  } catch (error) {
    throw inputError('E_USAGE', `qlf ${spec.name}: ${(error as Error).message}`, {
      hint: `Run \`qlf ${spec.name} --help\` for the accepted options.`,
    });
  }
}

export function commandHelp(spec: AnyCommand): string {
  const options: Record<string, OptionSpec> = { ...spec.options, ...commonOptions };
  const rows = Object.entries(options).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${name}${option.type === 'string' ? ` <${option.valueName ?? 'value'}>` : ''}`;
    return `  ${flag.padEnd(30)} ${option.description}`;
  });
  return [
    `Usage: qlf ${spec.usage}`,
    '',
    spec.summary,
    ...(spec.details ? ['', spec.details] : []),
    '',
    'Options:',
    ...rows,
    '',
  ].join('\n');
}
