/**
 * The graph panel's webview: draws what the host sends, sends back what the
 * user does. It keeps only UI state (view, zoom, the open detail); the
 * graph, the position and every number come from the host.
 */
import type { HostMessage, SetGraphMessage, StepMove, WebviewMessage } from '../src/core/protocol';
import { layoutKey, type DrawableGraph } from '../src/core/render/drawableGraph';
import type { DrawingState } from '../src/core/render/drawingState';
import { layoutGraph, resolveDirection, type DirectionSetting, type GraphLayout, type GraphView } from '../src/core/render/layout';
import { DetailView } from './detailView';
import { GraphCanvas } from './graphCanvas';
import { rasterizeSvg } from './rasterize';
import { vscode } from './vscodeApi';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const post = (message: WebviewMessage): void => vscode.postMessage(message);

const canvas = new GraphCanvas($('graph'), (node) => {
  post({ type: 'selectNode', node });
  requestDetail(node);
});
const detail = new DetailView($('detail'));
const timeline = $<HTMLInputElement>('timeline');
const phase = $('phase');
const problems = $('problems');

let revision = -1;
let documentUri = '';
let fileName = '';
let graph: DrawableGraph | null = null;
let state: DrawingState | null = null;
let view: GraphView = vscode.getState()?.view ?? 'operations';
let direction: DirectionSetting = 'auto';
let shownKey = '';
let detailNode: number | null = null;
let nextRequestId = 1;
let pendingDetail = 0;
/** Layouts by graph shape and view: switching views or undoing an edit is instant. */
const layouts = new Map<string, GraphLayout>();

function layoutFor(g: DrawableGraph, v: GraphView): { key: string; layout: GraphLayout } {
  // The panel's shape picks the direction (setting `auto`) and how a long drawing folds; sizes are rounded so small resizes keep the layout.
  const host = $('graph');
  const viewport = { width: Math.round(host.clientWidth / 100) * 100 || 800, height: Math.round(host.clientHeight / 100) * 100 || 600 };
  const key = `${v} ${resolveDirection(direction, viewport)} ${viewport.width}×${viewport.height}\n${layoutKey(g)}`;
  let layout = layouts.get(key);
  if (!layout) {
    layout = layoutGraph(g, v, direction, { viewport });
    if (layouts.size >= 4) layouts.delete(layouts.keys().next().value!);
    layouts.set(key, layout);
  }
  return { key, layout };
}

function redraw(): void {
  if (!graph || !state) {
    $('graph').replaceChildren();
    shownKey = '';
    return;
  }
  const { key, layout } = layoutFor(graph, view);
  if (key !== shownKey) {
    const sameView = canvas.currentLayout?.view === view;
    canvas.show(graph, layout, state, fileName, !sameView || shownKey === '' || !sameGraphSize(canvas.currentLayout, layout));
    shownKey = key;
  } else canvas.update(state, fileName);
  document.body.dataset.view = view;
  $('switch-view').textContent = view === 'operations' ? 'Values as nodes' : 'Operations as nodes';
}

function sameGraphSize(a: GraphLayout | null, b: GraphLayout): boolean {
  return a !== null && a.nodes.length === b.nodes.length;
}

function showState(): void {
  const s = state;
  timeline.disabled = !s;
  timeline.max = String(s?.total ?? 0);
  timeline.value = String(s?.position ?? 0);
  phase.textContent = s?.description ?? 'no graph';
  phase.dataset.phase = s?.phase ?? 'start';
  document.body.dataset.phase = s?.phase ?? 'start';
  document.body.dataset.position = String(s?.position ?? 0);
  $('forward-mark').style.setProperty('--gs-forward', s && s.total > 0 ? String(s.forwardSteps / s.total) : '1');
  for (const id of ['reset', 'previous']) $<HTMLButtonElement>(id).disabled = !s || s.position === 0;
  for (const id of ['next', 'run-backward']) $<HTMLButtonElement>(id).disabled = !s || s.position === s.total;
  $<HTMLButtonElement>('run-forward').disabled = !s || s.position === s.forwardSteps;
}

