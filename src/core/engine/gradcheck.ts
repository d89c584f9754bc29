import type { Graph, GraphNode } from '../graph/graph';
import type { OpDef } from '../ops/opDef';
import { intOrNoneAttr } from '../ops/opHelpers';
import { opByName } from '../ops/registry';
import { Tensor } from '../tensor';
import { ProductMemo, broadcastIndex, normalizeAxis } from '../tensorMath';
import { resultArray } from '../tensorMath/allocate';
import { Stepper } from './stepper';

/** Default absolute tolerance of the pass rule |numerical − backprop| ≤ atol + rtol·|numerical|. */
export const GRADCHECK_ATOL = 1e-8;
/** Default relative tolerance of the pass rule. */
export const GRADCHECK_RTOL = 1e-5;
/** The pass rule as the reports state it. */
export const GRADCHECK_RULE = '|numerical − backprop| ≤ atol + rtol·|numerical|';
/** How many failing entries (and skipped kinks) a leaf's report lists. */
const LISTED_ENTRIES = 10;

export interface GradCheckOptions {
  /** Entries checked per leaf; larger leaves are sampled (deterministically). */
  readonly maxEntriesPerLeaf?: number;
  /** Step h of the finite difference. */
  readonly step?: number;
  readonly atol?: number;
  readonly rtol?: number;
  /** Looks up each node's op: the registry's by default; a test can pass ops with a wrong backward. */
  readonly ops?: (name: string) => OpDef | undefined;
}

/** One compared entry: its flat index, backprop's and the numerical value, and the errors. */
export interface EntryCheck {
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
  readonly absError: number;
  /** |a − n| / max(|a|, |n|, 1e-10), shown for reading; the pass rule is the atol/rtol one. */
  readonly relError: number;
}

/**
 * The result for one input or param leaf. `pass`: every compared entry meets
 * the rule; `fail`: at least one does not; `kinks only`: every sampled entry's
 * probe crossed a non-differentiable point, so nothing could be compared.
 */
export type LeafStatus = 'pass' | 'fail' | 'kinks only';

export interface LeafCheck {
  /** The leaf's node id. */
  readonly id: number;
  readonly name: string;
  readonly status: LeafStatus;
  /** status !== 'fail'. */
  readonly passed: boolean;
  /** Entries compared (sampled and not skipped). */
  readonly checked: number;
  /** Sampled entries skipped because a probe x ± h, x ± 2h crossed a kink (relu or abs at 0, a change of argmax in max). */
  readonly skippedKinks: number;
  /** Number of entries of the leaf. */
  readonly size: number;
  /** Over the compared entries (0 when none). */
  readonly maxAbsError: number;
  readonly maxRelError: number;
  /** The compared entry with the largest relative error. */
  readonly worst: { readonly index: number; readonly analytic: number; readonly numeric: number } | null;
  /** Entries that break the rule, worst first (at most 10). */
  readonly failing: readonly EntryCheck[];
  /** Flat indices of the entries skipped as kinks (at most 10). */
  readonly kinks: readonly number[];
}

/**
 * A whole check. `failingLeaves` lists the node ids of the leaves that fail
 * (what a view marks); `atol`, `rtol` and `rule` say what passing means.
 */
export interface GradCheckReport {
  readonly leaves: readonly LeafCheck[];
  readonly passed: boolean;
  readonly failingLeaves: readonly number[];
  readonly atol: number;
  readonly rtol: number;
  readonly rule: string;
  /** Step h of the five-point difference. */
  readonly step: number;
  /** Forward evaluations the numerical gradient needed (each recomputes only the nodes downstream of the moved leaf). */
  readonly evaluations: number;
  readonly numericMs: number;
  /** One forward and backward pass, for comparison. */
  readonly backpropMs: number;
}

/** Progress of a running check: yielded between entries so a host can show progress and cancel. */
export interface GradCheckProgress {
  readonly done: number;
  readonly total: number;
}

/**
 * Ops with points where they are not differentiable, each with the test that
 * a probe crossed one between the unperturbed values (`before`, the node's
 * input and output) and perturbed ones (`after`): for relu and abs the sign of
 * the input changed (or left or reached 0) somewhere; for max which elements
 * equal their maximum (the argmax, ties included) changed. Smooth ops
 * (softmax's max is only a shift) are not listed.
 */
