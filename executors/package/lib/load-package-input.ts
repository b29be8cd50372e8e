// Glue for the task graph and the CLI: reads the upstream stages' outputs from a `<outDir>/<name>/` layout into a
// PackageInput, and turns the workspace config into a PackageContext (signing key from config, else QLF_SIGNING_KEY).
import { access, readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { inputError } from '../../../core/errors.js';
import { buildResultSchema } from '../../../schemas/build-result.js';
import { irSchema } from '../../../schemas/ir.js';
import { verifyReportSchema } from '../../../schemas/verify-report.js';
import type { ResolvedConfig } from '../../../workspace/config.js';
import type { PackageContext, PackageInput } from '../package.js';

/** Build outputs worth shipping; `context.tar` is left out (it repeats `source/`; build.json pins its digest). */
export const PACKAGED_BUILD_FILES = ['Dockerfile', '.dockerignore', 'build.json'];

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw inputError('E_PACKAGE_INPUT', `cannot read ${path}: ${(error as Error).message}`, {
      hint: 'Run the earlier stages first (`qlf run`).',
    });
  }
}

/**
 * Reads `ir.json`, `verify/report.json` and `build/` (the last two when present) under `inputDir`; the service's files
 * are read from `serviceDir` (a snapshot of the working copy), else `<inputDir>/service`.
 */
export async function loadPackageInput(options: {
  inputDir: string;
  serviceDir?: string;
  briefFile: string;
}): Promise<PackageInput> {
  const { inputDir } = options;
  const ir = irSchema.parse(await readJson(join(inputDir, 'ir.json')));
  const reportFile = join(inputDir, 'verify', 'report.json');
  const verifyReport = (await exists(reportFile)) ? verifyReportSchema.parse(await readJson(reportFile)) : undefined;
  const buildDir = join(inputDir, 'build');
  let build: PackageInput['build'];
  if (await exists(join(buildDir, 'build.json'))) {
    const result = buildResultSchema.parse(await readJson(join(buildDir, 'build.json')));
    const files: string[] = [];
    for (const file of PACKAGED_BUILD_FILES) if (await exists(join(buildDir, file))) files.push(file);
    const image = result.image;
    build = {
      contextDir: buildDir,
      files,
      image:
        image.status === 'built' ? { id: image.id, digest: image.digest, tag: image.tag } : { skipped: image.reason },
    };
  }
  return {
    ir,
    serviceDir: options.serviceDir ?? join(inputDir, 'service'),
    verifyReport,
    build,
    briefText: await readFile(options.briefFile, 'utf8'),
    overlayFiles: ir.overlays.applied.map((overlay) => ({ name: overlay.name, digest: overlay.digest })),
  };
}

/**
 * The package context for a workspace. `strict` follows `verify.strict` (one switch for "no skipped safeguards").
 * The key path is resolved against the workspace root; the key itself is read only by the package stage.
 */
export function packageContextFromConfig(
  config: Pick<ResolvedConfig, 'package' | 'verify' | 'root'>,
  qlfVersion: string,
  env: NodeJS.ProcessEnv = process.env,
): PackageContext {
  const keyPath = config.package.signingKey ?? env.QLF_SIGNING_KEY;
  return {
    qlfVersion,
    strict: config.verify.strict,
    docs: config.package.docs,
    signingKey: keyPath ? { path: isAbsolute(keyPath) ? keyPath : join(config.root, keyPath) } : undefined,
  };
}
