import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ConstArg, ConstArgs, ConstructorContext, FileAccess } from '../../src/core/ops/constructorDef';
import { CONSTRUCTORS, constructorByName } from '../../src/core/ops/constructors';
import { Tensor } from '../../src/core/tensor';
import { TENSOR_FIXTURES } from './tensorTestData';

const n = (x: number): Tensor => Tensor.scalar(x);
const args = (positional: ConstArg[], keywords: Record<string, ConstArg> = {}): ConstArgs => ({ positional, keywords: new Map(Object.entries(keywords)) });

const fixtureFiles: FileAccess = {
  read(p) {
    try {
      return { ok: true, bytes: new Uint8Array(readFileSync(path.join(TENSOR_FIXTURES, p))) };
    } catch {
      return { ok: false, message: `load: expected a file, found none at ${p}` };
    }
  },
};
const ctx = (overrides: Partial<ConstructorContext> = {}): ConstructorContext => ({ defaultSeed: 7, maxElements: 1000, files: fixtureFiles, ...overrides });

/** Builds with the shape check first, as the graph builder does. */
function build(name: string, a: ConstArgs, c: ConstructorContext = ctx()): Tensor {
  const def = constructorByName(name);
  assert.ok(def, `no constructor ${name}`);
  const shape = def.shape(a);
  assert.ok(shape.ok, shape.ok ? '' : shape.message);
  const r = def.build(a, c);
  assert.ok(r.ok, r.ok ? '' : r.message);
  if (shape.shape) assert.deepEqual(r.value.shape, shape.shape, 'build makes the shape that shape() announced');
  return r.value;
}

function problem(name: string, a: ConstArgs, c: ConstructorContext = ctx()): { message: string; argIndex?: number; keyword?: string } {
  const def = constructorByName(name)!;
  const shape = def.shape(a);
  if (!shape.ok) return shape;
  const r = def.build(a, c);
  assert.ok(!r.ok, `${name} built without complaint`);
  return r;
}

const load = (file: string, c?: ConstructorContext): Tensor => build('load', args([file]), c);
const loadProblem = (file: string, c?: ConstructorContext): string => problem('load', args([file]), c).message;
const values = (t: Tensor): number[] => Array.from(t.data);

