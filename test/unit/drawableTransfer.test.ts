import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import { drawableGraph } from '../../src/core/render/drawableGraph';
import { blankDrawingState, decodeDrawable, encodeDrawable, expandBlankState, isBlankState, PartAssembler, splitBytes } from '../../src/core/render/drawableTransfer';
import { applyDrawingPatch, drawingPatch, drawingState } from '../../src/core/render/drawingState';
import { generatedSource } from '../support/generatedGraphs';

function chain(statements: number): string {
  const lines = ['input x0 = 1.5'];
  for (let i = 1; i <= statements; i++) lines.push(`x${i} = relu(x${i - 1} * 1.0001)`);
  return lines.join('\n');
}

/** Shuffles with a seeded generator (fast-check gives the seed). */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = xs.slice();
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('a large graph travels to the panel in parts', () => {
  it('cuts bytes into parts of at most the size asked, each with a buffer of its own, that join back to the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 700 }), (bytes, size) => {
        const parts = splitBytes(bytes, size);
        assert.ok(parts.length >= 1);
        assert.equal(parts.length, Math.max(1, Math.ceil(bytes.length / size)));
        for (const p of parts) {
          assert.ok(p.length <= size);
          // A view would carry its whole buffer into the message.
          assert.equal(p.buffer.byteLength, p.length);
        }
        assert.deepEqual(Buffer.concat(parts), Buffer.from(bytes));
      }),
    );
  });

  it('refuses a part size below one byte', () => {
    assert.throws(() => splitBytes(new Uint8Array(4), 0), /expected a part size of at least 1 byte, found 0/);
  });

  it('a 10,000-statement graph, encoded, cut and received in any order, is the drawable graph again', () => {
    const graph = checkSource(chain(10_000), { evaluate: false }).graph!;
    const drawable = drawableGraph(graph);
    const parts = splitBytes(encodeDrawable(drawable), 64 * 1024);
    assert.ok(parts.length > 10, `${parts.length} parts`);
    const assembler = new PartAssembler(7, parts.length);
    for (const i of shuffled(parts.map((_, i) => i), 12345)) {
      assert.equal(assembler.complete, false);
      assert.ok(assembler.add(i, parts[i]!));
    }
    assert.ok(assembler.complete);
    assert.deepEqual(decodeDrawable(assembler.bytes()), drawable);
  });

  it('keeps unnamed constants exact and names with any character through the bytes', () => {
    const graph = checkSource('input café = 0.1\ny = café * 220.00000000000003 + 1e-320\n', { evaluate: false }).graph!;
    const drawable = drawableGraph(graph);
    assert.deepEqual(decodeDrawable(encodeDrawable(drawable)), drawable);
    assert.ok(drawable.nodes.some((n) => n.label === '220.00000000000003'));
  });

  it('an assembler takes each of its parts once and nothing else, and says what is missing', () => {
    const a = new PartAssembler(1, 3);
    assert.ok(a.add(2, new Uint8Array([3])));
    assert.equal(a.add(2, new Uint8Array([9])), false, 'a second copy');
    assert.equal(a.add(3, new Uint8Array([9])), false, 'out of range');
    assert.equal(a.add(-1, new Uint8Array([9])), false, 'out of range');
    assert.equal(a.add(0.5, new Uint8Array([9])), false, 'not an index');
    assert.throws(() => a.bytes(), /transfer 1: 1 of 3 parts received/);
    assert.ok(a.add(0, new Uint8Array([1])));
    assert.ok(a.add(1, new Uint8Array([])));
    assert.deepEqual([...a.bytes()], [1, 3]);
  });
});

describe('a large graph\'s state before its labels', () => {
  const graph = checkSource(generatedSource(60, 'skip')).graph!;
  const drawable = drawableGraph(graph);

  it('is blank: no value, gradient or arrow label, each node expecting what the tape says', () => {
    const s = new Stepper(graph);
    s.goTo(Math.floor(s.total / 2));
    const blank = blankDrawingState(s);
    assert.ok(isBlankState(blank));
    assert.equal(isBlankState(drawingState(s)), false);
    const state = expandBlankState(drawable, blank);
    const full = drawingState(s);
    assert.equal(state.position, full.position);
    assert.equal(state.description, full.description);
    assert.equal(state.currentNode, full.currentNode);
    assert.deepEqual(state.nodes.map((n) => n.expected), full.nodes.map((n) => n.expected));
    assert.ok(state.nodes.every((n) => n.value === null && n.grad === null && n.arrived === 0));
    assert.deepEqual(state.edgeGrads.map((e) => e.length), full.edgeGrads.map((e) => e.length));
    assert.ok(state.edgeGrads.every((e) => e.every((g) => g === null)));
  });

  it('with every label sent after it in slices, is the whole state, at any position', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 50 }), (at, slice) => {
        const s = new Stepper(graph);
        s.goTo(at % (s.total + 1));
        let state = expandBlankState(drawable, blankDrawingState(s));
        const ids = graph.nodes.map((n) => n.id);
        for (let from = 0; from < ids.length; from += slice) {
          const nodes = ids.slice(from, from + slice);
          state = applyDrawingPatch(state, drawingPatch(s, { nodes, consumers: nodes.filter((id) => graph.nodes[id]!.inputs.length > 0) }));
        }
        assert.deepEqual(state, drawingState(s));
      }),
      { numRuns: 40 },
    );
  });
});
