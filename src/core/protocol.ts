/**
 * Every message between the extension host and the graph panel's webview.
 * The host owns the truth (graph, position, values); the webview keeps only
 * UI state (view, pan, zoom, open detail). Each state update carries a
 * `revision`; the webview drops any older than the last one it applied.
 * Handshake: the webview sends `ready`, the host answers with `setGraph`.
 *
 * Steps send only what changed (`patchState`). A patch names the revision
 * it was computed on (`base`); the webview applies it only on exactly that
 * revision, and otherwise drops it and sends `requestState`, which the host
 * answers with the whole state (`setState`). So a lost or reordered update
 * can never leave a wrong label on screen.
 */
import { jsonNumber, type JsonNumber } from './format';
import type { DrawableGraph } from './render/drawableGraph';
import type { BlankDrawingState } from './render/drawableTransfer';
import type { DrawingPatch, DrawingState } from './render/drawingState';
import type { DirectionSetting, GraphView } from './render/layout';
import { validateTrainingMessage, type TrainingMessage, type TrainingWebviewMessage } from './trainingProtocol';


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
  /** The last good graph; null when the file never had one, or when it came in parts (`graphParts`). */
  readonly graph: DrawableGraph | null;
  /**
   * A large graph comes in `count` `graphPart` messages of transfer
   * `transfer` ahead of this one; a `count` of 0 means the graph of that
   * transfer, which the webview already has.
   */
  readonly graphParts?: { readonly transfer: number; readonly count: number };
  /** A large graph's state before its labels (which follow in patches) is blank. */
  readonly state: DrawingState | BlankDrawingState | null;
  /** The current problems: with errors, `graph` is the last good one. */
  readonly diagnostics: readonly DiagnosticPayload[];
  readonly view: GraphView;
  /** Setting `graphstep.panel.layoutDirection` (`auto`: the webview picks from the panel's shape). */
  readonly direction: DirectionSetting;
  /** The nodes under the editor's cursor in this document (none when its editor is not active). */
  readonly highlight: readonly number[];
  /** The last Gradient Check of this graph, if any. */
  readonly gradCheck: GradCheckMarks | null;
}

/** The whole state of the same graph: answers `requestState`, or a move that changed most nodes. */
export interface SetStateMessage {
  readonly type: 'setState';
  readonly revision: number;
  readonly state: DrawingState | BlankDrawingState;
}

/**
 * One part of a large graph's drawable form (bytes of its JSON, see
 * `encodeDrawable`), sent ahead of the `setGraph` that names its transfer.
 */
export interface GraphPartMessage {
  readonly type: 'graphPart';
  readonly transfer: number;
  readonly index: number;
  readonly count: number;
  readonly bytes: Uint8Array;
}

/** A step: same graph, only what changed since the state of revision `base`. */
export interface PatchStateMessage {
  readonly type: 'patchState';
  readonly revision: number;
  readonly base: number;
  readonly patch: DrawingPatch;
}

/** What the panel marks after a Gradient Check: the leaves that failed it (and, with them, their arrows). */
export interface GradCheckMarks {
  readonly passed: boolean;
  readonly failing: readonly { readonly node: number; readonly name: string; readonly relError: number }[];
}

/** A Gradient Check finished (or its result was cleared by a rebuild: null). */
export interface GradCheckMessage {
  readonly type: 'gradCheck';
  readonly marks: GradCheckMarks | null;
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

export type HostMessage = SetGraphMessage | GraphPartMessage | SetStateMessage | PatchStateMessage | GradCheckMessage | SetViewMessage | HighlightMessage | TensorsMessage | RasterizeMessage | TrainingMessage;

// ---- webview → host -------------------------------------------------------

export type WebviewMessage =
  | { readonly type: 'ready' }
  /** A patch did not fit the webview's state: send the whole state. */
  | { readonly type: 'requestState' }
  /** Open (or close) a composite op into its elementary ops, by its group key. */
  | { readonly type: 'setExpanded'; readonly key: string; readonly expanded: boolean }
  | { readonly type: 'step'; readonly move: StepMove }
  | { readonly type: 'goTo'; readonly position: number }
  | { readonly type: 'selectNode'; readonly node: number }
  | { readonly type: 'requestTensors'; readonly requestId: number; readonly node: number }
  | { readonly type: 'switchView'; readonly view: GraphView }
  | { readonly type: 'export'; readonly format: 'svg' | 'png' }
  | { readonly type: 'pngData'; readonly requestId: number; readonly base64: string }
  | { readonly type: 'pngError'; readonly requestId: number; readonly message: string }
  | TrainingWebviewMessage;

const MAX_PNG_BASE64 = 200 * 1024 * 1024;
const MAX_KEY_LENGTH = 1000;

/** Whether a message from the webview is one the protocol knows, with fields of the right types. Anything else is ignored. */
export function validateWebviewMessage(x: unknown): x is WebviewMessage {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
    case 'requestState':
      return true;
    case 'setExpanded':
      return typeof m.key === 'string' && m.key.length > 0 && m.key.length <= MAX_KEY_LENGTH && typeof m.expanded === 'boolean';
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
      return validateTrainingMessage(m);
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
