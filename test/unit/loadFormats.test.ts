import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { checkSource } from '../../src/core/check';
import { createFileAccess } from '../../src/node/fileAccess';
import { cli } from '../support/runCli';

/** Files and what numpy reads from them: scripts/data/load-fixtures.py. */
const DIR = path.join(__dirname, '..', 'fixtures', 'load');
const expected = JSON.parse(fs.readFileSync(path.join(DIR, 'expected.json'), 'utf8')) as Record<string, unknown>;

function check(text: string) {
  return checkSource(text, { files: createFileAccess(path.join(DIR, 'net.nn'), DIR) });
}

/** The value of `const v = EXPR`, as nested arrays. */
function loaded(expr: string): unknown {
  const result = check(`const v = ${expr}\noutput v\n`);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  const t = result.graph!.nodes[0]!.value!;
  const nest = (axis: number, offset: number): unknown => {
    if (axis === t.rank) return t.data[offset];
    const stride = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: t.shape[axis]! }, (_, i) => nest(axis + 1, offset + i * stride));
  };
  return nest(0, 0);
}

/** The error diagnostics as `LINE:COL-LINE:COL message`. */
function errors(text: string): string[] {
  return check(text)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.message}`);
}

describe('load(): numpy dtypes, .npz members, MNIST IDX files, gzip', () => {
  for (const name of ['u8.npy', 'i64.npy', 'f32.npy']) {
    it(`reads ${name} as numpy does (widened to float64 exactly)`, () => {
      assert.deepEqual(loaded(`load("${name}")`), expected[name]);
    });
  }

  it('reads a member of an .npz archive by name, with or without .npy, stored or deflated', () => {
    assert.deepEqual(loaded('load("d.npz", "x")'), expected['d.npz:x']);
    assert.deepEqual(loaded('load("d.npz", "t.npy")'), expected['d.npz:t']);
    assert.deepEqual(loaded('load("dc.npz", "x")'), expected['d.npz:x']);
    assert.deepEqual(loaded('load("dc.npz", "t")'), expected['d.npz:t']);
  });

  it('reads the only member of an .npz archive without its name', () => {
    assert.deepEqual(loaded('load("one.npz")'), expected['one.npz']);
  });

  it('reads MNIST IDX images and labels, plain or gzipped, with the MNIST file names', () => {
    assert.deepEqual(loaded('load("tiny-images.idx3-ubyte")'), expected['tiny-images.idx3-ubyte']);
    assert.deepEqual(loaded('load("tiny-images-idx3-ubyte.gz")'), expected['tiny-images.idx3-ubyte']);
    assert.deepEqual(loaded('load("tiny-labels.idx1-ubyte")'), expected['tiny-labels.idx1-ubyte']);
    assert.deepEqual(loaded('load("tiny-labels-idx1-ubyte.gz")'), expected['tiny-labels.idx1-ubyte']);
    assert.deepEqual(loaded('load("floats.idx2-ubyte")'), expected['floats.idx2-ubyte']);
  });

  it('flattens IDX images for a net with reshape, as the textbook flatten=True', () => {
    const rows = loaded('reshape(load("tiny-images.idx3-ubyte"), -1, 15) / 255') as number[][];
    const images = expected['tiny-images.idx3-ubyte'] as number[][][];
    assert.deepEqual(rows, images.map((im) => im.flat().map((v) => v / 255)));
  });

  it('reports bad headers at the path, naming what was expected and what was found', () => {
    assert.deepEqual(errors('const v = load("bad-magic.idx3-ubyte")\n'), ['1:16-1:38 load: bad-magic.idx3-ubyte is not an IDX file: expected a magic number starting 00 00, found 01 02 08 03']);
    assert.deepEqual(errors('const v = load("bad-type.idx3-ubyte")\n'), ['1:16-1:37 load: bad-type.idx3-ubyte has IDX element type 0x07, expected 0x08 (unsigned byte), 0x09, 0x0b, 0x0c, 0x0d or 0x0e']);
    assert.deepEqual(errors('const v = load("truncated.idx3-ubyte")\n'), ['1:16-1:38 load: truncated.idx3-ubyte is truncated: shape [4,3,5] of unsigned byte needs 60 bytes of data, found 53']);
    assert.deepEqual(errors('const v = load("not-gzip-idx1-ubyte.gz")\n'), ['1:16-1:40 load: not-gzip-idx1-ubyte.gz is not gzip data: expected the bytes 1f 8b at the start, found 00 00']);
    assert.deepEqual(errors('const v = load("not-zip.npz", "x")\n'), ['1:16-1:29 load: not-zip.npz is not a .npz file: expected a zip archive (the bytes PK at the start), found 93 4e']);
  });

  it('names the members of an .npz archive when the one asked for is missing or none is named', () => {
    assert.deepEqual(errors('const v = load("d.npz", "y")\n'), ['1:16-1:23 load: d.npz has no array "y": expected one of "x", "t"']);
    assert.deepEqual(errors('const v = load("d.npz")\n'), ['1:16-1:23 load: d.npz holds 2 arrays ("x", "t"), expected one: name it, as load("d.npz", "x")']);
  });

  it('takes a member name only for an .npz archive', () => {
    assert.deepEqual(errors('const v = load("u8.npy", "x")\n'), ['1:26-1:29 load: expected a member name only for an .npz archive, found "x" for "u8.npy"']);
  });
});

describe('spiral(n, classes, seed=s): CS231n spiral data without a file', () => {
  it('draws the points numpy draws (the angle noise exactly; sin and cos within 1e-15) and labels each class', () => {
    const result = checkSource('const X, T = spiral(100, 3, seed=0)\nparam W = zeros(2, 3)\nloss = softmax_with_loss(X @ W, T)\n');
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
    const [x, t] = [result.graph!.nodes[0]!.value!, result.graph!.nodes[1]!.value!];
    const want = expected['spiral(100, 3, seed=0)'] as { X: number[][]; y: number[] };
    assert.deepEqual(x.shape, [300, 2]);
    assert.deepEqual(Array.from(t.data), want.y);
    want.X.flat().forEach((v, i) => assert.ok(Math.abs(x.data[i]! - v) <= 1e-15, `X[${i}]: ${x.data[i]} vs numpy ${v}`));
  });

  it('reports a wrong number of names and a bad argument where they are', () => {
    assert.deepEqual(errors('const X, T, U = spiral(10, 2)\n'), ['1:7-1:8 spiral: expected 2 names (points [n·classes, 2], labels [n·classes]), found 3']);
    assert.deepEqual(errors('const X, T = spiral(10, 2.5)\n'), ['1:25-1:28 spiral: expected a whole number ≥ 0, found 2.5']);
    assert.deepEqual(errors('const X, T = zeros(3)\n'), ['1:14-1:22 expected a data set that gives 2 values (spiral(n, classes, seed=s)), found zeros()']);
  });
});

describe('examples/train_mnist.nn', () => {
  it("runs the textbook's MNIST setup unchanged on files in MNIST's format (small stand-ins here)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-mnist-'));
    fs.mkdirSync(path.join(dir, 'data', 'mnist'), { recursive: true });
    const idx = (type: number, dims: number[], data: Uint8Array): Buffer => {
      const header = Buffer.alloc(4 + 4 * dims.length);
      header.writeUInt8(type, 2);
      header.writeUInt8(dims.length, 3);
      dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
      return zlib.gzipSync(Buffer.concat([header, data]));
    };
    const write = (name: string, rows: number, labels: boolean): void => {
      const data = new Uint8Array(labels ? rows : rows * 784).map((_, i) => (labels ? (i * 7) % 10 : (i * 31) % 256));
      fs.writeFileSync(path.join(dir, 'data', 'mnist', name), idx(0x08, labels ? [rows] : [rows, 28, 28], data));
    };
    write('train-images-idx3-ubyte.gz', 200, false);
    write('train-labels-idx1-ubyte.gz', 200, true);
    write('t10k-images-idx3-ubyte.gz', 50, false);
    write('t10k-labels-idx1-ubyte.gz', 50, true);
    fs.copyFileSync(path.join(__dirname, '..', '..', 'examples', 'train_mnist.nn'), path.join(dir, 'train_mnist.nn'));
    try {
      const { code, out, err } = cli('train', path.join(dir, 'train_mnist.nn'), '--steps', '3', '--json');
      assert.equal(code, 0, err);
      const json = JSON.parse(out) as { steps: number; loss: number[]; epochs: { step: number }[]; params: Record<string, number[][]> };
      assert.equal(json.steps, 3);
      // ten classes, weights of 0.01: the first loss is near ln 10
      assert.ok(Math.abs(json.loss[0]! - Math.log(10)) < 0.01, String(json.loss[0]));
      // 200 rows in batches of 100: an epoch is 2 steps
      assert.deepEqual(json.epochs.map((e) => e.step), [0, 2]);
      assert.deepEqual(Object.keys(json.params), ['W1', 'b1', 'W2', 'b2']);
      assert.equal(json.params.W1!.length, 784);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
