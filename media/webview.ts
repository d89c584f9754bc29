/**
 * The graph panel's webview: draws what the host sends, sends back what the
 * user does. It keeps only UI state (view, zoom, the open detail); the
 * graph, the position and every number come from the host.
 */
import './l10nSetup';
import type { GradCheckMarks, HostMessage, SetGraphMessage, StepMove, WebviewMessage } from '../src/core/protocol';
import { layoutKey, type DrawableGraph } from '../src/core/render/drawableGraph';
import { decodeDrawable, expandBlankState, isBlankState, PartAssembler, type BlankDrawingState } from '../src/core/render/drawableTransfer';
import { applyDrawingPatch, type DrawingState } from '../src/core/render/drawingState';
import { layoutGraph, resolveDirection, type DirectionSetting, type GraphLayout, type GraphView } from '../src/core/render/layout';
import { Breadcrumbs } from './breadcrumbs';
import { CollapsedGroups } from './collapsedGroups';
import { DetailView } from './detailView';
import { FindBox } from './findBox';
import { GraphCanvas } from './graphCanvas';
import { rasterizeSvg } from './rasterize';
import { TrainingView } from './trainingView';
import { MARGIN } from './viewport';
import { vscode } from './vscodeApi';
import * as l10n from '@vscode/l10n';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const post = (message: WebviewMessage): void => vscode.postMessage(message);

const canvas = new GraphCanvas($('graph'), (node) => {
  post({ type: 'selectNode', node });
  requestDetail(node);
});
const detail = new DetailView($('detail'));
const training = new TrainingView(document.body, $('stage'), post);
const find = new FindBox($('find'), (node, focus) => revealFound(node, focus), () => canvas.clearFound());

/** Shows a node found: the groups hiding it are opened first (view state). */
function revealFound(node: number, focus: boolean): void {
  if (graph) {
    const shut = collapsed.of(documentUri, graph);
    let opened = false;
    for (let g = graph.nodes[node]?.group ?? null; g !== null; g = graph.groups?.[g]?.parent ?? null) {
      const key = graph.groups?.[g]?.key;
      if (key !== undefined && shut.has(key)) {
        collapsed.set(documentUri, graph, key, false);
        opened = true;
      }
    }
    if (opened) {
      redraw();
      saveUiState();
    }
  }
  canvas.revealNode(node, focus);
}
const timeline = $<HTMLInputElement>('timeline');
const phase = $('phase');
const problems = $('problems');

let revision = -1;
let documentUri = '';
let fileName = '';
let graph: DrawableGraph | null = null;
let state: DrawingState | null = null;
const saved = vscode.getState();
let view: GraphView = saved?.view ?? 'operations';
/** Zoom and pan of the document shown, restored after a reload. */
let savedView = saved?.zoom && saved.documentUri ? { documentUri: saved.documentUri, view: saved.zoom } : null;
let gradCheck: GradCheckMarks | null = null;
/** Function and block groups drawn as one box, per document (view state). */
const collapsed = new CollapsedGroups(saved?.collapsed);
const breadcrumbs = new Breadcrumbs($('breadcrumbs'), (group) => canvas.revealGroup(group));
/** The node with keyboard focus, for the breadcrumbs. */
let focusedNode: number | null = null;
let direction: DirectionSetting = 'auto';
let shownKey = '';
let detailNode: number | null = null;
let nextRequestId = 1;
let pendingDetail = 0;
/** Layouts by graph shape and view: switching views or undoing an edit is instant. */
const layouts = new Map<string, GraphLayout>();

/** The shape key of each graph received (a step must not rebuild it: it is as long as the graph). */
const shapeKeys = new WeakMap<DrawableGraph, string>();

function layoutFor(g: DrawableGraph, v: GraphView): { key: string; layout: GraphLayout } {
  let shape = shapeKeys.get(g);
  if (shape === undefined) shapeKeys.set(g, (shape = layoutKey(g)));
  const host = $('graph');
  // The room inside the view's margins, down to a multiple of 25 px: the layout follows the panel's shape (a drawing
  // folds to fit across it), not every pixel of a resize.
  const room = (px: number, fallback: number): number => (px > 0 ? Math.max(50, Math.floor((px - 2 * MARGIN) / 25) * 25) : fallback);
  const viewport = { width: room(host.clientWidth, 800), height: room(host.clientHeight, 600) };
  const shut = collapsed.of(documentUri, g);
  const key = `${v} ${resolveDirection(direction, viewport)} ${viewport.width}×${viewport.height} ${CollapsedGroups.keyOf(shut)}\n${shape}`;
  let layout = layouts.get(key);
  if (!layout) {
    layout = layoutGraph(g, v, direction, { viewport, collapsed: shut });
    if (layouts.size >= 4) layouts.delete(layouts.keys().next().value!);
    layouts.set(key, layout);
  }
  return { key, layout };
}

