// `qlf graph`: prints the task graph as a text tree, JSON `{ nodes, edges }`, or Graphviz dot.

import { inputError } from '../../core/errors.js';
import { loadStageTasks, orderedStages, planGraph, stageTasks as registered } from '../../graph/index.js';
import { loadConfig } from '../../workspace/config.js';
import { commonOptions, defineCommand } from '../command.js';

export default defineCommand({
  name: 'graph',
  summary: 'Print the task graph',
  usage: 'graph [paths...] [--json | --dot]',
  details:
    'Task ids are `<brief>:<stage>`. Edges run along the stage chain and from a stage to the same stage of each brief it uses.',
  options: {
    json: commonOptions.json,
    verbose: commonOptions.verbose,
    dot: { type: 'boolean', description: 'Print Graphviz dot (pipe into `dot -Tsvg`).' },
  },
  async run({ values, positionals, out, cwd }) {
    if (values.dot && values.json) {
      throw inputError('E_USAGE', '--dot and --json exclude each other', { hint: 'Pick one output format.' });
    }
    const config = await loadConfig(cwd);
    // Same override as `qlf run`: a module of stage tasks in place of the built-in ones.
    const tasks = process.env.QLF_TASK_MODULE ? await loadStageTasks(process.env.QLF_TASK_MODULE) : registered;
    const { graph, selected } = await planGraph({ config, paths: positionals, cwd, stages: orderedStages(tasks) });
    const keep = new Set(selected);
    const nodes = graph.nodes.filter((node) => keep.has(node.id));
    const edges = graph.edges.filter((edge) => keep.has(edge.from) && keep.has(edge.to));
    if (values.json) {
      out.json({ nodes, edges });
      return 0;
    }
    if (values.dot) {
      const lines = ['digraph qlf {', '  rankdir=LR;', '  node [shape=box];'];
      for (const node of nodes) lines.push(`  "${node.id}";`);
      for (const edge of edges) {
        lines.push(`  "${edge.to}" -> "${edge.from}"${edge.kind === 'uses' ? ' [style=dashed]' : ''};`);
      }
      lines.push('}');
      out.print(lines.join('\n'));
      return 0;
    }
    if (nodes.length === 0) {
      out.print('No briefs found (or no stage has a task yet).');
      return 0;
    }
    const lines: string[] = [];
    for (const brief of [...new Set(nodes.map((node) => node.brief))]) {
      const ref = graph.briefs.get(brief);
      lines.push(`${out.style.bold(brief)}${ref?.uses.length ? out.style.dim(` (uses ${ref.uses.join(', ')})`) : ''}`);
      const own = nodes.filter((node) => node.brief === brief);
      own.forEach((node, index) => {
        const deps = edges.filter((edge) => edge.from === node.id).map((edge) => edge.to);
        const branch = index === own.length - 1 ? '└─' : '├─';
        lines.push(`  ${branch} ${node.id}${deps.length ? out.style.dim(`  ← ${deps.join(', ')}`) : ''}`);
      });
    }
    out.print(lines.join('\n'));
    return 0;
  },
});
