/**
 * What a position on the tape looks like: every label the drawing shows, in
 * plain JSON. The host computes it from the stepper and sends it to the
 * webview; `renderSvg` draws from it. One function makes the labels, so the
 * panel, the export and `graphstep render` show the same text.
 */
import type { Graph } from '../graph/graph';
import type { Tensor } from '../tensor';
import { exactLabel, shortLabel } from './labelText';
import type { Phase } from '../engine/stepper';

/** A number or tensor as drawn (`short`) and in full (`exact`, for tooltips). */
export interface ValueLabel {
  readonly short: string;
  readonly exact: string;
}

export interface NodeState {
  readonly value: ValueLabel | null;
  /** The gradient accumulated so far. */
  readonly grad: ValueLabel | null;
  readonly arrived: number;
  readonly expected: number;
}

export type { Phase };

export interface DrawingState {
  readonly position: number;
  readonly total: number;
  readonly forwardSteps: number;
  readonly phase: Phase;
  /** The node run by the step that reached this position. */
  readonly currentNode: number | null;
  /** "forward 3/4". */
  readonly description: string;
  /** By graph node id. */
  readonly nodes: readonly NodeState[];
  /** The gradient that flowed along each arrow, by consumer id and argument index. */
  readonly edgeGrads: readonly (readonly (ValueLabel | null)[])[];
}

/** The part of a tape (`TapeView`: a `Stepper`, a `TapeRun`, the host's `TapeMirror`) the drawing reads. */
export interface StepSource {
  readonly graph: Graph;
  readonly position: number;
  readonly total: number;
  readonly forwardSteps: number;
  readonly phase: Phase;
  readonly currentNode: number | null;
  value(id: number): Tensor | null;
  grad(id: number): Tensor | null;
  edgeGrad(consumer: number, inputIndex: number): Tensor | null;
  contributions(id: number): { arrived: number; expected: number };
  describePosition(): string;
}

/** The nodes a move changed, and the consumers whose arrow gradients it changed. */
export interface ChangedNodes {
  readonly nodes: readonly number[];
  readonly consumers: readonly number[];
}

/**
 * What a tape that records its changes adds to a `StepSource` (the stepper
 * does): a step then sends only what changed since the last `changeMark`.
 */
export interface ChangeLog {
  readonly changeMark: number;
  /** Null when the record no longer reaches back to `mark`. */
  changedSince(mark: number): ChangedNodes | null;
}

/** Whether a tape records its changes. */
export function hasChangeLog(source: StepSource): source is StepSource & ChangeLog {
  const s = source as Partial<ChangeLog>;
  return typeof s.changeMark === 'number' && typeof s.changedSince === 'function';
}

export interface DrawingOptions {
  /** Significant digits of the labels drawn (default 4); tooltips are always exact. */
  readonly precision?: number;
}

/** Labels a tensor at the drawing's precision (short) and exactly. */
function labeller(options: DrawingOptions): (t: Tensor | null) => ValueLabel | null {
  const digits = Math.max(1, Math.min(17, Math.round(options.precision ?? 4)));
  return (t) => (t ? { short: shortLabel(t, digits), exact: exactLabel(t) } : null);
}

function nodeState(stepper: StepSource, id: number, valueLabel: (t: Tensor | null) => ValueLabel | null): NodeState {
  const { arrived, expected } = stepper.contributions(id);
  return { value: valueLabel(stepper.value(id)), grad: valueLabel(stepper.grad(id)), arrived, expected };
}

/** Where the tape stands, as both the whole state and a patch carry it. */
function positionFields(stepper: StepSource): Pick<DrawingState, 'position' | 'total' | 'forwardSteps' | 'phase' | 'currentNode' | 'description'> {
  return {
    position: stepper.position,
    total: stepper.total,
    forwardSteps: stepper.forwardSteps,
    phase: stepper.phase,
    currentNode: stepper.currentNode,
    description: stepper.describePosition(),
  };
}