function redraw(): void {
  if (!graph || !state) {
    canvas.clear();
    shownKey = '';
    return;
  }
  const { key, layout } = layoutFor(graph, view);
  if (key !== shownKey) {
    const sameView = canvas.currentLayout?.view === view;
    const restore = savedView && savedView.documentUri === documentUri ? savedView.view : undefined;
    savedView = null;
    const turned = canvas.currentLayout !== null && canvas.currentLayout.direction !== layout.direction;
    const fresh = !restore && (!sameView || turned || shownKey === '' || !sameGraphSize(canvas.currentLayout, layout));
    canvas.show(graph, layout, state, fileName, fresh, restore);
    shownKey = key;
    find.setGraph(graph);
  } else canvas.update(state, fileName);
  showBreadcrumbs();
  document.body.dataset.view = view;
  const switchView = $('switch-view');
  switchView.title = view === 'operations' ? l10n.t('Show values as nodes (GraphStep: Switch View)') : l10n.t('Show operations as nodes (GraphStep: Switch View)');
  switchView.setAttribute('aria-label', switchView.title);
}

function sameGraphSize(a: GraphLayout | null, b: GraphLayout): boolean {
  return a !== null && a.nodes.length === b.nodes.length;
}

function showGradCheck(): void {
  canvas.markFailing(gradCheck?.failing.map((f) => f.node) ?? []);
  const badge = $('gradcheck');
  badge.hidden = !gradCheck || gradCheck.passed;
  badge.textContent = gradCheck && !gradCheck.passed ? l10n.t('Gradient Check failed: {0}', gradCheck.failing.map((f) => f.name).join(', ')) : '';
}

function showState(): void {
  const s = state;
  timeline.disabled = !s;
  timeline.max = String(s?.total ?? 0);
  timeline.value = String(s?.position ?? 0);
  phase.textContent = s?.description ?? l10n.t('no graph');
  phase.dataset.phase = s?.phase ?? 'start';
  document.body.dataset.phase = s?.phase ?? 'start';
  document.body.dataset.position = String(s?.position ?? 0);
  $('forward-mark').style.setProperty('--gs-forward', s && s.total > 0 ? String(s.forwardSteps / s.total) : '1');
  for (const id of ['reset', 'previous']) $<HTMLButtonElement>(id).disabled = !s || s.position === 0;
  for (const id of ['next', 'run-backward']) $<HTMLButtonElement>(id).disabled = !s || s.position === s.total;
  $<HTMLButtonElement>('run-forward').disabled = !s || s.position === s.forwardSteps;
}

function showProblems(message: SetGraphMessage, shown: DrawableGraph | null): void {
  const errors = message.diagnostics.filter((d) => d.severity === 'error');
  problems.replaceChildren();
  problems.hidden = errors.length === 0 && shown !== null;
  if (problems.hidden) return;
  const head = document.createElement('div');
  head.className = 'gs-problems-head';
  head.textContent = shown ? l10n.t('The file has errors; showing the last good graph.') : l10n.t('No graph yet: the file has errors.');
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
  vscode.setState({ documentUri, view, zoom: canvas.currentView, follow: canvas.followSteps, collapsed: collapsed.toJSON() });
}

function showBreadcrumbs(): void {
  breadcrumbs.show(graph, focusedNode ?? state?.currentNode ?? null, fileName);
}

canvas.onFocusNode = (node) => {
  focusedNode = node;
  showBreadcrumbs();
};
canvas.onGroupToggle = (key, kind, open) => {
  if (!key || !graph) return;
  // A composite op opens on the host (the graph and its steps change); a function or block group only in the view.
  if (kind === 'composite') return post({ type: 'setExpanded', key, expanded: open });
  collapsed.set(documentUri, graph, key, !open);
  redraw();
  saveUiState();
};

let saveTimer: ReturnType<typeof setTimeout> | undefined;
canvas.onViewChange = () => {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveUiState, 300);
};
canvas.followSteps = saved?.follow ?? true;

/** The parts of the large graph on its way, and the last one put together (a setGraph may name it again). */
let incoming: PartAssembler | null = null;
let assembled: { readonly transfer: number; readonly graph: DrawableGraph } | null = null;

