import { Stepper } from '../engine/stepper';
import type { Graph, GraphNode } from '../graph/graph';
import type { Tensor } from '../tensor';
import { formatShape } from '../tensorMath/shapes';
import type { EvaluationScope, Lookup } from './evaluate';
import * as l10n from '@vscode/l10n';

/** What the debugger reads at a position: the part of `Stepper` that only looks. */
export type TapeView = Pick<
  Stepper,
  | 'graph'
  | 'position'
  | 'total'
  | 'forwardSteps'
  | 'backwardSteps'
  | 'forwardPlan'
  | 'backwardPlan'
  | 'phase'
  | 'value'
  | 'grad'
  | 'edgeGrad'
  | 'contributions'
  | 'nodeAtStep'
  | 'positionOfNode'
  | 'describePosition'
>;

/** Something that stops listening when disposed. */
export interface Subscription {
  dispose(): void;
}

/**
 * The narrow surface the debug adapter drives: one program (a `.nn` file)
 * and one position on its tape. In VS Code it is the document's session, so
 * the debugger, the panel and the commands move the same position; in tests
 * it is a plain `Stepper`. Every call is asynchronous so the tape may live
 * elsewhere (a worker) without the adapter changing.
 */
export interface GraphRuntime {
  /** The file, for stack frames and breakpoints. */
  readonly path: string;
  /** The tape at the current position, or null while the file has errors and no graph. */
  view(): Promise<TapeView | null>;
  /** The first error of the file, or null: why there is no graph, or why it is the last good one. */
  problem(): Promise<string | null>;
  /**
   * Moves to a position (clamped to the tape). With `quiet`, whoever else
   * shows the position hears of it only at `announce()`, so a run of many
   * steps redraws once.
   */
  goTo(position: number, options?: { readonly quiet?: boolean }): Promise<void>;
  /** Tells everyone who shows the position that it changed. */
  announce(): void;
  /** Gives a leaf a new value and recomputes the tape up to the current position; a message when it cannot. */
  setLeafValue(nodeId: number, value: Tensor): Promise<string | null>;
  /** Opens (or closes) a composite op into its elementary ops; false where this runtime cannot. */
  setExpanded(key: string, expanded: boolean): Promise<boolean>;
  /** Called when someone other than `goTo` moved the position or the file was rebuilt. */
  onDidChange(listener: () => void): Subscription;
}

/** Checks the program again with these composite ops opened (their `expandKey`s); null when it no longer checks. */
export type GraphRebuilder = (expanded: ReadonlySet<string>) => Graph | null;

/**
 * A runtime over a bare stepper: the pure core alone (tests, scripts). With a
 * rebuilder it can also open composite ops.
 */
export class StepperRuntime implements GraphRuntime {
  private stepper: Stepper;
  private readonly listeners = new Set<() => void>();
  private readonly expanded = new Set<string>();

  constructor(
    readonly path: string,
    graph: Graph,
    private readonly rebuild?: GraphRebuilder,
  ) {
    this.stepper = new Stepper(graph);
  }

  async view(): Promise<TapeView | null> {
    return this.stepper;
  }

  async problem(): Promise<string | null> {
    return null;
  }

  async goTo(position: number): Promise<void> {
    this.stepper.goTo(position);
  }

  announce(): void {}

  async setLeafValue(nodeId: number, value: Tensor): Promise<string | null> {
    const replaced = withLeafValue(this.stepper.graph, nodeId, value);
    if (typeof replaced === 'string') return replaced;
    const position = this.stepper.position;
    this.stepper = new Stepper(replaced);
    this.stepper.goTo(position);
    return null;
  }

  /**
   * Opens or closes a composite op. The position keeps its meaning when the op
   * is the next to run: the steps before it are the same in the new graph, in
   * the forward pass and in the backward pass, so only the forward pass's
   * length moves the backward positions.
   */
  async setExpanded(key: string, expanded: boolean): Promise<boolean> {
    if (!this.rebuild || this.expanded.has(key) === expanded) return false;
    const next = new Set(this.expanded);
    if (expanded) next.add(key);
    else next.delete(key);
    const graph = this.rebuild(next);
    if (!graph) return false;
    const before = this.stepper;
    const after = new Stepper(graph);
    const p = before.position;
    after.goTo(p < before.forwardSteps ? p : p + after.forwardSteps - before.forwardSteps);
    this.stepper = after;
    this.expanded.clear();
    for (const k of next) this.expanded.add(k);
    return true;
  }

  /** Moves the position as another view would (the panel), telling listeners. */
  moveFromOutside(position: number): void {
    this.stepper.goTo(position);
    for (const l of this.listeners) l();
  }

  onDidChange(listener: () => void): Subscription {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

/** The graph with one leaf's value replaced (same shape), or why not. */
export function withLeafValue(graph: Graph, nodeId: number, value: Tensor): Graph | string {
  const node = graph.nodes[nodeId];
  if (!node || node.kind === 'op') return node ? l10n.t('expected a leaf (input, param or const), found an operation') : l10n.t('expected a leaf (input, param or const), found no node');
  if (value.shape.length !== node.shape.length || value.shape.some((d, i) => d !== node.shape[i])) {
    return l10n.t('{0}: expected a value of shape {1}, found {2}', node.name ?? node.kind, formatShape(node.shape), formatShape(value.shape));
  }
  const nodes: GraphNode[] = graph.nodes.slice();
  nodes[nodeId] = { ...node, value };
  return { ...graph, nodes };
}

/** The node a name means when evaluated at a position: its newest binding, as after the file has run. */
export function bindingNode(graph: Graph, name: string): number | null {
  for (let i = graph.bindings.length - 1; i >= 0; i--) {
    const b = graph.bindings[i]!;
    if (b.name === name && b.nodeId >= 0) return b.nodeId;
  }
  return null;
}

/** Names resolved to their values and gradients at the tape's position. */
export function tapeScope(tape: TapeView): EvaluationScope {
  const graph = tape.graph;
  const resolve = (name: string): number | Lookup => {
    const id = bindingNode(graph, name);
    return id === null ? { ok: false, message: l10n.t("expected a name of this file, found '{0}'", name) } : id;
  };
  return {
    value(name: string): Lookup {
      const id = resolve(name);
      if (typeof id !== 'number') return id;
      const v = tape.value(id);
      if (v) return { ok: true, tensor: v };
      const step = tape.forwardPlan.indexOf(id) + 1;
      return { ok: false, pending: true, message: l10n.t('{0} has no value yet: forward step {1} computes it (now {2})', name, step, tape.describePosition()) };
    },
    grad(name: string): Lookup {
      const id = resolve(name);
      if (typeof id !== 'number') return id;
      const node = graph.nodes[id]!;
      if (node.kind === 'const') return { ok: false, message: l10n.t('grad({0}): {0} is a const and takes no gradient', name) };
      const g = tape.grad(id);
      if (g) return { ok: true, tensor: g };
      if (tape.contributions(id).expected === 0) return { ok: false, message: l10n.t('grad({0}): the output does not depend on {0}', name) };
      return { ok: false, pending: true, message: l10n.t('grad({0}): no gradient has arrived yet (now {1})', name, tape.describePosition()) };
    },
  };
}
