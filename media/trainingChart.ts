/**
 * The training curves: the loss of every iteration and the train and test
 * accuracy of every epoch, drawn by uPlot on one chart (loss on the left
 * axis, accuracy on the right), themed with the workbench's chart colours.
 * A click on the chart picks the iteration under the cursor.
 */
import * as l10n from '@vscode/l10n';
import uPlot from 'uplot';
import uPlotCss from 'uplot/dist/uPlot.min.css';
import { addStyle } from './trainingStyle';

addStyle(uPlotCss);

/** The workbench colours the chart draws with, read from the page's CSS variables. */
interface Palette {
  readonly loss: string;
  readonly train: string;
  readonly test: string;
  readonly marker: string;
  readonly foreground: string;
  readonly grid: string;
}

function readPalette(): Palette {
  const css = getComputedStyle(document.body);
  const v = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-editor-foreground', v('--vscode-foreground', '#888'));
  return {
    loss: v('--vscode-charts-blue', '#3794ff'),
    train: v('--vscode-charts-green', '#89d185'),
    test: v('--vscode-charts-orange', '#d18616'),
    marker: v('--vscode-charts-red', '#f14c4c'),
    foreground,
    grid: v('--vscode-editorWidget-border', v('--vscode-panel-border', '#8884')),
  };
}

/** What the chart draws: iteration k's loss at x = k; an accuracy measured after step k's update at x = k + 1 (the parameters of iteration k + 1). */
export interface CurveData {
  readonly losses: readonly number[];
  readonly epochs: readonly { readonly step: number; readonly train: number; readonly test: number | null }[];
  readonly steps: number;
}

/** The plot's height in CSS pixels (the legend goes below it). */
const CHART_HEIGHT = 130;

export class TrainingChart {
  private plot: uPlot | null = null;
  private palette = readPalette();
  private marked: number | null = null;
  private readonly observer: ResizeObserver;

  constructor(
    private readonly container: HTMLElement,
    private readonly pick: (iteration: number) => void,
  ) {
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(container);
    // The theme changes the body's class: read the colours again.
    new MutationObserver(() => {
      this.palette = readPalette();
      this.plot?.redraw(false, true);
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  /** Draws the curves (a new chart the first time, new data after). */
  show(data: CurveData, iteration: number | null): void {
    this.marked = iteration;
    const aligned = alignedData(data);
    if (!this.plot) this.plot = this.create(aligned);
    else this.plot.setData(aligned, true);
  }

  /** Moves the iteration marker. */
  mark(iteration: number | null): void {
    this.marked = iteration;
    this.plot?.redraw(false, false);
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(200, this.container.clientWidth), height: CHART_HEIGHT };
  }

  private resize(): void {
    this.plot?.setSize(this.size());
  }

  private create(data: uPlot.AlignedData): uPlot {
    const p = (): Palette => this.palette;
    const axis = (scale: string, side: 0 | 1 | 2 | 3, values?: uPlot.Axis['values']): uPlot.Axis => ({
      scale,
      side,
      stroke: () => p().foreground,
      grid: { show: side !== 1, stroke: () => p().grid, width: 1 },
      ticks: { stroke: () => p().grid, width: 1 },
      font: '11px var(--vscode-font-family, sans-serif)',
      ...(values ? { values } : {}),
    });
    const options: uPlot.Options = {
      ...this.size(),
      scales: { x: { time: false }, loss: { auto: true }, accuracy: { auto: false, range: [0, 1] } },
      series: [
        { label: l10n.t('iteration') },
        { label: l10n.t('loss'), scale: 'loss', stroke: () => p().loss, width: 1, points: { show: false }, value: (_u, v) => (v === null ? '–' : v.toPrecision(5)) },
        { label: l10n.t('train accuracy'), scale: 'accuracy', stroke: () => p().train, width: 1.5, spanGaps: true, points: { show: true, size: 4, fill: () => p().train }, value: (_u, v) => percent(v) },
        { label: l10n.t('test accuracy'), scale: 'accuracy', stroke: () => p().test, width: 1.5, spanGaps: true, points: { show: true, size: 4, fill: () => p().test }, value: (_u, v) => percent(v) },
      ],
      axes: [axis('x', 2), axis('loss', 3), axis('accuracy', 1, (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`))],
      cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false } },
      legend: { show: true, live: true },
      hooks: { draw: [(u) => this.drawMarker(u)] },
    };
    const plot = new uPlot(options, data, this.container);
    plot.over.addEventListener('click', () => {
      const idx = plot.cursor.idx;
      const iteration = idx === null || idx === undefined ? undefined : plot.data[0][idx];
      if (iteration !== undefined) this.pick(iteration);
    });
    plot.over.title = l10n.t('Click to put the graph at this iteration');
    return plot;
  }

  /** The chosen iteration: a vertical line across the plot. */
  private drawMarker(u: uPlot): void {
    if (this.marked === null) return;
    const x = Math.round(u.valToPos(this.marked, 'x', true));
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = this.palette.marker;
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }
}

function percent(v: number | null): string {
  return v === null ? '–' : `${(v * 100).toFixed(2)}%`;
}

/** Most points a curve is drawn with: a longer history is drawn every s-th iteration (each point still that iteration's exact loss). */
const MAX_POINTS = 5000;

/**
 * uPlot's columns: x = 0..steps (every s-th when there are more than
 * MAX_POINTS), the loss of each iteration, each accuracy at the point
 * nearest where it was measured, null elsewhere.
 */
function alignedData(data: CurveData): uPlot.AlignedData {
  const last = data.losses.length;
  const stride = Math.max(1, Math.ceil((last + 1) / MAX_POINTS));
  const x: number[] = [];
  for (let i = 0; i <= last; i += stride) x.push(i);
  if (x[x.length - 1] !== last) x.push(last);
  // uPlot needs two x values to make a scale
  if (x.length < 2) x.push(1);
  const n = x.length;
  const loss: (number | null)[] = x.map((i) => data.losses[i] ?? null);
  const train: (number | null)[] = new Array<number | null>(n).fill(null);
  const test: (number | null)[] = new Array<number | null>(n).fill(null);
  for (const e of data.epochs) {
    const at = e.step + 1;
    if (at > last) continue;
    const j = Math.min(n - 1, Math.round(at / stride));
    train[j] = e.train;
    test[j] = e.test;
  }
  return [x, loss, train, test];
}
