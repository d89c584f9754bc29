import type { Graph } from '../graph/graph';
import { opByName } from '../ops/registry';
import { Tensor } from '../tensor';
import { Stepper } from './stepper';

/** Relative error above which a leaf fails the check. */
export const GRADCHECK_TOLERANCE = 1e-5;

export interface GradCheckOptions {
  /** Entries checked per leaf; larger leaves are sampled (deterministically). */
  readonly maxEntriesPerLeaf?: number;
  /** Step of the finite difference. */
  readonly step?: number;
}

/** The result for one input or param leaf. */
export interface LeafCheck {
  readonly id: number;
  readonly name: string;
  readonly checked: number;
  readonly size: number;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  readonly passed: boolean;
  /** The entry with the largest relative error: flat index, backprop and numerical values. */
  readonly worst: { readonly index: number; readonly analytic: number; readonly numeric: number } | null;
}

export interface GradCheckReport {
  readonly leaves: readonly LeafCheck[];
  readonly passed: boolean;
  /** Forward evaluations the numerical gradient needed. */
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
 * Compares backprop's gradient of every input and param with a numerical
 * one: the five-point central difference
 * (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h of f = sum(output), whose
 * error is O(h⁴): with h = 1e-5 truncation vanishes, rounding stays near
 * 1e-11 · |f|, and the probe crosses no kink (ReLU) more than 2e-5 away.
 * Relative error is |a − n| / max(|a|, |n|, 1e-10).
 */
export function* gradientCheckSteps(graph: Graph, now: () => number, options: GradCheckOptions = {}): Generator<GradCheckProgress, GradCheckReport> {
  const maxEntries = options.maxEntriesPerLeaf ?? 64;
  const h = options.step ?? 1e-5;
  if (graph.output === null) return { leaves: [], passed: true, evaluations: 0, numericMs: 0, backpropMs: 0 };

  // One forward and backward pass, timed step by step so a host can yield between steps.
  const stepper = new Stepper(graph);
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
  let evaluations = 0;
  let done = 0;
  const results: LeafCheck[] = [];
  const t1 = now();
  for (let l = 0; l < leaves.length; l++) {
    const leaf = leaves[l]!;
    const analytic = stepper.grad(leaf.id);
    const affected = descendants(graph, leaf.id);
    let maxAbs = 0;
    let maxRel = 0;
    let worst: LeafCheck['worst'] = null;
    for (const index of samples[l]!) {
      const f = (delta: number): number => {
        evaluations++;
        return outputSum(graph, base, affected, leaf.id, index, delta);
      };
      const numeric = (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h);
      const a = analytic ? analytic.data[index]! : 0;
      const abs = Math.abs(a - numeric);
      const rel = abs / Math.max(Math.abs(a), Math.abs(numeric), 1e-10);
      if (abs > maxAbs || Number.isNaN(abs)) maxAbs = abs;
      if (rel > maxRel || Number.isNaN(rel) || worst === null) {
        if (rel > maxRel || Number.isNaN(rel)) maxRel = rel;
        worst = { index, analytic: a, numeric };
      }
      done++;
      yield { done, total };
    }
    const passed = !(maxRel > GRADCHECK_TOLERANCE) && !Number.isNaN(maxRel);
    results.push({ id: leaf.id, name: leaf.name ?? `#${leaf.id}`, checked: samples[l]!.length, size: leaf.value!.size, maxAbsError: maxAbs, maxRelError: maxRel, passed, worst });
  }
  return { leaves: results, passed: results.every((r) => r.passed), evaluations, numericMs: now() - t1, backpropMs };
}

/** Runs the whole check at once. */
export function gradientCheck(graph: Graph, now: () => number, options: GradCheckOptions = {}): GradCheckReport {
  const steps = gradientCheckSteps(graph, now, options);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** sum(output) with one leaf entry moved by delta, recomputing only the nodes downstream of that leaf. */
function outputSum(graph: Graph, base: readonly Tensor[], affected: readonly number[], leafId: number, index: number, delta: number): number {
  const values = base.slice();
  const moved = new Float64Array(base[leafId]!.data);
  moved[index]! += delta;
  values[leafId] = new Tensor(base[leafId]!.shape, moved);
  for (const id of affected) {
    const node = graph.nodes[id]!;
    values[id] = opByName(node.op)!.forward(node.inputs.map((i) => values[i]!), node.attrs);
  }
  let sum = 0;
  for (const x of values[graph.output!]!.data) sum += x;
  return sum;
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
