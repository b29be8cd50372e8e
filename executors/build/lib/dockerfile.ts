// Renders the Dockerfile and .dockerignore for the IR's stack from the templates in `templates/docker/<family>/`.
import type { BackendName } from '../../../schemas/common.js';
import type { IR } from '../../../schemas/ir.js';
import { renderTemplate } from '../../generate/lib/render.js';
import { resolveBaseImages } from './base-images.js';

/** Template folder per backend: Express and Fastify share the Node.js recipe. */
const FAMILY: Record<BackendName, string> = {
  fastapi: 'fastapi',
  express: 'node',
  fastify: 'node',
  gin: 'gin',
  'spring-boot': 'spring-boot',
  axum: 'axum',
};

/** Uvicorn workers from the requested CPU: 2 per core, at least 1 and at most 8. */
export function uvicornWorkers(cpu: string): number {
  const cores = cpu.endsWith('m') ? Number(cpu.slice(0, -1)) / 1000 : Number(cpu);
  if (!Number.isFinite(cores) || cores <= 0) return 2;
  return Math.min(8, Math.max(1, Math.round(cores * 2)));
}

export interface DockerFiles {
  dockerfile: string;
  dockerignore: string;
  /** Build arguments that select the base images (`tag@digest`). */
  buildArgs: Record<string, string>;
}

export function renderDockerFiles(
  ir: IR,
  qlfVersion: string,
  baseImageOverrides: Record<string, string> = {},
): DockerFiles {
  const stack = ir.stack.backend.value;
  const images = resolveBaseImages(stack, baseImageOverrides);
  const data = {
    qlfVersion,
    name: ir.name,
    images,
    framework: stack === 'fastify' ? 'Fastify' : 'Express',
    entry: 'server.js',
    binary: ir.name,
    workers: uvicornWorkers(ir.ops.resources.cpu),
  };
  return {
    dockerfile: renderTemplate(`docker/${FAMILY[stack]}/Dockerfile`, data),
    dockerignore: renderTemplate(`docker/${FAMILY[stack]}/dockerignore`, data),
    buildArgs: images,
  };
}
