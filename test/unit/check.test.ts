import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkSource, evaluationSteps, tapeCost } from '../../src/core/check';
import { checkFile } from '../../src/node/checkFile';

function errors(text: string, maxTensorElements?: number) {
  return checkSource(text, maxTensorElements ? { maxTensorElements } : {}).diagnostics.filter((d) => d.severity === 'error');
}

function at(d: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }): string {
  return `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`;
}

describe('checking a .nn file', () => {
  it('builds one node per operator, naming the node its statement binds', () => {
    const r = checkSource('input a = 2\ninput b = 3\nc = a * b + 1\n');
    const g = r.graph!;
    assert.deepEqual(g.nodes.map((n) => [n.name, n.kind, n.op, n.inputs]), [
      ['a', 'input', 'input', []],
      ['b', 'input', 'input', []],
      [null, 'op', 'mul', [0, 1]],
      [null, 'const', 'const', []],
      ['c', 'op', 'add', [2, 3]],
    ]);
    assert.equal(g.output, 4);
  });

  it('folds constant sub-expressions and evaluates a leaf once', () => {
    const g = checkSource('param W = ones(2, 2) * 0.5\nx = 3\ny = x * (2 * 3)\n').graph!;
    assert.deepEqual(g.nodes.map((n) => n.op), ['param', 'input', 'const', 'mul']);
    assert.deepEqual(Array.from(g.nodes[0]!.value!.data), [0.5, 0.5, 0.5, 0.5]);
    assert.deepEqual(Array.from(g.nodes[2]!.value!.data), [6]);
    assert.equal(g.nodes[1]!.kind, 'input', 'a plain assignment naming no variable is an input leaf');
  });

  it('rebinds a name: later uses mean the newest binding', () => {
    const r = checkSource('input c = 1\nc = c + c + 1\nd = c * 2\n');
    const g = r.graph!;
    const uses = r.references.filter((x) => !x.isDefinition).map((x) => `${x.range.start.line}:${x.range.start.character}->${g.nodes[r.bindings[x.binding]!.nodeId]!.id}`);
    assert.deepEqual(uses, ['1:4->0', '1:8->0', '2:4->3'], 'c + c uses the input; d uses the node c + c + 1');
    assert.equal(r.bindings.length, 3);
  });

  it('defaults the output to the last assigned name and honours output NAME', () => {
    const last = checkSource('x = 1\ny = x * 2\nz = x * 3\n').graph!;
    assert.equal(last.nodes[last.output!]!.name, 'z');
    const named = checkSource('x = 1\ny = x * 2\nz = x * 3\noutput y\n').graph!;
    assert.equal(named.nodes[named.output!]!.name, 'y');
  });

  it('names the unknown name at its range, with a suggestion', () => {
    const [e] = errors('input apple = 2\ntotal = aple * 3\n');
    assert.equal(at(e!), '2:9-2:13');
    assert.equal(e!.message, "expected a defined name, found unknown name 'aple' (did you mean 'apple'?)");
  });

  it('reports a shape error at the operator, naming both shapes', () => {
    const [e, ...rest] = errors('input x = ones(2, 3)\nparam W = ones(4, 5)\ny = x @ W\n');
    assert.equal(rest.length, 0);
    assert.equal(at(e!), '3:7-3:8');
    assert.match(e!.message, /\[2,3\].*\[4,5\]/);
  });

  it('reports several problems in one file and checks past each of them', () => {
    const es = errors('x = ones(2, 3)\ny = relu(x, x)\nz = sum(x, axes=1)\nw = [[1, 2], [3]]\nv = foo(x)\nu = x @ x\n');
    assert.equal(es.length, 5, es.map((e) => e.message).join('\n'));
    assert.match(es[0]!.message, /relu: expected at most 1 arguments/);
    assert.match(es[1]!.message, /sum: expected one of the keywords x, axis, keepdims, found 'axes'/);
    assert.match(es[2]!.message, /rectangular/);
    assert.match(es[3]!.message, /unknown function 'foo'/);
    assert.equal(es[4]!.range.start.line, 5);
  });

  it('does not cascade: a name whose statement failed is not reported again', () => {
    const es = errors('x = [1, 2]\ny = x @ ones(3, 3)\nz = y * 2\nw = z + y\n');
    assert.equal(es.length, 1, 'the constructor in an op, and nothing about y, z or w');
  });

  it('refuses a leaf constructor inside an operation, saying where it belongs', () => {
    const [e] = errors('x = 2\ny = x + zeros(3)\n');
    assert.match(e!.message, /leaf constructor zeros\(\)/);
  });

  it('refuses a tensor over the size limit before allocating it', () => {
    const [e] = errors('param W = zeros(100000, 100000)\n');
    assert.match(e!.message, /10000000 elements.*\[100000,100000\]/);
    const [f] = errors('x = ones(10, 10)\ny = x @ x\n', 50);
    assert.match(f!.message, /at most 50 elements/);
  });

  it('warns at the node that first makes NaN or Infinity', () => {
    const r = checkSource('input x = 1\ny = log(x - 3)\nz = y * 2\n');
    assert.ok(r.graph, 'a warning keeps the graph');
    const warnings = r.diagnostics.filter((d) => d.severity === 'warning');
    assert.equal(warnings.length, 1);
    assert.equal(at(warnings[0]!), '2:5-2:15');
    assert.match(warnings[0]!.message, /NaN/);
  });

  it('allows at most one output statement', () => {
    const [e] = errors('x = 1\ny = x * 2\noutput x\noutput y\n');
    assert.match(e!.message, /at most one output/);
  });

  it('loads .json, .csv and .npy relative to the file, and refuses paths outside the folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-load-'));
    const inner = path.join(dir, 'project');
    fs.mkdirSync(inner);
    fs.writeFileSync(path.join(inner, 'x.json'), '[[1, 2], [3, 4.5]]');
    fs.writeFileSync(path.join(inner, 'bad.json'), '[[1, 2], [3');
    fs.writeFileSync(path.join(dir, 'secret.json'), '[1]');
    fs.writeFileSync(path.join(inner, 'net.nn'), 'input x = load("x.json")\ninput m = load("missing.npy")\ninput g = load("bad.json")\ninput s = load("../secret.json")\ny = x * 2\n');
    const r = checkFile(path.join(inner, 'net.nn'), { root: inner });
    fs.rmSync(dir, { recursive: true, force: true });
    const es = r.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(es.length, 3, es.map((e) => e.message).join('\n'));
    assert.equal(es[0]!.range.start.line, 1);
    assert.match(es[0]!.message, /missing\.npy/);
    assert.equal(es[1]!.range.start.line, 2);
    assert.equal(es[2]!.range.start.line, 3);
    assert.match(es[2]!.message, /inside the workspace folder/);
    assert.equal(r.bindings[0]!.name, 'x');
  });

  it('escapes nothing and loses nothing: a path with markup is kept as text in the message', () => {
    const [e] = errors('input x = load("<script>alert(1)</script>.npy")\n');
    assert.match(e!.message, /<script>alert\(1\)<\/script>\.npy/);
  });

  it('checks a generated 10,000-node file', () => {
    const lines = ['input x0 = 1.5'];
    for (let i = 1; i < 5000; i++) lines.push(`x${i} = relu(x${i - 1} * 1.0001)`);
    const r = checkSource(lines.join('\n'), { evaluate: false });
    assert.equal(r.diagnostics.length, 0);
    assert.equal(r.graph!.nodes.filter((n) => n.kind === 'op').length, 9998);
  });
});

