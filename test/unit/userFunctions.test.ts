import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { occurrencesOf, referenceAt } from '../../src/core/editor/bindingLookup';
import { completionCandidates } from '../../src/core/editor/completionCandidates';
import { functionHoverMarkdown } from '../../src/core/editor/functionNames';
import { renameProblem } from '../../src/core/editor/renameCheck';
import { Stepper } from '../../src/core/engine/stepper';
import type { Graph } from '../../src/core/graph/graph';
import { parse } from '../../src/core/language/parser';

const LEAVES = 'input x = [[0.6, 0.9], [0.1, -0.3]]\nparam W1 = randn(2, 4, seed=1) * 0.01\nparam b1 = zeros(4)\nparam W2 = randn(4, 3, seed=2) * 0.01\nparam b2 = zeros(3)\nconst t = [[0, 0, 1], [1, 0, 0]]\n';
const DEF = 'def affine_relu(x, W, b) = relu(affine(x, W, b))\n';

function errors(text: string): string[] {
  return checkSource(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.message}`);
}

function graphOf(text: string, expand?: 'all'): Graph {
  const r = checkSource(text, { expand });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return r.graph!;
}

function valuesAndGrads(g: Graph, names: string[]): number[][] {
  const s = new Stepper(g);
  s.runBackward();
  return names.flatMap((n) => {
    const id = [...g.bindings].reverse().find((b) => b.name === n)!.nodeId;
    return [Array.from(s.value(id)!.data), Array.from(s.grad(id)?.data ?? [])];
  });
}

describe('user functions: def', () => {
  it('parses def NAME(params) = EXPR', () => {
    const { statements, diagnostics } = parse(DEF);
    assert.deepEqual(diagnostics, []);
    const s = statements[0]!;
    assert.equal(s.kind, 'def');
    if (s.kind !== 'def') return;
    assert.equal(s.name, 'affine_relu');
    assert.deepEqual(s.params.map((p) => [p.name, p.range.start.character]), [['x', 16], ['W', 19], ['b', 22]]);
    assert.equal(s.body.kind, 'call');
  });

  it('reports malformed defs at the place', () => {
    assert.deepEqual(errors('def f(x) relu(x)\n'), ["1:10-1:14 expected '=' and the function's expression after 'def f(x)', found 'relu'"]);
    assert.deepEqual(errors('def f(x, 2) = x\n'), ["1:10-1:11 expected a parameter name in 'def f(…)', found the number 2"]);
    assert.deepEqual(errors('def f x = x\n'), ["1:7-1:8 expected '(' and the parameters after 'def f', found 'x'"]);
  });

  it('reports a def that does not parse once, not again at each call', () => {
    assert.deepEqual(errors('def f(x) = relu(x\ninput a = 2\nb = f(a) * 2\nc = b + 1\n'), ["1:16-1:17 expected ')' to close this '(', found the end of the statement"]);
    assert.deepEqual(errors('def f(x y) = x\ninput a = 2\nb = f(a)\n'), ["1:9-1:10 expected ',' or ')' after the parameter 'x', found 'y'"]);
  });

  it('inlines each call into the ops of the body: the same numbers as writing them out', () => {
    const inlined = graphOf(`${DEF}${LEAVES}a1 = affine_relu(x, W1, b1)\nloss = softmax_with_loss(affine(a1, W2, b2), t)\n`);
    const written = graphOf(`${LEAVES}a1 = relu(affine(x, W1, b1))\nloss = softmax_with_loss(affine(a1, W2, b2), t)\n`);
    assert.deepEqual(inlined.nodes.map((n) => n.op), written.nodes.map((n) => n.op));
    assert.deepEqual(valuesAndGrads(inlined, ['loss', 'a1', 'W1', 'b1', 'x']), valuesAndGrads(written, ['loss', 'a1', 'W1', 'b1', 'x']));
    const s = new Stepper(inlined);
    assert.deepEqual([s.forwardSteps, s.backwardSteps], [4, 4]);
    const a1 = inlined.nodes.find((n) => n.name === 'a1')!;
    assert.equal(a1.op, 'relu', 'the statement names the node the body returns');
  });

  it('tags the nodes of each call with a function group, labelled by the function, ranged at the call', () => {
    const g = graphOf(`${DEF}${LEAVES}h1 = affine_relu(x, W1, b1)\nh2 = affine_relu(x, W1, b=b1) * 2\n`);
    assert.deepEqual(
      g.groups.map((x) => [x.id, x.kind, x.key, x.label, x.parent, `${x.range.start.line + 1}:${x.range.start.character + 1}-${x.range.end.character + 1}`]),
      [
        [0, 'function', 'fn:h1/affine_relu', 'affine_relu', null, '8:6-28'],
        [1, 'function', 'fn:h2/affine_relu', 'affine_relu', null, '9:6-30'],
      ],
    );
    assert.deepEqual(g.nodes.filter((n) => n.group === 1).map((n) => n.op), ['affine', 'relu']);
    assert.equal(g.nodes.find((n) => n.op === 'mul')!.group, null, 'the * 2 outside the call is not in it');
    assert.deepEqual(g.nodes.filter((n) => n.group === 0).map((n) => n.expandKey), ['composite:h1/affine_relu/affine', undefined]);
  });

  it('nests the groups of calls inside calls, and of composites opened inside them', () => {
    const text = `${DEF}def layer2(x, W1, b1, W2, b2) = affine(affine_relu(x, W1, b1), W2, b2)\n${LEAVES}y = layer2(x, W1, b1, W2, b2)\n`;
    const g = graphOf(text, 'all');
    assert.deepEqual(
      g.groups.map((x) => [x.id, x.kind, x.key, x.parent]),
      [
        [0, 'function', 'fn:y/layer2', null],
        [1, 'function', 'fn:y/layer2/affine_relu', 0],
        [2, 'composite', 'composite:y/layer2/affine_relu/affine', 1],
        [3, 'composite', 'composite:y/layer2/affine', 0],
      ],
    );
    assert.deepEqual(
      g.nodes.filter((n) => n.kind === 'op').map((n) => [n.op, n.group]),
      [['matmul', 2], ['add', 2], ['relu', 1], ['matmul', 3], ['add', 3]],
    );
  });

  it('puts a call inside the source block of its statement', () => {
    const g = graphOf(`${DEF}# --- layer 1\n${LEAVES}h = affine_relu(x, W1, b1)\n`);
    assert.deepEqual(g.groups.map((x) => [x.kind, x.label, x.parent]), [['block', 'layer 1', null], ['function', 'affine_relu', 0]]);
  });

  it('checks the body at each call: a shape error points at the call and names the def', () => {
    const text = `${DEF}${LEAVES}ok = affine_relu(x, W1, b1)\nbad = affine_relu(x, W1, b2)\n`;
    assert.deepEqual(errors(text), [
      '9:7-9:29 in affine_relu(): affine: cannot add b [3] to x@W of shape [2,4] (in the body of def affine_relu(x, W, b), line 1)',
    ]);
    const nested = `${DEF}def outer(x, W, b) = affine_relu(x, W, b) * 2\n${LEAVES}bad = outer(x, W2, b1)\n`;
    assert.deepEqual(errors(nested), ['9:7-9:23 in outer() → affine_relu(): affine: cannot multiply [2,2] by [4,3]: inner sizes 2 and 4 differ (in the body of def affine_relu(x, W, b), line 1)']);
  });

  it('refuses recursion, unknown functions and names that are not parameters', () => {
    assert.deepEqual(errors('def f(x) = f(x) + 1\n'), [
      "1:12-1:13 f: expected a call of an operation or of a function defined above, found a call of 'f' itself (recursion: each call is drawn inline, so it would never end)",
    ]);
    assert.deepEqual(errors('def f(x) = g(x)\ndef g(x) = x * 2\n'), [
      "1:12-1:13 f: expected a function defined above, found 'g', defined below on line 2 (define a function before the functions that call it)",
    ]);
    assert.deepEqual(errors('def f(x) = nope(x)\n'), ["1:12-1:16 f: expected an operation or a function defined above, found unknown function 'nope'"]);
    assert.deepEqual(errors('input W = 2\ndef f(x) = x * W\n'), ["2:16-2:17 f: expected one of its parameters x, found 'W' (a function sees only its parameters: pass the value in)"]);
    assert.deepEqual(errors('input a = 1\nb = f(a)\ndef f(x) = x\n'), ["2:5-2:6 expected a function defined above, found 'f', defined below on line 3 (define a function before its first call)"]);
  });

  it('names the first def further down when the file is built statement by statement, as it is parsed', () => {
    // the builder learns of a def below only at the end of the file: the message at the call is settled then
    assert.deepEqual(errors('input a = 1\nb = f(a) + g(a) + k(a)\ndef f(x) = x\nc = g(a)\ndef f(x) = x * 2\ndef g(x) = x\n'), [
      "2:5-2:6 expected a function defined above, found 'f', defined below on line 3 (define a function before its first call)",
      "2:12-2:13 expected a function defined above, found 'g', defined below on line 6 (define a function before its first call)",
      "2:19-2:20 expected an operation, found unknown function 'k'",
      "4:5-4:6 expected a function defined above, found 'g', defined below on line 6 (define a function before its first call)",
      "5:5-5:6 def: expected a new function name, found 'f', already defined on line 3",
    ]);
    assert.deepEqual(errors('input a = 1\ndef f(x) = g(x) * h(x)\ndef h(x) = x\nb = f(a)\ndef g(x) = x\n'), [
      "2:12-2:13 f: expected a function defined above, found 'g', defined below on line 5 (define a function before the functions that call it)",
      "2:19-2:20 f: expected a function defined above, found 'h', defined below on line 3 (define a function before the functions that call it)",
    ]);
  });

  it('checks the arguments of a call and the def itself', () => {
    const base = 'def f(x, y) = x * y\ninput a = 2\n';
    assert.deepEqual(errors(`${base}b = f(a)\n`), ['3:5-3:9 f: expected 2 arguments f(x, y), found 1']);
    assert.deepEqual(errors(`${base}b = f(a, a, a)\n`), ['3:13-3:14 f: expected at most 2 arguments f(x, y), found more']);
    assert.deepEqual(errors(`${base}b = f(a, z=a)\n`), ["3:10-3:11 f: expected one of the keywords x, y, found 'z'"]);
    assert.deepEqual(errors(`${base}b = f(a, x=a)\n`), ['3:10-3:13 f: expected one value for x, found a second']);
    assert.deepEqual(errors('def relu(x) = x\n'), ["1:5-1:9 def: expected a new function name, found 'relu', the name of an operation"]);
    assert.deepEqual(errors('def f(x, x) = x\n'), ["1:10-1:11 f: expected each parameter once, found 'x' twice"]);
    assert.deepEqual(errors('def f(x) = x\ndef f(y) = y\n'), ["2:5-2:6 def: expected a new function name, found 'f', already defined on line 1"]);
    assert.deepEqual(errors('def f(x) = x\ninput def = 1\n'), ["2:7-2:10 expected a name after 'input', found the keyword 'def'"]);
  });

  it('folds a call with constant arguments, and passes non-tensor arguments through', () => {
    const g = graphOf('def scaled(x, k) = x * k\ndef total(x, ax) = sum(x, axis=ax)\ninput a = [[1, 2], [3, 4]]\nc = scaled(3, 4)\nd = total(a * c, 1)\n');
    assert.deepEqual(g.nodes.map((n) => [n.name, n.op]), [['a', 'input'], ['c', 'input'], [null, 'mul'], ['d', 'sum']]);
    assert.deepEqual(Array.from(g.nodes[1]!.value!.data), [12]);
    assert.deepEqual(g.groups.map((x) => x.key), ['fn:d/total'], 'a call folded into a constant leaves no group');
  });

  it('refuses calls nested deeper than the limit instead of overflowing', () => {
    const defs = ['def f0(x) = x * 2'];
    for (let i = 1; i <= 70; i++) defs.push(`def f${i}(x) = f${i - 1}(x) + 1`);
    const [e, ...rest] = errors(`${defs.join('\n')}\ninput a = 1\nb = f70(a)\n`);
    assert.deepEqual(rest, []);
    assert.equal(e, '73:5-73:11 in f70() → f69() → … → f8() → f7(): f6: expected calls nested at most 64 deep, found more (each call is drawn inline) (in the body of def f7(x), line 8)');
  });

  it('binds the function name and parameters for hovers, definition, references and rename', () => {
    const text = `${DEF}${LEAVES}h = affine_relu(x, W1, b1)\n`;
    const r = checkSource(text);
    const use = referenceAt(r, { line: 7, character: 6 })!;
    const fn = r.bindings[use.binding]!;
    assert.deepEqual([fn.name, fn.role, fn.nodeId, fn.range.start], ['affine_relu', 'function', -1, { line: 0, character: 4 }]);
    assert.deepEqual(occurrencesOf(r, use.binding).map((o) => [o.range.start.line, o.range.start.character, o.isDefinition]), [[0, 4, true], [7, 4, false]]);
    const param = referenceAt(r, { line: 0, character: 42 })!; // the W inside affine(x, W, b)
    assert.deepEqual([r.bindings[param.binding]!.name, r.bindings[param.binding]!.role, r.bindings[param.binding]!.range.start.character], ['W', 'parameter', 19]);
    assert.equal(renameProblem(text, r, occurrencesOf(r, use.binding).map((o) => o.range), 'dense_relu'), null);
    const hover = functionHoverMarkdown(text, r, fn);
    assert.match(hover, /\*\*`affine_relu\(x, W, b\)`\*\* · function · line 1/);
    assert.match(hover, /def affine_relu\(x, W, b\) = relu\(affine\(x, W, b\)\)/);
    assert.match(hover, /Called once/);
    assert.match(functionHoverMarkdown(text, r, r.bindings[param.binding]!), /a parameter of `affine_relu\(x, W, b\)`/);
  });

  it('completes functions defined above, not their parameters', () => {
    const text = `${DEF}${LEAVES}h = \n`;
    const r = checkSource(text);
    const labels = completionCandidates(text, r, null, { line: 7, character: 4 });
    const fn = labels.find((c) => c.label === 'affine_relu');
    assert.ok(fn, 'the function is offered');
    assert.equal(fn.isCall, true);
    assert.match(fn.detail, /affine_relu\(x, W, b\) · def on line 1/);
    assert.ok(!labels.some((c) => c.kind === 'variable' && (c.label === 'W' || c.label === 'b')), 'parameters are not in scope');
    assert.ok(labels.some((c) => c.kind === 'variable' && c.label === 'x'), 'the input x is');
    assert.ok(completionCandidates('', checkSource(''), null, { line: 0, character: 0 }).some((c) => c.label === 'def' && c.kind === 'keyword'));
  });
});

describe('examples/functions.nn', () => {
  it('is the two-layer net: the same loss and gradients to the last bit, one function group', () => {
    const read = (name: string): string => fs.readFileSync(path.resolve(__dirname, '../../examples', name), 'utf8');
    const withDef = graphOf(read('functions.nn'));
    const plain = graphOf(read('two_layer_net.nn'));
    const names = ['loss', 'a1', 'W1', 'b1', 'W2', 'b2', 'x'];
    assert.deepEqual(valuesAndGrads(withDef, names), valuesAndGrads(plain, names));
    assert.deepEqual(withDef.groups.map((g) => [g.kind, g.label, g.parent]), [['block', 'data and parameters', null], ['block', 'layers', null], ['function', 'affine_relu', 1]]);
  });
});
