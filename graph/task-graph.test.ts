import { afterAll, describe, expect, it } from 'vitest';
import { isQlfError } from '../core/errors.js';
import { discoverBriefs } from './discover-briefs.js';
import { buildTaskGraph, topologicalOrder } from './task-graph.js';
import { makeWorkspace, removeWorkspaces } from './testing/workspace.js';

const ref = (name: string, uses: string[] = []) => ({ name, file: `/ws/${name}/brief.qlf.yaml`, uses });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

afterAll(removeWorkspaces);

describe('buildTaskGraph', () => {
  it('links the stage chain and the same stage of used briefs', () => {
    const graph = buildTaskGraph([ref('orders', ['payments']), ref('payments')], ['compile', 'generate']);
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'orders:compile',
      'orders:generate',
      'payments:compile',
      'payments:generate',
    ]);
    expect(graph.edges).toEqual([
      { from: 'orders:compile', to: 'payments:compile', kind: 'uses' },
      { from: 'orders:generate', to: 'orders:compile', kind: 'stage' },
      { from: 'orders:generate', to: 'payments:generate', kind: 'uses' },
      { from: 'payments:generate', to: 'payments:compile', kind: 'stage' },
    ]);
    expect(topologicalOrder(graph)).toEqual([
      'payments:compile',
      'orders:compile',
      'payments:generate',
      'orders:generate',
    ]);
  });

  it('reports a uses cycle as E_GRAPH_CYCLE naming it', () => {
    const error = thrown(() =>
      buildTaskGraph([ref('a', ['b']), ref('b', ['c']), ref('c', ['a']), ref('d')], ['compile']),
    );
    expect(isQlfError(error) && error.code).toBe('E_GRAPH_CYCLE');
    expect((error as Error).message).toContain('a → b → c → a');
    expect(isQlfError(error) && error.kind).toBe('input');
  });

  it('reports a self use and an unknown use', () => {
    expect((thrown(() => buildTaskGraph([ref('a', ['a'])], ['compile'])) as Error).message).toContain('a → a');
    const unknown = thrown(() => buildTaskGraph([ref('a', ['ghost'])], ['compile']));
    expect(isQlfError(unknown) && unknown.code).toBe('E_GRAPH_UNKNOWN_USES');
  });
});

describe('discoverBriefs', () => {
  it('finds briefs by the config globs, honours ignore, and reads name and uses', async () => {
    const ws = await makeWorkspace({ a: 'name: alpha\nuses: [beta]\n', b: 'name: beta\n' });
    await ws.write('node_modules/x/briefs/c/brief.qlf.yaml', 'name: gamma\n');
    const briefs = await discoverBriefs(await ws.config());
    expect(briefs.map((b) => [b.name, b.uses])).toEqual([
      ['alpha', ['beta']],
      ['beta', []],
    ]);
    const narrowed = await discoverBriefs(await ws.config(), { paths: ['briefs/b'], cwd: ws.root });
    expect(narrowed.map((b) => b.name)).toEqual(['beta']);
  });

  it('with the index, does not walk into the working copies of briefs it knows (a working copy holds no brief)', async () => {
    const ws = await makeWorkspace({ a: 'name: alpha\n' });
    const config = await ws.config();
    expect((await discoverBriefs(config, { index: true })).map((b) => b.name)).toEqual(['alpha']);
    await ws.write('briefs/a/service/nested/brief.qlf.yaml', 'name: nested\n');
    await ws.write('briefs/b/brief.qlf.yaml', 'name: beta\n');
    expect((await discoverBriefs(config, { index: true })).map((b) => b.name)).toEqual(['alpha', 'beta']);
  });

  it('rejects two briefs with one name, naming both files', async () => {
    const ws = await makeWorkspace({ a: 'name: same\n', b: 'name: same\n' });
    const error = await discoverBriefs(await ws.config()).catch((e: unknown) => e);
    expect(isQlfError(error) && error.code).toBe('E_BRIEF_DUPLICATE');
    expect((error as Error).message).toContain('briefs/a/brief.qlf.yaml and briefs/b/brief.qlf.yaml');
  });

  it('rejects a brief without a name with its place', async () => {
    const ws = await makeWorkspace({ a: 'description: nameless\n' });
    const error = await discoverBriefs(await ws.config()).catch((e: unknown) => e);
    expect(isQlfError(error) && error.issues[0]).toMatchObject({
      code: 'E_BRIEF_NAME',
      file: 'briefs/a/brief.qlf.yaml',
    });
  });
});
