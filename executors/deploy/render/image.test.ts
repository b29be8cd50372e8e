// The image the pods run: by digest when the build reported one, else by tag with a warning saying why.
import { describe, expect, it } from 'vitest';
import type { BuildResult } from '../../../schemas/build-result.js';
import type { IR } from '../../../schemas/ir.js';
import {
  builtImage,
  compiledExamples,
  DIGEST,
  deployConfig,
  QLF_VERSION,
  skippedImage,
} from '../fixtures/render-inputs.js';
import { renderDeployment } from '../render.js';
import { imageRef } from './image.js';

// biome-ignore lint/suspicious/noExplicitAny: walking arbitrary Kubernetes objects
type Any = any;
const ir = (await compiledExamples(['orders'])).get('orders') as IR;
const render = (build?: BuildResult) =>
  renderDeployment({ ir, build, config: deployConfig(), qlfVersion: QLF_VERSION });
const images = (build?: BuildResult) =>
  render(build)
    .objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((o) => (o.spec as Any).template.spec.containers[0].image);

describe('imageRef', () => {
  it.each([
    ['built with a digest', builtImage('orders'), `qlf/orders:0123456789ab@${DIGEST}`, undefined],
    [
      'built without a digest',
      builtImage('orders', null),
      'qlf/orders:0123456789ab',
      /no digest \(the engine \(docker\) reported none/,
    ],
    [
      'skipped',
      skippedImage('orders'),
      'qlf/orders:0123456789ab',
      /no digest \(build skipped: no container engine at DOCKER_HOST\)/,
    ],
    ['not built', undefined, 'qlf/orders:latest', /no build result; run `qlf build orders`/],
  ])('%s', (_, build, ref, warning) => {
    const image = imageRef('orders', build);
    expect(image.ref).toBe(ref);
    if (warning) expect(image.warning).toMatch(warning);
    else expect(image.warning).toBeUndefined();
  });
});

describe('image in the objects', () => {
  it('runs the digest in the Deployment and the Job, with no warning', () => {
    expect(images(builtImage('orders'))).toEqual([
      `qlf/orders:0123456789ab@${DIGEST}`,
      `qlf/orders:0123456789ab@${DIGEST}`,
    ]);
    expect(render(builtImage('orders')).warnings.join('\n')).not.toContain('image');
  });

  it('falls back to the tag with a warning', () => {
    expect(images(skippedImage('orders'))).toEqual(['qlf/orders:0123456789ab', 'qlf/orders:0123456789ab']);
    expect(render(skippedImage('orders')).warnings[0]).toMatch(
      /^image referenced by tag qlf\/orders:0123456789ab: no digest/,
    );
  });

  it('names the migration Job after the image, so a new image gets a new Job', () => {
    const jobName = (build: BuildResult) => render(build).objects.find((o) => o.kind === 'Job')?.metadata.name;
    expect(jobName(builtImage('orders'))).toMatch(/^orders-migrate-[0-9a-f]{10}$/);
    expect(jobName(builtImage('orders'))).not.toBe(jobName(builtImage('orders', `sha256:${'12'.repeat(32)}`)));
  });
});
