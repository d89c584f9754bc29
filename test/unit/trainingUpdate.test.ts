import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from '../support/runCli';

const DIR = path.join(__dirname, '..', 'fixtures', 'train');

/** The texts of the update labels of an SVG that `graphstep render` drew. */
function updates(file: string, ...options: string[]): string[] {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-update-')), 'g.svg');
  const { code, err } = cli('render', file, '-o', out, ...options);
  assert.equal(code, 0, err);
  const svg = fs.readFileSync(out, 'utf8');
  return [...svg.matchAll(/<text class="gs-update"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

describe('the training update drawn at the params', () => {
  it('shows a scalar param its update with the numbers at the end of the backward pass', () => {
    // d loss / dw = 2·(w·x − y)·x = 2·(1 − 7)·2 = −24; 0.5 − 0.1·(−24) = 2.9
    assert.deepEqual(updates(path.join(DIR, 'scalar_sgd.nn')), ['w ← 0.5 − 0.1·(-24) = 2.9']);
  });

  it('shows nothing before the update', () => {
    assert.deepEqual(updates(path.join(DIR, 'scalar_sgd.nn'), '--step', '2'), ['']);
  });

  it("shows a tensor param the optimizer's rule, and the first step's new value for a scalar with momentum", () => {
    assert.deepEqual(updates(path.join(__dirname, '..', '..', 'examples', 'train_digits.nn')), ['W1 ← W1 − lr·∂W1', 'b1 ← b1 − lr·∂b1', 'W2 ← W2 − lr·∂W2', 'b2 ← b2 − lr·∂b2']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-update-'));
    const file = path.join(dir, 'm.nn');
    fs.writeFileSync(file, fs.readFileSync(path.join(DIR, 'scalar_sgd.nn'), 'utf8').replace('sgd(lr=0.1)', 'momentum(lr=0.1)'));
    // the first step: v = 0.9·0 − 0.1·(−24) = 2.4, w = 0.5 + 2.4
    assert.deepEqual(updates(file), ['w ← w + v = 2.9']);
  });

  it('draws no update in a file that does not train', () => {
    assert.deepEqual(updates(path.join(__dirname, '..', '..', 'examples', 'two_layer_net.nn')), []);
  });
});
