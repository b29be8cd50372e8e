// The task graph drawn as SVG: dagre lays out one box per brief and stage, left to right along the pipeline, with
// solid edges along a brief's stages and dashed ones to the briefs it uses. Each box is a link (focusable, opened
// with Enter) labelled with its brief, stage and state; cache hits carry a ⚡.
import dagre from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import type { GraphResponse, StageStatus } from '../../shared/api.js';
import { formatDuration } from '../format.js';
import { href } from '../router.js';

const WIDTH = 156;
const HEIGHT = 48;

interface Layout {
  width: number;
  height: number;
  nodes: Map<string, { x: number; y: number }>;
  edges: { from: string; to: string; kind: 'stage' | 'uses'; points: { x: number; y: number }[] }[];
}

function layout(graph: GraphResponse): Layout {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 14, ranksep: 46, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { width: WIDTH, height: HEIGHT });
  // Edges point from what runs first to what waits for it, so the pipeline reads left to right.
  for (const [index, edge] of graph.edges.entries()) g.setEdge(edge.to, edge.from, {}, `${edge.kind}${index}`);
  dagre.layout(g);
  const nodes = new Map(graph.nodes.map((node) => [node.id, { x: g.node(node.id).x, y: g.node(node.id).y }]));
  const edges = graph.edges.map((edge, index) => ({
    ...edge,
    points: (g.edge({ v: edge.to, w: edge.from, name: `${edge.kind}${index}` })?.points ?? []) as {
      x: number;
      y: number;
    }[],
  }));
  const info = g.graph() as { width?: number; height?: number };
  return { width: info.width ?? 0, height: info.height ?? 0, nodes, edges };
}

function pathOf(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

function describe(id: string, status?: StageStatus): string {
  if (!status) return `${id}: not run`;
  const cache = status.status === 'cached' ? ` from the ${status.cache ?? 'local'} cache` : '';
  const took = status.durationMs !== undefined ? `, ${formatDuration(status.durationMs)}` : '';
  return `${id}: ${status.status}${cache}${took}`;
}

export function TaskGraph({
  graph,
  status,
  selected,
}: {
  graph: GraphResponse;
  status: (id: string) => StageStatus | undefined;
  selected?: string;
}) {
  // Laid out again only when the graph's shape changes, not on every status update.
  const shape = JSON.stringify([graph.nodes.map((n) => n.id), graph.edges]);
  const drawn = useMemo(() => layout(graph), [shape]);
  return (
    <figure class="graph">
      <svg
        viewBox={`0 0 ${Math.max(drawn.width, 1)} ${Math.max(drawn.height, 1)}`}
        width={drawn.width}
        height={drawn.height}
        aria-labelledby="graph-title"
      >
        <title id="graph-title">Task graph: {graph.nodes.length} tasks, each a link to its details</title>
        <defs>
          <marker id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto">
            <path d="M0,0 L8,4 L0,8 z" class="arrowhead" />
          </marker>
        </defs>
        <g class="edges">
          {drawn.edges.map((edge) => (
            <path
              key={`${edge.from}>${edge.to}`}
              d={pathOf(edge.points)}
              class={`edge edge-${edge.kind}`}
              marker-end="url(#arrow)"
            />
          ))}
        </g>
        {graph.nodes.map((node) => {
          const at = drawn.nodes.get(node.id);
          if (!at) return null;
          const current = status(node.id);
          const state = current?.status ?? 'none';
          return (
            <a
              key={node.id}
              href={href('pipeline', { task: node.id })}
              aria-label={describe(node.id, current)}
              aria-current={selected === node.id ? 'true' : undefined}
              class={`node node-${state}${selected === node.id ? ' selected' : ''}`}
              data-task={node.id}
              data-status={state}
            >
              <rect x={at.x - WIDTH / 2} y={at.y - HEIGHT / 2} width={WIDTH} height={HEIGHT} rx={6} />
              <text x={at.x - WIDTH / 2 + 10} y={at.y - 5} class="node-brief">
                {node.brief}
              </text>
              <text x={at.x - WIDTH / 2 + 10} y={at.y + 13} class="node-stage">
                {node.stage} · {state === 'none' ? 'not run' : state === 'success' ? 'ran' : state}
                {state === 'cached' ? ' ⚡' : ''}
              </text>
            </a>
          );
        })}
      </svg>
      <figcaption class="legend">
        Solid arrows: stage order. Dashed: a brief uses another. ⚡ served from the cache.
      </figcaption>
    </figure>
  );
}
