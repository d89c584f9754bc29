/**
 * A large drawable graph on its way to the panel's webview. Posting a
 * 30,000-node graph as one object would hold the extension host's thread
 * for hundreds of milliseconds (VS Code turns a webview message into JSON,
 * then into bytes), so the evaluation thread writes the graph's JSON once
 * (`encodeDrawable`), the host only forwards its bytes a part at a time
 * (`splitBytes`: a message carrying a buffer costs it a copy), and the
 * webview puts the parts back together (`PartAssembler`, `decodeDrawable`).
 * Its state before any label is known travels as the few numbers it needs
 * (`BlankDrawingState`), not as one object per node.
 */
import type { Graph } from '../graph/graph';
import { drawableGraph, type DrawableGraph } from './drawableGraph';
import type { DrawingState, Phase, StepSource } from './drawingState';

// The WHATWG encoding API is in every runtime the core runs in (Node, browsers, workers); the core's lib leaves it out.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };
declare const TextDecoder: new () => { decode(bytes: Uint8Array): string };

/** The bytes of a drawable graph: its JSON, UTF-8 encoded. */
export function encodeDrawable(graph: DrawableGraph): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(graph));
}

export function decodeDrawable(bytes: Uint8Array): DrawableGraph {
  return JSON.parse(new TextDecoder().decode(bytes)) as DrawableGraph;
}

/**
 * Cuts bytes into parts of at most `partBytes` each, every part a copy
 * with a buffer of its own (a view would carry its whole buffer along).
 * Always at least one part.
 */
export function splitBytes(bytes: Uint8Array, partBytes: number): Uint8Array[] {
  if (!(partBytes >= 1)) throw new RangeError(`expected a part size of at least 1 byte, found ${partBytes}`);
  const parts: Uint8Array[] = [];
  for (let from = 0; from < bytes.length || parts.length === 0; from += partBytes) parts.push(bytes.slice(from, from + partBytes));
  return parts;
}

/** Collects the `count` parts of one transfer, in any order; `bytes()` once every part is in. */
export class PartAssembler {
  private readonly parts: (Uint8Array | undefined)[];
  private received = 0;

  constructor(
    readonly transfer: number,
    readonly count: number,
  ) {
    this.parts = new Array<Uint8Array | undefined>(count);
  }

  /** Takes part `index`; false when it is not one of this transfer's (out of range, or a second copy). */
  add(index: number, bytes: Uint8Array): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.count || this.parts[index]) return false;
    this.parts[index] = bytes;
    this.received++;
    return true;
  }

  get complete(): boolean {
    return this.received === this.count;
  }

  bytes(): Uint8Array {
    if (!this.complete) throw new Error(`transfer ${this.transfer}: ${this.received} of ${this.count} parts received`);
    const length = this.parts.reduce((sum, p) => sum + p!.length, 0);
    const out = new Uint8Array(length);
    let offset = 0;
    for (const p of this.parts) {
      out.set(p!, offset);
      offset += p!.length;
    }
    return out;
  }
}

/**
 * A position on the tape before any label is sent: what the drawing shows
 * apart from the labels, and how many gradient contributions each node
 * expects (by node id). `expandBlankState` makes the full state of it.
 */
export interface BlankDrawingState {
  readonly blank: true;
  readonly position: number;
  readonly total: number;
  readonly forwardSteps: number;
  readonly phase: Phase;
  readonly currentNode: number | null;
  readonly description: string;
  readonly expected: readonly number[];
}

export function blankDrawingState(stepper: StepSource): BlankDrawingState {
  return {
    blank: true,
    position: stepper.position,
    total: stepper.total,
    forwardSteps: stepper.forwardSteps,
    phase: stepper.phase,
    currentNode: stepper.currentNode,
    description: stepper.describePosition(),
    expected: stepper.graph.nodes.map((n) => stepper.contributions(n.id).expected),
  };
}

/** The state a blank one stands for on `graph`: no value, gradient or arrow label yet, nothing arrived. */
export function expandBlankState(graph: DrawableGraph, blank: BlankDrawingState): DrawingState {
  const { position, total, forwardSteps, phase, currentNode, description } = blank;
  return {
    position,
    total,
    forwardSteps,
    phase,
    currentNode,
    description,
    nodes: graph.nodes.map((_, i) => ({ value: null, grad: null, arrived: 0, expected: blank.expected[i] ?? 0 })),
    edgeGrads: graph.nodes.map((n) => n.inputs.map(() => null)),
  };
}

export function isBlankState(state: DrawingState | BlankDrawingState): state is BlankDrawingState {
  return 'blank' in state && state.blank === true;
}

const encoded = new WeakMap<Graph, Uint8Array>();

/**
 * The encoded drawable graph of `graph`: the bytes the evaluation thread
 * made for it (`adoptEncodedDrawable`), else made here once.
 */
export function encodedDrawableOf(graph: Graph): Uint8Array {
  let bytes = encoded.get(graph);
  if (!bytes) encoded.set(graph, (bytes = encodeDrawable(drawableGraph(graph))));
  return bytes;
}

/** Records the encoded drawable graph of `graph`, made elsewhere (`encodeDrawable(drawableGraph(graph))`). */
export function adoptEncodedDrawable(graph: Graph, bytes: Uint8Array): void {
  encoded.set(graph, bytes);
}

/** Whether the encoded drawable graph of `graph` is at hand (no encoding needed). */
export function hasEncodedDrawable(graph: Graph): boolean {
  return encoded.has(graph);
}
