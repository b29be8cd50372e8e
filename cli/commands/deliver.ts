// `qlf deliver CAPSULE --to CHANNEL...`: sends a capsule to folders, HTTP endpoints and OCI registries in parallel.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { inputError } from '../../core/errors.js';
import { deliverCapsule } from '../../executors/package/delivery/deliver.js';
import { parseChannel } from '../../executors/package/delivery/parse-channel.js';
import { defineCommand } from '../command.js';

export default defineCommand({
  name: 'deliver',
  summary: 'Deliver a capsule to folders, HTTP endpoints and OCI registries',
  usage: 'deliver <capsule> --to <channel> [--to <channel>...]',
  details: [
    'Channels:',
    '  dir:PATH or PATH                    copy into a folder (with a .sha256 file)',
    '  https://host/path                   HTTP PUT <url>/<file>; bearer token from QLF_DELIVERY_TOKEN',
    '  oci://host:port/repository[:tag]    push as an OCI artifact; QLF_OCI_TOKEN or QLF_OCI_USERNAME/PASSWORD',
    'Each channel is tried up to --attempts times with exponential backoff; one failing channel never affects another.',
  ].join('\n'),
  options: {
    to: {
      type: 'string',
      multiple: true as const,
      description: 'A delivery channel (repeatable).',
      valueName: 'channel',
    },
    attempts: { type: 'string', description: 'Attempts per channel (default 4).', valueName: 'n' },
  },
  async run({ values, positionals, out }) {
    const [file, ...extra] = positionals;
    const targets = values.to ?? [];
    if (!file || extra.length > 0 || targets.length === 0) {
      throw inputError('E_USAGE', 'qlf deliver takes one capsule file and at least one --to channel', {
        hint: 'e.g. qlf deliver dist/qlf/payments/package/payments.qlcapsule --to ./releases',
      });
    }
    const attempts = values.attempts === undefined ? 4 : Number(values.attempts);
    if (!Number.isInteger(attempts) || attempts < 1 || attempts > 20) {
      throw inputError('E_USAGE', `--attempts must be an integer from 1 to 20, not ${JSON.stringify(values.attempts)}`);
    }
    const bytes = await readFile(file).catch(() => {
      throw inputError('E_CAPSULE_MISSING', `cannot read capsule ${file}`, {
        hint: 'Run `qlf run` to package it first.',
      });
    });
    const channels = await Promise.all(targets.map((target) => parseChannel(target)));
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const outcomes = await deliverCapsule({ fileName: basename(file), bytes, digest }, channels, { attempts });
    if (values.json) out.json({ capsule: file, digest, outcomes });
    else {
      for (const outcome of outcomes) {
        if (outcome.status === 'delivered')
          out.print(
            `${out.style.green('✓')} ${outcome.location} (${outcome.attempts} attempt${outcome.attempts > 1 ? 's' : ''})`,
          );
        else out.print(`${out.style.red('✗')} ${outcome.channel}: ${outcome.error}`);
      }
    }
    return outcomes.every((outcome) => outcome.status === 'delivered') ? 0 : 1;
  },
});
