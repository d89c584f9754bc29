/**
 * The detail drawer: a node's full value and gradient side by side, each as
 * a heatmap (diverging scale centred on 0) and a table, with the exact
 * number of every element on hover.
 */
import { decodeNumber, type TensorPayload, type TensorsMessage } from '../src/core/protocol';
import { formatNumber } from '../src/core/format';
import { formatShort, drawnShape } from '../src/core/render/labelText';
import * as l10n from '@vscode/l10n';

const TABLE_MAX_ROWS = 60;
const TABLE_MAX_COLS = 30;
const HEATMAP_MAX_PX = 360;

export class DetailView {
  constructor(private readonly host: HTMLElement) {}

  show(message: TensorsMessage): void {
    this.host.replaceChildren();
    const header = el('div', 'gs-detail-header');
    header.append(el('span', 'gs-detail-title', message.title));
    const close = el('button', 'gs-detail-close', '×');
    close.title = l10n.t('Close (Escape)');
    close.addEventListener('click', () => this.hide());
    header.append(close);
    const body = el('div', 'gs-detail-body');
    body.append(tensorColumn(l10n.t('value'), message.value, 'gs-detail-value'), tensorColumn(l10n.t('gradient'), message.grad, 'gs-detail-grad'));
    this.host.append(header, body);
    this.host.hidden = false;
  }

  hide(): void {
    this.host.hidden = true;
    this.host.replaceChildren();
  }

  get isOpen(): boolean {
    return !this.host.hidden;
  }
}

function tensorColumn(caption: string, payload: TensorPayload | null, cls: string): HTMLElement {
  const column = el('section', `gs-detail-column ${cls}`);
  if (!payload) {
    column.append(el('h3', '', l10n.t('{0}: not computed yet', caption)));
    return column;
  }
  const data = payload.data.map(decodeNumber);
  column.append(el('h3', '', `${caption} · ${drawnShape(payload.shape)}`));
  if (payload.shape.length === 0) {
    column.append(el('div', 'gs-detail-scalar', formatNumber(data[0]!)));
    return column;
  }
  const cols = payload.shape[payload.shape.length - 1] ?? 1;
  const rows = cols === 0 ? 0 : data.length / cols;
  column.append(heatmap(data, rows, cols, payload.shape), table(data, rows, cols, payload.shape));
  return column;
}

/** Index of flat element `i` in a tensor of `shape`, as `[1, 2]`. */
function indexText(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let a = shape.length - 1; a >= 0; a--) {
    idx.unshift(i % shape[a]!);
    i = Math.floor(i / shape[a]!);
  }
  return `[${idx.join(', ')}]`;
}

/** Blue for negative, red for positive, white at 0, scaled by the largest magnitude. */
export function divergingColor(x: number, maxAbs: number): string {
  if (!Number.isFinite(x)) return 'rgb(128,128,128)';
  const t = maxAbs > 0 ? Math.max(-1, Math.min(1, x / maxAbs)) : 0;
  const fade = (c: number): number => Math.round(255 + (c - 255) * Math.abs(t));
  return t >= 0 ? `rgb(${fade(178)},${fade(24)},${fade(43)})` : `rgb(${fade(33)},${fade(102)},${fade(172)})`;
}

function maxAbsOf(data: readonly number[]): number {
  let m = 0;
  for (const x of data) if (Number.isFinite(x)) m = Math.max(m, Math.abs(x));
  return m;
}

function heatmap(data: readonly number[], rows: number, cols: number, shape: readonly number[]): HTMLElement {
  const wrap = el('div', 'gs-heatmap');
  const cell = Math.max(1, Math.min(24, Math.floor(HEATMAP_MAX_PX / Math.max(rows, cols, 1))));
  const canvas = document.createElement('canvas');
  canvas.width = cols * cell;
  canvas.height = rows * cell;
  const ctx = canvas.getContext('2d');
  const maxAbs = maxAbsOf(data);
  if (ctx) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        ctx.fillStyle = divergingColor(data[r * cols + c]!, maxAbs);
        ctx.fillRect(c * cell, r * cell, cell, cell);
      }
    }
  }
  const tip = el('div', 'gs-heatmap-tip', `scale: −${formatShort(maxAbs)} … 0 … ${formatShort(maxAbs)}`);
  canvas.addEventListener('mousemove', (e) => {
    const c = Math.floor(e.offsetX / cell);
    const r = Math.floor(e.offsetY / cell);
    if (r < 0 || c < 0 || r >= rows || c >= cols) return;
    const i = r * cols + c;
    canvas.title = `${indexText(i, shape)} = ${formatNumber(data[i]!)}`;
    tip.textContent = canvas.title;
  });
  wrap.append(canvas, tip);
  return wrap;
}

function table(data: readonly number[], rows: number, cols: number, shape: readonly number[]): HTMLElement {
  const wrap = el('div', 'gs-table-wrap');
  const t = document.createElement('table');
  t.className = 'gs-table';
  const maxAbs = maxAbsOf(data);
  for (let r = 0; r < Math.min(rows, TABLE_MAX_ROWS); r++) {
    const tr = document.createElement('tr');
    for (let c = 0; c < Math.min(cols, TABLE_MAX_COLS); c++) {
      const i = r * cols + c;
      const td = el('td', '', formatShort(data[i]!));
      td.title = `${indexText(i, shape)} = ${formatNumber(data[i]!)}`;
      td.style.setProperty('--gs-cell', divergingColor(data[i]!, maxAbs));
      if (maxAbs > 0 && Math.abs(data[i]!) / maxAbs > 0.55) td.style.setProperty('--gs-ink', '#fff');
      tr.append(td);
    }
    t.append(tr);
  }
  wrap.append(t);
  if (rows > TABLE_MAX_ROWS || cols > TABLE_MAX_COLS) wrap.append(el('div', 'gs-note', l10n.t('showing {0} of {1}; the heatmap shows all', `${Math.min(rows, TABLE_MAX_ROWS)}×${Math.min(cols, TABLE_MAX_COLS)}`, `${rows}×${cols}`)));
  return wrap;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
