import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import type { Graph } from '../../src/core/graph/graph';

const examples = path.resolve(__dirname, '../../examples');

function graphOf(text: string, expand?: 'all'): Graph {
  const r = checkSource(text, { evaluate: false, expand });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  return r.graph!;
}

/** A chain of `n` statements `x{i} = x{i-1} * 1.0001 + x{j}` (three nodes each), `gap` blank lines every `every` statements. */
function chain(n: number, every = 0): string {
  const lines = ['input x0 = 1'];
  for (let i = 1; i <= n; i++) {
    if (every > 0 && i % every === 0) lines.push('');
    lines.push(`x${i} = x${i - 1} * 1.0001 + x${Math.floor(i / 2)}`);
  }
  return lines.join('\n') + '\n';
}

function groupOf(g: Graph, name: string): string | null {
  const b = [...g.bindings].reverse().find((x) => x.name === name)!;
  const group = g.nodes[b.nodeId]!.group;
  return group === null ? null : g.groups[group]!.label;
}

describe('groups by source block', () => {
  it('leaves a textbook-sized file without headers ungrouped', () => {
    for (const file of ['apple.nn', 'apple_orange.nn', 'two_layer_net.nn']) {
      const g = graphOf(fs.readFileSync(path.join(examples, file), 'utf8'));
      assert.deepEqual(g.groups, [], file);
      assert.ok(g.nodes.every((n) => n.group === null));
    }
  });

  it('makes a titled block of each # --- header, the lines above it one more block', () => {
    const text = [
      'input x = [[1, 2]]',
      'param W = [[1, 0], [0, 1]]',
      '# --- layer 1 ---',
      'h = relu(x @ W)',
      '',
      'k = h * 2',
      '# ---',
      '# the loss',
      'loss = sum(k)',
    ].join('\n');
    const g = graphOf(text);
    assert.deepEqual(
      g.groups.map((x) => [x.id, x.kind, x.key, x.label, x.parent, x.range.start.line, x.range.end.line]),
      [
        [0, 'block', 'block:x', 'lines 1–2', null, 0, 1],
        [1, 'block', 'block:layer 1', 'layer 1', null, 3, 5],
        [2, 'block', 'block:loss', 'line 9', null, 8, 8],
      ],
    );
    assert.deepEqual(['x', 'W', 'h', 'k', 'loss'].map((n) => groupOf(g, n)), ['lines 1–2', 'lines 1–2', 'layer 1', 'layer 1', 'line 9']);
    // the constant 2 of k = h * 2 is in k's block too
    assert.ok(g.nodes.every((n) => n.group !== null));
  });

  it('splits a large file at blank lines, labelled by lines', () => {
    const g = graphOf(chain(60, 20)); // 181 nodes, blank lines before x20, x40, x60
    assert.deepEqual(
      g.groups.map((x) => [x.key, x.label]),
      [
        ['block:x0', 'lines 1–20'],
        ['block:x20', 'lines 22–41'],
        ['block:x40', 'lines 43–62'],
        ['block:x60', 'line 64'],
      ],
    );
    assert.equal(groupOf(g, 'x39'), 'lines 22–41');
  });

  it('cuts a file of 10,000 ops without blank lines into chunks of at most 200 nodes', () => {
    const g = graphOf(chain(5000)); // 10,000 ops, 15,001 nodes
    assert.ok(g.nodes.every((n) => n.group !== null), 'every node in a chunk');
    const sizes = new Array<number>(g.groups.length).fill(0);
    for (const n of g.nodes) sizes[n.group!]!++;
    assert.ok(Math.max(...sizes) <= 200, `largest chunk ${Math.max(...sizes)}`);
    assert.ok(g.groups.length <= 80, `${g.groups.length} chunks`);
    assert.ok(g.groups.every((x) => x.parent === null && x.kind === 'block'));
    // chunks are consecutive runs of nodes
    for (let i = 1; i < g.nodes.length; i++) assert.ok(g.nodes[i]!.group! >= g.nodes[i - 1]!.group!);
    assert.equal(new Set(g.groups.map((x) => x.key)).size, g.groups.length, 'keys are unique');
    // x0 and 66 statements of three nodes make 199; then 66 statements, 198
    assert.deepEqual([g.groups[0]!.label, g.groups[1]!.label], ['lines 1–67', 'lines 68–133']);
  });

  it('nests the chunks of a large titled block inside it', () => {
    const g = graphOf(`# --- a long chain\n${chain(100)}`);
    assert.equal(g.groups[0]!.label, 'a long chain');
    assert.ok(g.groups.length >= 3);
    assert.ok(g.groups.slice(1).every((x) => x.parent === 0));
  });

  it('keeps block keys when lines are added above', () => {
    const text = '# --- first\ninput a = 1\nb = a * 2\n# --- second\nc = b + 1\n';
    const keys = graphOf(text).groups.map((x) => x.key);
    assert.deepEqual(keys, ['block:first', 'block:second']);
    assert.deepEqual(graphOf(`input z = 3\n\nw = z + 1\n${text}`).groups.map((x) => x.key), ['block:z', ...keys]);
  });

  it('puts an opened composite inside the block of its statement', () => {
    const g = graphOf('# --- net\ninput x = [[1, 2]]\nparam W = [[1], [1]]\nparam b = [0]\ny = affine(x, W, b)\n', 'all');
    assert.deepEqual(g.groups.map((x) => [x.kind, x.label, x.parent]), [['block', 'net', null], ['composite', 'Affine', 0]]);
  });

  it('splits at the same blank lines whatever the line ends (LF, CRLF, CR), with or without a comment in the file', () => {
    const lf = chain(120, 40);
    const labels = (text: string): string[] => graphOf(text).groups.map((x) => x.label);
    const expected = labels(lf);
    assert.ok(expected.length > 1, 'the chain is large enough to group');
    assert.deepEqual(labels(lf.replace(/\n/g, '\r\n')), expected);
    assert.deepEqual(labels(lf.replace(/\n/g, '\r')), expected);
    // a '#' anywhere makes the blank-line search read the lines another way: same blocks
    assert.deepEqual(labels(lf.replace('x1 = x0', 'x1 = x0 # first')), expected);
    assert.deepEqual(labels(lf.replace(/\n/g, '\r\n').replace('x1 = x0', 'x1 = x0 # first')), expected);
  });
});

