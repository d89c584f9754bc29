import type { OpAttrs } from '../ops/opDef';
import { opByName } from '../ops/registry';
import { Tensor, type Shape } from '../tensor';
import { copyNode, type Graph, type GraphGroup, type GraphNode } from './graph';

/*
 * Opening composite ops: each opened affine, softmax, cross_entropy,
 * softmax_with_loss, mse or sigmoid node is replaced, in place in the
 * topological order, by the elementary ops it is made of, tagged with a
 * `composite` group whose key is the node's expandKey. The last elementary
 * node takes the composite's name, its bindings and (if it was) the output.
 *
 * The forward arithmetic of each recipe is the composite's own, operation for
 * operation, so values are bit-identical. Backward passes through the
 * elementary ops' local derivatives instead of the composite's closed form,
 * so gradients agree to rounding (softmax_with_loss: also the 1e-7 inside the
 * log, which the closed form (y − t)/batch leaves out).
 */

/** Composite ops that can be opened, and the label their group is drawn with. */
const COMPOSITE_LABELS: ReadonlyMap<string, string> = new Map([
  ['affine', 'Affine'],
  ['softmax', 'Softmax'],
  ['cross_entropy', 'CrossEntropy'],
  ['softmax_with_loss', 'SoftmaxWithLoss'],
  ['mse', 'MSE'],
  ['sigmoid', 'Sigmoid'],
]);

/** Which composite ops to open: all of them, or those with these expand keys. */
export type ExpandOption = 'all' | ReadonlySet<string>;

/** Whether nodes of this op can be opened into elementary ops. */
export function isComposite(op: string): boolean {
  return COMPOSITE_LABELS.has(op);
}

/** The textbook's δ in log(y + 1e-7). */
const DELTA = 1e-7;
const NO_ATTRS: OpAttrs = Object.freeze({});
const NO_INPUTS: readonly number[] = Object.freeze([]);
const LAST_AXIS_KEPT: OpAttrs = Object.freeze({ axis: -1, keepdims: true });
const ALL_AXES: OpAttrs = Object.freeze({ axis: null, keepdims: false });

/** Builds the elementary nodes of one opened composite. */
class Recipe {
  constructor(
    private readonly nodes: GraphNode[],
    private readonly composite: GraphNode,
    private readonly group: number,
  ) {}

  op(op: string, inputs: readonly number[], attrs: OpAttrs = NO_ATTRS): number {
    const def = opByName(op)!;
    const shape = def.shape(inputs.map((i) => this.nodes[i]!.shape), attrs);
    if (!shape.ok) throw new RangeError(`expanding ${this.composite.op}: ${shape.message}`);
    return this.push('op', op, inputs, attrs, shape.shape, undefined);
  }

  constant(value: number): number {
    return this.push('const', 'const', NO_INPUTS, NO_ATTRS, [], Tensor.scalar(value));
  }

  private push(kind: GraphNode['kind'], op: string, inputs: readonly number[], attrs: OpAttrs, shape: Shape, value: Tensor | undefined): number {
    const c = this.composite;
    const id = this.nodes.length;
    this.nodes.push({ id, name: null, kind, op, inputs, attrs, shape, range: c.range, statementRange: c.statementRange, value, group: this.group, expandKey: undefined });
    return id;
  }

  shapeOf(id: number): Shape {
    return this.nodes[id]!.shape;
  }
}

/** Appends the elementary ops of `node` (inputs already remapped); returns the id of the last one. */
function expandInto(r: Recipe, op: string, inputs: readonly number[]): number {
  switch (op) {
    case 'affine': {
      const [x, w, b] = inputs as [number, number, number];
      return r.op('add', [r.op('matmul', [x, w]), b]);
    }
    case 'sigmoid': {
      // 1 / (1 + exp(−x)), as the composite computes it
      const [x] = inputs as [number];
      const e = r.op('exp', [r.op('neg', [x])]);
      const u = r.op('add', [r.constant(1), e]);
      return r.op('div', [r.constant(1), u]);
    }
    case 'softmax':
      return softmax(r, inputs[0]!);
    case 'cross_entropy':
      return crossEntropy(r, inputs[0]!, inputs[1]!);
    case 'softmax_with_loss':
      return crossEntropy(r, softmax(r, inputs[0]!), inputs[1]!);
    case 'mse': {
      const [y, t] = inputs as [number, number];
      return r.op('mean', [r.op('pow', [r.op('sub', [y, t]), r.constant(2)])], ALL_AXES);
    }
    default:
      throw new RangeError(`expanding: ${op} is not a composite op`);
  }
}

/** exp(x − max(x)) / sum(exp(x − max(x))) along the last axis. */
function softmax(r: Recipe, x: number): number {
  const e = r.op('exp', [r.op('sub', [x, r.op('max', [x], LAST_AXIS_KEPT)])]);
  return r.op('div', [e, r.op('sum', [e], LAST_AXIS_KEPT)]);
}

/** −sum(t · log(y + 1e-7)) / batch, or with class indices −sum(log(y[arange(batch), t] + 1e-7)) / batch. */
function crossEntropy(r: Recipe, y: number, t: number): number {
  const ys = r.shapeOf(y);
  const ts = r.shapeOf(t);
  const oneHot = ys.length === ts.length && ys.every((d, i) => d === ts[i]);
  const batch = ys.length === 2 ? ys[0]! : 1;
  const logs = oneHot ? r.op('log', [r.op('add', [y, r.constant(DELTA)])]) : r.op('log', [r.op('add', [r.op('pick', [y, t]), r.constant(DELTA)])]);
  const terms = oneHot ? r.op('mul', [t, logs]) : logs;
  return r.op('div', [r.op('neg', [r.op('sum', [terms], ALL_AXES)]), r.constant(batch)]);
}

/**
 * The graph with the chosen composite ops opened (see above). Nodes keep
 * topological order; ids, bindings and the output are renumbered. A graph
 * with nothing to open is returned as it is.
 */
export function expandComposites(graph: Graph, expand: ExpandOption): Graph {
  const opens = (n: GraphNode): boolean => n.kind === 'op' && n.expandKey !== undefined && isComposite(n.op) && (expand === 'all' || expand.has(n.expandKey));
  if (!graph.nodes.some(opens)) return graph;
  const nodes: GraphNode[] = [];
  const groups: GraphGroup[] = [...graph.groups];
  const newId = new Array<number>(graph.nodes.length);
  for (const node of graph.nodes) {
    const inputs = node.inputs.map((i) => newId[i]!);
    if (!opens(node)) {
      newId[node.id] = nodes.length;
      nodes.push(copyNode(node, nodes.length, inputs.length === 0 ? node.inputs : inputs, node.name, node.group, node.expandKey));
      continue;
    }
    const group = groups.length;
    groups.push({ id: group, key: node.expandKey!, kind: 'composite', label: COMPOSITE_LABELS.get(node.op)!, parent: node.group, range: node.range });
    const last = expandInto(new Recipe(nodes, node, group), node.op, inputs);
    const end = nodes[last]!;
    nodes[last] = copyNode(end, end.id, end.inputs, node.name, end.group, undefined);
    newId[node.id] = last;
  }
  const remap = <T extends { readonly nodeId: number }>(b: T): T => (b.nodeId < 0 ? b : { ...b, nodeId: newId[b.nodeId]! });
  return {
    nodes,
    output: graph.output === null ? null : newId[graph.output]!,
    bindings: graph.bindings.map(remap),
    references: graph.references,
    groups,
  };
}
