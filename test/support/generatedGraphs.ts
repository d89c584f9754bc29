/**
 * Computational graphs of any size for layout tests and benchmarks, in four
 * shapes: `skip` (the layout notes' hard case, a chain with skips: each op
 * takes 1–2 inputs, 85% from the previous 5 values and 15% from the previous
 * 50), `chain` (what most `.nn` files look like: each op takes the previous
 * result and a leaf), `random` (a random DAG: each op's inputs drawn
 * uniformly from every earlier value) and `mlp` (a two-layer net written out
 * in scalars, micrograd style: every weight a leaf, every neuron a sum of
 * products, fully connected layers).
 * They come as `.nn` source, so benchmarks run the real checker and stepper,
 * and as a `DrawableGraph` for the pure layout tests.
 */
import type { DrawableGraph, DrawableNode } from '../../src/core/render/drawableGraph';

export type GraphShape = 'skip' | 'chain' | 'random' | 'mlp';

interface Statement {
  readonly name: string;
  readonly kind: 'input' | 'param' | 'op';
  /** For leaves, the value; for ops, the op's canonical name. */
  readonly op: string;
  readonly symbol: string;
  readonly inputs: readonly number[];
  readonly value?: number;
}

function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const UNARY = [
  { op: 'tanh', symbol: 'tanh' },
  { op: 'sigmoid', symbol: 'σ' },
  { op: 'relu', symbol: 'ReLU' },
];
const BINARY = [
  { op: 'add', symbol: '+', operator: '+' },
  { op: 'mul', symbol: '×', operator: '*' },
  { op: 'sub', symbol: '−', operator: '-' },
];

function statements(nodes: number, shape: GraphShape, seed: number): Statement[] {
  const r = random(seed);
  const out: Statement[] = [];
  const leaf = (kind: 'input' | 'param'): number => {
    out.push({ name: `${kind === 'input' ? 'x' : 'p'}${out.length}`, kind, op: kind, symbol: '', inputs: [], value: Number((0.1 + r()).toFixed(3)) });
    return out.length - 1;
  };
  leaf('input');
  leaf('input');
  // Values nothing uses yet: picked first, and summed into the output at the end, so every node reaches the output.
  const unused = new Set<number>([0, 1]);
  const pick = (): number => {
    const i = Math.max(0, out.length - (r() < 0.85 ? 1 + Math.floor(r() * 5) : 1 + Math.floor(r() * 50)));
    const oldest = unused.values().next().value;
    const chosen = oldest !== undefined && oldest >= out.length - 50 && r() < 0.5 ? oldest : i;
    unused.delete(chosen);
    return chosen;
  };
  const push = (s: Statement): void => {
    for (const i of s.inputs) unused.delete(i);
    unused.add(out.length);
    out.push(s);
  };
  if (shape === 'mlp') return mlp(nodes, out, r);
  while (out.length < nodes) {
    if (shape === 'random') {
      const any = (): number => Math.floor(r() * out.length);
      if (r() < 0.3) push({ name: `v${out.length}`, kind: 'op', ...UNARY[Math.floor(r() * UNARY.length)]!, inputs: [any()] });
      else push({ name: `v${out.length}`, kind: 'op', ...BINARY[Math.floor(r() * BINARY.length)]!, inputs: [any(), any()] });
    } else if (shape === 'chain') {
      if (out.length + 2 > nodes) break;
      const prev = out.length - 1;
      const i = out.length;
      if (i % 3 === 0) push({ name: `v${i}`, kind: 'op', ...UNARY[0]!, inputs: [prev] });
      else {
        const p = leaf('param');
        push({ name: `v${out.length}`, kind: 'op', ...BINARY[i % 2]!, inputs: [prev, p] });
      }
    } else if (r() < 0.3) {
      push({ name: `v${out.length}`, kind: 'op', ...UNARY[Math.floor(r() * UNARY.length)]!, inputs: [pick()] });
    } else {
      const a = r() < 0.1 && out.length + 2 <= nodes ? leaf('param') : pick();
      unused.delete(a);
      push({ name: `v${out.length}`, kind: 'op', ...BINARY[Math.floor(r() * BINARY.length)]!, inputs: [a, pick()] });
    }
  }
  if (shape === 'skip' || shape === 'random') {
    // Sum what nothing used into the last value (a few extra nodes).
    const last = out.length - 1;
    for (const i of [...unused].filter((i) => i !== last && out[i]!.kind === 'op')) push({ name: `v${out.length}`, kind: 'op', ...BINARY[0]!, inputs: [out.length - 1, i] });
  }
  return out;
}

