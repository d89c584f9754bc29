import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeNumber, encodeTensor, validateWebviewMessage, type WebviewMessage } from '../../src/core/protocol';
import { drawingState } from '../../src/core/render/drawingState';
import { Tensor } from '../../src/core/tensor';
import { loadExample } from '../support/renderFixtures';

describe('host ⇄ webview protocol', () => {
  const valid: WebviewMessage[] = [
    { type: 'ready' },
    { type: 'requestState' },
    { type: 'setExpanded', key: 'composite:7:8', expanded: true },
    { type: 'setExpanded', key: 'composite:7:8', expanded: false },
    { type: 'step', move: 'next' },
    { type: 'step', move: 'previous' },
    { type: 'step', move: 'runForward' },
    { type: 'step', move: 'runBackward' },
    { type: 'step', move: 'reset' },
    { type: 'goTo', position: 3 },
    { type: 'selectNode', node: 0 },
    { type: 'requestTensors', requestId: 7, node: 2 },
    { type: 'switchView', view: 'values' },
    { type: 'export', format: 'png' },
    { type: 'pngData', requestId: 1, base64: 'iVBORw0KGgo=' },
    { type: 'pngError', requestId: 1, message: 'no canvas' },
  ];

  it('accepts every message the webview sends', () => {
    for (const m of valid) assert.ok(validateWebviewMessage(m), JSON.stringify(m));
  });

  it('rejects anything else: unknown types, missing or mistyped fields, out-of-range numbers', () => {
    const invalid: unknown[] = [
      null,
      undefined,
      'ready',
      42,
      [],
      {},
      { type: 'READY' },
      { type: 'step', move: 'jump' },
      { type: 'step' },
      { type: 'goTo', position: -1 },
      { type: 'goTo', position: 1.5 },
      { type: 'goTo', position: '3' },
      { type: 'goTo', position: Infinity },
      { type: 'selectNode', node: NaN },
      { type: 'requestTensors', requestId: 1 },
      { type: 'switchView', view: 'graph' },
      { type: 'export', format: 'pdf' },
      { type: 'pngData', requestId: 1, base64: '<script>' },
      { type: 'pngData', requestId: 1 },
      { type: 'pngError', requestId: 1, message: 3 },
      { type: 'setExpanded', key: '', expanded: true },
      { type: 'setExpanded', key: 'composite:1:1' },
      { type: 'setExpanded', key: 7, expanded: true },
      { type: 'setExpanded', key: 'x'.repeat(5000), expanded: true },
      { type: 'constructor' },
      { type: '__proto__' },
    ];
    for (const m of invalid) assert.equal(validateWebviewMessage(m), false, JSON.stringify(m));
  });

  it('never throws, whatever arrives', () => {
    fc.assert(
      fc.property(fc.anything(), (x) => {
        validateWebviewMessage(x);
      }),
    );
    fc.assert(
      fc.property(fc.record({ type: fc.constantFrom('step', 'goTo', 'selectNode', 'requestTensors', 'switchView', 'export', 'pngData'), move: fc.anything(), position: fc.anything(), node: fc.anything(), requestId: fc.anything(), view: fc.anything(), format: fc.anything(), base64: fc.anything() }), (x) => {
        validateWebviewMessage(x);
      }),
    );
  });

  it('sends tensors as {shape, data} with non-finite numbers spelled out, and reads them back', () => {
    const t = new Tensor([2, 2], Float64Array.of(1.5, NaN, Infinity, -Infinity));
    const payload = encodeTensor(t);
    const wire = JSON.parse(JSON.stringify(payload)) as typeof payload;
    assert.deepEqual(wire, { shape: [2, 2], data: [1.5, 'NaN', 'Infinity', '-Infinity'] });
    assert.deepEqual(wire.data.map(decodeNumber), [1.5, NaN, Infinity, -Infinity]);
  });

  it('sends the drawing state as plain JSON: it survives the trip unchanged', () => {
    const { stepper } = loadExample('examples/two_layer_net.nn');
    stepper.runBackward();
    const state = drawingState(stepper);
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
  });
});
