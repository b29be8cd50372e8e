// Talks to a container engine through the Docker Engine API (dockerode): Docker itself, or Podman's compatible
// service. Honours DOCKER_HOST; reports "no engine" instead of failing when nothing answers.
import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import { workError } from '../../../core/errors.js';

export interface EngineOptions {
  /** `unix:///path`, `tcp://host:port` or `http(s)://host:port`; else DOCKER_HOST; else the default socket. */
  dockerHost?: string;
  /** Isolation for RUN steps on Podman (`chroot` builds without a container runtime). */
  isolation?: 'default' | 'chroot';
  pingTimeoutMs?: number;
}

export interface Engine {
  docker: Docker;
  /** `Docker Engine 27.1` or `Podman Engine 4.3.1`. */
  description: string;
  podman: boolean;
  apiVersion: string;
}

export function engineAddress(options: EngineOptions = {}): string {
  return options.dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
}

function dockerFor(address: string): Docker {
  // Required here, not imported above: dockerode and its SSH and gRPC stack cost ~130 ms to load, and a warm run
  // imports this module for `engineAddress` alone.
  const Docker = createRequire(import.meta.url)('dockerode') as typeof import('dockerode');
  if (address.startsWith('unix://')) return new Docker({ socketPath: address.slice('unix://'.length) });
  const url = new URL(address.replace(/^tcp:/, 'http:'));
  return new Docker({
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    host: url.hostname,
    port: Number(url.port || 2375),
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Connects to the engine, or returns undefined when none answers at the address. */
export async function connectEngine(options: EngineOptions = {}): Promise<Engine | undefined> {
  const docker = dockerFor(engineAddress(options));
  try {
    const version = await withTimeout(docker.version(), options.pingTimeoutMs ?? 10_000);
    const component = (version.Components ?? []).find((c) => /engine/i.test(c.Name)) ?? {
      Name: 'Docker Engine',
      Version: version.Version,
    };
    return {
      docker,
      description: `${component.Name} ${component.Version}`,
      podman: /podman/i.test(component.Name),
      apiVersion: version.ApiVersion,
    };
  } catch {
    return undefined;
  }
}

export async function imageId(engine: Engine, tag: string): Promise<string | undefined> {
  try {
    return (await engine.docker.getImage(tag).inspect()).Id;
  } catch {
    return undefined;
  }
}

/** The image's content digest: Podman reports it directly; Docker only once pushed (RepoDigests). */
export async function imageDigest(engine: Engine, tag: string): Promise<string | undefined> {
  if (engine.podman) {
    const info = (await dial(engine, {
      path: `/v${engine.apiVersion}/libpod/images/${encodeURIComponent(tag)}/json`,
      method: 'GET',
    })) as {
      Digest?: string;
    };
    return info.Digest;
  }
  const info = await engine.docker.getImage(tag).inspect();
  return info.RepoDigests?.[0]?.split('@')[1];
}

function dial(engine: Engine, options: { path: string; method: string; [key: string]: unknown }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    engine.docker.modem.dial(
      { statusCodes: { 200: true, 404: 'not found', 500: 'server error' }, ...options },
      (error, data) => (error ? reject(error) : resolve(data)),
    );
  });
}

export interface BuildRequest {
  tar: Uint8Array;
  tag: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  isolation?: 'default' | 'chroot';
}

/** Builds an image from a context tarball; returns the engine's log. Throws a work error with the log's tail. */
export async function buildImage(engine: Engine, request: BuildRequest): Promise<string[]> {
  const options = {
    t: request.tag,
    buildargs: JSON.stringify(request.buildArgs),
    labels: JSON.stringify(request.labels),
    rm: true,
    forcerm: true,
  };
  // Podman's own build endpoint accepts an isolation mode; `chroot` runs RUN steps without a container runtime.
  const stream = (await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
    engine.docker.modem.dial(
      {
        path: engine.podman ? `/v${engine.apiVersion}/libpod/build?` : '/build?',
        method: 'POST',
        options: engine.podman
          ? { ...options, format: 'docker', isolation: request.isolation === 'chroot' ? 'chroot' : undefined }
          : options,
        file: Buffer.from(request.tar),
        isStream: true,
        headers: { 'Content-Type': 'application/x-tar' },
        statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
      },
      (error, data) => (error ? reject(error) : resolve(data as NodeJS.ReadableStream)),
    );
  })) as NodeJS.ReadableStream;
  const log: string[] = [];
  const failure = await new Promise<string | undefined>((resolve) => {
    let error: string | undefined;
    engine.docker.modem.followProgress(
      stream,
      () => resolve(error),
      (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
        if (event.stream) log.push(...event.stream.split('\n').filter(Boolean));
        if (event.error) error = event.errorDetail?.message ?? event.error;
      },
    );
  });
  if (failure) {
    throw workError('E_IMAGE_BUILD', `image build failed: ${failure.trim()}`, {
      hint: `last engine output:\n${log.slice(-10).join('\n')}`,
    });
  }
  return log;
}
