import * as vscode from 'vscode';
import { Utils } from 'vscode-uri';
import type { Graph } from '../../core/graph/graph';
import type { Diagnostic } from '../../core/language/range';
import type { GradCheckReport } from '../../core/engine/gradcheck';
import { encodeTensor, validateWebviewMessage, type GradCheckMarks, type HostMessage, type TensorPayload, type WebviewMessage } from '../../core/protocol';
import { drawableGraph, drawnLabel, type DrawableGraph } from '../../core/render/drawableGraph';
import { blankDrawingState, encodedDrawableOf, splitBytes } from '../../core/render/drawableTransfer';
import { drawingPatch, drawingState, hasChangeLog, type StepSource } from '../../core/render/drawingState';
import { drawnShape } from '../../core/render/labelText';
import type { GraphView } from '../../core/render/layout';
import type { Tensor } from '../../core/tensor';
import type { DocumentSession, SessionRegistry } from '../sessions';
import { PanelTraining } from '../training/panelTraining';
import { nodesAt } from './nodesAt';
import { panelSettings } from './panelSettings';
import { localResourceRoots, webviewHtml } from './webviewHtml';

export const GRAPH_VIEW_TYPE = 'graphstep.graph';

/** The largest tensor the detail view is sent; beyond it the drawer says so instead. */
const MAX_DETAIL_ELEMENTS = 250_000;

/** What the panel needs from the code that owns all panels. */
export interface GraphPanelOwner {
  readonly extensionUri: vscode.Uri;
  readonly sessions: SessionRegistry;
  exportGraph(panel: GraphPanel, format: 'svg' | 'png'): void;
  /** The panel shows another document or view. */
  changed(panel: GraphPanel): void;
  disposed(panel: GraphPanel): void;
}

const drawables = new WeakMap<Graph, DrawableGraph>();

/** The drawable form of a graph, made once per graph. */
export function drawableOf(graph: Graph): DrawableGraph {
  let d = drawables.get(graph);
  if (!d) drawables.set(graph, (d = drawableGraph(graph)));
  return d;
}

/**
 * One graph panel: shows one document's session and follows the active `.nn`
 * editor. It sends the webview the whole state after `ready` or a rebuild, and
 * only the labels after a step.
 */