/**
 * Ten inputs, a hidden layer of ReLU neurons (as many as make about `nodes`
 * nodes), five tanh outputs, and the sum of their squares as the loss.
 */
function mlp(nodes: number, out: Statement[], r: () => number): Statement[] {
  const leaf = (kind: 'input' | 'param'): number => {
    out.push({ name: `${kind === 'input' ? 'x' : 'p'}${out.length}`, kind, op: kind, symbol: '', inputs: [], value: Number((r() - 0.5).toFixed(3)) });
    return out.length - 1;
  };
  const op = (o: { op: string; symbol: string }, inputs: number[]): number => {
    out.push({ name: `v${out.length}`, kind: 'op', ...o, inputs });
    return out.length - 1;
  };
  const [add, mul] = [BINARY[0]!, BINARY[1]!];
  const neuron = (inputs: readonly number[], activation: { op: string; symbol: string }): number => {
    let sum = -1;
    for (const x of inputs) {
      const product = op(mul, [leaf('param'), x]);
      sum = sum < 0 ? product : op(add, [sum, product]);
    }
    return op(activation, [op(add, [sum, leaf('param')])]);
  };
  out.length = 0;
  const inputs = Array.from({ length: 10 }, () => leaf('input'));
  const hidden = Math.max(1, Math.round((nodes - 30) / 47));
  const h = Array.from({ length: hidden }, () => neuron(inputs, UNARY[2]!));
  const y = Array.from({ length: 5 }, () => neuron(h, UNARY[0]!));
  let loss = -1;
  for (const v of y) {
    const square = op(mul, [v, v]);
    loss = loss < 0 ? square : op(add, [loss, square]);
  }
  return out;
}

/** A `.nn` file with about `nodes` graph nodes (leaves included); the last value is the output. */
export function generatedSource(nodes: number, shape: GraphShape, seed = 1): string {
  const lines = [`# generated: ${shape}, ${nodes} nodes`];
  for (const s of statements(nodes, shape, seed)) {
    const name = (i: number): string => `n${i}`;
    if (s.kind !== 'op') lines.push(`${s.kind} ${s.name.replace(/^[xp]/, 'n')} = ${s.value}`);
    else if (s.inputs.length === 1) lines.push(`${s.name.replace(/^v/, 'n')} = ${s.op}(${name(s.inputs[0]!)})`);
    else lines.push(`${s.name.replace(/^v/, 'n')} = ${name(s.inputs[0]!)} ${BINARY.find((b) => b.op === s.op)!.operator} ${name(s.inputs[1]!)}`);
  }
  return lines.join('\n') + '\n';
}

/** The same graph as `generatedSource` makes, without the checker: for tests of the pure layout. */
export function generatedDrawable(nodes: number, shape: GraphShape, seed = 1): DrawableGraph {
  const list = statements(nodes, shape, seed);
  const drawable = list.map((s, id): DrawableNode => ({ id, name: `n${id}`, kind: s.kind, op: s.op, label: s.kind === 'op' ? s.symbol : `n${id}`, inputs: s.inputs, shape: [] }));
  return { nodes: drawable, output: drawable.length - 1, outputName: `n${drawable.length - 1}` };
}
