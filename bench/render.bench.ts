/**
 * Renderer figures for `npm run bench`: layout + SVG at 100, 1,000 and
 * 10,000 nodes (both graph shapes), dagre beside the layered layout where
 * dagre is affordable, and one step's repaint at 1,000 nodes in the real
 * webview (headless Chromium, when present). Medians; ratios are figure / budget.
 */
import * as fs from 'node:fs';
import { checkSource } from '../src/core/check';
import { Stepper } from '../src/core/engine/stepper';
import { drawableGraph, type DrawableGraph } from '../src/core/render/drawableGraph';
import { drawingState, type DrawingState } from '../src/core/render/drawingState';
import { layoutGraph } from '../src/core/render/layout';
import { renderSvg } from '../src/core/render/renderSvg';
import { generatedSource, type GraphShape } from '../test/support/generatedGraphs';

const BUDGET_MS: Record<number, number> = { 100: 300, 1000: 300, 10000: 3000 };
const STEP_BUDGET_MS = 16;

/** Median milliseconds of `fn` over at least `minTime` ms (and 3 runs) after a warm-up run. */
function medianMs(fn: () => void, minTime: number, maxRuns: number): number {
  fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || (performance.now() - start < minTime && times.length < maxRuns)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function median(xs: number[]): number {
  const sorted = xs.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function fmt(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(2)} ms`;
}

function prepared(nodes: number, shape: GraphShape): { drawable: DrawableGraph; stepper: Stepper } {
  const r = checkSource(generatedSource(nodes, shape));
  if (!r.graph) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return { drawable: drawableGraph(r.graph), stepper: new Stepper(r.graph) };
}

export async function benchRender(): Promise<void> {
  console.log('graph panel: layout + SVG of a whole graph (median; ratio = figure / budget):');
  for (const nodes of [100, 1000, 10000]) {
    for (const shape of ['chain', 'skip'] as const) {
      const { drawable, stepper } = prepared(nodes, shape);
      stepper.runBackward();
      const state = drawingState(stepper);
      let engine = '';
      const ms = medianMs(() => {
        const layout = layoutGraph(drawable, 'operations');
        engine = layout.engine;
        renderSvg(drawable, layout, state);
      }, nodes >= 10000 ? 3000 : 1000, nodes >= 10000 ? 5 : 50);
      const budget = BUDGET_MS[nodes]!;
      console.log(`  ${String(nodes).padStart(6)} nodes, ${shape.padEnd(5)} (${engine.padEnd(7)}) ${fmt(ms).padStart(10)}   ${(ms / budget).toFixed(2)}× of ${budget} ms`);
    }
  }

  console.log('\nlayout engines side by side (layout only, median; ratio = dagre / layered):');
  for (const nodes of [20, 40, 100]) {
    for (const shape of ['chain', 'skip'] as const) {
      const { drawable } = prepared(nodes, shape);
      const dagre = medianMs(() => layoutGraph(drawable, 'operations', { engine: 'dagre' }), 500, 20);
      const layered = medianMs(() => layoutGraph(drawable, 'operations', { engine: 'layered' }), 500, 50);
      console.log(`  ${String(nodes).padStart(6)} nodes, ${shape.padEnd(5)}  dagre ${fmt(dagre).padStart(10)}   layered ${fmt(layered).padStart(10)}   ${(dagre / layered).toFixed(1)}×`);
    }
  }

  const { drawable, stepper } = prepared(1000, 'skip');
  stepper.goTo(stepper.forwardSteps + 1);
  const states: DrawingState[] = [];
  for (let i = 0; i < 21; i++) {
    states.push(drawingState(stepper));
    stepper.next();
  }
  console.log('\none step at 1,000 nodes (median):');
  const host = medianMs(() => JSON.stringify({ type: 'setState', revision: 1, state: drawingState(stepper) }), 500, 100);
  console.log(`  host: labels of every node and arrow + JSON   ${fmt(host).padStart(10)}   ${(host / STEP_BUDGET_MS).toFixed(2)}× of ${STEP_BUDGET_MS} ms`);
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) {
    console.log('  webview repaint: skipped (no Chromium at ' + chromium + ')');
    return;
  }
  const { openWebviewPage } = await import('../test/support/webviewPage');
  const page = await openWebviewPage();
  try {
    let revision = 1;
    const first = await page.deliver({ type: 'setGraph', revision: revision++, documentUri: 'file:///bench.nn', fileName: 'bench.nn', graph: drawable, state: states[0]!, diagnostics: [], view: 'operations' });
    console.log(`  webview: first draw (layout, SVG, DOM), once  ${fmt(first).padStart(10)}   ${(first / BUDGET_MS[1000]!).toFixed(2)}× of ${BUDGET_MS[1000]} ms`);
    const handle: number[] = [];
    const frame: number[] = [];
    for (let i = 1; i < states.length; i++) {
      handle.push(await page.deliver({ type: 'setState', revision: revision++, state: states[i]! }));
      // Until the next frame is painted: style, layout and paint of what changed.
      frame.push((await page.page.evaluate(`(() => { const t0 = performance.now(); window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify({ type: 'setState', revision: revision++, state: states[i - 1]! })} })); return new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now() - t0), 0))); })()`)) as number);
    }
    const zoom: number[] = [];
    for (let i = 0; i < 15; i++) {
      const button = i % 2 === 0 ? 'zoom-in' : 'zoom-out';
      zoom.push((await page.page.evaluate(`(() => { const t0 = performance.now(); document.getElementById('${button}').click(); return new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now() - t0), 0))); })()`)) as number);
    }
    console.log(`  webview: one zoom step, next frame painted     ${fmt(median(zoom)).padStart(10)}   ${(median(zoom) / STEP_BUDGET_MS).toFixed(2)}× of ${STEP_BUDGET_MS} ms`);
    console.log(`  webview: patch labels and classes             ${fmt(median(handle)).padStart(10)}   ${(median(handle) / STEP_BUDGET_MS).toFixed(2)}× of ${STEP_BUDGET_MS} ms`);
    console.log(`  webview: patch + next frame painted           ${fmt(median(frame)).padStart(10)}   ${(median(frame) / STEP_BUDGET_MS).toFixed(2)}× of ${STEP_BUDGET_MS} ms`);
  } finally {
    await page.close();
  }
}
