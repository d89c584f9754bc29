/**
 * Renderer figures for `npm run bench`: layout + SVG at 100, 1,000 and
 * 10,000 nodes (both graph shapes), dagre beside the layered layout where
 * dagre is affordable, and the panel in the real webview (headless Chromium,
 * when present): first draw and a step at 1,000, 10,000 and 30,000 op nodes.
 * Medians; ratios are figure / budget.
 */
import { medianMs } from './timing';
import * as fs from 'node:fs';
import { checkSource } from '../src/core/check';
import { Stepper } from '../src/core/engine/stepper';
import { drawableGraph, type DrawableGraph } from '../src/core/render/drawableGraph';
import { drawingPatch, drawingState } from '../src/core/render/drawingState';
import type { HostMessage } from '../src/core/protocol';
import type { Page } from 'playwright-core';
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

  await benchWebview();
}

/**
 * The panel in the real webview page (headless Chromium): first draw (layout,
 * the elements in view, painted) and one step (the host's patch, applied and
 * painted) at 1,000, 10,000 and 30,000 op nodes; medians of several runs.
 */
export async function benchWebview(): Promise<void> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(chromium)) {
    console.log('\nwebview: skipped (no Chromium at ' + chromium + ')');
    return;
  }
  const { openWebviewPage } = await import('../test/support/webviewPage');
  console.log('\ngraph panel in the webview (headless Chromium, 1200×800; median; ratio = figure / budget):');
  console.log('  op nodes   first draw        step: host patch  bytes (whole state)   webview script   painted          pan, zoom painted   overview zoom');
  for (const ops of [1000, 10000, 30000]) {
    // A chain file has about 1.5 graph nodes per op node (a leaf every other op).
    const { drawable, stepper } = prepared(Math.round(ops * 1.5), 'chain');
    const opCount = drawable.nodes.filter((n) => n.kind === 'op').length;
    const setGraph = (revision: number, uri: string): HostMessage => ({ type: 'setGraph', revision, documentUri: uri, fileName: 'bench.nn', graph: drawable, state: drawingState(stepper), diagnostics: [], view: 'operations', direction: 'LR', highlight: [], gradCheck: null });
    const firsts: number[] = [];
    const runs = ops >= 30000 ? 2 : 3;
    let steps: { handle: number; host: number; bytes: number; whole: number; frame: number; zoom: number; pan: number; far: number } | null = null;
    for (let run = 0; run < runs; run++) {
      stepper.reset();
      const page = await openWebviewPage({ width: 1200, height: 800 });
      try {
        firsts.push(await untilPainted(page.page, setGraph(1, `file:///bench-${run}.nn`)));
        if (run > 0) continue;
        // Steps from the middle of the forward pass: the host's patch, then the page applies it and paints.
        stepper.goTo(Math.floor(stepper.forwardSteps / 2));
        await untilPainted(page.page, { type: 'setState', revision: 2, state: drawingState(stepper) });
        let revision = 2;
        const host: number[] = [];
        const bytes: number[] = [];
        const frame: number[] = [];
        const handle: number[] = [];
        for (let i = 0; i < 21; i++) {
          const mark = stepper.changeMark;
          stepper.next();
          const t0 = performance.now();
          const patch = drawingPatch(stepper, stepper.changedSince(mark)!);
          const json = JSON.stringify({ type: 'patchState', revision: revision + 1, base: revision, patch });
          host.push(performance.now() - t0);
          bytes.push(json.length);
          frame.push(await untilPainted(page.page, JSON.parse(json) as HostMessage));
          revision++;
          // The same move again as script time alone: back and forth, without waiting for a frame.
          const backMark = stepper.changeMark;
          stepper.previous();
          handle.push(await page.deliver({ type: 'patchState', revision: revision + 1, base: revision, patch: drawingPatch(stepper, stepper.changedSince(backMark)!) }));
          revision++;
          const fwdMark = stepper.changeMark;
          stepper.next();
          await page.deliver({ type: 'patchState', revision: revision + 1, base: revision, patch: drawingPatch(stepper, stepper.changedSince(fwdMark)!) });
          revision++;
        }
        const whole = JSON.stringify({ type: 'setState', revision: 1, state: drawingState(stepper) }).length;
        const pan: number[] = [];
        for (let i = 0; i < 10; i++) pan.push(await wheelPainted(page.page, i % 2 === 0 ? 120 : -120));
        const zoom: number[] = [];
        for (let i = 0; i < 10; i++) zoom.push(await clickPainted(page.page, i % 2 === 0 ? 'zoom-out' : 'zoom-in'));
        await page.page.click('#fit');
        const far: number[] = [];
        for (let i = 0; i < 10; i++) far.push(await clickPainted(page.page, i % 2 === 0 ? 'zoom-in' : 'zoom-out'));
        steps = { handle: median(handle), host: median(host), bytes: median(bytes), whole, frame: median(frame), zoom: median(zoom), pan: median(pan), far: median(far) };
      } finally {
        await page.close();
      }
    }
    const first = median(firsts);
    const budget = ops >= 30000 ? 3000 : 1000;
    const s = steps!;
    console.log(
      `  ${String(opCount).padStart(8)}   ${fmt(first).padStart(8)} ${(first / budget).toFixed(2)}×   ${fmt(s.host).padStart(8)}   ${kib(s.bytes).padStart(9)} (${kib(s.whole)})   ${fmt(s.handle).padStart(8)}   ${fmt(s.frame).padStart(8)} ${(s.frame / STEP_BUDGET_MS).toFixed(2)}×   ${fmt(s.pan).padStart(8)}, ${fmt(s.zoom).padStart(8)}   ${fmt(s.far).padStart(8)}`,
    );
  }
  console.log(`  budgets: first draw 1 s (30,000: 3 s, "usable"); a step, a pan or a zoom ${STEP_BUDGET_MS} ms (one frame at 60 Hz).`);
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1048576).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Delivers a host message and resolves once the frame after it is painted (ms since delivery). */
function untilPainted(page: Page, message: HostMessage): Promise<number> {
  return page.evaluate(`(() => { const t0 = performance.now(); window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(message)} })); return new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now() - t0), 0))); })()`) as Promise<number>;
}

function clickPainted(page: Page, id: string): Promise<number> {
  return page.evaluate(`(() => { const t0 = performance.now(); document.getElementById('${id}').click(); return new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now() - t0), 0))); })()`) as Promise<number>;
}

function wheelPainted(page: Page, deltaY: number): Promise<number> {
  return page.evaluate(`(() => { const t0 = performance.now(); document.getElementById('graph').dispatchEvent(new WheelEvent('wheel', { deltaY: ${deltaY}, shiftKey: true, clientX: 600, clientY: 400, bubbles: true, cancelable: true })); return new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(performance.now() - t0), 0))); })()`) as Promise<number>;
}