describe('constructors: leaf values', () => {
  it('zeros, ones, full take dimensions d... (or one list of them, as numpy)', () => {
    const z = build('zeros', args([n(2), n(3)]));
    assert.deepEqual(z.shape, [2, 3]);
    assert.deepEqual(values(z), [0, 0, 0, 0, 0, 0]);
    assert.deepEqual(build('zeros', args([])).shape, []);
    assert.deepEqual(build('ones', args([n(4)])).shape, [4]);
    assert.deepEqual(build('ones', args([new Tensor([2], Float64Array.of(2, 1))])).shape, [2, 1]);
    assert.deepEqual(values(build('full', args([n(2)], { value: n(0.5) }))), [0.5, 0.5]);
    assert.deepEqual(build('zeros', args([n(0), n(3)])).shape, [0, 3]);
  });

  it('eye and arange as numpy', () => {
    assert.deepEqual(values(build('eye', args([n(3)]))), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert.deepEqual(build('eye', args([n(2), n(3)])).shape, [2, 3]);
    assert.deepEqual(values(build('arange', args([n(4)]))), [0, 1, 2, 3]);
    // np.arange(0.1, 1.0, 0.1), np.arange(1, 2.5, 0.5), np.arange(5, 1, -1.5)
    assert.deepEqual(values(build('arange', args([n(0.1), n(1.0), n(0.1)]))), [0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9]);
    assert.deepEqual(values(build('arange', args([n(1), n(2.5), n(0.5)]))), [1, 1.5, 2]);
    assert.deepEqual(values(build('arange', args([n(5), n(1), n(-1.5)]))), [5, 3.5, 2]);
    assert.deepEqual(build('arange', args([n(0)])).shape, [0]);
  });

  it('randn and rand equal numpy for a seed; without one they use the context seed', () => {
    assert.deepEqual(values(build('randn', args([n(2), n(4)], { seed: n(1) }))), [
      1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785, -2.3015386968802827,
      1.74481176421648, -0.7612069008951028,
    ]);
    assert.deepEqual(values(build('rand', args([n(3)], { seed: n(0) }))), [0.5488135039273248, 0.7151893663724195, 0.6027633760716439]);
    assert.deepEqual(values(build('randn', args([n(3)]), ctx({ defaultSeed: 0 }))), [1.764052345967664, 0.4001572083672233, 0.9787379841057392]);
    assert.deepEqual(values(build('randn', args([n(5)]))), values(build('randn', args([n(5)], { seed: n(7) }))));
  });

  it('onehot(labels, classes) appends a class axis', () => {
    const t = build('onehot', args([new Tensor([3], Float64Array.of(2, 0, 1)), n(3)]));
    assert.deepEqual(t.shape, [3, 3]);
    assert.deepEqual(values(t), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
    assert.deepEqual(build('onehot', args([n(1), n(2)])).shape, [2]);
  });

  it('lists every constructor, each with a signature and doc', () => {
    assert.deepEqual(CONSTRUCTORS.map((c) => c.name), ['zeros', 'ones', 'full', 'eye', 'arange', 'randn', 'rand', 'onehot', 'load']);
    for (const c of CONSTRUCTORS) assert.ok(c.signature.startsWith(`${c.name}(`) && c.doc.length > 10, c.name);
    assert.equal(constructorByName('relu'), undefined);
  });
});

describe('constructors: problems name what was expected and what was found', () => {
  it('dimensions must be non-negative whole numbers, reported at the argument', () => {
    assert.deepEqual(problem('zeros', args([n(2), n(-1)])), { ok: false, message: 'zeros: expected dimension 2 to be a non-negative whole number, found -1', argIndex: 1 });
    assert.equal(problem('ones', args([n(1.5)])).message, 'ones: expected dimension 1 to be a non-negative whole number, found 1.5');
    assert.equal(problem('zeros', args(['a'])).message, 'zeros: expected dimension 1 to be a non-negative whole number, found "a"');
    assert.match(problem('zeros', args([new Tensor([2, 2], new Float64Array(4))])).message, /found a tensor of shape \[2,2\]/);
  });

  it('keywords: missing value, bad seed, unknown keyword', () => {
    assert.equal(problem('full', args([n(2)])).message, 'full: expected value=v (the fill value), found none');
    assert.deepEqual(problem('randn', args([n(2)], { seed: n(-3) })), { ok: false, message: 'randn: expected seed to be a whole number in 0..4294967295, found -3', keyword: 'seed' });
    assert.deepEqual(problem('zeros', args([n(2)], { seed: n(1) })), { ok: false, message: "zeros: expected no keyword arguments, found 'seed'", keyword: 'seed' });
  });

  it('eye, arange, onehot', () => {
    assert.equal(problem('eye', args([])).message, 'eye: expected 1 or 2 sizes eye(n, m=n), found 0');
    assert.equal(problem('arange', args([n(0), n(1), n(0)])).message, 'arange: expected a non-zero step, found 0');
    assert.equal(problem('onehot', args([new Tensor([2], Float64Array.of(0, 3)), n(3)])).message, 'onehot: expected labels in 0..2, found 3 at position 1');
    assert.equal(problem('onehot', args([n(0), n(0)])).message, 'onehot: expected classes to be a positive whole number, found 0');
  });

  it('refuses a tensor over the size limit before allocating it', () => {
    const r = problem('zeros', args([n(1000), n(1000)]), ctx({ maxElements: 100 }));
    assert.equal(r.message, 'zeros: expected at most 100 elements (graphstep.maxTensorElements), found shape [1000,1000] with 1000000');
  });
});

describe('constructors: load("path")', () => {
  it('reads .npy float64 (C order), exactly', () => {
    const t = load('f8.npy');
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(values(t), [1.5, -2.0, 3.25, 0.1, 1e300, -0]);
  });

  it('reads .npy float32, int32, int64, uint8, bool and 0-d arrays', () => {
    assert.deepEqual(values(load('f4.npy')), [0.10000000149011612, 2.5, -3.0]);
    assert.deepEqual(values(load('i4.npy')), [-2, -1, 0, 1, 2, 3]);
    assert.deepEqual(values(load('i8.npy')), [-9007199254740992, 7, 4.611686018427388e18]);
    assert.deepEqual(values(load('u1.npy')), [0, 128, 255]);
    assert.deepEqual(values(load('b1.npy')), [1, 0, 0, 1]);
    const s = load('scalar.npy');
    assert.deepEqual(s.shape, []);
    assert.equal(s.item(), 2.5);
  });

  it('refuses .npy files it cannot read, saying why', () => {
    assert.equal(loadProblem('fortran.npy'), 'load: fortran.npy is in Fortran order, expected C order (save np.ascontiguousarray(a))');
    assert.equal(loadProblem('big-endian.npy'), "load: big-endian.npy holds big-endian float64 ('>f8'), expected little-endian ('<f8')");
    assert.match(loadProblem('complex.npy'), /^load: complex\.npy holds dtype '<c16', expected float64, float32/);
    assert.equal(loadProblem('truncated.npy'), 'load: truncated.npy is truncated: shape [2,3] of float64 needs 48 bytes of data, found 40');
  });

  it('refuses a garbled .npy and a missing file', () => {
    const garbled: FileAccess = { read: () => ({ ok: true, bytes: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) }) };
    assert.equal(loadProblem('x.npy', ctx({ files: garbled })), 'load: x.npy is not a .npy file: expected the bytes \\x93NUMPY at the start');
    assert.equal(loadProblem('missing.npy'), 'load: expected a file, found none at missing.npy');
    assert.equal(loadProblem('data.txt'), `load: expected a .npy, .npz, .csv, .json or IDX (…idx3-ubyte) file, or one of them gzipped (.gz), found '.txt' in "data.txt"`);
  });

  it('checks the element limit from the .npy header before reading the data', () => {
    assert.equal(loadProblem('f8.npy', ctx({ maxElements: 4 })), 'load: f8.npy holds shape [2,3] (6 elements), expected at most 4 (graphstep.maxTensorElements)');
  });

  it('reads .csv like np.loadtxt(path, delimiter=","): comments, blank lines, squeezed shapes', () => {
    const t = load('data.csv');
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(values(t), [1.5, 2, 3, 4, -0.5, 6]);
    assert.deepEqual(values(load('comments.csv')), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(load('row.csv').shape, [3]);
    assert.deepEqual(load('column.csv').shape, [3]);
    assert.deepEqual(load('single.csv').shape, []);
    const sp = values(load('specials.csv'));
    assert.deepEqual(sp.slice(0, 2), [Infinity, -Infinity]);
    assert.ok(Number.isNaN(sp[2]));
  });

  it('refuses a ragged or non-numeric .csv naming the line', () => {
    assert.equal(loadProblem('ragged.csv'), 'load: ragged.csv line 3 has 4 values, expected 3');
    assert.equal(loadProblem('not-a-number.csv'), 'load: not-a-number.csv line 2 value 2: expected a number, found "abc"');
    assert.equal(loadProblem('empty-field.csv'), 'load: empty-field.csv line 1 value 2: expected a number, found nothing');
    assert.equal(loadProblem('empty.csv'), 'load: empty.csv holds no numbers, expected comma-separated rows');
    assert.equal(loadProblem('data.csv', ctx({ maxElements: 5 })), 'load: data.csv holds more than 5 numbers, expected at most 5 (graphstep.maxTensorElements)');
  });

  it('reads .json nested arrays, a number, and the strings --json writes for non-finite values', () => {
    const t = load('data.json');
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(values(t), [1, 2.5, -3, 4, 5, 0.006]);
    assert.equal(load('scalar.json').item(), 3.5);
    const sp = values(load('specials.json'));
    assert.ok(Number.isNaN(sp[0]));
    assert.deepEqual(sp.slice(1), [Infinity, -Infinity, 1]);
    assert.deepEqual(load('empty.json').shape, [0]);
  });

  it('refuses invalid, ragged or non-numeric .json naming where', () => {
    assert.match(loadProblem('invalid.json'), /^load: invalid\.json is not valid JSON: /);
    assert.equal(loadProblem('ragged.json'), 'load: ragged.json is not rectangular: expected an array of 2 at [1], found an array of 1');
    assert.equal(loadProblem('string.json'), 'load: string.json: expected a number at [0][1], found "a"');
  });

  it('takes exactly one path string', () => {
    assert.deepEqual(constructorByName('load')!.shape(args([n(1)])), { ok: false, message: 'load: expected a path string load("data.npy") or load("data.npz", "x"), found 1', argIndex: 0 });
    assert.equal((constructorByName('load')!.shape(args([])) as { message: string }).message, 'load: expected a path string load("data.npy") or load("data.npz", "x"), found 0 arguments');
  });
});
