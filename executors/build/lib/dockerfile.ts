// Renders the Dockerfile and .dockerignore of a FastAPI service from the templates in `templates/docker/fastapi/`.
import { inputError } from '../../../core/errors.js';
import type { IR } from '../../../schemas/ir.js';
import { renderTemplate } from '../../generate/lib/render.js';
import { resolveBaseImages } from './base-images.js';

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
  // Generate produces FastAPI services only (E_NO_AGENT for any other backend), so that is the one recipe.
  if (stack !== 'fastapi') {
    throw inputError('E_BUILD_BACKEND', `${ir.name}: build writes Dockerfiles for FastAPI services, not ${stack}`, {
      hint: 'set `stack.backend: fastapi` in the brief (the only backend qlf generates)',
    });
  }
  const images = resolveBaseImages(stack, baseImageOverrides);
  const data = { qlfVersion, name: ir.name, images, workers: uvicornWorkers(ir.ops.resources.cpu) };
  return {
    dockerfile: renderTemplate('docker/fastapi/Dockerfile', data),
    dockerignore: renderTemplate('docker/fastapi/dockerignore', data),
    buildArgs: images,
  };
}
