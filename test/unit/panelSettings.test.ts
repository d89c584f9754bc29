import * as assert from 'node:assert/strict';
import { drawingState } from '../../src/core/render/drawingState';
import { layoutGraph } from '../../src/core/render/layout';
import { renderSvg } from '../../src/core/render/renderSvg';
import { loadExample } from '../support/renderFixtures';

/** The settings graphstep.panel.layoutDirection and graphstep.panel.precision, as the core applies them. */
describe('panel settings: layout direction and label precision', () => {
  it('top to bottom puts every operation below its inputs, without overlaps', () => {
    const { drawable } = loadExample('examples/apple_orange.nn');
    const lr = layoutGraph(drawable, 'operations');
    const tb = layoutGraph(drawable, 'operations', { direction: 'TB' });
    assert.equal(lr.direction, 'LR');
    assert.equal(tb.direction, 'TB');
    for (const e of tb.edges) {
      const from = tb.nodes[e.from]!;
      const to = tb.nodes[e.to]!;
      assert.ok(to.y > from.y, `arrow ${e.from}→${e.to} runs downwards`);
      assert.match(e.path, /^M[\d.]+,[\d.]+/);
    }
    for (const e of lr.edges) assert.ok(lr.nodes[e.to]!.x > lr.nodes[e.from]!.x, 'and left to right by default');
    tb.nodes.forEach((a, i) =>
      tb.nodes.slice(i + 1).forEach((b) => {
        const apart = Math.abs(a.x - b.x) >= (a.width + b.width) / 2 || Math.abs(a.y - b.y) >= (a.height + b.height) / 2;
        assert.ok(apart, `${a.label} and ${b.label} overlap`);
      }),
    );
    const svg = renderSvg(drawable, tb, drawingState(loadExample('examples/apple_orange.nn').stepper));
    assert.match(svg, /class="gs-graph gs-view-operations gs-tb"/);
  });

  it('rounds the labels to the chosen significant digits, keeping the exact form for tooltips', () => {
    const { stepper } = loadExample('examples/apple_orange.nn');
    stepper.runBackward();
    const total = stepper.graph.output!;
    const orangePrice = stepper.graph.bindings.find((b) => b.name === 'orange_price')!.nodeId;
    const at = (precision: number) => drawingState(stepper, { precision });
    assert.equal(at(4).nodes[total]!.value!.short, '715');
    assert.equal(at(17).nodes[total]!.value!.short, '715.0000000000001');
    assert.equal(at(2).nodes[orangePrice]!.grad!.short, '3.3');
    assert.equal(at(17).nodes[orangePrice]!.grad!.short, '3.3000000000000003');
    assert.equal(at(2).nodes[total]!.value!.exact, '715.0000000000001');
  });
});