export class GraphPanel {
  private revision = 0;
  private sentGraph: Graph | null | undefined;
  private sentDiagnostics: readonly Diagnostic[] | undefined;
  /** The stepper whose state the webview has, and its change mark when sent: a step sends what changed since. */
  private sentStepper: StepSource | null = null;
  private sentMark = 0;
  private sentGradCheck: GradCheckReport | null = null;
  private nextRasterId = 1;
  private readonly rasters = new Map<number, { resolve(bytes: Uint8Array): void; reject(e: Error): void }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly training = new PanelTraining((m) => this.post(m));
  private readyOnce!: Promise<void>;
  private markReady!: () => void;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private currentSession: DocumentSession,
    private currentView: GraphView,
    private readonly owner: GraphPanelOwner,
  ) {
    this.resetReady();
    panel.webview.options = { enableScripts: true, localResourceRoots: localResourceRoots(owner.extensionUri) };
    panel.webview.html = webviewHtml(panel.webview, owner.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(owner.extensionUri, 'media', 'graph.svg');
    this.updateTitle();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        if (validateWebviewMessage(m)) this.receive(m);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get session(): DocumentSession {
    return this.currentSession;
  }

  get view(): GraphView {
    return this.currentView;
  }

  /** Resolves once the webview has said `ready` (after a reload too). */
  whenReady(): Promise<void> {
    return this.readyOnce;
  }

  /** Shows another document's session (the panel follows the active editor). */
  showSession(session: DocumentSession): void {
    if (session === this.currentSession) return;
    this.currentSession = session;
    this.updateTitle();
    this.sendGraph();
    this.owner.changed(this);
  }

  /** The session changed: a rebuild sends everything, a step only the labels that changed. */
  sessionChanged(session: DocumentSession): void {
    if (session !== this.currentSession) return;
    this.training.sync(session);
    const stepper = session.stepper;
    if (session.graph !== this.sentGraph || session.diagnostics !== this.sentDiagnostics || !stepper) {
      // A large graph is drawn in a turn of its own, not in the one that received it from the evaluation thread.
      if (!session.graph || session.graph.nodes.length <= SLICED_NODES) return this.sendGraph();
      if (!this.graphScheduled) {
        this.graphScheduled = true;
        setImmediate(() => {
          this.graphScheduled = false;
          if (!this.isDisposed) this.sendGraph();
        });
      }
      return;
    }
    if (this.graphScheduled || this.streaming) return;
    if (session.gradCheck !== this.sentGradCheck) {
      this.sentGradCheck = session.gradCheck;
      this.post({ type: 'gradCheck', marks: gradCheckMarks(session.gradCheck) });
    }
    if (stepper !== this.sentStepper || !hasChangeLog(stepper) || stepper.changeMark !== this.sentMark) this.sendStep(stepper);
  }

  /**
   * A move: the labels of the nodes it changed (the stepper's change record
   * says which), or the whole state when that is no smaller.
   */
  private sendStep(stepper: StepSource, whole = false): void {
    const drawing = panelSettings(this.currentSession.uri).drawing;
    const changed = !whole && stepper === this.sentStepper && hasChangeLog(stepper) ? stepper.changedSince(this.sentMark) : null;
    if (stepper.graph.nodes.length > SLICED_NODES) {
      if (changed) this.queueLabels(changed.nodes, changed.consumers);
      else {
        this.post({ type: 'setState', revision: ++this.revision, state: blankDrawingState(stepper) });
        this.queueAllLabels();
      }
      this.sentStepper = stepper;
      this.sentMark = hasChangeLog(stepper) ? stepper.changeMark : 0;
      return;
    }
    const base = this.revision;
    if (changed && changed.nodes.length + changed.consumers.length < stepper.graph.nodes.length / 2) {
      this.post({ type: 'patchState', revision: ++this.revision, base, patch: drawingPatch(stepper, changed, drawing) });
    } else this.post({ type: 'setState', revision: ++this.revision, state: drawingState(stepper, drawing) });
    this.sentStepper = stepper;
    this.sentMark = hasChangeLog(stepper) ? stepper.changeMark : 0;
  }

  /** Labels still to send, a slice at a time (a graph of more than SLICED_NODES nodes). */
  private readonly labelNodes = new Set<number>();
  private readonly labelConsumers = new Set<number>();
  private labelsScheduled = false;
  private isDisposed = false;
  private graphScheduled = false;
  /** A large graph on its way to the webview, a part per turn. */
  private streaming: { readonly graph: Graph; readonly transfer: number; readonly parts: readonly Uint8Array[]; next: number } | null = null;
  /** The large graph the webview has whole, and the transfer it came in. */
  private delivered: { readonly graph: Graph; readonly transfer: number } | null = null;
  private nextTransfer = 1;

  /** Every node from this id on is still to label (and, when it has inputs, its arrows): a whole graph queued at once. */
  private labelAllFrom: number | null = null;

  private queueAllLabels(): void {
    this.labelNodes.clear();
    this.labelConsumers.clear();
    this.labelAllFrom = 0;
    this.scheduleLabels();
  }

  private queueLabels(nodes: readonly number[], consumers: readonly number[]): void {
    for (const id of nodes) this.labelNodes.add(id);
    for (const id of consumers) this.labelConsumers.add(id);
    this.scheduleLabels();
  }

  private scheduleLabels(): void {
    if (this.labelsScheduled || (this.labelNodes.size === 0 && this.labelConsumers.size === 0 && this.labelAllFrom === null)) return;
    this.labelsScheduled = true;
    setImmediate(() => this.sendLabels());
  }

  /**
   * Sends the next slice of queued labels as a patch (each at most
   * SLICE_LABELS nodes and consumers, read from the tape as it is now), so
   * labelling a large graph never holds the extension host for long.
   */
  private sendLabels(): void {
    this.labelsScheduled = false;
    const stepper = this.currentSession.stepper;
    if (this.isDisposed || !stepper || stepper.graph !== this.sentGraph) {
      this.clearLabels();
      return;
    }
    const nodes: number[] = [];
    const consumers: number[] = [];
    // Ids the whole-graph cursor has still to reach are sent when it does.
    const pending = (id: number): boolean => this.labelAllFrom === null || id < this.labelAllFrom;
    for (const id of this.labelNodes) {
      if (nodes.length >= SLICE_LABELS) break;
      if (pending(id)) nodes.push(id);
      this.labelNodes.delete(id);
    }
    for (const id of this.labelConsumers) {
      if (nodes.length + consumers.length >= SLICE_LABELS) break;
      if (pending(id)) consumers.push(id);
      this.labelConsumers.delete(id);
    }
    if (this.labelAllFrom !== null) {
      const all = stepper.graph.nodes;
      let id = this.labelAllFrom;
      for (; id < all.length && nodes.length + consumers.length < SLICE_LABELS; id++) {
        nodes.push(id);
        if (all[id]!.inputs.length > 0) consumers.push(id);
      }
      this.labelAllFrom = id < all.length ? id : null;
    }
    const base = this.revision;
    this.post({ type: 'patchState', revision: ++this.revision, base, patch: drawingPatch(stepper, { nodes, consumers }, panelSettings(this.currentSession.uri).drawing) });
    this.scheduleLabels();
  }

  private clearLabels(): void {
    this.labelNodes.clear();
    this.labelConsumers.clear();
    this.labelAllFrom = null;
  }

  setView(view: GraphView): void {
    this.currentView = view;
    this.post({ type: 'setView', view });
    this.owner.changed(this);
  }

  highlight(nodes: readonly number[]): void {
    this.post({ type: 'highlight', nodes });
  }

  /** Asks the webview to draw an SVG on a canvas; the PNG's bytes. */
  async rasterize(svg: string, width: number, height: number, scale = 2): Promise<Uint8Array> {
    await this.whenReady();
    const requestId = this.nextRasterId++;
    const result = new Promise<Uint8Array>((resolve, reject) => this.rasters.set(requestId, { resolve, reject }));
    this.post({ type: 'rasterize', requestId, svg, width, height, scale });
    return result;
  }

  private resetReady(): void {
    this.readyOnce = new Promise((resolve) => (this.markReady = resolve));
  }

  private updateTitle(): void {
    this.panel.title = vscode.l10n.t('Graph: {0}', Utils.basename(this.currentSession.document.uri));
  }

  /**
   * Sends everything again: after a rebuild, or when a panel setting
   * changed. A large graph goes first in parts, one per turn of the event
   * loop (`sendPart`), unless the webview has it already.
   */
  sendGraph(): void {
    const session = this.currentSession;
    const graph = session.graph;
    this.sentGraph = graph;
    this.sentDiagnostics = session.diagnostics;
    this.clearLabels();
    if (!graph || graph.nodes.length <= SLICED_NODES) {
      this.streaming = null;
      return this.postGraph(graph ? { graph: drawableOf(graph) } : { graph: null });
    }
    if (this.delivered?.graph === graph) {
      this.streaming = null;
      return this.postGraph({ graph: null, graphParts: { transfer: this.delivered.transfer, count: 0 } });
    }
    // The same graph already on its way: the setGraph that ends it reads the session as it is then.
    if (this.streaming?.graph === graph) return;
    this.streaming = { graph, transfer: this.nextTransfer++, parts: splitBytes(encodedDrawableOf(graph), PART_BYTES), next: 0 };
    this.sendPart();
  }

  /** Posts the next part of the graph on its way, then (after the last) the setGraph naming them. */
  private sendPart(): void {
    const s = this.streaming;
    if (this.isDisposed || !s) return;
    if (s.next < s.parts.length) {
      const index = s.next++;
      this.post({ type: 'graphPart', transfer: s.transfer, index, count: s.parts.length, bytes: s.parts[index]! });
      setImmediate(() => this.sendPart());
      return;
    }
    this.streaming = null;
    // The session moved on to another graph meanwhile: send that one instead.
    if (this.currentSession.graph !== s.graph) return this.sendGraph();
    this.delivered = { graph: s.graph, transfer: s.transfer };
    this.sentDiagnostics = this.currentSession.diagnostics;
    this.postGraph({ graph: null, graphParts: { transfer: s.transfer, count: s.parts.length } });
  }

  /** Posts setGraph with the session's state as it is now (a large graph's labels follow in slices: sendLabels). */
  private postGraph(drawing: { graph: DrawableGraph | null; graphParts?: { transfer: number; count: number } }): void {
    const session = this.currentSession;
    const settings = panelSettings(session.uri);
    const graph = this.sentGraph ?? null;
    const stepper = session.stepper;
    this.sentStepper = stepper;
    this.sentMark = stepper && hasChangeLog(stepper) ? stepper.changeMark : 0;
    this.sentGradCheck = session.gradCheck;
    const editor = vscode.window.activeTextEditor;
    const active = graph && session.isCurrent && editor?.document === session.document ? editor.selection.active : null;
    // A plain position: the search reads it once per node and reference.
    const cursor = active ? { line: active.line, character: active.character } : null;
    const large = stepper !== null && stepper.graph.nodes.length > SLICED_NODES;
    // On a large graph finding the nodes under the cursor is a pass over all of them: a turn of its own.
    const highlight = graph && cursor && !large ? nodesAt(graph, cursor) : [];
    if (graph && cursor && large) setImmediate(() => !this.isDisposed && this.sentGraph === graph && this.highlight(nodesAt(graph, cursor)));
    this.post({
      type: 'setGraph',
      revision: ++this.revision,
      documentUri: session.document.uri.toString(),
      fileName: Utils.basename(session.document.uri),
      ...drawing,
      state: stepper ? (large ? blankDrawingState(stepper) : drawingState(stepper, settings.drawing)) : null,
      diagnostics: session.diagnostics.map((d) => ({ severity: d.severity, message: d.message, line: d.range.start.line, character: d.range.start.character })),
      view: this.currentView,
      direction: settings.direction,
      highlight,
      gradCheck: gradCheckMarks(session.gradCheck),
    });
    if (large) this.queueAllLabels();
    this.training.resend(session);
  }

  private post(message: HostMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private receive(message: WebviewMessage): void {
    const { sessions } = this.owner;
    const session = this.currentSession;
    switch (message.type) {
      case 'ready':
        // A new webview (or a reloaded one) has no graph yet.
        this.sentGraph = undefined;
        this.streaming = null;
        this.delivered = null;
        this.sendGraph();
        this.markReady();
        return;
      case 'requestState':
        if (session.stepper && session.graph === this.sentGraph) this.sendStep(session.stepper, true);
        return;
      case 'setExpanded':
        if (session.setExpanded(message.key, message.expanded)) sessions.rebuild(session);
        return;
      case 'step':
        if (session.stepper) void sessions.step(session, message.move);
        return;
      case 'goTo':
        if (session.stepper) void sessions.step(session, { goTo: message.position });
        return;
      case 'selectNode':
        void this.selectSource(message.node);
        return;
      case 'requestTensors':
        this.sendTensors(message.requestId, message.node);
        return;
      case 'switchView':
        this.setView(message.view);
        return;
      case 'export':
        this.owner.exportGraph(this, message.format);
        return;
      case 'pngData':
        this.rasters.get(message.requestId)?.resolve(Uint8Array.from(atob(message.base64), (c) => c.charCodeAt(0)));
        this.rasters.delete(message.requestId);
        return;
      case 'pngError':
        this.rasters.get(message.requestId)?.reject(new Error(message.message));
        this.rasters.delete(message.requestId);
        return;
      case 'trainingAction':
      case 'goToIteration':
      case 'requestTraining':
        this.training.receive(session, message);
        return;
      default: {
        const unknown: never = message;
        throw new Error(`unhandled webview message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Selects a node's source in an editor beside the panel. */
  private async selectSource(id: number): Promise<void> {
    const node = this.currentSession.graph?.nodes[id];
    if (!node) return;
    const document = this.currentSession.document;
    const range = new vscode.Range(node.range.start.line, node.range.start.character, node.range.end.line, node.range.end.character);
    const visible = vscode.window.visibleTextEditors.find((e) => e.document === document);
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      selection: range,
      // The keys stay the panel's: → steps and Escape closes the drawer right after a click.
      preserveFocus: true,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private sendTensors(requestId: number, id: number): void {
    const stepper = this.currentSession.stepper;
    const node = stepper?.graph.nodes[id];
    if (!stepper || !node) return;
    const name = node.name ?? vscode.l10n.t('{0} (node {1})', drawnLabel(node), id);
    const { arrived, expected } = stepper.contributions(id);
    const counts = expected > 1 ? ` · ${vscode.l10n.t('gradient {0}/{1} contributions', arrived, expected)}` : '';
    const payload = (t: Tensor | null): TensorPayload | null => (t && t.size <= MAX_DETAIL_ELEMENTS ? encodeTensor(t) : null);
    const value = stepper.value(id);
    const tooLarge = value && value.size > MAX_DETAIL_ELEMENTS ? ` · ${vscode.l10n.t('{0} elements, too many to show', value.size)}` : '';
    const iteration = this.currentSession.training?.iteration;
    const trained = iteration !== null && iteration !== undefined && (node.kind === 'param' || node.kind === 'const') ? vscode.l10n.t(' · training iteration {0}', iteration) : '';
    this.post({
      type: 'tensors',
      requestId,
      node: id,
      title: `${name} — ${node.kind === 'op' ? node.op : node.kind}, ${drawnShape(node.shape)}${counts}${tooLarge}${trained}`,
      value: payload(value),
      grad: payload(stepper.grad(id)),
    });
  }

  dispose(): void {
    this.isDisposed = true;
    for (const r of this.rasters.values()) r.reject(new Error('the graph panel was closed'));
    this.rasters.clear();
    for (const d of this.disposables) d.dispose();
    this.owner.disposed(this);
  }
}

/** Graphs of more nodes than this get their labels in slices after the graph (see `GraphPanel.sendLabels`). */
const SLICED_NODES = 2000;
/** Nodes and consumers labelled per slice: a few milliseconds. */
const SLICE_LABELS = 1000;
/** Bytes of a large graph per message: a copy of well under a millisecond for the host. */
const PART_BYTES = 256 * 1024;

/** What the panel marks of a Gradient Check: the leaves that failed. */
export function gradCheckMarks(report: GradCheckReport | null): GradCheckMarks | null {
  if (!report) return null;
  const failing = report.failingLeaves.flatMap((id) => report.leaves.filter((l) => l.id === id).map((l) => ({ node: l.id, name: l.name, relError: l.maxRelError })));
  return { passed: report.passed, failing };
}
