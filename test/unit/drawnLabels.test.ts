import * as assert from 'node:assert/strict';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import { drawableGraph } from '../../src/core/render/drawableGraph';
import { drawingState, drawingStateOf } from '../../src/core/render/drawingState';
import { layoutGraph, type GraphView } from '../../src/core/render/layout';
import { labelsDrawn, renderSvg } from '../../src/core/render/renderSvg';
import { generatedSource } from '../support/generatedGraphs';

function chain(statements: number): string {
  const lines = ['input x0 = 1.5'];
  for (let i = 1; i <= statements; i++) lines.push(`x${i} = relu(x${i - 1} * 1.0001)`);
  return lines.join('\n');
}

describe('a drawing labels only what it shows', () => {
  const cases: [string, string][] = [
    ['a generated graph of 60 nodes, drawn whole', generatedSource(60, 'skip')],
    ['3,000 statements, drawn as collapsed blocks', chain(3_000)],
  ];
  for (const [what, text] of cases) {
    for (const view of ['operations', 'values'] as GraphView[]) {
      it(`${what} (${view}): the SVG from the labels drawn is the SVG from the whole state, at any position`, () => {
        const graph = checkSource(text, { evaluate: false }).graph!;
        const drawable = drawableGraph(graph);
        const layout = layoutGraph(drawable, view);
        const drawn = labelsDrawn(layout);
        const s = new Stepper(graph);
        for (const at of [0, Math.floor(s.total / 3), s.forwardSteps, s.total - 1, s.total]) {
          s.goTo(at);
          assert.equal(renderSvg(drawable, layout, drawingStateOf(s, drawn)), renderSvg(drawable, layout, drawingState(s)), `at ${at}`);
        }
      });
    }
  }

  it('labels far fewer nodes than a collapsed large graph has', () => {
    const graph = checkSource(chain(3_000), { evaluate: false }).graph!;
    const drawn = labelsDrawn(layoutGraph(drawableGraph(graph), 'operations'));
    assert.ok(drawn.nodes.length < graph.nodes.length / 10, `${drawn.nodes.length} of ${graph.nodes.length} nodes`);
  });
});
