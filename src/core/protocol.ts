/**
 * Every message between the extension host and the graph panel's webview.
 * The host owns the truth (graph, position, values); the webview keeps only
 * UI state (view, pan, zoom, open detail). Each state update carries a
 * `revision`; the webview drops any older than the last one it applied.
 * Handshake: the webview sends `ready`, the host answers with `setGraph`.
 */
import { jsonNumber, type JsonNumber } from './format';
import type { DrawableGraph } from './render/drawableGraph';
import type { DrawingState } from './render/drawingState';
import type { DirectionSetting, GraphView } from './render/layout';


/** A tensor in a message: non-finite numbers spelled as strings, as in `run --json`. */
export interface TensorPayload {
  readonly shape: readonly number[];
  readonly data: readonly JsonNumber[];
}

/** A diagnostic in a message; lines and columns are 0-based. */
export interface DiagnosticPayload {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly line: number;
  readonly character: number;
}

export type StepMove = 'next' | 'previous' | 'runForward' | 'runBackward' | 'reset';
export const STEP_MOVES: readonly StepMove[] = ['next', 'previous', 'runForward', 'runBackward', 'reset'];

// ---- host → webview -------------------------------------------------------

/** The whole state: sent after `ready`, on a rebuild, when the panel follows another editor. */
export interface SetGraphMessage {
  readonly type: 'setGraph';
  readonly revision: number;
  /** The document shown, so the webview can keep it in its state for a reload. */
  readonly documentUri: string;
  readonly fileName: string;
  /** The last good graph; null when the file never had one. */
  readonly graph: DrawableGraph | null;
  readonly state: DrawingState | null;
  /** The current problems: with errors, `graph` is the last good one. */
  readonly diagnostics: readonly DiagnosticPayload[];
  readonly view: GraphView;
  /** Setting `graphstep.panel.layoutDirection` (`auto`: the webview picks from the panel's shape). */
  readonly direction: DirectionSetting;
}

/** A step: same graph, new labels. */
export interface SetStateMessage {
  readonly type: 'setState';
  readonly revision: number;
  readonly state: DrawingState;
}

export interface SetViewMessage {
  readonly type: 'setView';
  readonly view: GraphView;
}

/** The nodes under the editor's cursor. */
export interface HighlightMessage {
  readonly type: 'highlight';
  readonly nodes: readonly number[];
}

/** The full value and gradient of a node, answering `requestTensors`. */
export interface TensorsMessage {
  readonly type: 'tensors';
  readonly requestId: number;
  readonly node: number;
  readonly title: string;
  readonly value: TensorPayload | null;
  readonly grad: TensorPayload | null;
}

/** Asks the webview to rasterise an SVG to PNG (answered by `pngData`). */
export interface RasterizeMessage {
  readonly type: 'rasterize';
  readonly requestId: number;
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  readonly scale: number;
}

export type HostMessage = SetGraphMessage | SetStateMessage | SetViewMessage | HighlightMessage | TensorsMessage | RasterizeMessage;

// ---- webview → host -------------------------------------------------------

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'step'; readonly move: StepMove }
  | { readonly type: 'goTo'; readonly position: number }
  | { readonly type: 'selectNode'; readonly node: number }
  | { readonly type: 'requestTensors'; readonly requestId: number; readonly node: number }
  | { readonly type: 'switchView'; readonly view: GraphView }
  | { readonly type: 'export'; readonly format: 'svg' | 'png' }
  | { readonly type: 'pngData'; readonly requestId: number; readonly base64: string }
  | { readonly type: 'pngError'; readonly requestId: number; readonly message: string };

const MAX_PNG_BASE64 = 200 * 1024 * 1024;

/** Whether a message from the webview is one the protocol knows, with fields of the right types. Anything else is ignored. */
export function validateWebviewMessage(x: unknown): x is WebviewMessage {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return true;
    case 'step':
      return typeof m.move === 'string' && (STEP_MOVES as readonly string[]).includes(m.move);
    case 'goTo':
      return isIndex(m.position);
    case 'selectNode':
      return isIndex(m.node);
    case 'requestTensors':
      return isIndex(m.requestId) && isIndex(m.node);
    case 'switchView':
      return m.view === 'operations' || m.view === 'values';
    case 'export':
      return m.format === 'svg' || m.format === 'png';
    case 'pngData':
      return isIndex(m.requestId) && typeof m.base64 === 'string' && m.base64.length <= MAX_PNG_BASE64 && /^[A-Za-z0-9+/]*={0,2}$/.test(m.base64);
    case 'pngError':
      return isIndex(m.requestId) && typeof m.message === 'string';
    default:
      return false;
  }
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function decodeNumber(x: JsonNumber): number {
  return typeof x === 'number' ? x : x === 'NaN' ? NaN : x === 'Infinity' ? Infinity : -Infinity;
}

export function encodeTensor(t: { readonly shape: readonly number[]; readonly data: ArrayLike<number> }): TensorPayload {
  return { shape: t.shape.slice(), data: Array.from(t.data, jsonNumber) };
}