type KinkTest = (node: GraphNode, before: { x: Tensor; y: Tensor }, after: { x: Tensor; y: Tensor }) => boolean;
const KINK_TESTS: Readonly<Record<string, KinkTest>> = {
  relu: (_n, before, after) => signChanged(before.x.data, after.x.data),
  abs: (_n, before, after) => signChanged(before.x.data, after.x.data),
  max: (node, before, after) => argmaxChanged(node, before, after),
};

/**
 * Compares backprop's gradient of every input and param with a numerical
 * one: the five-point central difference
 * (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h of f = sum(output), whose
 * truncation error is O(h⁴). An entry whose probes move the input of a relu
 * or abs across 0 is reported as a kink and skipped: there the difference
 * quotient straddles two slopes and says nothing about the gradient. The
 * others pass when |numerical − backprop| ≤ atol + rtol·|numerical|, as in
 * PyTorch's gradcheck.
 */
export function* gradientCheckSteps(graph: Graph, now: () => number, options: GradCheckOptions = {}): Generator<GradCheckProgress, GradCheckReport> {
  const maxEntries = options.maxEntriesPerLeaf ?? 64;
  const h = options.step ?? 1e-5;
  const atol = options.atol ?? GRADCHECK_ATOL;
  const rtol = options.rtol ?? GRADCHECK_RTOL;
  const lookup = options.ops ?? opByName;
  const empty = { leaves: [], passed: true, failingLeaves: [], atol, rtol, rule: GRADCHECK_RULE, step: h, evaluations: 0, numericMs: 0, backpropMs: 0 };
  if (graph.output === null) return empty;

  // One forward and backward pass, timed step by step so a host can yield between steps.
  const stepper = new Stepper(graph, lookup);
  let backpropMs = 0;
  for (;;) {
    const t0 = now();
    const moved = stepper.next();
    backpropMs += now() - t0;
    if (!moved) break;
    yield { done: 0, total: 0 };
  }

  const leaves = graph.nodes.filter((n) => n.kind === 'input' || n.kind === 'param');
  const samples = leaves.map((leaf) => sampleIndices(leaf.value!.size, maxEntries, leaf.id));
  const total = samples.reduce((n, s) => n + s.length, 0);
  const base: Tensor[] = graph.nodes.map((n) => stepper.value(n.id)!);
  const ops = graph.nodes.map((n) => (n.kind === 'op' ? lookup(n.op)! : null));
  // the probes share products: those whose operands no probe moves, and the rest but for a row or a column
  const memo = new ProductMemo();
  for (const t of base) if (t) memo.trust(t.data);
  let evaluations = 0;
  let done = 0;
  const results: LeafCheck[] = [];
  const t1 = now();
  for (let l = 0; l < leaves.length; l++) {
    const leaf = leaves[l]!;
    const analytic = stepper.grad(leaf.id);
    const affected = descendants(graph, leaf.id);
    const kinked = affected.filter((id) => graph.nodes[id]!.op in KINK_TESTS);
    let maxAbs = 0;
    let maxRel = 0;
    let worst: LeafCheck['worst'] = null;
    const failing: EntryCheck[] = [];
    const kinks: number[] = [];
    let skipped = 0;
    for (const index of samples[l]!) {
      let crossed = false;
      const f = (delta: number): number => {
        evaluations++;
        const r = memo.use(() => evaluate(graph, ops, base, affected, kinked, leaf.id, index, delta, memo));
        crossed ||= r.crossedKink;
        return r.sum;
      };
      const numeric = (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h);
      done++;
      if (crossed) {
        skipped++;
        if (kinks.length < LISTED_ENTRIES) kinks.push(index);
        yield { done, total };
        continue;
      }
      const a = analytic ? analytic.data[index]! : 0;
      const abs = Math.abs(a - numeric);
      const rel = abs / Math.max(Math.abs(a), Math.abs(numeric), 1e-10);
      if (abs > maxAbs || Number.isNaN(abs)) maxAbs = abs;
      if (rel > maxRel || Number.isNaN(rel) || worst === null) {
        if (rel > maxRel || Number.isNaN(rel)) maxRel = rel;
        worst = { index, analytic: a, numeric };
      }
      if (!(abs <= atol + rtol * Math.abs(numeric))) failing.push({ index, analytic: a, numeric, absError: abs, relError: rel });
      yield { done, total };
    }
    failing.sort((x, y) => (Number.isNaN(y.absError) ? 1 : 0) - (Number.isNaN(x.absError) ? 1 : 0) || y.absError - x.absError);
    const checked = samples[l]!.length - skipped;
    const status: LeafStatus = failing.length > 0 ? 'fail' : checked === 0 && skipped > 0 ? 'kinks only' : 'pass';
    results.push({
      id: leaf.id,
      name: leaf.name ?? `#${leaf.id}`,
      status,
      passed: status !== 'fail',
      checked,
      skippedKinks: skipped,
      size: leaf.value!.size,
      maxAbsError: maxAbs,
      maxRelError: maxRel,
      worst,
      failing: failing.slice(0, LISTED_ENTRIES),
      kinks,
    });
  }
  const failingLeaves = results.filter((r) => !r.passed).map((r) => r.id);
  return { ...empty, leaves: results, passed: failingLeaves.length === 0, failingLeaves, evaluations, numericMs: now() - t1, backpropMs };
}

