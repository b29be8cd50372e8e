// Which image the pods run: pinned by digest when the build reported one, else by tag with a warning saying why.
import type { BuildResult } from '../../../schemas/build-result.js';

export interface ImageRef {
  /** `qlf/<name>:<tag>@sha256:…`, or the tag alone. */
  ref: string;
  /** Set when the image is not pinned by digest. */
  warning?: string;
}

export function imageRef(name: string, build: BuildResult | undefined): ImageRef {
  if (!build) {
    const ref = `qlf/${name}:latest`;
    return { ref, warning: `image referenced as ${ref}: no build result; run \`qlf build ${name}\` before deploying` };
  }
  const image = build.image;
  if (image.status === 'built' && image.digest) return { ref: `${image.tag}@${image.digest}` };
  const why =
    image.status === 'skipped'
      ? `build skipped: ${image.reason}`
      : `the engine (${image.engine}) reported none; push the image and rebuild to pin it`;
  return { ref: image.tag, warning: `image referenced by tag ${image.tag}: no digest (${why})` };
}
