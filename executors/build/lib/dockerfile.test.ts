import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import type { BackendName } from '../../../schemas/common.js';
import { shopIr } from '../../../testing/sample-irs.js';
import { BASE_IMAGES } from './base-images.js';
import { renderDockerFiles, uvicornWorkers } from './dockerfile.js';

/** Commands that only belong in a build stage. */
const BUILD_TOOLS = /\b(pip install|apt-get|apk add)\b/;

function render(stack: BackendName) {
  const ir = shopIr();
  ir.stack.backend = { value: stack, confidence: 1, origin: 'explicit' };
  return renderDockerFiles(ir, '0.0.0-test');
}

/** Instructions grouped by stage (each starting at a FROM). */
function stages(instructions: Instruction[]): Instruction[][] {
  const out: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.getKeyword() === 'FROM') out.push([]);
    out.at(-1)?.push(instruction);
  }
  return out;
}

describe('Dockerfile for FastAPI', () => {
  const stack = 'fastapi';
  const files = render(stack);
  const dockerfile = DockerfileParser.parse(files.dockerfile);
  const instructions = dockerfile.getInstructions();
  const all = stages(instructions);
  const final = all.at(-1)!;

  it('parses without unknown instructions and is multi-stage', () => {
    for (const instruction of instructions) {
      expect([
        'FROM',
        'ARG',
        'WORKDIR',
        'ENV',
        'COPY',
        'RUN',
        'USER',
        'EXPOSE',
        'HEALTHCHECK',
        'CMD',
        'ENTRYPOINT',
      ]).toContain(instruction.getKeyword());
    }
    expect(all.length).toBeGreaterThanOrEqual(2);
  });

  it('names every base image by a pullable tag through a build argument declared before the first FROM', () => {
    const firstFrom = instructions.findIndex((i) => i.getKeyword() === 'FROM');
    const args = instructions.slice(0, firstFrom).filter((i) => i.getKeyword() === 'ARG');
    const defaults = Object.fromEntries(args.map((arg) => arg.getArgumentsContent()!.split('=') as [string, string]));
    for (const { arg, tag } of BASE_IMAGES[stack]) {
      expect(defaults[arg]).toBe(tag);
    }
    for (const from of dockerfile.getFROMs())
      expect(from.getArgumentsContent()).toMatch(/^\$\{[A-Z_]+\}( AS [a-z]+)?$/);
  });

  it('runs as a non-root user with a health check in the final stage', () => {
    const user = final.find((i) => i.getKeyword() === 'USER');
    expect(user?.getArgumentsContent()).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(final.some((i) => i.getKeyword() === 'HEALTHCHECK')).toBe(true);
    expect(final.some((i) => ['CMD', 'ENTRYPOINT'].includes(i.getKeyword()))).toBe(true);
  });

  it('keeps build tools out of the final stage', () => {
    for (const instruction of final) {
      if (instruction.getKeyword() === 'RUN') expect(instruction.getArgumentsContent()).not.toMatch(BUILD_TOOLS);
    }
    expect(all.slice(0, -1).some((stage) => stage.some((i) => i.getKeyword() === 'RUN'))).toBe(true);
  });

  it('ignores secrets and VCS state in the build context', () => {
    const lines = files.dockerignore.split('\n');
    expect(lines).toContain('.env');
    expect(lines).toContain('.git');
  });
});

describe('framework touches', () => {
  it('runs FastAPI under uvicorn with workers sized from the CPU request', () => {
    expect(render('fastapi').dockerfile).toMatch(/"uvicorn", "app\.main:app".*"--workers", "\d+"/);
    expect(uvicornWorkers('500m')).toBe(1);
    expect(uvicornWorkers('2')).toBe(4);
    expect(uvicornWorkers('64')).toBe(8);
  });

  it('refuses a backend no generator produces, naming it', () => {
    expect(() => render('express')).toThrow(
      expect.objectContaining({ code: 'E_BUILD_BACKEND', hint: expect.stringContaining('fastapi') }),
    );
  });
});
