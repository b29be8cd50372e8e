import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { descendantPids, signalDescendants } from './process-tree.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('process tree', () => {
  it('finds children and grandchildren, and signals them all', async () => {
    // sh starts a grandchild (sleep) and prints its pid.
    const child = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const grandchild = await new Promise<number>((resolve) => child.stdout.once('data', (d) => resolve(Number(d))));
    const found = descendantPids();
    expect(found).toContain(child.pid);
    expect(found).toContain(grandchild);
    expect(found.indexOf(child.pid as number)).toBeLessThan(found.indexOf(grandchild));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    expect(signalDescendants('SIGTERM')).toBeGreaterThanOrEqual(2);
    await exited;
    const deadline = Date.now() + 5_000;
    while (alive(grandchild) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alive(grandchild)).toBe(false);
  });

  it('finds nothing under a process without children', () => {
    expect(descendantPids(2 ** 22 + 7)).toEqual([]);
  });
});
