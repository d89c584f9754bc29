/**
 * Renderer figures for `npm run bench`: layout + SVG at 100, 1,000 and
 * 10,000 nodes (both graph shapes), dagre beside the layered layout where
 * dagre is affordable, and one step's repaint at 1,000 nodes in the real
 * webview (headless Chromium, when present). Medians; ratios are figure / budget.
 */
import { medianMs } from './timing';
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
    const first = await page.deliver({ type: 'setGraph', revision: revision++, documentUri: 'file:///bench.nn', fileName: 'bench.nn', graph: drawable, state: states[0]!, diagnostics: [], view: 'operations', direction: 'LR' });
    console.log(`  webview: first draw, cold (layout, SVG, DOM) ${fmt(first).padStart(10)}   ${(first / BUDGET_MS[1000]!).toFixed(2)}× of ${BUDGET_MS[1000]} ms`);
    const values = await page.deliver({ type: 'setGraph', revision: revision++, documentUri: 'file:///bench.nn', fileName: 'bench.nn', graph: drawable, state: states[0]!, diagnostics: [], view: 'values', direction: 'LR' });
    console.log(`  webview: draw of the other view, warm        ${fmt(values).padStart(10)}   ${(values / BUDGET_MS[1000]!).toFixed(2)}× of ${BUDGET_MS[1000]} ms`);
    await page.deliver({ type: 'setGraph', revision: revision++, documentUri: 'file:///bench.nn', fileName: 'bench.nn', graph: drawable, state: states[0]!, diagnostics: [], view: 'operations', direction: 'LR' });
    const frameAfter = (code: string): Promise<number> =>
      page.page.evaluate(`(() => { const t0 = performance.now(); ${code}; return new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now() - t0), 0))); })()`) as Promise<number>;
    const stepFrames = async (): Promise<{ handle: number; frame: number }> => {
      const handle: number[] = [];
      const frame: number[] = [];
      for (let i = 1; i < states.length; i++) {
        handle.push(await page.deliver({ type: 'setState', revision: revision++, state: states[i]! }));
        const back = JSON.stringify({ type: 'setState', revision: revision++, state: states[i - 1]! });
        frame.push(await frameAfter(`window.dispatchEvent(new MessageEvent('message', { data: ${back} }))`));
      }
      return { handle: median(handle), frame: median(frame) };
    };
    const far = await stepFrames();
    // Zoom in until labels are drawn (a readable scale), as when reading the numbers.
    for (let i = 0; i < 40 && (await page.page.evaluate(`document.getElementById('graph').classList.contains('gs-far')`)); i++) await page.page.click('#zoom-in');
    await page.page.waitForTimeout(400);
    const near = await stepFrames();
    const zoom: number[] = [];
    for (let i = 0; i < 15; i++) zoom.push(await frameAfter(`document.getElementById('${i % 2 === 0 ? 'zoom-in' : 'zoom-out'}').click()`));
    const row = (label: string, ms: number): void => console.log(`  webview: ${label.padEnd(37)} ${fmt(ms).padStart(10)}   ${(ms / STEP_BUDGET_MS).toFixed(2)}× of ${STEP_BUDGET_MS} ms`);
    row('step, patch labels and classes', near.handle);
    row('step, until the frame is painted', near.frame);
    row('step, zoomed out (labels hidden)', far.frame);
    row('one zoom step, frame painted', median(zoom));
  } finally {
    await page.close();
  }
}
