/**
 * `renderSvg`: the drawing of a laid-out graph at one position, as a
 * standalone SVG string. The panel shows this very string (then patches its
 * labels in place at each step with `edgeTexts`/`nodeTexts`), and the export
 * and `graphstep render` write it to a file.
 */
import type { DrawableGraph } from './drawableGraph';
import type { ChangedNodes, DrawingState, NodeState } from './drawingState';
import type { GraphLayout, LayoutDirection, LayoutEdge, LayoutFrame, LayoutNode } from './layout';
import { updateLabel, updateRule } from '../train/updateLabel';
import { drawnShape } from './labelText';
import { SVG_STYLE } from './svgStyle';
import * as l10n from '@vscode/l10n';

export interface RenderOptions {
  /** Include the style sheet and a background: true for files, false inside the panel (which styles it itself). */
  readonly standalone?: boolean;
  /** A line above the drawing, e.g. the file name; the position is appended. */
  readonly heading?: string;
  /** Tooltips with the exact numbers (default true); the panel adds them on hover instead for large graphs. */
  readonly titles?: boolean;
}

/** Height of the heading line above the drawing. */
export const HEADING_HEIGHT = 26;

/**
 * Escapes text for XML content and attribute values. Characters XML cannot
 * hold at all (control characters, unpaired surrogates) become U+FFFD, so a
 * file name with a control character still gives a well-formed file.
 */