/** The graph a setGraph means: its own, or the one its parts carried; undefined when they are not all here. */
function graphOf(message: SetGraphMessage): DrawableGraph | null | undefined {
  const parts = message.graphParts;
  if (!parts) return message.graph;
  if (assembled?.transfer === parts.transfer) return assembled.graph;
  if (incoming?.transfer !== parts.transfer || !incoming.complete) return undefined;
  assembled = { transfer: parts.transfer, graph: decodeDrawable(incoming.bytes()) };
  incoming = null;
  return assembled.graph;
}

function stateOf(g: DrawableGraph | null, s: DrawingState | BlankDrawingState | null): DrawingState | null {
  return s && isBlankState(s) ? (g ? expandBlankState(g, s) : null) : s;
}

function handle(message: HostMessage): void {
  switch (message.type) {
    case 'graphPart': {
      if (incoming?.transfer !== message.transfer) incoming = new PartAssembler(message.transfer, message.count);
      incoming.add(message.index, message.bytes instanceof Uint8Array ? message.bytes : new Uint8Array(message.bytes));
      return;
    }
    case 'setGraph': {
      if (message.revision <= revision) return;
      const received = graphOf(message);
      // A part went missing (the webview was reloaded while they came): ask for everything again.
      if (received === undefined) return post({ type: 'ready' });
      revision = message.revision;
      if (message.documentUri !== documentUri) {
        detail.hide();
        detailNode = null;
        find.close();
      }
      documentUri = message.documentUri;
      fileName = message.fileName;
      graph = received;
      state = stateOf(graph, message.state);
      view = message.view;
      direction = message.direction;
      gradCheck = message.gradCheck;
      // A highlight belongs to one document's cursor: the host says what it is for this one.
      canvas.highlight(message.highlight);
      showProblems(message, graph);
      showState();
      redraw();
      showGradCheck();
      saveUiState();
      if (detailNode !== null && graph && detailNode < graph.nodes.length) requestDetail(detailNode);
      return;
    }
    case 'setState':
      if (message.revision <= revision) return;
      revision = message.revision;
      state = stateOf(graph, message.state);
      showState();
      redraw();
      if (detailNode !== null) requestDetail(detailNode);
      return;
    case 'patchState':
      if (message.revision <= revision) return;
      if (!state || message.base !== revision) {
        // Not the state this patch was made for: ask for the whole one rather than show a wrong label.
        post({ type: 'requestState' });
        return;
      }
      revision = message.revision;
      state = applyDrawingPatch(state, message.patch, true);
      showState();
      redraw();
      if (detailNode !== null) requestDetail(detailNode);
      return;
    case 'gradCheck':
      gradCheck = message.marks;
      showGradCheck();
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
    case 'training':
      training.show(message);
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
    follow: () => setFollow(!canvas.followSteps),
    'find-open': () => find.open(),
    'zoom-in': () => canvas.zoomBy(1.25),
    'zoom-out': () => canvas.zoomBy(0.8),
    'export-svg': () => post({ type: 'export', format: 'svg' }),
    'export-png': () => post({ type: 'export', format: 'png' }),
  };
  for (const [id, action] of Object.entries(buttons)) $(id).addEventListener('click', action);
  timeline.addEventListener('input', () => post({ type: 'goTo', position: Number(timeline.value) }));
  setFollow(canvas.followSteps);
  // Captured before VS Code's own key forwarding (a listener on the window), so Ctrl+F opens the
  // panel's find and not also the Find of the editor beside it.
  document.addEventListener(
    'keydown',
    (e) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey || e.shiftKey || e.key.toLowerCase() !== 'f') return;
      e.preventDefault();
      e.stopPropagation();
      find.open();
    },
    true,
  );
  window.addEventListener('keydown', (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type !== 'range') return;
    const keys: Record<string, () => void> = {
      ArrowLeft: () => step('previous'),
      ArrowRight: () => step('next'),
      Home: () => step('reset'),
      End: () => step('runBackward'),
      f: () => canvas.fit(),
      l: () => setFollow(!canvas.followSteps),
      '+': () => canvas.zoomBy(1.25),
      '=': () => canvas.zoomBy(1.25),
      '-': () => canvas.zoomBy(0.8),
      Escape: () => {
        detail.hide();
        detailNode = null;
        // An answer still on its way must not open the drawer again.
        pendingDetail = 0;
        find.close();
      },
    };
    const action = keys[e.key];
    if (!action || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    action();
  });
}

function setFollow(on: boolean): void {
  canvas.followSteps = on;
  const button = $('follow');
  button.setAttribute('aria-pressed', String(on));
  button.classList.toggle('gs-on', on);
  saveUiState();
}

// The layout follows the panel's shape (direction, folding): lay out again once a resize settles.
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(redraw, 250);
});

wireToolbar();
window.addEventListener('message', (e: MessageEvent<HostMessage>) => handle(e.data));
post({ type: 'ready' });
