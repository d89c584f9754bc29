import { TapeRun } from './engine/tapeRun';
import { GraphBuilder } from './graph/buildGraph';
import { expandComposites, type ExpandOption } from './graph/expandComposites';
import { withGroups } from './graph/groups';
import type { Binding, Graph, GraphNode, NameReference } from './graph/graph';
import { nodeSizes, tapeMemoryBytes, tapeMemoryProblem } from './graph/tapeMemory';
import { unusedBindingWarnings } from './graph/unusedBindings';
import { statementOutline, type StatementOutline } from './language/statementOutline';
import { parseEach } from './language/parser';
import { byStart, type Diagnostic } from './language/range';
import type { FileAccess } from './ops/constructorDef';
import { opByName } from './ops/registry';
import type { Tensor } from './tensor';
import type { TrainingPlan } from './train/trainingPlan';
import * as l10n from '@vscode/l10n';

export { tapeMemoryBytes } from './graph/tapeMemory';

/** The default of `graphstep.maxTensorElements`. */
export const DEFAULT_MAX_TENSOR_ELEMENTS = 10_000_000;

/** The default of `graphstep.maxMemoryMB`: bytes (in MiB) all tensors of one tape may hold. */
export const DEFAULT_MAX_MEMORY_MB = 2048;

export interface CheckOptions {
  readonly maxTensorElements?: number;
  /** Most MiB the tape's tensors may hold (values and gradients, from the shapes); default DEFAULT_MAX_MEMORY_MB. */
  readonly maxMemoryMB?: number;
  /** Files for `load()`; without it every `load()` is an error. */
  readonly files?: FileAccess;
  /**
   * Run the forward and backward pass to find the first node making NaN or
   * ±Infinity (warnings). On by default.
   */
  readonly evaluate?: boolean;
  /**
   * With `evaluate`, the most work (tapeCost, in multiply-adds) the check may
   * spend running the tape; a costlier tape is not run and the result says so
   * (`evaluationSkipped`). Unbounded when absent.
   */
  readonly maxEvaluationCost?: number;
  /**
   * With `evaluate`, keep the tape the check ran (`evaluated`), so a caller
   * that needs its values (`graphstep render`) does not run it again.
   */
  readonly keepEvaluation?: boolean;
  /**
   * Whether the graph gets its groups (blocks of source lines, calls of user
   * functions: what a drawing frames and collapses); on by default. A caller
   * that draws nothing (`graphstep check`) leaves them out.
   */
  readonly groups?: boolean;
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
  /** The statements, for the outline (the evaluation thread sends the host only their outlines). */
  readonly statements: readonly StatementOutline[];
  /** Every binding and name occurrence, also for a file with errors (for hovers, outline, rename). */
  readonly bindings: readonly Binding[];
  readonly references: readonly NameReference[];
  /** tapeCost of the graph (0 without one): what one pass over the tape costs, in multiply-adds. */
  readonly cost: number;
  /** tapeMemoryBytes of the graph (0 without one): the bytes the whole tape's tensors will hold. */
  readonly memoryBytes: number;
  /** True when `evaluate` was asked for but the tape cost more than `maxEvaluationCost`, so its values were not checked. */
  readonly evaluationSkipped: boolean;
  /**
   * The file's `train` statement resolved against `graph`, or null (no graph,
   * no train statement, or composites opened: the plan names the nodes of the
   * graph as written). Absent in a result made by hand.
   */
  readonly training?: TrainingPlan | null;
  /** With `keepEvaluation`: the tape the check ran, at its end, on the nodes of `graph` (null when it did not run it whole). */
  readonly evaluated?: TapeRun | null;
}

const NO_FILES: FileAccess = { read: () => ({ ok: false, message: l10n.t('load: expected a file next to the .nn file, found no file access here') }) };

/**
 * Parses and checks `.nn` source: syntax, names, shapes, leaf values, and
 * (unless told not to) non-finite results. Never throws.
 */
