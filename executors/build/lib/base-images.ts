// Base images per stack: a tag any engine can pull by default, and a digest where the user pins one. qlf cannot know
// a public tag's digest offline (nor keep it current), so reproducible builds pin through `build.baseImages` in
// `qlf.config.ts` (`PYTHON_IMAGE: 'docker.io/library/python:3.11-slim-bookworm@sha256:…'`) or a `--build-arg`.
import { inputError } from '../../../core/errors.js';
import type { BackendName } from '../../../schemas/common.js';

export interface BaseImage {
  /** Build argument that selects the image. */
  arg: string;
  /** Repository and tag. */
  tag: string;
}

/** Build and runtime images per stack, in the order the Dockerfile declares their ARGs. */
export const BASE_IMAGES: Record<BackendName, BaseImage[]> = {
  // Python 3.11: the line the pinned stack is tested on (Pydantic 1.10.4 does not import on Python 3.12.4 and later).
  fastapi: [{ arg: 'PYTHON_IMAGE', tag: 'docker.io/library/python:3.11-slim-bookworm' }],
  express: [{ arg: 'NODE_IMAGE', tag: 'docker.io/library/node:20-bookworm-slim' }],
  fastify: [{ arg: 'NODE_IMAGE', tag: 'docker.io/library/node:20-bookworm-slim' }],
  gin: [
    { arg: 'GO_IMAGE', tag: 'docker.io/library/golang:1.23-bookworm' },
    { arg: 'RUNTIME_IMAGE', tag: 'gcr.io/distroless/static-debian12:nonroot' },
  ],
  'spring-boot': [
    { arg: 'JDK_IMAGE', tag: 'docker.io/library/eclipse-temurin:21-jdk-jammy' },
    { arg: 'JRE_IMAGE', tag: 'docker.io/library/eclipse-temurin:21-jre-jammy' },
  ],
  axum: [
    { arg: 'RUST_IMAGE', tag: 'docker.io/library/rust:1.82-bookworm' },
    { arg: 'RUNTIME_IMAGE', tag: 'gcr.io/distroless/cc-debian12:nonroot' },
  ],
};

export interface ImageReference {
  /** Registry host (with port) and repository path. */
  name: string;
  tag?: string;
  /** `sha256:<64 hex>` or `sha512:<128 hex>`. */
  digest?: string;
}

// The grammar of github.com/distribution/reference: a lowercase path under an optional registry host, a tag, a digest.
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?';
const REFERENCE = new RegExp(
  `^(?<name>(?:${HOST}/)?${COMPONENT}(?:/${COMPONENT})*)(?::(?<tag>[\\w][\\w.-]{0,127}))?(?:@(?<digest>[a-z0-9]+:[a-zA-Z0-9=_-]+))?$`,
);
const DIGEST_HEX: Record<string, number> = { sha256: 64, sha512: 128 };

/** The all-zero digest earlier qlf versions wrote as a "pin me" placeholder: never a real image. */
const PLACEHOLDER_DIGEST = /^sha256:0{64}$/;

/** Parses an image reference; a string naming what is wrong with it when it is not one qlf accepts. */
export function parseImageReference(ref: string): ImageReference | string {
  const match = REFERENCE.exec(ref);
  if (!match?.groups) {
    return 'is not an image reference: expected [registry/]repository[:tag][@sha256:<64 hex digits>], lowercase';
  }
  const { name, tag, digest } = match.groups as { name: string; tag?: string; digest?: string };
  if (!tag && !digest) return 'names no tag or digest (it would float on :latest)';
  if (digest) {
    const [algorithm = '', hex = ''] = digest.split(':');
    const length = DIGEST_HEX[algorithm];
    if (length === undefined) return `has a ${algorithm} digest: use sha256:<64 hex digits>`;
    if (!new RegExp(`^[0-9a-f]{${length}}$`).test(hex)) {
      return `has a malformed digest: ${algorithm} takes ${length} lowercase hex digits`;
    }
    if (PLACEHOLDER_DIGEST.test(digest)) return 'has the all-zero placeholder digest, which no image has';
  }
  return { name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/**
 * The image for each build argument of `stack`: its tag by default, else the override from config
 * (`build.baseImages`, e.g. `{ PYTHON_IMAGE: 'python:3.11-slim-bookworm@sha256:…' }`). Every problem with the
 * overrides (an argument the stack does not have, a value that is not a reference) is one input error.
 */
export function resolveBaseImages(stack: BackendName, overrides: Record<string, string> = {}): Record<string, string> {
  const args = BASE_IMAGES[stack].map(({ arg }) => arg);
  const problems: string[] = [];
  for (const [arg, ref] of Object.entries(overrides)) {
    if (!args.includes(arg)) problems.push(`build.baseImages.${arg}: ${stack} images take no ${arg}`);
    const parsed = parseImageReference(ref);
    if (typeof parsed === 'string') problems.push(`build.baseImages.${arg} ${JSON.stringify(ref)} ${parsed}`);
  }
  if (problems.length > 0) {
    throw inputError('E_BUILD_BASE_IMAGE', problems.join('; '), {
      hint: `Set ${args.join(', ')} in build.baseImages of qlf.config.ts to an image with a tag, a digest or both, e.g. ${BASE_IMAGES[stack][0]?.tag}@sha256:<digest from \`docker buildx imagetools inspect\`>.`,
      issues: problems.map((message) => ({ code: 'E_BUILD_BASE_IMAGE', message, path: 'build.baseImages' })),
    });
  }
  return Object.fromEntries(BASE_IMAGES[stack].map(({ arg, tag }) => [arg, overrides[arg] ?? tag]));
}