export function escapeXml(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters; they are what is replaced.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** What an arrow shows at a position. */
export interface EdgeTexts {
  readonly value: string;
  readonly grad: string;
  readonly title: string;
  readonly active: boolean;
}

export function edgeTexts(edge: LayoutEdge, graph: DrawableGraph, state: DrawingState): EdgeTexts {
  const source = state.nodes[edge.source];
  const grad = edge.consumer === null ? source?.grad ?? null : state.edgeGrads[edge.consumer]?.[edge.inputIndex] ?? null;
  const name = displayName(graph, edge.source);
  const lines = [`${name}: ${drawnShape(graph.nodes[edge.source]!.shape)}`, l10n.t('value = {0}', source?.value?.exact ?? l10n.t('not computed yet'))];
  if (grad) lines.push(l10n.t('gradient along this arrow = {0}', grad.exact));
  const current = state.currentNode;
  const active = current !== null && (edge.consumer === current || (state.phase === 'forward' && edge.source === current && edge.consumer !== null));
  return { value: edge.label ? source?.value?.short ?? '' : '', grad: edge.label ? grad?.short ?? '' : '', title: lines.join('\n'), active };
}

/** What a node shows at a position. */
export interface NodeTexts {
  /** The accumulated-gradient line below a shape used more than once. */
  readonly sum: string;
  /** A record's value and gradient cells (values view). */
  readonly data: string;
  readonly grad: string;
  readonly title: string;
  readonly current: boolean;
  readonly pending: boolean;
  /** A trained param's update (`W1 ← W1 − lr·∂W1`), drawn above it; empty before the end of the backward pass, null for other nodes. */
  readonly update: string | null;
}

export function nodeTexts(node: LayoutNode, graph: DrawableGraph, state: DrawingState): NodeTexts {
  const id = node.graphNode;
  const s: NodeState | undefined = state.nodes[id];
  const g = graph.nodes[id]!;
  const counts = s && s.expected > 1 ? ` (${s.arrived}/${s.expected})` : '';
  const sum = node.caption && s && (s.arrived > 0 || state.phase === 'backward') && s.expected > 1 ? `Σ ${s.grad?.short ?? '–'}${counts}` : '';
  const title = [
    `${displayName(graph, id)} — ${g.kind === 'op' ? g.op : g.kind}, ${drawnShape(g.shape)}`,
    l10n.t('value = {0}', s?.value?.exact ?? l10n.t('not computed yet')),
    s && s.expected > 0
      ? l10n.t('gradient = {0} ({1}/{2} contributions)', s.grad?.exact ?? l10n.t('none yet'), s.arrived, s.expected)
      : l10n.t('gradient = {0}', s?.grad?.exact ?? l10n.t('none yet')),
    ...(g.update ? [updateRule(g.name ?? displayName(graph, id), g.update)] : []),
  ].join('\n');
  return {
    sum,
    data: node.shape === 'record' || node.values ? `data ${s?.value?.short ?? '–'}` : '',
    grad: node.shape === 'record' || node.values ? `grad ${s?.grad?.short ?? '–'}${counts}` : '',
    title,
    current: node.role !== 'output' && state.currentNode === id,
    pending: !s?.value,
    update: g.update && node.role !== 'output' && node.role !== 'group' ? updateLabel(g.name ?? displayName(graph, id), g.update, s, state.position === state.total && state.total > 0) : null,
  };
}

function displayName(graph: DrawableGraph, id: number): string {
  const n = graph.nodes[id]!;
  return n.name ?? (n.kind === 'op' ? `${n.label} (node ${id})` : n.label);
}

/** The nodes and consumers whose labels a drawing of `layout` reads (`nodeTexts`, `edgeTexts`): the rest of a state goes unread. */
export function labelsDrawn(layout: GraphLayout): ChangedNodes {
  const nodes = new Set<number>();
  const consumers = new Set<number>();
  for (const n of layout.nodes) nodes.add(n.graphNode);
  for (const e of layout.edges) {
    nodes.add(e.source);
    if (e.consumer !== null) consumers.add(e.consumer);
  }
  return { nodes: [...nodes], consumers: [...consumers] };
}

export function renderSvg(graph: DrawableGraph, layout: GraphLayout, state: DrawingState, options: RenderOptions = {}): string {
  const standalone = options.standalone ?? true;
  const width = Math.max(layout.width, 200);
  const height = layout.height + HEADING_HEIGHT;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" class="gs-graph gs-view-${layout.view} gs-${layout.direction.toLowerCase()}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`);
  if (standalone) out.push(`<style>${SVG_STYLE}</style>`);
  out.push('<defs><marker id="gs-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto"><path class="gs-arrowhead" d="M0,0L10,5L0,10z"/></marker></defs>');
  if (standalone) out.push(`<rect class="gs-bg" width="${width}" height="${height}"/>`);
  const heading = [options.heading, state.description].filter(Boolean).join(' — ');
  out.push(`<text class="gs-heading" x="16" y="18">${escapeXml(heading)}</text>`);
  out.push(`<g class="gs-body" transform="translate(0,${HEADING_HEIGHT})">`);
  if (layout.frames?.length) {
    out.push('<g class="gs-frames">');
    for (const f of layout.frames) out.push(frameSvg(f, graph));
    out.push('</g>');
  }
  out.push('<g class="gs-edges">');
  const titles = options.titles ?? true;
  layout.edges.forEach((edge, i) => out.push(edgeSvg(edge, i, edgeTexts(edge, graph, state), titles, layout.direction)));
  out.push('</g><g class="gs-nodes">');
  layout.nodes.forEach((node, i) => out.push(nodeSvg(node, i, nodeTexts(node, graph, state), titles)));
  out.push('</g></g></svg>');
  return out.join('\n');
}

/** An expanded group: a frame, its title at the top left (the panel toggles it by `data-key`). */
export function frameSvg(f: LayoutFrame, graph: DrawableGraph): string {
  const kind = graph.groups?.[f.group]?.kind ?? 'block';
  const left = f.x - f.width / 2;
  const top = f.y - f.height / 2;
  return `<g class="gs-frame gs-frame-${kind}" data-group="${f.group}" data-key="${escapeXml(f.key)}"><rect class="gs-frame-box" x="${left}" y="${top}" width="${f.width}" height="${f.height}" rx="6"/><text class="gs-frame-title" x="${left + 7}" y="${top + 13}">${escapeXml(f.label)}</text></g>`;
}

function titleSvg(text: string, titles: boolean): string {
  return titles ? `<title>${escapeXml(text)}</title>` : '';
}

export function edgeSvg(edge: LayoutEdge, index: number, t: EdgeTexts, titles: boolean, direction: LayoutDirection): string {
  // Left to right: the value above the arrow, the gradient below. Top to bottom: both right of the arrow, the value first.
  const [vx, vy, gx, gy] = !edge.label ? [0, 0, 0, 0] : direction === 'TB' ? [edge.label.x + 6, edge.label.y - 3, edge.label.x + 6, edge.label.y + 13] : [edge.label.x, edge.label.y - 6, edge.label.x, edge.label.y + 16];
  const labels = edge.label
    ? `<text class="gs-value" x="${vx}" y="${vy}">${escapeXml(t.value)}</text><text class="gs-grad" x="${gx}" y="${gy}">${escapeXml(t.grad)}</text>`
    : '';
  return `<g class="gs-edge${t.active ? ' gs-active' : ''}" data-edge="${index}">${titleSvg(t.title, titles)}<path d="${edge.path}" marker-end="url(#gs-arrow)"/>${labels}</g>`;
}

export function nodeSvg(node: LayoutNode, index: number, t: NodeTexts, titles: boolean): string {
  const classes = ['gs-node', `gs-${node.role === 'output' ? 'output-name' : node.role === 'group' ? 'collapsed' : node.kind}`, `gs-role-${node.role}`];
  if (t.current) classes.push('gs-current');
  if (t.pending && node.role !== 'output') classes.push('gs-pending');
  const { x, y, width: w, height: h } = node;
  const groupData = node.group !== undefined ? ` data-group="${node.group}" data-key="${escapeXml(node.groupKey ?? '')}"` : '';
  const parts: string[] = [`<g class="${classes.join(' ')}" data-node="${node.graphNode}" data-index="${index}"${groupData}>${titleSvg(node.role === 'group' ? `${node.label} (collapsed group)\n${t.title}` : t.title, titles)}`];
  const textY = y + 4.5;
  switch (node.shape) {
    case 'circle':
      parts.push(`<circle class="gs-shape" cx="${x}" cy="${y}" r="${w / 2}"/><text class="gs-symbol" x="${x}" y="${textY}">${escapeXml(node.label)}</text>`);
      break;
    case 'pill':
      parts.push(`<rect class="gs-shape" x="${x - w / 2}" y="${y - h / 2}" width="${w}" height="${h}" rx="${h / 2}"/><text class="gs-symbol" x="${x}" y="${textY}">${escapeXml(node.label)}</text>`);
      break;
    case 'box':
    case 'text':
      parts.push(`<rect class="gs-shape" x="${x - w / 2}" y="${y - h / 2}" width="${w}" height="${h}" rx="4"/><text class="gs-name" x="${x}" y="${textY}">${escapeXml(node.label)}</text>`);
      break;
    case 'record': {
      // Name, then value, then gradient, one per row (micrograd's record, stood upright to stay narrow).
      const top = y - h / 2;
      const rows = node.label ? [node.label, t.data, t.grad] : [t.data, t.grad];
      const classes = node.label ? ['gs-name', 'gs-cell-data', 'gs-cell-grad'] : ['gs-cell-data', 'gs-cell-grad'];
      parts.push(`<rect class="gs-shape" x="${x - w / 2}" y="${top}" width="${w}" height="${h}" rx="3"/>`);
      if (node.label) parts.push(`<line class="gs-divider" x1="${x - w / 2}" y1="${top + 19}" x2="${x + w / 2}" y2="${top + 19}"/>`);
      rows.forEach((text, i) => parts.push(`<text class="${classes[i]}" x="${x}" y="${top + 14 + i * 16 + (node.label && i > 0 ? 2 : 0)}">${escapeXml(text)}</text>`));
      break;
    }
    case 'group': {
      // A collapsed group: its name, then its output's value and gradient when it has one output.
      const top = y - h / 2;
      parts.push(`<rect class="gs-shape" x="${x - w / 2}" y="${top}" width="${w}" height="${h}" rx="6"/><text class="gs-group-label" x="${x}" y="${node.values ? top + 15 : textY}">${escapeXml(node.label)}</text>`);
      if (node.values) parts.push(`<text class="gs-cell-data" x="${x}" y="${top + 33}">${escapeXml(t.data)}</text><text class="gs-cell-grad" x="${x}" y="${top + 49}">${escapeXml(t.grad)}</text>`);
      break;
    }
    default: {
      const unreachable: never = node.shape;
      throw new Error(`unknown node shape ${String(unreachable)}`);
    }
  }
  if (node.caption) parts.push(`<text class="gs-sum" x="${x}" y="${y + h / 2 + 13}">${escapeXml(t.sum)}</text>`);
  // A param is a source, and its arrow leaves from its centre (rightwards or downwards): the line
  // goes under it, starting just right of the centre, clear of the arrow in both directions.
  if (t.update !== null) parts.push(`<text class="gs-update" x="${x + 6}" y="${y + h / 2 + (node.caption ? 26 : 13)}">${escapeXml(t.update)}</text>`);
  parts.push('</g>');
  return parts.join('');
}