export function checkSource(text: string, options: CheckOptions = {}): CheckResult {
  const maxTensorElements = options.maxTensorElements ?? DEFAULT_MAX_TENSOR_ELEMENTS;
  const maxMemoryBytes = (options.maxMemoryMB ?? DEFAULT_MAX_MEMORY_MB) * 1048576;
  const builder = new GraphBuilder({ maxTensorElements, maxMemoryBytes, files: options.files ?? NO_FILES });
  // each statement is built as soon as it is parsed and only its outline kept: the expression trees die young
  const statements: StatementOutline[] = [];
  const diagnostics = parseEach(
    text,
    (statement) => {
      builder.add(statement);
      statements.push(statementOutline(statement));
    },
    maxTensorElements,
  );
  const built = builder.finish();
  for (const d of built.diagnostics) diagnostics.push(d);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  let graph = !ok ? null : options.groups === false ? withoutGroups(built.graph) : withGroups(built.graph, statements, text, built.calls, built.nodeStatements);
  if (graph) for (const d of unusedBindingWarnings(built.graph)) diagnostics.push(d);
  if (graph && options.expand) graph = expandComposites(graph, options.expand);
  const sizes = graph ? nodeSizes(graph) : null;
  const cost = graph ? tapeCost(graph, sizes!) : 0;
  const memory = graph ? tapeMemoryBytes(graph, sizes!) : null;
  const memoryBytes = memory?.total ?? 0;
  const overBudget = graph && memory ? tapeMemoryProblem(graph, memory, maxMemoryBytes) : null;
  if (overBudget) {
    diagnostics.push(overBudget);
    graph = null;
  }
  let evaluationSkipped = false;
  let evaluated: TapeRun | null = null;
  if (graph && options.evaluate !== false) {
    if (options.maxEvaluationCost !== undefined && cost > options.maxEvaluationCost) evaluationSkipped = true;
    else {
      const run = new TapeRun(graph);
      const found = evaluationProblems(graph, run);
      for (const d of found) diagnostics.push(d);
      if (found.some((d) => d.severity === 'error')) graph = null;
      else if (options.keepEvaluation) evaluated = run;
    }
  }
  diagnostics.sort(byStart);
  for (let i = 0; i < diagnostics.length; i++) diagnostics[i] = shortMessage(diagnostics[i]!);
  // an opened composite renumbers nodes: the bindings of the graph shown are the ones to read
  const bindings = graph?.bindings ?? built.graph.bindings;
  const plan = built.training;
  // the params in source order, found again in an opened graph (opening renumbers ops, never adds or drops a leaf)
  if (graph && plan) graph = { ...graph, training: { optimizer: plan.optimizer.name, hyper: plan.hyper, params: graph.nodes.filter((n) => n.kind === 'param').map((n) => n.id) } };
  const training = graph && !options.expand ? plan : null;
  return { graph, diagnostics, statements, bindings, references: built.graph.references, cost, memoryBytes, evaluationSkipped, training, ...(options.keepEvaluation ? { evaluated } : {}) };
}

/**
 * Runs the whole tape once: an error where an op's input values make no sense
 * (a class index out of range), and a warning at the first node whose value,
 * and the first whose gradient, is not finite.
 */
export function evaluationProblems(graph: Graph, run: TapeRun = new TapeRun(graph)): Diagnostic[] {
  // a plain loop over the same steps: a generator's resume per step showed at 100,000 steps
  const evaluation = new Evaluation(graph, run);
  for (;;) {
    const done = evaluation.step();
    if (done) return done;
  }
}

/**
 * `evaluationProblems` one step of the tape at a time, so a host can hand the
 * event loop back between steps and stop when the text changes.
 */
export function* evaluationSteps(graph: Graph): Generator<void, Diagnostic[]> {
  const evaluation = new Evaluation(graph, new TapeRun(graph));
  for (;;) {
    const done = evaluation.step();
    if (done) return done;
    yield;
  }
}

/** The run of `evaluationProblems`: one step at a time, the warnings found so far. */
class Evaluation {
  private readonly warnings: Diagnostic[] = [];
  private valueWarned = false;
  private gradWarned = false;