describe('groups: the statement of each node', () => {
  it('groups the same from the statements the builder recorded as from the lines the statements start on', async () => {
    const { parse } = await import('../../src/core/language/parser');
    const { buildGraph } = await import('../../src/core/graph/buildGraph');
    const { withGroups } = await import('../../src/core/graph/groups');
    const files = [
      chain(700, 40),
      '# --- first ---\ndef f(a, b) = relu(a * b + 1)\ninput x = [[1, 2], [3, 4]]\nparam w = [[0.5, -1], [2, 0.25]]\n' + Array.from({ length: 120 }, (_, i) => `h${i} = f(${i ? `h${i - 1}` : 'x'}, w)${i % 9 === 0 ? '\n\n# --- more ---' : ''}`).join('\n') + '\ny = softmax(h119)\n',
      ...fs.readdirSync(examples).filter((f) => f.endsWith('.nn')).map((f) => fs.readFileSync(path.join(examples, f), 'utf8')),
    ];
    const files2 = { read: () => ({ ok: false as const, message: 'no files' }) };
    for (const text of files) {
      const grouped = (recorded: boolean): string => {
        const parsed = parse(text, 1e7);
        const built = buildGraph(parsed.statements, { maxTensorElements: 1e7, files: files2 });
        assert.equal(built.nodeStatements.length, built.graph.nodes.length);
        const g = withGroups(built.graph, parsed.statements, text, built.calls, recorded ? built.nodeStatements : undefined);
        return JSON.stringify({ groups: g.groups, nodes: g.nodes.map((n) => [n.group, n.expandKey ?? null]) });
      };
      assert.equal(grouped(true), grouped(false));
    }
    assert.ok(withGroupsCount(files[0]!) > 10 && withGroupsCount(files[1]!) > 10, 'the generated files have blocks and calls to group');
  });
});

function withGroupsCount(text: string): number {
  return checkSource(text, { evaluate: false }).graph!.groups.length;
}
