import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderCommand } from '../../src/cli/renderCommand';
import { checkSource } from '../../src/core/check';
import { parse } from '../../src/core/language/parser';
import { parseNpy } from '../../src/core/ops/loadFile';

/** A .npy version 1.0 file with this header text and these float64s. */
function npy(header: string, values: readonly number[]): Uint8Array {
  const padded = header.padEnd(118, ' ') + '\n';
  const bytes = new Uint8Array(10 + padded.length + 8 * values.length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  bytes.set(new TextEncoder().encode(padded), 10);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat64(10 + padded.length + 8 * i, v, true));
  return bytes;
}

describe('smaller defects', () => {
  it('a lone surrogate before a line break keeps the break: later diagnostics stay on their lines', () => {
    const r = parse('x = 1\ud800\ny = *\n');
    assert.deepEqual(r.diagnostics.map((d) => d.range.start.line), [0, 1]);
    assert.equal(r.diagnostics[0]!.message, 'unexpected invisible character U+D800');
  });

  it('a range never ends past the end of its line', () => {
    const lines = ['input x = (1 +', 'y = x *', 'z = "open', 'w = [1, 2'];
    const text = lines.join('\r\n') + '\r\n';
    for (const d of checkSource(text).diagnostics) {
      assert.ok(d.range.end.character <= (lines[d.range.end.line] ?? '').length, `${d.message} ends at ${d.range.end.line}:${d.range.end.character}`);
    }
  });

  it('a .npy header with a key given twice takes the last, as numpy', () => {
    const r = parseNpy('d.npy', npy("{'descr': '<f4', 'fortran_order': True, 'shape': (9,), 'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", [1.5, -2]), 100);
    assert.ok(r.ok, (r as { message?: string }).message);
    assert.deepEqual(Array.from(r.value.data), [1.5, -2]);
    assert.deepEqual(r.value.shape, [2]);
  });

  it('a file name with a control character renders to well-formed XML', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-svg-'));
    try {
      const file = path.join(dir, 'net\u0001\u001b.nn');
      fs.writeFileSync(file, 'input x = 2\ny = x * 3\n');
      const out = path.join(dir, 'out.svg');
      assert.equal(renderCommand([file, '-o', out], { stdout: () => undefined, stderr: () => undefined }), 0);
      const svg = fs.readFileSync(out, 'utf8');
      // eslint-disable-next-line no-control-regex -- the characters XML forbids
      assert.doesNotMatch(svg, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
      assert.match(svg, /net\ufffd\ufffd\.nn/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a result nothing uses', () => {
  it('gets a warning naming it, at its name', () => {
    const r = checkSource('input x = 2\nx2 = x * 2\nx3 = x * 3\ny = x2 + 1\n');
    const w = r.diagnostics.filter((d) => d.severity === 'warning');
    assert.equal(w.length, 1);
    assert.equal(w[0]!.message, "unused: 'x3' is computed but never used and is not the output");
    assert.deepEqual(w[0]!.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 2 } });
    assert.ok(r.graph, 'a warning keeps the graph');
  });

  it('warns for an unused leaf and for a binding overwritten before any use, not for the output', () => {
    const r = checkSource('input a = 1\ninput b = 2\nc = b * 2\nc = b * 3\noutput c\n');
    assert.deepEqual(
      r.diagnostics.map((d) => [d.range.start.line, d.message]),
      [
        [0, "unused: 'a' is defined but never used and is not the output"],
        [2, "unused: 'c' is computed but never used and is not the output"],
      ],
    );
  });

  it('stays quiet in a file with errors: a misspelt use only makes its binding look unused', () => {
    assert.deepEqual(checkSource('input x = 2\ny = xx * 3\n').diagnostics.map((d) => d.severity), ['error']);
  });

  it('the last statement is the output by default, and a value used only by the output is used', () => {
    assert.deepEqual(checkSource('input a = 1\nb = a * 2\nc = b + a\n').diagnostics, []);
  });
});
