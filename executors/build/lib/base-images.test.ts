// Base images: pullable tags by default, overrides validated as image references, digests pinned as given.
import { describe, expect, it } from 'vitest';
import { BASE_IMAGES, parseImageReference, resolveBaseImages } from './base-images.js';

const DIGEST = `sha256:${'4f'.repeat(32)}`;

describe('parseImageReference', () => {
  it.each([
    ['docker.io/library/python:3.11-slim-bookworm', { name: 'docker.io/library/python', tag: '3.11-slim-bookworm' }],
    [`python:3.11-slim@${DIGEST}`, { name: 'python', tag: '3.11-slim', digest: DIGEST }],
    [`registry.internal:5000/team/python@${DIGEST}`, { name: 'registry.internal:5000/team/python', digest: DIGEST }],
    ['localhost/qlf-test-python:123-abc', { name: 'localhost/qlf-test-python', tag: '123-abc' }],
    [
      `ghcr.io/org/img:v1@sha512:${'a'.repeat(128)}`,
      { name: 'ghcr.io/org/img', tag: 'v1', digest: `sha512:${'a'.repeat(128)}` },
    ],
  ])('accepts %s', (ref, parsed) => {
    expect(parseImageReference(ref)).toEqual(parsed);
  });

  it.each([
    ['python', /no tag or digest/],
    ['Python:3.11', /not an image reference/],
    ['python:3.11 slim', /not an image reference/],
    ['python@sha256:abc', /malformed digest: sha256 takes 64/],
    [`python@sha256:${'A'.repeat(64)}`, /malformed digest/],
    [`python@md5:${'a'.repeat(32)}`, /md5 digest/],
    [`python:3.11@sha256:${'0'.repeat(64)}`, /placeholder/],
    ['', /not an image reference/],
  ])('refuses %j', (ref, problem) => {
    expect(parseImageReference(ref)).toMatch(problem);
  });
});

describe('resolveBaseImages', () => {
  it('defaults to the tags, which an engine can pull', () => {
    expect(resolveBaseImages('fastapi')).toEqual({ PYTHON_IMAGE: 'docker.io/library/python:3.11-slim-bookworm' });
    for (const images of Object.values(BASE_IMAGES)) {
      for (const { tag } of images) expect(parseImageReference(tag)).toMatchObject({ tag: expect.any(String) });
    }
  });

  it('uses a pinned override as given', () => {
    const pinned = `docker.io/library/python:3.11-slim-bookworm@${DIGEST}`;
    expect(resolveBaseImages('fastapi', { PYTHON_IMAGE: pinned })).toEqual({ PYTHON_IMAGE: pinned });
  });

  it('reports every bad override at once, naming the option and the value', () => {
    let error: unknown;
    try {
      resolveBaseImages('fastapi', { PYTHON_IMAGE: 'python@sha256:123', NODE_IMAGE: 'node:20' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'E_BUILD_BASE_IMAGE', kind: 'input' });
    const { issues } = error as { issues: { message: string }[] };
    expect(issues.map((i) => i.message)).toEqual([
      'build.baseImages.PYTHON_IMAGE "python@sha256:123" has a malformed digest: sha256 takes 64 lowercase hex digits',
      'build.baseImages.NODE_IMAGE: fastapi images take no NODE_IMAGE',
    ]);
  });
});