  constructor(
    private readonly graph: Graph,
    private readonly stepper: TapeRun,
  ) {}

  /** Runs the next step; the problems when the tape is done (or an error stops it), else null. */
  step(): Diagnostic[] | null {
    const stepper = this.stepper;
    const upcoming = stepper.nodeAtStep(stepper.position + 1);
    if (upcoming === null) return this.warnings;
    const node = this.graph.nodes[upcoming]!;
    if (stepper.position < stepper.forwardSteps) {
      const op = opByName(node.op);
      if (op?.checkValues) {
        const problem = op.checkValues(node.inputs.map((i) => stepper.value(i)!), node.attrs);
        if (problem) return [{ severity: 'error', range: node.range, message: problem }];
      }
    }
    stepper.next();
    if (this.valueWarned && this.gradWarned) return null;
    if (stepper.phase === 'forward' && !this.valueWarned) {
      const bad = firstNonFinite(stepper.value(node.id));
      if (bad !== null) {
        this.warnings.push({ severity: 'warning', range: node.range, message: l10n.t('{0}: expected finite values, found {1} (first made here)', nodeWhat(node), bad) });
        this.valueWarned = true;
      }
    } else if (stepper.phase === 'backward' && !this.gradWarned) {
      for (let k = 0; k < node.inputs.length; k++) {
        const bad = firstNonFinite(stepper.grad(node.inputs[k]!));
        if (bad !== null) {
          this.warnings.push({ severity: 'warning', range: node.range, message: l10n.t('{0}: expected finite gradients, found {1} in the backward pass (first made here)', nodeWhat(node), bad) });
          this.gradWarned = true;
          break;
        }
      }
    }
    return null;
  }
}

/** How a warning names a node: its variable, else its op. */
function nodeWhat(node: GraphNode): string {
  return node.name ? `'${node.name}'` : node.op;
}

/**
 * Rough work of one pass over the tape, in multiply-adds: m·k·n for a matrix
 * product, the output's size for anything else. Lets a host decide what it
 * can afford to evaluate unasked.
 */
export function tapeCost(graph: Graph, sizes: ArrayLike<number> = nodeSizes(graph)): number {
  let cost = 0;
  const nodes = graph.nodes;
  for (let id = 0; id < nodes.length; id++) {
    const node = nodes[id]!;
    if (node.kind !== 'op') continue;
    const out = sizes[id]!;
    if (node.op === 'matmul' || node.op === 'affine') {
      const a = graph.nodes[node.inputs[0]!]!.shape;
      cost += out * (a.length === 0 ? 1 : a[a.length - 1]!);
    } else {
      let most = out;
      const inputs = node.inputs;
      for (let k = 0; k < inputs.length; k++) most = Math.max(most, sizes[inputs[k]!]!);
      cost += most;
    }
  }
  return cost;
}

/** The builder's graph with every node at the top level (its nodes are fresh and this call's alone: changed in place). */
function withoutGroups(graph: Graph): Graph {
  const nodes = graph.nodes;
  // most nodes are at the top level already: a write to each of 200,000 nodes shows
  for (let i = 0; i < nodes.length; i++) if (nodes[i]!.group !== null) (nodes[i] as { group: number | null }).group = null;
  return { ...graph, groups: [] };
}

/** Longest message a diagnostic keeps: each quotes only excerpts, and this bounds what any could add up to. */
const MAX_MESSAGE = 400;

/** The diagnostic with its message cut in the middle when it is too long. */
function shortMessage(d: Diagnostic): Diagnostic {
  if (d.message.length <= MAX_MESSAGE) return d;
  return { ...d, message: `${d.message.slice(0, MAX_MESSAGE / 2)} … ${d.message.slice(-MAX_MESSAGE / 2 + 3)}` };
}

function firstNonFinite(t: Tensor | null): number | null {
  if (!t) return null;
  const data = t.data;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return data[i]!;
  return null;
}
