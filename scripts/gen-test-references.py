"""Writes the numpy reference values the unit tests compare against:
test/fixtures/tensor/numpy-reference.json and the .npy/.csv/.json load fixtures.
Every expected number comes from numpy 2.x float64 (or, for exp/log/pow, from
mpmath rounded once to float64, the correctly rounded value that glibc's libm
gives in all but rare cases). Run: python3 scripts/gen-test-references.py"""
import json
import os

import mpmath
import numpy as np

mpmath.mp.prec = 200
ROOT = os.path.join(os.path.dirname(__file__), '..', 'test', 'fixtures', 'tensor')


def lcg_data(n, seed):
    """The same numbers as test/unit/testData.ts: exact in both languages."""
    state = seed & 0xFFFFFFFF
    out = []
    for _ in range(n):
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        k = state >> 8
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        shift = (state >> 27) - 16
        out.append((k - 8388608) / 3 * 2.0 ** shift)
    return np.array(out, dtype=np.float64)


def cr(f, *args):
    return float(f(*[mpmath.mpf(float(a)) for a in args]))


ref = {}

# pairwise summation: np.sum of a contiguous vector, sizes 1..300 and a few large ones
sizes = list(range(1, 301)) + [1000, 4097, 10000]
ref['pairwise'] = [{'n': n, 'seed': n, 'sum': float(np.sum(lcg_data(n, n)))} for n in sizes]

# reductions over axes (numpy's order), with keepdims
rng = np.random.default_rng(20240601)
cases = []
for trial in range(120):
    nd = int(rng.integers(1, 5))
    shape = [int(rng.choice([1, 2, 3, 5, 8, 9, 17, 33, 130])) for _ in range(nd)]
    if np.prod(shape) > 6000:
        continue
    axis = None if rng.random() < 0.25 else int(rng.integers(-nd, nd))
    keepdims = bool(rng.random() < 0.5)
    x = lcg_data(int(np.prod(shape)), 1000 + trial).reshape(shape)
    s = np.sum(x, axis=axis, keepdims=keepdims)
    m = np.mean(x, axis=axis, keepdims=keepdims)
    cases.append({'shape': shape, 'seed': 1000 + trial, 'axis': axis, 'keepdims': keepdims,
                  'sumShape': list(np.shape(s)), 'sum': np.ravel(s).tolist(), 'mean': np.ravel(m).tolist()})
ref['reductions'] = cases

# gradients reduced to an input's shape: np.sum over the broadcast axes
to_shape = []
for i, (g, t) in enumerate([([4, 3], [3]), ([4, 3], [4, 1]), ([2, 3, 4], [3, 1]), ([2, 3, 4], [1, 1, 4]), ([5, 6], []),
                            ([7, 130], [130]), ([130, 7], [130, 1]), ([2, 1, 9], [9]), ([3, 4, 5], [3, 1, 5])]):
    x = lcg_data(int(np.prod(g)), 500 + i).reshape(g)
    lead = len(g) - len(t)
    axes = tuple(a for a in range(len(g)) if a < lead or (t[a - lead] == 1 and g[a] != 1))
    to_shape.append({'grad': g, 'shape': t, 'seed': 500 + i, 'expected': np.sum(x, axis=axes).reshape(t).ravel().tolist()})
ref['sumToShape'] = to_shape

# matmul: each element 0 + a0*b0 + a1*b1 + ... in ascending k, with every step
# a fused multiply-add (exact, via fractions) up to 32768 multiply-adds, as
# OpenBLAS's kernels compute it; plain multiply-then-add above that
from fractions import Fraction

FUSED_MAX_MACS = 32768


def reference_matmul(a, b):
    m, k = a.shape
    n = b.shape[1]
    fused = m * k * n <= FUSED_MAX_MACS
    c = np.zeros((m, n))
    for i in range(m):
        for j in range(n):
            s = 0.0
            for p in range(k):
                if fused:
                    s = float(Fraction(float(a[i, p])) * Fraction(float(b[p, j])) + Fraction(s))
                else:
                    s = float(np.float64(s) + a[i, p] * b[p, j])
            c[i, j] = s
    return c


