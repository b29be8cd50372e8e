// What the build stage returns: the Dockerfile, the reproducible build context, and the image (or why there is none).
import { z } from 'zod';

export const imageResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('built'),
    /** `qlf/<name>:<context hash prefix>`: the tag is the content hash of the build context. */
    tag: z.string(),
    /** Engine image ID (`sha256:…`). */
    id: z.string(),
    /** Content digest of the image (`sha256:…`), when the engine reports one. */
    digest: z.string().optional(),
    /**
     * True when an image with this tag already existed, so nothing was rebuilt. Left out of `build.json`: it says how
     * the image was obtained, not what it is, and would make packaged bytes depend on the engine's history.
     */
    reused: z.boolean().optional(),
    engine: z.string(),
  }),
  z.object({
    status: z.literal('skipped'),
    tag: z.string(),
    /** E.g. `no container engine at DOCKER_HOST (unix:///var/run/docker.sock)`. */
    reason: z.string(),
  }),
]);
export type ImageResult = z.infer<typeof imageResultSchema>;

export const buildResultSchema = z.object({
  name: z.string(),
  stack: z.string(),
  /** sha256 of the build context tarball. */
  contextDigest: z.string(),
  /** Files in the context, sorted. */
  contextFiles: z.array(z.string()),
  image: imageResultSchema,
});
export type BuildResult = z.infer<typeof buildResultSchema>;
