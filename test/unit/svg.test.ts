import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderCommand } from '../../src/cli/renderCommand';
import type { DrawableGraph } from '../../src/core/render/drawableGraph';
import { drawingState } from '../../src/core/render/drawingState';
import { formatShort } from '../../src/core/render/labelText';
import { layoutGraph } from '../../src/core/render/layout';
import { escapeXml, renderSvg } from '../../src/core/render/renderSvg';
import { loadExample } from '../support/renderFixtures';

/** The text of every element with `class` in an SVG string, unescaped. */
function texts(svg: string, cls: string): string[] {
  return [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => unescape(m[1]!));
}

function titles(svg: string): string[] {
  return [...svg.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => unescape(m[1]!));
}

function unescape(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Every tag closed in order: the SVG is well-formed XML (no DOM parser in the pure tests). */
function assertWellFormedXml(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes the open tag`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, []);
  assert.doesNotMatch(svg.replace(/<style>[\s\S]*?<\/style>/, ''), /&(?!(amp|lt|gt|quot|#39);)/);
}

describe('renderSvg', () => {
  it('shows the textbook figure 5-17 after both passes: values above the arrows, gradients below', () => {
    const { drawable, stepper } = loadExample('examples/apple_orange.nn');
    stepper.runBackward();
    const svg = renderSvg(drawable, layoutGraph(drawable, 'operations'), drawingState(stepper));
    assertWellFormedXml(svg);
    const values = texts(svg, 'gs-value');
    const grads = texts(svg, 'gs-grad');
    for (const v of ['2', '100', '3', '150', '1.1', '200', '450', '650', '715']) assert.ok(values.includes(v), `value ${v} in ${values.join(' ')}`);
    for (const g of ['110', '2.2', '165', '3.3', '1.1', '650', '1']) assert.ok(grads.includes(g), `gradient ${g} in ${grads.join(' ')}`);
    // The exact float64 forms are in the tooltips.
    const tips = titles(svg).join('\n');
    for (const exact of ['715.0000000000001', '110.00000000000001', '3.3000000000000003']) assert.ok(tips.includes(exact), exact);
    assert.match(svg, /backward 4\/4/);
  });

  it('before any step shows only the leaves\' values, and no gradients', () => {
    const { drawable, stepper } = loadExample('examples/apple_orange.nn');
    const svg = renderSvg(drawable, layoutGraph(drawable, 'operations'), drawingState(stepper));
    assert.deepEqual(texts(svg, 'gs-value').filter(Boolean).sort(), ['1.1', '100', '150', '2', '3']);
    assert.deepEqual(texts(svg, 'gs-grad').filter(Boolean), []);
    assert.equal((svg.match(/class="[^"]*gs-pending/g) ?? []).length, 4, 'the four ops are not computed yet');
    assert.doesNotMatch(svg, /class="[^"]*gs-current/);
  });

  it('highlights the node the last step ran, and the arrows it used', () => {
    const { drawable, stepper } = loadExample('examples/apple_orange.nn');
    stepper.goTo(1);
    const svg = renderSvg(drawable, layoutGraph(drawable, 'operations'), drawingState(stepper));
    const current = [...svg.matchAll(/<g class="([^"]*gs-current[^"]*)" data-node="(\d+)"/g)];
    assert.equal(current.length, 1);
    assert.equal(Number(current[0]![2]), stepper.currentNode);
    assert.equal((svg.match(/gs-edge gs-active/g) ?? []).length, 3, 'two arguments in, the result out');
  });

  it('shows each branch\'s gradient and, at the shared value, the partial sum and the contributions arrived', () => {
    const { drawable, stepper, graph } = loadExample('test/fixtures/shared_use.nn');
    const x = graph.nodes.find((n) => n.name === 'x')!.id;
    const layout = layoutGraph(drawable, 'operations');
    stepper.runForward();
    stepper.next();
    let svg = renderSvg(drawable, layout, drawingState(stepper));
    const { arrived, expected } = stepper.contributions(x);
    assert.equal(expected, 3);
    assert.ok(arrived < expected);
    assert.deepEqual(texts(svg, 'gs-sum'), [`Σ ${formatShort(stepper.grad(x)!.item())} (${arrived}/3)`]);
    stepper.runBackward();
    svg = renderSvg(drawable, layout, drawingState(stepper));
    assert.deepEqual(texts(svg, 'gs-sum'), [`Σ ${formatShort(stepper.grad(x)!.item())} (3/3)`]);
    // z = x*x + x at x = 3: the branches carry 3, 3 and 1; the sum is 7.
    assert.equal(stepper.grad(x)!.item(), 7);
    const xBranches = layout.edges.map((e, i) => ({ e, i })).filter(({ e }) => e.source === x);
    assert.equal(xBranches.length, 3);
    assert.deepEqual(texts(svg, 'gs-grad').filter((_, i) => xBranches.some((b) => b.i === i)).sort(), ['1', '3', '3']);
  });

  it('draws the values view with data and grad in each record', () => {
    const { drawable, stepper } = loadExample('examples/apple_orange.nn');
    stepper.runBackward();
    const svg = renderSvg(drawable, layoutGraph(drawable, 'values'), drawingState(stepper));
    assertWellFormedXml(svg);
    assert.ok(texts(svg, 'gs-cell-data').includes('data 715'));
    assert.ok(texts(svg, 'gs-cell-grad').includes('grad 110'));
    assert.ok(texts(svg, 'gs-cell-grad').includes('grad 3.3'));
  });

  it('escapes every user-supplied string: a name like <script> is drawn as text', () => {
    const graph: DrawableGraph = {
      nodes: [
        { id: 0, name: '<script>alert(1)</script>', kind: 'input', op: 'input', label: '<script>alert(1)</script>', inputs: [], shape: [] },
        { id: 1, name: 'a&b"c\'', kind: 'op', op: 'relu', label: '<b>', inputs: [0], shape: [] },
      ],
      output: 1,
      outputName: '"><script>x</script>',
    };
    const state = { position: 0, total: 2, forwardSteps: 1, phase: 'start' as const, currentNode: null, description: 'start 0/1', nodes: [{ value: { short: '<1>', exact: '<1>' }, grad: null, arrived: 0, expected: 1 }, { value: null, grad: null, arrived: 0, expected: 1 }], edgeGrads: [[], [null]] };
    const svg = renderSvg(graph, layoutGraph(graph, 'operations'), state, { heading: '<img src=x onerror=alert(1)>.nn' });
    assert.doesNotMatch(svg, /<script|<b>|<img|<1>/);
    assert.ok(svg.includes(escapeXml('<script>alert(1)</script>')));
    assertWellFormedXml(svg);
  });

  it('is what `graphstep render FILE -o OUT.svg --step N` writes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-render-'));
    try {
      const out = path.join(dir, 'out.svg');
      const io = { out: '', err: '', stdout(s: string) { this.out += s; }, stderr(s: string) { this.err += s; } };
      assert.equal(renderCommand(['examples/apple_orange.nn', '-o', out, '--step', '3'], io), 0, io.err);
      const { drawable, stepper } = loadExample('examples/apple_orange.nn');
      stepper.goTo(3);
      assert.equal(fs.readFileSync(out, 'utf8'), renderSvg(drawable, layoutGraph(drawable, 'operations'), drawingState(stepper), { heading: 'apple_orange.nn' }));
      assert.equal(renderCommand(['examples/apple_orange.nn', '-o', out, '--step', '99'], io), 1);
      assert.equal(renderCommand(['examples/apple_orange.nn'], io), 1);
      assert.equal(renderCommand(['no/such/file.nn', '-o', out], io), 1);
      assert.match(io.err, /expected -o OUT\.svg/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rounds labels to four significant digits, keeping integers and short decimals as they read', () => {
    assert.deepEqual([715.0000000000001, 110.00000000000001, 3.3000000000000003, 0.26894142, -1e-9, 123456789, NaN, -Infinity, 0].map((x) => formatShort(x)), ['715', '110', '3.3', '0.2689', '-1e-9', '1.23e8', 'NaN', '-∞', '0']);
  });
});