export function drawingState(stepper: StepSource, options: DrawingOptions = {}): DrawingState {
  const nodes = stepper.graph.nodes;
  const valueLabel = labeller(options);
  return {
    ...positionFields(stepper),
    nodes: nodes.map((n) => nodeState(stepper, n.id, valueLabel)),
    edgeGrads: nodes.map((n) => n.inputs.map((_, k) => valueLabel(stepper.edgeGrad(n.id, k)))),
  };
}

/** A node no label of which is read (see `drawingStateOf`). */
const UNREAD: NodeState = Object.freeze({ value: null, grad: null, arrived: 0, expected: 0 });
const NO_LABELS: readonly (ValueLabel | null)[] = Object.freeze([]);

/**
 * The state with the labels of only the nodes and consumers named (every
 * other entry blank): what a drawing of part of a large graph reads (a
 * collapsed group draws one box for its nodes), for the cost of that part.
 */
export function drawingStateOf(stepper: StepSource, drawn: ChangedNodes, options: DrawingOptions = {}): DrawingState {
  const valueLabel = labeller(options);
  const graph = stepper.graph.nodes;
  const nodes = new Array<NodeState>(graph.length).fill(UNREAD);
  const edgeGrads = new Array<readonly (ValueLabel | null)[]>(graph.length).fill(NO_LABELS);
  for (const id of drawn.nodes) nodes[id] = nodeState(stepper, id, valueLabel);
  for (const id of drawn.consumers) edgeGrads[id] = graph[id]!.inputs.map((_, k) => valueLabel(stepper.edgeGrad(id, k)));
  return { ...positionFields(stepper), nodes, edgeGrads };
}

/** What a move changed, to update a `DrawingState` the webview already has (see `drawingPatch`). */
export interface DrawingPatch {
  readonly position: number;
  readonly total: number;
  readonly forwardSteps: number;
  readonly phase: Phase;
  readonly currentNode: number | null;
  readonly description: string;
  /** The new state of each node that changed. */
  readonly nodes: readonly { readonly id: number; readonly state: NodeState }[];
  /** The arrow gradients of each consumer whose arrows changed. */
  readonly edgeGrads: readonly { readonly consumer: number; readonly grads: readonly (ValueLabel | null)[] }[];
}

/**
 * The labels of only the nodes and consumers a move changed (the stepper's
 * `changedSince` says which): what a step sends instead of the whole state.
 */
export function drawingPatch(stepper: StepSource, changed: ChangedNodes, options: DrawingOptions = {}): DrawingPatch {
  const valueLabel = labeller(options);
  const nodes = stepper.graph.nodes;
  return {
    ...positionFields(stepper),
    nodes: changed.nodes.map((id) => ({ id, state: nodeState(stepper, id, valueLabel) })),
    edgeGrads: changed.consumers.map((consumer) => ({ consumer, grads: nodes[consumer]!.inputs.map((_, k) => valueLabel(stepper.edgeGrad(consumer, k))) })),
  };
}

/**
 * `state` with a patch applied; the arrays are copied only when `inPlace` is
 * false (the webview patches its own copy in place: a step then costs what
 * changed, not the size of the graph).
 */
export function applyDrawingPatch(state: DrawingState, patch: DrawingPatch, inPlace = false): DrawingState {
  const nodes = (inPlace ? state.nodes : state.nodes.slice()) as NodeState[];
  const edgeGrads = (inPlace ? state.edgeGrads : state.edgeGrads.slice()) as (readonly (ValueLabel | null)[])[];
  for (const n of patch.nodes) nodes[n.id] = n.state;
  for (const e of patch.edgeGrads) edgeGrads[e.consumer] = e.grads;
  const { position, total, forwardSteps, phase, currentNode, description } = patch;
  return { position, total, forwardSteps, phase, currentNode, description, nodes, edgeGrads };
}
