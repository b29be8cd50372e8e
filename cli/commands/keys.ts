// `qlf keys generate`: creates the key pair that signs capsule provenance (private PKCS#8 PEM, mode 0600; public SPKI).
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../../core/atomic-fs.js';
import { inputError } from '../../core/errors.js';
import { generateSigningKeyPair, KEY_TYPES, type KeyType } from '../../executors/package/lib/signing-keys.js';
import { defineCommand } from '../command.js';

export const PRIVATE_KEY_FILE = 'qlf-signing.key';
export const PUBLIC_KEY_FILE = 'qlf-signing.pub';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export default defineCommand({
  name: 'keys',
  summary: 'Create a signing key pair for capsules',
  usage: 'keys generate [--type ed25519|ecdsa-p256] [--out DIR] [--force]',
  details: [
    `Writes ${PRIVATE_KEY_FILE} (PKCS#8 PEM, mode 0600) and ${PUBLIC_KEY_FILE} (SPKI PEM) into DIR (default: .).`,
    'Ed25519 is the default: its signatures are deterministic, so signed capsules stay byte-for-byte reproducible.',
    'Point `package.signingKey` in qlf.config.ts (or QLF_SIGNING_KEY) at the private key; keep it out of version control.',
  ].join('\n'),
  options: {
    type: { type: 'string', description: `Key type: ${KEY_TYPES.join(' or ')} (default ed25519).`, valueName: 'type' },
    out: {
      type: 'string',
      description: 'Folder to write the key files into (default: current folder).',
      valueName: 'dir',
    },
    force: { type: 'boolean', description: 'Overwrite existing key files.' },
  },
  async run({ values, positionals, out, cwd }) {
    const [action, ...extra] = positionals;
    if (action !== 'generate' || extra.length > 0) {
      throw inputError('E_USAGE', `unknown keys action ${JSON.stringify(positionals.join(' '))}`, {
        hint: 'Run `qlf keys generate [--type ed25519|ecdsa-p256] [--out DIR]`.',
      });
    }
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
  },
});
