import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from '../support/runCli';

const examples = path.resolve(__dirname, '../../examples');

interface JsonNode {
  id: number;
  name: string | null;
  op: string;
  inputs: number[];
  group?: { key: string; kind: string; label: string };
}

describe('the command line with composite ops opened (--expand)', () => {
  it('run --json --expand lists the elementary nodes, each naming its group', () => {
    const r = cli('run', path.join(examples, 'two_layer_net.nn'), '--json', '--expand');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    assert.deepEqual(Object.keys(json), ['output', 'steps', 'nodes']);
    assert.deepEqual(json.steps, { forward: 16, backward: 16 });
    const nodes = json.nodes as JsonNode[];
    assert.deepEqual(
      nodes.filter((n) => n.op !== 'const' && !['input', 'param'].includes(n.op)).map((n) => n.op),
      ['matmul', 'add', 'relu', 'matmul', 'add', 'max', 'sub', 'exp', 'sum', 'div', 'add', 'log', 'mul', 'sum', 'neg', 'div'],
    );
    assert.ok(!nodes.some((n) => n.op === 'affine' || n.op === 'softmax_with_loss'));
    const loss = nodes.find((n) => n.name === 'loss')!;
    assert.equal(loss.op, 'div');
    assert.deepEqual(loss.group, { key: 'composite:loss/softmax_with_loss', kind: 'composite', label: 'SoftmaxWithLoss' });
    assert.equal(json.output, 'loss');
    assert.equal(nodes.find((n) => n.op === 'relu')!.group, undefined, 'a node in no group has no group field');
  });

  it('run --json without --expand is unchanged: one node per composite, no group fields', () => {
    const json = JSON.parse(cli('run', path.join(examples, 'two_layer_net.nn'), '--json').out);
    assert.deepEqual(json.steps, { forward: 4, backward: 4 });
    assert.deepEqual(
      (json.nodes as JsonNode[]).filter((n) => n.inputs.length > 0).map((n) => n.op),
      ['affine', 'relu', 'affine', 'softmax_with_loss'],
    );
    assert.ok((json.nodes as JsonNode[]).every((n) => !('group' in n)));
  });

  it('render --expand draws the elementary ops', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-expand-'));
    try {
      const closed = path.join(dir, 'closed.svg');
      const open = path.join(dir, 'open.svg');
      assert.equal(cli('render', path.join(examples, 'two_layer_net.nn'), '-o', closed).code, 0);
      const r = cli('render', path.join(examples, 'two_layer_net.nn'), '-o', open, '--expand');
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /backward 16\/16/);
      const svg = fs.readFileSync(open, 'utf8');
      assert.match(svg, />max</);
      assert.match(svg, />log</);
      assert.doesNotMatch(fs.readFileSync(closed, 'utf8'), />max</);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('trace --json --expand steps through the elementary nodes; gradcheck --expand checks them', () => {
    const trace = JSON.parse(cli('trace', path.join(examples, 'sigmoid.nn'), '--json', '--expand').out);
    assert.deepEqual(trace.steps, { forward: 9, backward: 9 });
    assert.deepEqual(trace.trace.slice(0, 4).map((s: { op: string }) => s.op), ['neg', 'exp', 'add', 'div']);
    const check = cli('gradcheck', path.join(examples, 'two_layer_net.nn'), '--expand');
    assert.equal(check.code, 0, check.out + check.err);
    assert.match(check.out, /gradcheck passed/);
  });

  it('rejects --expand where it means nothing', () => {
    const r = cli('check', path.join(examples, 'apple.nn'), '--expand');
    assert.equal(r.code, 2);
    assert.match(r.err, /found '--expand'/);
  });
});