/** Runs the whole check at once. */
export function gradientCheck(graph: Graph, now: () => number, options: GradCheckOptions = {}): GradCheckReport {
  const steps = gradientCheckSteps(graph, now, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * sum(output) with one leaf entry moved by delta, recomputing only the nodes
 * downstream of that leaf, and whether the input of a kinked op changed sign
 * anywhere against the unperturbed values.
 */
function evaluate(
  graph: Graph,
  ops: readonly (OpDef | null)[],
  base: readonly Tensor[],
  affected: readonly number[],
  kinked: readonly number[],
  leafId: number,
  index: number,
  delta: number,
  memo: ProductMemo,
): { sum: number; crossedKink: boolean } {
  const values = base.slice();
  const moved = resultArray(base[leafId]!.size);
  moved.set(base[leafId]!.data);
  moved[index]! += delta;
  memo.derive(moved, base[leafId]!.data, index);
  values[leafId] = new Tensor(base[leafId]!.shape, moved);
  for (const id of affected) {
    const node = graph.nodes[id]!;
    values[id] = ops[id]!.forward(node.inputs.map((i) => values[i]!), node.attrs);
  }
  let crossedKink = false;
  for (const id of kinked) {
    const node = graph.nodes[id]!;
    const input = node.inputs[0]!;
    if (KINK_TESTS[node.op]!(node, { x: base[input]!, y: base[id]! }, { x: values[input]!, y: values[id]! })) {
      crossedKink = true;
      break;
    }
  }
  let sum = 0;
  for (const x of values[graph.output!]!.data) sum += x;
  return { sum, crossedKink };
}

function signChanged(before: Float64Array, after: Float64Array): boolean {
  if (before === after) return false;
  for (let i = 0; i < before.length; i++) {
    const x = before[i]!;
    const y = after[i]!;
    if (x > 0 ? !(y > 0) : x < 0 ? !(y < 0) : y !== 0 && x === x) return true;
  }
  return false;
}

function argmaxChanged(node: GraphNode, before: { x: Tensor; y: Tensor }, after: { x: Tensor; y: Tensor }): boolean {
  const shape = before.x.shape;
  const axis = intOrNoneAttr(node.attrs, 'axis');
  const a = axis === null ? null : normalizeAxis(axis, shape.length);
  const kept = shape.map((d, i) => (a === null || i === a ? 1 : d));
  const into = broadcastIndex(kept, shape);
  for (let i = 0; i < into.length; i++) {
    if ((before.x.data[i] === before.y.data[into[i]!]) !== (after.x.data[i] === after.y.data[into[i]!])) return true;
  }
  return false;
}

/** Op nodes that depend on `id`, in topological order. */
function descendants(graph: Graph, id: number): number[] {
  const marked = new Array<boolean>(graph.nodes.length).fill(false);
  marked[id] = true;
  const out: number[] = [];
  for (const node of graph.nodes) {
    if (node.kind === 'op' && node.inputs.some((i) => marked[i])) {
      marked[node.id] = true;
      out.push(node.id);
    }
  }
  return out;
}

/** All indices when there are few; otherwise `count` distinct indices from a seeded generator, sorted. */
function sampleIndices(size: number, count: number, seed: number): number[] {
  if (size <= count) return Array.from({ length: size }, (_, i) => i);
  const chosen = new Set<number>();
  let state = (seed * 2654435761 + 1) >>> 0;
  while (chosen.size < count) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    chosen.add(state % size);
  }
  return [...chosen].sort((a, b) => a - b);
}
