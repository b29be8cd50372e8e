// `qlf capsule verify | inspect | extract`: checks a capsule's integrity and signature, lists it, unpacks it safely.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inputError } from '../../core/errors.js';
import { scanCapsuleArchive } from '../../executors/package/lib/capsule-archive.js';
import { type ExtractResult, extractCapsule } from '../../executors/package/lib/extract-capsule.js';
import { checkSeal } from '../../executors/package/lib/sealed-gzip.js';
import { loadPublicKey } from '../../executors/package/lib/signing-keys.js';
import { verifyCapsuleStreaming } from '../../executors/package/lib/verify-capsule.js';
import { CAPSULE_MANIFEST_PATH, formatMode } from '../../schemas/capsule-manifest.js';
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
  const result = await verifyCapsuleStreaming(await readCapsule(file), { publicKey });
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

/** The manifest as JSON, unchecked (inspect shows what is there; `verify` judges it). */
function parseManifest(bytes: Uint8Array | undefined) {
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return undefined;
  }
}

function extractSummary(result: ExtractResult): string {
  if (!result.verification) return 'not verified: --no-verify';
  const signature = result.verification.checks.find((c) => c.name === 'signature');
  if (signature?.status === 'ok') return 'verified, signed by the given key';
  return `verified; signature not checked: ${signature?.detail}`;
}

async function inspect(file: string, json: boolean, out: Output): Promise<number> {
  const capsule = await readCapsule(file);
  checkSeal(capsule);
  const archive = await scanCapsuleArchive(capsule);
  const manifest = parseManifest(archive.metadata.get(CAPSULE_MANIFEST_PATH));
  const files = archive.files.map((e) => ({ path: e.path, size: e.size, mode: formatMode(e.mode) }));
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
    out.print(out.style.red('no readable manifest.json in this capsule'));
  }
  out.print('');
  for (const f of files) out.print(`  ${f.mode}  ${String(f.size).padStart(9)}  ${f.path}`);
  out.print(`${files.length} files, ${capsule.length} bytes compressed`);
  return 0;
}

export default defineCommand({
  name: 'capsule',
  summary: 'Verify, inspect or extract a .qlcapsule',
  usage: 'capsule verify <file> [--key pub.pem] | inspect <file> | extract <file> <dir> [--key pub.pem | --no-verify]',
  details: [
    'verify   checks the gzip seal, the archive, every file against manifest.json, the provenance subject',
    '         (sha256 of manifest.json) and, with --key, the DSSE signature. Exit 1 when anything does not match.',
    'inspect  prints the manifest summary and the file list.',
    'extract  checks the capsule as `verify` does (the signature too, with --key) and only then unpacks it into a',
    '         new or empty folder; refuses links, escaping paths and oversized archives. --no-verify skips the',
    '         checks against the manifest and the signature; the seal and the safety checks still apply.',
  ].join('\n'),
  options: {
    key: { type: 'string', description: 'Public key (PEM) the provenance must be signed with.', valueName: 'pub.pem' },
    'no-verify': { type: 'boolean', description: 'extract: skip the checks against the manifest and the signature.' },
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
      if (values['no-verify']) throw usage('--no-verify applies to `qlf capsule extract` only');
      return verify(path, values.key ? resolve(cwd, values.key) : undefined, json, out);
    }
    if (action === 'inspect') {
      if (values.key || values['no-verify']) throw usage('qlf capsule inspect takes no --key or --no-verify');
      if (target !== undefined) throw usage('qlf capsule inspect takes one file');
      return inspect(path, json, out);
    }
    if (!target || extra.length > 0) throw usage('qlf capsule extract needs a capsule file and a target folder');
    if (values.key && values['no-verify'])
      throw usage('--key asks for the signature check that --no-verify skips; pass one or the other');
    const dir = resolve(cwd, target);
    const publicKey = values.key ? await loadPublicKey(resolve(cwd, values.key)) : undefined;
    const result = await extractCapsule(await readCapsule(path), dir, { verify: !values['no-verify'], publicKey });
    if (json) {
      const checks = result.verification?.checks;
      out.json({ file: path, dir, files: result.files, verified: Boolean(result.verification), checks });
    } else {
      out.print(`${out.style.green('✓')} extracted ${result.files} files into ${dir} (${extractSummary(result)})`);
    }
    return 0;
  },
});
