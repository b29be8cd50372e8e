// `qlf capsule verify | inspect | extract`: checks a capsule's integrity and signature, lists it, unpacks it safely.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inputError } from '../../core/errors.js';
import { extractCapsule } from '../../executors/package/lib/extract-capsule.js';
import { checkSeal } from '../../executors/package/lib/sealed-gzip.js';
import { loadPublicKey } from '../../executors/package/lib/signing-keys.js';
import { readCapsuleEntries, verifyCapsule } from '../../executors/package/lib/verify-capsule.js';
import { CAPSULE_MANIFEST_PATH } from '../../schemas/capsule-manifest.js';
import { defineCommand } from '../command.js';
import type { Output } from '../output.js';

const ACTIONS = ['verify', 'inspect', 'extract'] as const;

async function readCapsule(path: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw inputError('E_CAPSULE_READ', `cannot read ${path} (${(error as NodeJS.ErrnoException).code})`, {
      hint: 'Pass the path of a .qlcapsule file, e.g. dist/qlf/<name>/package/<name>.qlcapsule.',
    });
  }
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw inputError('E_CAPSULE_READ', `${path} is not a capsule (not gzip data)`);
  }
  return new Uint8Array(bytes);
}

async function verify(file: string, keyPath: string | undefined, json: boolean, out: Output): Promise<number> {
  const publicKey = keyPath ? await loadPublicKey(keyPath) : undefined;
  const result = verifyCapsule(await readCapsule(file), { publicKey });
  if (json) {
    out.json({ file, ok: result.ok, checks: result.checks });
  } else {
    for (const check of result.checks) {
      const mark =
        check.status === 'ok'
          ? out.style.green('✓')
          : check.status === 'failed'
            ? out.style.red('✗')
            : out.style.yellow('-');
      out.print(`${mark} ${check.name.padEnd(10)} ${check.detail}`);
    }
    const unchecked = result.checks.some((c) => c.name === 'signature' && c.status === 'skipped');
    out.print(
      !result.ok
        ? out.style.red(`capsule ${file} FAILED verification`)
        : unchecked
          ? out.style.yellow(`capsule ${file}: contents intact; signature not checked`)
          : out.style.green(`capsule ${file} verified: contents intact and signed by the given key`),
    );
  }
  return result.ok ? 0 : 1;
}

async function inspect(file: string, json: boolean, out: Output): Promise<number> {
  const capsule = await readCapsule(file);
  checkSeal(capsule);
  const entries = readCapsuleEntries(capsule);
  const manifestEntry = entries.find((e) => e.path === CAPSULE_MANIFEST_PATH);
  const manifest = manifestEntry ? JSON.parse(new TextDecoder().decode(manifestEntry.content)) : undefined;
  const files = entries.map((e) => ({ path: e.path, size: e.content.length, mode: `0${e.mode.toString(8)}` }));
  if (json) {
    out.json({ file, size: capsule.length, manifest, files });
    return 0;
  }
  if (manifest) {
    out.print(`${out.style.bold(manifest.name)}  ${manifest.capsuleVersion}  qlf ${manifest.qlfVersion}`);
    out.print(`  brief sha256  ${manifest.brief?.sha256}`);
    out.print(`  IR sha256     ${manifest.ir?.sha256}`);
    out.print(`  overlays      ${(manifest.overlays ?? []).map((o: { name: string }) => o.name).join(', ') || 'none'}`);
    const verifyStage = manifest.stages?.verify;
    out.print(
      `  verify        ${verifyStage?.status === 'ran' ? (verifyStage.passed ? 'passed' : 'failed') : `absent (${verifyStage?.reason})`}`,
    );
    const build = manifest.stages?.build;
    out.print(`  image         ${build?.status === 'built' ? build.image.tag : `${build?.status} (${build?.reason})`}`);
    out.print(`  sbom          ${manifest.sbom?.generator}, ${manifest.sbom?.components} components`);
    out.print(
      `  vuln scan     ${manifest.vulnScan?.status === 'ran' ? `${manifest.vulnScan.tool}: ${manifest.vulnScan.findings} findings` : `skipped (${manifest.vulnScan?.reason})`}`,
    );
    const sig = manifest.signature;
    out.print(
      `  signature     ${sig?.signed ? `${sig.algorithm}, key ${String(sig.keyId).slice(0, 16)}…` : 'unsigned'}`,
    );
  } else {
    out.print(out.style.red('no manifest.json in this capsule'));
  }
  out.print('');
  for (const f of files) out.print(`  ${f.mode}  ${String(f.size).padStart(9)}  ${f.path}`);
  out.print(`${files.length} files, ${capsule.length} bytes compressed`);
  return 0;
}

export default defineCommand({
  name: 'capsule',
  summary: 'Verify, inspect or extract a .qlcapsule',
  usage: 'capsule verify <file> [--key pub.pem] | inspect <file> | extract <file> <dir>',
  details: [
    'verify   checks the gzip seal, the archive, every file against manifest.json, the provenance subject',
    '         (sha256 of manifest.json) and, with --key, the DSSE signature. Exit 1 when anything does not match.',
    'inspect  prints the manifest summary and the file list.',
    'extract  unpacks into a new or empty folder; refuses links, escaping paths and oversized archives.',
  ].join('\n'),
  options: {
    key: { type: 'string', description: 'Public key (PEM) the provenance must be signed with.', valueName: 'pub.pem' },
  },
  async run({ values, positionals, out, cwd }) {
    const [action, file, target, ...extra] = positionals;
    const usage = (message: string) =>
      inputError('E_USAGE', message, { hint: 'Run `qlf capsule --help` for the accepted forms.' });
    if (!action || !(ACTIONS as readonly string[]).includes(action)) {
      throw usage(`unknown capsule action ${JSON.stringify(action ?? '')}; use ${ACTIONS.join(', ')}`);
    }
    if (!file) throw usage(`qlf capsule ${action} needs a capsule file`);
    const path = resolve(cwd, file);
    const json = Boolean(values.json);
    if (action === 'verify') {
      if (target !== undefined) throw usage('qlf capsule verify takes one file');
      return verify(path, values.key ? resolve(cwd, values.key) : undefined, json, out);
    }
    if (values.key) throw usage(`--key applies to \`qlf capsule verify\` only`);
    if (action === 'inspect') {
      if (target !== undefined) throw usage('qlf capsule inspect takes one file');
      return inspect(path, json, out);
    }
    if (!target || extra.length > 0) throw usage('qlf capsule extract needs a capsule file and a target folder');
    const dir = resolve(cwd, target);
    const count = await extractCapsule(await readCapsule(path), dir);
    if (json) out.json({ file: path, dir, files: count });
    else out.print(`${out.style.green('✓')} extracted ${count} files into ${dir}`);
    return 0;
  },
});
