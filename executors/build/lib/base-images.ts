// Base images per stack, pinned by tag and by digest. qlf cannot know today's digest of a public tag offline, so the
// default digest is an explicit placeholder; set the real one in `qlf.config.ts` (`build.baseImages`) or pass a
// `--build-arg`, and the Dockerfile never floats on a moving tag.
import type { BackendName } from '../../../schemas/common.js';

/** The all-zero digest marks "pin me": a build that uses it fails at pull time instead of floating. */
export const DIGEST_PLACEHOLDER = `sha256:${'0'.repeat(64)}`;

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

/** `tag@digest` for each build argument, with overrides from config (`{ PYTHON_IMAGE: 'python:3.12@sha256:…' }`). */
export function resolveBaseImages(stack: BackendName, overrides: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    BASE_IMAGES[stack].map(({ arg, tag }) => [arg, overrides[arg] ?? `${tag}@${DIGEST_PLACEHOLDER}`]),
  );
}
