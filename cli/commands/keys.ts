// `qlf keys generate`: creates the key pair that signs capsule provenance (private PKCS#8 PEM, mode 0600; public SPKI).
// `qlf keys fingerprint`: prints the id of the key the workspace signs with (public-key fingerprint), or `unsigned`.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { inputError, isQlfError } from '../../core/errors.js';
import { qlfVersion } from '../../core/package-info.js';
import { packageContextFromConfig } from '../../executors/package/lib/load-package-input.js';
import {
  generateSigningKeyPair,
  KEY_TYPES,
  type KeyType,
  loadSigner,
} from '../../executors/package/lib/signing-keys.js';
import { loadConfig, type ResolvedConfig } from '../../workspace/config.js';
import { type CommandContext, defineCommand } from '../command.js';

export const PRIVATE_KEY_FILE = 'qlf-signing.key';
export const PUBLIC_KEY_FILE = 'qlf-signing.pub';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

const OPTIONS = {
  type: { type: 'string', description: `Key type: ${KEY_TYPES.join(' or ')} (default ed25519).`, valueName: 'type' },
  out: {
    type: 'string',
    description: 'Folder to write the key files into (default: current folder).',
    valueName: 'dir',
  },
  force: { type: 'boolean', description: 'Overwrite existing key files.' },
} as const;

type KeysContext = CommandContext<typeof OPTIONS>;

const USAGE_HINT =
  'Run `qlf keys generate [--type ed25519|ecdsa-p256] [--out DIR]` or `qlf keys fingerprint [--json]`.';

async function generate({ values, out, cwd }: KeysContext): Promise<number> {
  const type = (values.type ?? 'ed25519') as KeyType;
  if (!KEY_TYPES.includes(type)) {
    throw inputError('E_USAGE', `--type ${JSON.stringify(values.type)} is not supported`, {
      hint: `Use one of: ${KEY_TYPES.join(', ')}.`,
    });
  }
  const dir = resolve(cwd, values.out ?? '.');
  const privatePath = join(dir, PRIVATE_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  if (!values.force) {
    for (const path of [privatePath, publicPath]) {
      if (await exists(path)) {
        throw inputError('E_KEY_EXISTS', `${path} already exists; refusing to overwrite a key`, {
          hint: 'Pass --force to replace it (capsules signed with the old key will no longer verify with the new one).',
        });
      }
    }
  }
  const pair = generateSigningKeyPair(type);
  await writeFileAtomic(privatePath, pair.privatePem, 0o600);
  await writeFileAtomic(publicPath, pair.publicPem, 0o644);
  if (values.json) {
    out.json({ type, keyId: pair.keyId, privateKey: privatePath, publicKey: publicPath });
  } else {
    out.print(`${out.style.green('✓')} ${type} key ${pair.keyId.slice(0, 16)}…`);
    out.print(`  private: ${privatePath} (mode 0600; never commit it)`);
    out.print(`  public:  ${publicPath}`);
  }
  return 0;
}

/** Where the signing key path came from, and how to fix it there. */
function keySource(config: ResolvedConfig): { name: string; fix: string } {
  if (config.package.signingKey !== undefined) {
    const file = config.configFile ? relative(config.root, config.configFile) : 'the qlf config';
    return {
      name: `\`package.signingKey\` in ${file}`,
      fix: `Fix \`package.signingKey\` in ${config.configFile ?? file} (a relative path starts at ${config.root}), or remove it.`,
    };
  }
  return {
    name: 'the QLF_SIGNING_KEY environment variable',
    fix: `Point QLF_SIGNING_KEY at a readable PEM private key, e.g. one from \`qlf keys generate\` (a relative path starts at ${config.root}), or unset it to package unsigned.`,
  };
}

/** Prints only the key id (one line): `qlf keys fingerprint` is an Nx `runtime` hash input. */
async function fingerprint({ values, out, cwd }: KeysContext): Promise<number> {
  const generateOnly = (['type', 'out', 'force'] as const).filter((name) => values[name] !== undefined);
  if (generateOnly.length > 0) {
    throw inputError('E_USAGE', `--${generateOnly[0]} applies to \`qlf keys generate\` only`, { hint: USAGE_HINT });
  }
  const config = await loadConfig(cwd);
  const keyPath = packageContextFromConfig(config, qlfVersion()).signingKey?.path;
  let keyId = 'unsigned';
  if (keyPath !== undefined) {
    const source = keySource(config);
    const unreadable = await access(keyPath, constants.R_OK).then(
      () => undefined,
      (error: NodeJS.ErrnoException) => error.code ?? 'unreadable',
    );
    if (unreadable) {
      const message = `cannot read the signing key ${keyPath} (${unreadable}), set by ${source.name}`;
      throw inputError('E_SIGNING_KEY', message, { hint: source.fix });
    }
    try {
      keyId = (await loadSigner(keyPath)).keyId;
    } catch (error) {
      // Not a PEM private key, or an unsupported type: the stage's own message and hint, plus where the path came from.
      if (!isQlfError(error)) throw error;
      throw inputError(error.code, `${error.message}, set by ${source.name}`, { hint: error.hint ?? source.fix });
    }
  }
  if (values.json) out.json({ keyId, signed: keyPath !== undefined });
  else out.print(keyId);
  return 0;
}

export default defineCommand({
  name: 'keys',
  summary: 'Create a signing key pair for capsules',
  usage: 'keys generate [--type ed25519|ecdsa-p256] [--out DIR] [--force] | keys fingerprint [--json]',
  details: [
    'generate:',
    `  Writes ${PRIVATE_KEY_FILE} (PKCS#8 PEM, mode 0600) and ${PUBLIC_KEY_FILE} (SPKI PEM) into DIR (default: .).`,
    '  Ed25519 is the default: its signatures are deterministic, so signed capsules stay byte-for-byte reproducible.',
    '  Point `package.signingKey` in qlf.config.ts (or QLF_SIGNING_KEY) at the private key; keep it out of version control.',
    'fingerprint:',
    '  Prints the id (sha256 of the public key) of the key capsules would be signed with: `package.signingKey`, else',
    '  QLF_SIGNING_KEY, relative paths from the workspace root; `unsigned` when neither is set. Only the id goes to',
    '  stdout, so `node bin/qlf.js keys fingerprint` can serve as an Nx `runtime` input. --json adds `signed`.',
  ].join('\n'),
  options: OPTIONS,
  async run(ctx) {
    const [action, ...extra] = ctx.positionals;
    if (extra.length === 0 && action === 'generate') return generate(ctx);
    if (extra.length === 0 && action === 'fingerprint') return fingerprint(ctx);
    throw inputError('E_USAGE', `unknown keys action ${JSON.stringify(ctx.positionals.join(' '))}`, {
      hint: USAGE_HINT,
    });
  },
});