describe('checking values the shapes cannot catch', () => {
  it('reports a class index out of range at the loss, as an error', () => {
    const r = checkSource('input x = [[1.0, 2.0, 3.0], [1.0, 0.0, 0.0]]\nconst t = [2, 3]\nloss = softmax_with_loss(x, t)\n');
    assert.equal(r.graph, null);
    const [e] = r.diagnostics;
    assert.equal(e!.severity, 'error');
    assert.equal(e!.range.start.line, 2);
    assert.match(e!.message, /class indices in 0\.\.2, found t\[1\] = 3/);
  });
});

describe('tensor literals', () => {
  it('hold numbers only: a variable inside one is named at its range', () => {
    const [e, ...rest] = errors('input x = 2\na = [x, 1]\n');
    assert.equal(rest.length, 0);
    assert.equal(at(e!), '2:6-2:7');
    assert.equal(e!.message, "expected numbers in a tensor literal, found the variable 'x' (a literal holds constants only)");
  });

  it('accept constant expressions as elements', () => {
    const g = checkSource('x = [-1, 2 ** 3, 1e-3]\n').graph!;
    assert.deepEqual(Array.from(g.nodes[0]!.value!.data), [-1, 8, 0.001]);
  });
});

describe('evaluating the tape for problems only values show', () => {
  it('yields once per step, so a host can hand back the event loop between steps', () => {
    const graph = checkSource('input x = 2\ny = x * 3\nz = exp(y)\n').graph!;
    const steps = evaluationSteps(graph);
    let yields = 0;
    for (let r = steps.next(); !r.done; r = steps.next()) yields++;
    assert.equal(yields, 4, 'two forward and two backward steps');
  });

  it('estimates a pass in multiply-adds: m·k·n for a product, the size for the rest', () => {
    const graph = checkSource('input x = ones(100, 784)\nparam W = ones(784, 50)\nh = relu(x @ W)\n').graph!;
    assert.equal(tapeCost(graph), 100 * 784 * 50 + 100 * 50);
  });
});