mm = []
for i, (m, k, n) in enumerate([(2, 3, 4), (5, 7, 3), (9, 16, 6), (4, 1, 4), (1, 5, 7), (8, 8, 8), (6, 33, 5), (2, 2, 3), (40, 33, 30)]):
    a = lcg_data(m * k, 700 + i).reshape(m, k)
    b = lcg_data(k * n, 800 + i).reshape(k, n)
    expected = reference_matmul(a, b)
    print(f'matmul {m}x{k}x{n}: numpy a@b equals the reference in {np.mean(a @ b == expected):.0%} of elements')
    mm.append({'m': m, 'k': k, 'n': n, 'seedA': 700 + i, 'seedB': 800 + i, 'expected': expected.ravel().tolist()})
ref['matmul'] = mm

# correctly rounded exp/log/pow
lib_rng = np.random.default_rng(7)
xe = np.concatenate([lib_rng.uniform(-708, 709.7, 400), lib_rng.uniform(-1, 1, 400), lib_rng.standard_normal(200) * 1e-6])
xl = np.concatenate([np.exp(lib_rng.uniform(-700, 700, 400)), lib_rng.uniform(0.99, 1.01, 400), 2.0 ** lib_rng.uniform(-1074, -1023, 100)])
px = np.concatenate([lib_rng.uniform(0, 10, 300), np.exp(lib_rng.uniform(-30, 30, 300))])
py = lib_rng.uniform(-10, 10, 600)
ref['libm'] = {
    'exp': [[float(x), cr(mpmath.exp, x)] for x in xe],
    'log': [[float(x), cr(mpmath.log, x)] for x in xl],
    'pow': [[float(x), float(y), cr(mpmath.power, x, y)] for x, y in zip(px, py) if abs(y * np.log(x)) < 700],
}

with open(os.path.join(ROOT, 'numpy-reference.json'), 'w') as f:
    json.dump(ref, f, separators=(',', ':'))

# load() fixtures
np.save(os.path.join(ROOT, 'f8.npy'), np.array([[1.5, -2.0, 3.25], [0.1, 1e300, -0.0]]))
np.save(os.path.join(ROOT, 'f4.npy'), np.array([0.1, 2.5, -3.0], dtype=np.float32))
np.save(os.path.join(ROOT, 'i4.npy'), np.arange(6, dtype=np.int32).reshape(2, 3) - 2)
np.save(os.path.join(ROOT, 'i8.npy'), np.array([-(2**53) - 1, 7, 2**62], dtype=np.int64))
np.save(os.path.join(ROOT, 'b1.npy'), np.array([[True, False], [False, True]]))
np.save(os.path.join(ROOT, 'u1.npy'), np.array([0, 128, 255], dtype=np.uint8))
np.save(os.path.join(ROOT, 'scalar.npy'), np.float64(2.5))
np.save(os.path.join(ROOT, 'fortran.npy'), np.asfortranarray(np.arange(6.0).reshape(2, 3)))
np.save(os.path.join(ROOT, 'big-endian.npy'), np.arange(3.0).astype('>f8'))
np.save(os.path.join(ROOT, 'complex.npy'), np.array([1 + 2j]))
with open(os.path.join(ROOT, 'f8.npy'), 'rb') as f:
    whole = f.read()
with open(os.path.join(ROOT, 'truncated.npy'), 'wb') as f:
    f.write(whole[:-8])
print(json.dumps({
    'f8': np.load(os.path.join(ROOT, 'f8.npy')).ravel().tolist(),
    'f4': np.load(os.path.join(ROOT, 'f4.npy')).astype(np.float64).tolist(),
    'i8': np.load(os.path.join(ROOT, 'i8.npy')).astype(np.float64).tolist(),
}))
