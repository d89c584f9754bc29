import dagre from '@dagrejs/dagre';
import type { LayoutEngineInput, LayoutEngineResult, Point } from './layoutEngine';

const MARGIN = 16;

/** Layout by dagre (network-simplex ranking, the nicest pictures at textbook sizes). */
export function dagreLayout(input: LayoutEngineInput): LayoutEngineResult {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', ranksep: 16, nodesep: 18, edgesep: 12, marginx: MARGIN, marginy: MARGIN });
  input.nodes.forEach((size, i) => g.setNode(String(i), { width: size.width, height: size.height }));
  input.edges.forEach((e, i) => {
    const label = e.label ? { width: e.label.width, height: e.label.height, labelpos: 'c' as const } : {};
    g.setEdge(String(e.from), String(e.to), label, String(i));
  });
  dagre.layout(g);
  const graph = g.graph();
  return {
    width: graph.width ?? 0,
    height: graph.height ?? 0,
    nodes: input.nodes.map((_, i) => {
      const n = g.node(String(i));
      return { x: n.x, y: n.y };
    }),
    edges: input.edges.map((e, i) => {
      const edge = g.edge({ v: String(e.from), w: String(e.to), name: String(i) });
      const points: readonly Point[] = edge.points ?? [];
      const hasLabel = e.label !== undefined && typeof edge.x === 'number' && typeof edge.y === 'number';
      // dagre's first and last points lie on the node boxes; the caller clips to the real shapes.
      return { points: points.slice(1, -1).map((p) => ({ x: p.x, y: p.y })), label: hasLabel ? { x: edge.x!, y: edge.y! } : null };
    }),
  };
}
