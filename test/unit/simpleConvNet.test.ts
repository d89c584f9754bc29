import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { cli } from '../support/runCli';

describe('examples/simple_convnet.nn', () => {
  it("trains the textbook's SimpleConvNet (Convolution, ReLU, Pooling, two Affine layers) to at least 95% test accuracy on the 8×8 digits", function () {
    this.timeout(300_000);
    const file = path.join(__dirname, '..', '..', 'examples', 'simple_convnet.nn');
    const { code, out, err } = cli('train', file, '--json');
    assert.equal(code, 0, err);
    const json = JSON.parse(out) as { steps: number; loss: number[]; epochs: { step: number; test_accuracy: number }[] };
    assert.equal(json.steps, 1000);
    assert.ok(json.loss[json.loss.length - 1]! < json.loss[0]! / 10, `loss ${json.loss[0]} → ${json.loss[json.loss.length - 1]}`);
    const last = json.epochs[json.epochs.length - 1]!;
    assert.ok(last.test_accuracy >= 0.95, JSON.stringify(last));
  });
});
