import type { WebviewMessage } from '../src/core/protocol';
import type { GraphView } from '../src/core/render/layout';

/** What the webview keeps across a reload (`getState`/`setState`); the host gets it in `deserializeWebviewPanel`. */
export interface PanelUiState {
  readonly documentUri?: string;
  readonly view?: GraphView;
  /** Zoom and pan of that document's drawing. */
  readonly zoom?: { readonly scale: number; readonly tx: number; readonly ty: number };
  /** Follow the step (on by default). */
  readonly follow?: boolean;
  /** Keys of the collapsed function and block groups, by document. */
  readonly collapsed?: Readonly<Record<string, readonly string[]>>;
}

/** The webview API (`@types/vscode-webview`), with the messages this panel posts. */
interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PanelUiState | undefined;
  setState(state: PanelUiState): void;
}

const api = acquireVsCodeApi<PanelUiState>();

/** The webview's one handle on the host (acquireVsCodeApi may be called once). */
export const vscode: VsCodeApi = {
  postMessage: (message) => api.postMessage(message),
  getState: () => api.getState(),
  setState: (state) => void api.setState(state),
};
