/**
 * What a layout engine (dagre, or GraphStep's own layered layout) is given
 * and returns: boxes and edges in, centres and bend points out. Which shapes
 * the boxes are and what the edges carry is the caller's business.
 */

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** Room for an edge's label; the edge passes it at `line` from its centre across (default 0: through the middle). */
export interface LabelBox extends Size {
  readonly line?: number;
}

export interface LayoutEngineInput {
  /** Boxes in topological order. */
  readonly nodes: readonly Size[];
  /** Edges from an earlier node to a later one; `label` reserves room for text on the edge. */
  readonly edges: readonly { readonly from: number; readonly to: number; readonly label?: LabelBox }[];
}

export interface LayoutEngineResult {
  readonly width: number;
  readonly height: number;
  /** Centre of each node. */
  readonly nodes: readonly Point[];
  /** For each edge: its bend points between the two nodes, and the centre of its label's box. */
  readonly edges: readonly { readonly points: readonly Point[]; readonly label: Point | null }[];
}

export type LayoutEngine = (input: LayoutEngineInput) => LayoutEngineResult;

/** Every edge as the polyline from its source's centre through its bend points to its target's centre. */
export function edgePolylines(input: LayoutEngineInput, result: LayoutEngineResult): Point[][] {
  return input.edges.map((e, i) => [result.nodes[e.from]!, ...result.edges[i]!.points, result.nodes[e.to]!]);
}
