import { Stepper } from './engine/stepper';
import { buildGraph } from './graph/buildGraph';
import { expandComposites, type ExpandOption } from './graph/expandComposites';
import { withGroups } from './graph/groups';
import type { Binding, Graph, NameReference } from './graph/graph';
import type { Statement } from './language/ast';
import { parse } from './language/parser';
import { byStart, type Diagnostic } from './language/range';
import type { FileAccess } from './ops/constructorDef';
import { opByName } from './ops/registry';
import { sizeOf, type Tensor } from './tensor';

/** The default of `graphstep.maxTensorElements`. */
export const DEFAULT_MAX_TENSOR_ELEMENTS = 10_000_000;

export interface CheckOptions {
  readonly maxTensorElements?: number;
  /** Files for `load()`; without it every `load()` is an error. */
  readonly files?: FileAccess;
  /**
   * Run the forward and backward pass to find the first node making NaN or
   * ±Infinity (warnings). On by default.
   */
  readonly evaluate?: boolean;
  /**
   * Composite ops to open into their elementary ops: all, or those whose
   * node's `expandKey` is in the set. None by default.
   */
  readonly expand?: ExpandOption;
}

export interface CheckResult {
  /** The graph, or null when the file has an error. */
  readonly graph: Graph | null;
  /** Errors and warnings, sorted by position. */
  readonly diagnostics: readonly Diagnostic[];
  readonly statements: readonly Statement[];
  /** Every binding and name occurrence, also for a file with errors (for hovers, outline, rename). */
  readonly bindings: readonly Binding[];
  readonly references: readonly NameReference[];
}

const NO_FILES: FileAccess = { read: () => ({ ok: false, message: 'load: expected a file next to the .nn file, found no file access here' }) };

/**
 * Parses and checks `.nn` source: syntax, names, shapes, leaf values, and
 * (unless told not to) non-finite results. Never throws.
 */
export function checkSource(text: string, options: CheckOptions = {}): CheckResult {
  const parsed = parse(text);
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  const built = buildGraph(parsed.statements, {
    maxTensorElements: options.maxTensorElements ?? DEFAULT_MAX_TENSOR_ELEMENTS,
    files: options.files ?? NO_FILES,
  });
  diagnostics.push(...built.diagnostics);
  let graph = diagnostics.some((d) => d.severity === 'error') ? null : withGroups(built.graph, parsed.statements, text, built.calls);
  if (graph && options.expand) graph = expandComposites(graph, options.expand);
  if (graph && options.evaluate !== false) {
    const found = evaluationProblems(graph);
    diagnostics.push(...found);
    if (found.some((d) => d.severity === 'error')) graph = null;
  }
  diagnostics.sort(byStart);
  // an opened composite renumbers nodes: the bindings of the graph shown are the ones to read
  const bindings = graph?.bindings ?? built.graph.bindings;
  return { graph, diagnostics, statements: parsed.statements, bindings, references: built.graph.references };
}

/**
 * Runs the whole tape once: an error where an op's input values make no sense
 * (a class index out of range), and a warning at the first node whose value,
 * and the first whose gradient, is not finite.
 */
export function evaluationProblems(graph: Graph): Diagnostic[] {
  const steps = evaluationSteps(graph);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * `evaluationProblems` one step of the tape at a time, so a host can hand the
 * event loop back between steps and stop when the text changes.
 */
export function* evaluationSteps(graph: Graph): Generator<void, Diagnostic[]> {
  const stepper = new Stepper(graph);
  const warnings: Diagnostic[] = [];
  let valueWarned = false;
  let gradWarned = false;
  for (;;) {
    const upcoming = stepper.nodeAtStep(stepper.position + 1);
    if (upcoming === null) return warnings;
    const node = graph.nodes[upcoming]!;
    if (stepper.position < stepper.forwardSteps) {
      const problem = opByName(node.op)?.checkValues?.(node.inputs.map((i) => stepper.value(i)!), node.attrs) ?? null;
      if (problem) return [{ severity: 'error', range: node.range, message: problem }];
    }
    stepper.next();
    const what = node.name ? `'${node.name}'` : node.op;
    if (stepper.phase === 'forward' && !valueWarned) {
      const bad = firstNonFinite(stepper.value(node.id));
      if (bad !== null) {
        warnings.push({ severity: 'warning', range: node.range, message: `${what}: expected finite values, found ${bad} (first made here)` });
        valueWarned = true;
      }
    } else if (stepper.phase === 'backward' && !gradWarned) {
      for (const input of node.inputs) {
        const bad = firstNonFinite(stepper.grad(input));
        if (bad !== null) {
          warnings.push({ severity: 'warning', range: node.range, message: `${what}: expected finite gradients, found ${bad} in the backward pass (first made here)` });
          gradWarned = true;
          break;
        }
      }
    }
    yield;
  }
}

/**
 * Rough work of one pass over the tape, in multiply-adds: m·k·n for a matrix
 * product, the output's size for anything else. Lets a host decide what it
 * can afford to evaluate unasked.
 */
export function tapeCost(graph: Graph): number {
  let cost = 0;
  for (const node of graph.nodes) {
    if (node.kind !== 'op') continue;
    const out = sizeOf(node.shape);
    if (node.op === 'matmul' || node.op === 'affine') {
      const a = graph.nodes[node.inputs[0]!]!.shape;
      cost += out * (a.length === 0 ? 1 : a[a.length - 1]!);
    } else cost += Math.max(out, ...node.inputs.map((i) => sizeOf(graph.nodes[i]!.shape)));
  }
  return cost;
}

function firstNonFinite(t: Tensor | null): number | null {
  if (!t) return null;
  for (const x of t.data) if (!Number.isFinite(x)) return x;
  return null;
}
