import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from '../support/runCli';

const examples = path.resolve(__dirname, '../../examples');

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-cli-'));
  tempDirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('the graphstep command line', () => {
  it('run --json prints every node with exact numbers, in the shape of the spec', () => {
    const r = cli('run', path.join(examples, 'apple.nn'), '--json');
    assert.equal(r.code, 0);
    const json = JSON.parse(r.out);
    assert.deepEqual(Object.keys(json), ['output', 'steps', 'nodes']);
    assert.equal(json.output, 'total');
    assert.deepEqual(json.steps, { forward: 2, backward: 2 });
    assert.deepEqual(json.nodes[0], { id: 0, name: 'apple_num', kind: 'input', op: 'input', inputs: [], line: 2, shape: [], value: 2, grad: 110.00000000000001 });
    assert.deepEqual(json.nodes[4], { id: 4, name: 'total', kind: 'op', op: 'mul', inputs: [3, 2], line: 7, shape: [], value: 220.00000000000003, grad: 1 });
    assert.match(r.out, /"value":220\.00000000000003/, 'printed in the shortest round-trip form');
  });

  it('run --json gives unnamed nodes a null name, tensors as nested arrays, constants a null grad', () => {
    const r = cli('run', path.join(examples, 'softmax_with_loss.nn'), '--json');
    const json = JSON.parse(r.out);
    const t = json.nodes.find((n: { name: string }) => n.name === 't');
    assert.equal(t.kind, 'const');
    assert.deepEqual(t.value, [[0, 0, 1], [1, 0, 0]]);
    assert.equal(t.grad, null);
    const relu = JSON.parse(cli('run', path.join(examples, 'two_layer_net.nn'), '--json').out).nodes.find((n: { op: string }) => n.op === 'affine');
    assert.equal(relu.name, null);
    assert.deepEqual(relu.shape, [2, 4]);
  });

  it('run --json writes non-finite numbers as strings', () => {
    const file = tempFile('inf.nn', 'input x = 0\ny = log(x)\n');
    const json = JSON.parse(cli('run', file, '--json').out);
    assert.equal(json.nodes[1].value, '-Infinity');
    assert.equal(json.nodes[0].grad, 'Infinity');
  });

  it('run prints a readable table', () => {
    const r = cli('run', path.join(examples, 'apple_orange.nn'));
    assert.equal(r.code, 0);
    assert.match(r.out, /total\s+op\s+mul\s+\[\]\s+715\.0000000000001\s+1\n/);
    assert.match(r.out, /orange_price\s+input\s+input\s+\[\]\s+150\s+3\.3000000000000003/);
  });

  it('check prints FILE:LINE:COL: error: MESSAGE and exits 1', () => {
    const file = tempFile('bad.nn', 'input x = ones(2, 3)\nparam W = ones(4, 5)\ny = x @ W\nz = y * q\n');
    const r = cli('check', file);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:7: error: .*\\[2,3\\].*\\[4,5\\]`));
    assert.match(lines[1]!, /:4:9: error: expected a defined name, found unknown name 'q'/);
  });

  it('check exits 0 on a good file, printing warnings', () => {
    assert.deepEqual(cli('check', path.join(examples, 'apple.nn')), { code: 0, out: '', err: '' });
    const file = tempFile('nan.nn', 'input x = -1\ny = sqrt(x)\n');
    const r = cli('check', file);
    assert.equal(r.code, 0);
    assert.match(r.out, /:2:5: warning: .*NaN/);
  });

  it('run exits 1 with the error line on a bad file, and on a missing file', () => {
    const file = tempFile('bad.nn', 'y = (1 +\n');
    const r = cli('run', file, '--json');
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /bad\.nn:1:\d+: error: /);
    assert.equal(cli('run', '/nonexistent/x.nn').code, 1);
  });

  it('trace --json lists every step with what it set', () => {
    const r = cli('trace', path.join(examples, 'apple.nn'), '--json');
    assert.equal(r.code, 0);
    const json = JSON.parse(r.out);
    assert.equal(json.trace.length, 4);
    assert.deepEqual(json.trace[0], { position: 1, phase: 'forward', node: 3, name: 'apple_sum', op: 'mul', set: [{ node: 3, value: 200 }] });
    assert.deepEqual(json.trace[2].set[0], { node: 4, grad: 1, seed: true });
    assert.deepEqual(json.trace[3].set[0], { node: 0, edge: 110.00000000000001, grad: 110.00000000000001, arrived: 1, expected: 1 });
  });

  it('gradcheck passes the examples, states its rule, and skips a kink instead of failing it', () => {
    const r = cli('gradcheck', path.join(examples, 'two_layer_net.nn'));
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /checked 31 of 31 entries/);
    assert.match(r.out, /pass rule: \|numerical − backprop\| ≤ atol \+ rtol·\|numerical\|, atol = 1e-8, rtol = 1e-5/);
    assert.match(r.out, /forward evaluations/);
    // at the kink relu'(0) = 0 but the difference quotient is 0.5: not a bug, so not a failure
    const kink = cli('gradcheck', tempFile('kink.nn', 'input x = 0\ny = relu(x)\n'));
    assert.equal(kink.code, 0, kink.out);
    assert.match(kink.out, /x\s+0\/1\s+1\s+0\.00e\+0\s+0\.00e\+0\s+kinks only/);
    assert.match(kink.out, /1 skipped as kinks/);
    const json = JSON.parse(cli('gradcheck', tempFile('kink.nn', 'input x = 0\ny = relu(x)\n'), '--json').out);
    assert.deepEqual([json.leaves[0].status, json.leaves[0].skippedKinks, json.failingLeaves, json.atol, json.rtol], ['kinks only', 1, [], 1e-8, 1e-5]);
  });

  it('gradcheck exits 1 and lists the failing entries where the gradient is not finite', () => {
    // d sqrt(x)/dx = ∞ at 0, and the probes at 0 − h give NaN: no kink, a failure
    const r = cli('gradcheck', tempFile('sqrt.nn', 'input x = [0, 4]\ny = sum(sqrt(x))\n'));
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /x\s+2\/2\s+0\s+.*FAIL/);
    assert.match(r.out, /^ {2}x\[0\]: backprop Infinity, numerical NaN/m);
    assert.doesNotMatch(r.out, /x\[1\]/);
    assert.match(r.out, /gradcheck FAILED: x/);
  });

  it('rejects unknown commands and options with usage and exit 2', () => {
    assert.equal(cli('frobnicate').code, 2);
    assert.equal(cli('run', path.join(examples, 'apple.nn'), '--yaml').code, 2);
  });
});
