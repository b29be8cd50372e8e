// The build stage: Dockerfile + reproducible build context for the IR's stack, and an image through a container
// engine when one answers. With no engine the context is still produced and the image is reported as skipped.

import { canonicalJson } from '../../core/canonical-json.js';
import { inputError, workError } from '../../core/errors.js';
import { hashParts } from '../../core/hash.js';
import { qlfVersion as currentVersion } from '../../core/package-info.js';
import type { BuildResult } from '../../schemas/build-result.js';
import type { IR } from '../../schemas/ir.js';
import { buildContext } from './lib/context.js';
import { renderDockerFiles } from './lib/dockerfile.js';
import { buildImage, connectEngine, engineAddress, imageDigest, imageId } from './lib/engine.js';

export interface BuildInput {
  ir: IR;
  /** Absolute path of the generated service. */
  serviceDir: string;
}

export interface BuildOptions {
  strict: boolean;
  qlfVersion?: string;
  /** Engine address; else DOCKER_HOST. */
  dockerHost?: string;
  /** `chroot` lets Podman run RUN steps without a container runtime. */
  isolation?: 'default' | 'chroot';
  /** Base image overrides by build argument (`PYTHON_IMAGE` …), from config `build.baseImages`. */
  baseImages?: Record<string, string>;
  /** Skip the engine entirely (context only). */
  noEngine?: boolean;
}

export interface BuildOutput {
  result: BuildResult;
  dockerfile: string;
  dockerignore: string;
  /** The reproducible context tarball that was (or would be) sent to the engine. */
  contextTar: Uint8Array;
  /** The engine's build log, when it built. */
  log: string[];
}

export async function runBuild(input: BuildInput, options: BuildOptions): Promise<BuildOutput> {
  const version = options.qlfVersion ?? currentVersion();
  const files = renderDockerFiles(input.ir, version, options.baseImages);
  const context = await buildContext(input.serviceDir, {
    Dockerfile: files.dockerfile,
    '.dockerignore': files.dockerignore,
  });
  if (!context.files.some((file) => file !== 'Dockerfile' && file !== '.dockerignore')) {
    throw inputError('E_BUILD_EMPTY', `nothing to build in ${input.serviceDir}: the service folder is empty`, {
      hint: 'Run the generate stage first (`qlf run --stage generate`).',
    });
  }
  // The tag is the content hash of what the engine receives (context + base image choice), as Skaffold tags by
  // inputs: an unchanged service never rebuilds.
  const inputsHash = hashParts([context.digest, canonicalJson(files.buildArgs)]);
  const tag = `localhost/qlf/${input.ir.name}:${inputsHash.slice(0, 16)}`;
  const base = {
    name: input.ir.name,
    stack: input.ir.stack.backend.value,
    contextDigest: `sha256:${context.digest}`,
    contextFiles: context.files,
  };
  const output = {
    dockerfile: files.dockerfile,
    dockerignore: files.dockerignore,
    contextTar: context.tar,
    log: [] as string[],
  };

  const address = engineAddress({ dockerHost: options.dockerHost });
  const engine = options.noEngine ? undefined : await connectEngine({ dockerHost: options.dockerHost });
  if (!engine) {
    const reason = options.noEngine
      ? 'image builds turned off (build.image: false)'
      : `no container engine at DOCKER_HOST (${address})`;
    // Strict mode refuses a missing engine, not an image the config asked not to build.
    if (options.strict && !options.noEngine) {
      throw workError('E_NO_ENGINE', `cannot build the image of ${input.ir.name}: ${reason}`, {
        hint: 'Start Docker or `podman system service`, set DOCKER_HOST, or run without --strict to get the context only.',
      });
    }
    return { ...output, result: { ...base, image: { status: 'skipped', tag, reason } } };
  }
  const existing = await imageId(engine, tag);
  let log: string[] = [];
  if (!existing) {
    log = await buildImage(engine, {
      tar: context.tar,
      tag,
      buildArgs: files.buildArgs,
      isolation: options.isolation,
      labels: {
        'org.opencontainers.image.title': input.ir.name,
        'org.opencontainers.image.description': input.ir.description.slice(0, 200),
        'dev.qlf.context-digest': base.contextDigest,
        'dev.qlf.version': version,
      },
    });
  }
  const id = existing ?? (await imageId(engine, tag));
  if (!id) throw workError('E_IMAGE_BUILD', `the engine reported success but has no image ${tag}`);
  const digest = await imageDigest(engine, tag).catch(() => undefined);
  return {
    ...output,
    log,
    result: {
      ...base,
      image: { status: 'built', tag, id, digest, reused: Boolean(existing), engine: engine.description },
    },
  };
}
