// `qlf overlays list | describe <name>`: what overlays exist (built-in and workspace) and what each one adds.
import { relative } from 'node:path';
import { inputError } from '../../core/errors.js';
import {
  didYouMeanText,
  type LoadedOverlay,
  loadOverlayRegistry,
  type OverlayRegistry,
  resolveOverlays,
} from '../../overlays/index.js';
import { loadConfig } from '../../workspace/config.js';
import { defineCommand } from '../command.js';
import type { Output } from '../output.js';

function sourceOf(loaded: LoadedOverlay, root: string): string {
  if (loaded.builtin) return 'built-in';
  return `workspace ${relative(root, loaded.file)}${loaded.overrides ? ' (overrides built-in)' : ''}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

function summaryOf(loaded: LoadedOverlay, root: string) {
  const { overlay } = loaded;
  return {
    name: overlay.name,
    type: overlay.type,
    version: overlay.version,
    priority: overlay.priority,
    requires: overlay.requires,
    conflicts: overlay.conflicts,
    description: overlay.description,
    builtin: loaded.builtin,
    source: sourceOf(loaded, root),
    file: loaded.file,
    digest: loaded.digest,
    ...(loaded.overrides ? { overrides: loaded.overrides } : {}),
  };
}

function list(registry: OverlayRegistry, root: string, json: boolean, out: Output): number {
  const overlays = registry.list();
  if (json) {
    out.json(overlays.map((loaded) => summaryOf(loaded, root)));
    return 0;
  }
  const header = ['NAME', 'TYPE', 'VERSION', 'PRIORITY', 'REQUIRES', 'SOURCE', 'DESCRIPTION'];
  const rows = overlays.map(({ overlay, ...rest }) => [
    overlay.name,
    overlay.type,
    overlay.version,
    String(overlay.priority),
    overlay.requires.join(', ') || '-',
    sourceOf({ overlay, ...rest }, root),
    overlay.description,
  ]);
  out.print(table([header, ...rows]));
  return 0;
}

function describeText(loaded: LoadedOverlay, applies: string[], root: string, out: Output): string {
  const { overlay } = loaded;
  const { bold } = out.style;
  const lines = [
    `${bold(overlay.name)} ${overlay.version} (${overlay.type}, priority ${overlay.priority}), ${sourceOf(loaded, root)}`,
    overlay.description,
    `file: ${loaded.file}`,
    `digest: sha256:${loaded.digest}`,
    '',
    `${bold('Requires:')} ${overlay.requires.join(', ') || 'nothing'}${applies.length > 0 ? ` (applies together with: ${applies.join(', ')})` : ''}`,
    `${bold('Conflicts with:')} ${overlay.conflicts.join(', ') || 'nothing'}`,
  ];
  const section = (title: string, body: string[]) => {
    if (body.length > 0) lines.push('', bold(title), ...body.map((line) => `  ${line}`));
  };
  section(
    'Detected by (description phrases, weight):',
    overlay.detect.map((d) => `${d.weight.toFixed(2)}  /${d.pattern}/i`),
  );
  section(
    'Entities it requires:',
    overlay.entities.flatMap((entity) => [
      `${entity.name}: ${entity.reason}`,
      `  fields: ${entity.fields.map((f) => `${f.name} ${f.type}${f.required ? '' : '?'}${f.unique ? ' unique' : ''}${f.values ? ` [${f.values.join('|')}]` : ''}`).join(', ')}`,
    ]),
  );
  section(
    'Classifies fields named:',
    overlay.classify.map((rule) => `${rule.classification.padEnd(9)} ^(?:${rule.match})$`),
  );
  section(
    'Handling per classification:',
    Object.entries(overlay.handling).map(
      ([classification, handling]) =>
        `${classification}: ${Object.entries(handling ?? {})
          .map(([key, value]) => `${key}=${value}`)
          .join(', ')}`,
    ),
  );
  section(
    'Controls:',
    Object.entries(overlay.controls).map(([key, value]) => `${key}: ${value}`),
  );
  section(
    'Endpoints it adds:',
    overlay.endpoints.map((e) => `${e.method.padEnd(6)} ${e.path}  (${e.id}) ${e.description}`),
  );
  section(
    'Verification rules:',
    overlay.rules.map((rule) => {
      const { kind, ...args } = rule.check;
      const detail = Object.values(args).join(' ');
      return `${rule.id} [${rule.severity}] ${rule.description} (${kind}${detail ? ` ${detail}` : ''})`;
    }),
  );
  section(
    'Prompt fragments:',
    Object.entries(overlay.prompts).map(([agent, text]) => `${agent}: ${text}`),
  );
  return lines.join('\n');
}

function describe(name: string | undefined, registry: OverlayRegistry, root: string, json: boolean, out: Output) {
  const known = registry.list().map((loaded) => loaded.overlay.name);
  if (!name) {
    throw inputError('E_USAGE', 'qlf overlays describe: missing the overlay name', {
      hint: `Give one of: ${known.join(', ')}.`,
    });
  }
  const loaded = registry.get(name);
  if (!loaded) {
    throw inputError('E_OVERLAY_UNKNOWN', `unknown overlay \`${name}\`.${didYouMeanText(name, known)}`, {
      hint: `Run \`qlf overlays list\` for the known overlays: ${known.join(', ')}.`,
    });
  }
  const applies = resolveOverlays([{ name, reason: 'explicit', confidence: 1 }], registry)
    .overlays.map((entry) => entry.loaded.overlay.name)
    .filter((other) => other !== name);
  if (json) {
    const { overlay } = loaded;
    out.json({ ...summaryOf(loaded, root), ...overlay, appliesWith: applies });
    return 0;
  }
  out.print(describeText(loaded, applies, root, out));
  return 0;
}

export default defineCommand({
  name: 'overlays',
  summary: 'List and describe overlays',
  usage: 'overlays list [--json] | overlays describe <name> [--json]',
  details: [
    'Overlays are declarative files that add what a domain or compliance regime needs: entities, field',
    'classifications and their handling, controls, endpoints, verification rules and prompt fragments.',
    'Built-in overlays ship with qlf; folders in `overlays.dirs` (qlf.config.ts) add or replace them.',
    '',
    'Examples:',
    '  qlf overlays list',
    '  qlf overlays describe pci --json',
  ].join('\n'),
  options: {},
  async run({ values, positionals, out, cwd }) {
    const [action, name, ...extra] = positionals;
    if (action !== 'list' && action !== 'describe') {
      throw inputError('E_USAGE', `qlf overlays: ${action ? `unknown action \`${action}\`` : 'missing the action'}`, {
        hint: 'Use `qlf overlays list` or `qlf overlays describe <name>`.',
      });
    }
    if (extra.length > 0 || (action === 'list' && name !== undefined)) {
      throw inputError('E_USAGE', `qlf overlays ${action}: unexpected argument \`${extra[0] ?? name}\``, {
        hint: 'Use `qlf overlays list` or `qlf overlays describe <name>`.',
      });
    }
    const config = await loadConfig(cwd);
    const registry = await loadOverlayRegistry(config.overlays.dirs);
    // `--json` is one of the options every command accepts (commonOptions), so it is not in this command's own list.
    const json = (values as { json?: boolean }).json === true;
    return action === 'list'
      ? list(registry, config.root, json, out)
      : describe(name, registry, config.root, json, out);
  },
});