function showProblems(message: SetGraphMessage): void {
  const errors = message.diagnostics.filter((d) => d.severity === 'error');
  problems.replaceChildren();
  problems.hidden = errors.length === 0 && message.graph !== null;
  if (problems.hidden) return;
  const head = document.createElement('div');
  head.className = 'gs-problems-head';
  head.textContent = message.graph ? 'The file has errors; showing the last good graph.' : 'No graph yet: the file has errors.';
  problems.append(head);
  for (const d of errors.slice(0, 5)) {
    const line = document.createElement('div');
    line.textContent = `${d.line + 1}:${d.character + 1} ${d.message}`;
    problems.append(line);
  }
  if (errors.length > 5) problems.append(`… and ${errors.length - 5} more`);
}

function requestDetail(node: number): void {
  detailNode = node;
  pendingDetail = nextRequestId++;
  post({ type: 'requestTensors', requestId: pendingDetail, node });
}

function saveUiState(): void {
  vscode.setState({ documentUri, view });
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'setGraph':
      if (message.revision <= revision) return;
      revision = message.revision;
      if (message.documentUri !== documentUri) {
        detail.hide();
        detailNode = null;
      }
      documentUri = message.documentUri;
      fileName = message.fileName;
      graph = message.graph;
      state = message.state;
      view = message.view;
      direction = message.direction;
      showProblems(message);
      showState();
      redraw();
      saveUiState();
      if (detailNode !== null && graph && detailNode < graph.nodes.length) requestDetail(detailNode);
      return;
    case 'setState':
      if (message.revision <= revision) return;
      revision = message.revision;
      state = message.state;
      showState();
      redraw();
      canvas.reveal(state.currentNode);
      if (detailNode !== null) requestDetail(detailNode);
      return;
    case 'setView':
      view = message.view;
      redraw();
      saveUiState();
      return;
    case 'highlight':
      canvas.highlight(message.nodes);
      return;
    case 'tensors':
      if (message.requestId === pendingDetail) detail.show(message);
      return;
    case 'rasterize':
      rasterizeSvg(message.svg, message.width, message.height, message.scale).then(
        (base64) => post({ type: 'pngData', requestId: message.requestId, base64 }),
        (e: unknown) => post({ type: 'pngError', requestId: message.requestId, message: String(e) }),
      );
      return;
    default: {
      const unknown: never = message;
      console.warn('GraphStep: unknown message', unknown);
    }
  }
}

const step = (move: StepMove): void => post({ type: 'step', move });

function wireToolbar(): void {
  const buttons: Record<string, () => void> = {
    reset: () => step('reset'),
    previous: () => step('previous'),
    next: () => step('next'),
    'run-forward': () => step('runForward'),
    'run-backward': () => step('runBackward'),
    'switch-view': () => post({ type: 'switchView', view: view === 'operations' ? 'values' : 'operations' }),
    fit: () => canvas.fit(),
    'zoom-in': () => canvas.zoomBy(1.25),
    'zoom-out': () => canvas.zoomBy(0.8),
    'export-svg': () => post({ type: 'export', format: 'svg' }),
    'export-png': () => post({ type: 'export', format: 'png' }),
  };
  for (const [id, action] of Object.entries(buttons)) $(id).addEventListener('click', action);
  timeline.addEventListener('input', () => post({ type: 'goTo', position: Number(timeline.value) }));
  window.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type !== 'range') return;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => step('previous'),
      ArrowRight: () => step('next'),
      Home: () => step('reset'),
      End: () => step('runBackward'),
      f: () => canvas.fit(),
      '+': () => canvas.zoomBy(1.25),
      '=': () => canvas.zoomBy(1.25),
      '-': () => canvas.zoomBy(0.8),
      Escape: () => {
        detail.hide();
        detailNode = null;
      },
    };
    const action = keys[e.key];
    if (!action || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    action();
  });
}

wireToolbar();
window.addEventListener('message', (e: MessageEvent<HostMessage>) => handle(e.data));
post({ type: 'ready' });
