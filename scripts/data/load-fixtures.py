"""Writes the files the load() tests read, test/fixtures/load/, and what
numpy reads from them (expected.json): .npy of uint8, int64 and float32;
.npz archives (np.savez and np.savez_compressed); IDX files as MNIST stores
them (written here with struct, big-endian), plain and gzipped; and files
with broken headers. Run: /usr/bin/python3 scripts/data/load-fixtures.py"""
import gzip
import json
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'load')
os.makedirs(OUT, exist_ok=True)
rng = np.random.RandomState(4)
expected = {}


def path(name):
    return os.path.join(OUT, name)


def idx(array, type_code):
    header = struct.pack('>BBBB', 0, 0, type_code, array.ndim) + b''.join(struct.pack('>I', d) for d in array.shape)
    return header + array.astype(array.dtype.newbyteorder('>')).tobytes()


u8 = rng.randint(0, 256, (3, 5)).astype(np.uint8)
i64 = rng.randint(-2**40, 2**40, (4,)).astype(np.int64)
f32 = (rng.randn(2, 3)).astype(np.float32)
np.save(path('u8.npy'), u8)
np.save(path('i64.npy'), i64)
np.save(path('f32.npy'), f32)
expected['u8.npy'] = u8.astype(np.float64).tolist()
expected['i64.npy'] = i64.astype(np.float64).tolist()
expected['f32.npy'] = f32.astype(np.float64).tolist()

x = rng.randn(3, 2)
t = np.array([2, 0, 1], dtype=np.int64)
np.savez(path('d.npz'), x=x, t=t)
np.savez_compressed(path('dc.npz'), x=x, t=t)
np.savez(path('one.npz'), only=f32)
expected['d.npz:x'] = x.tolist()
expected['d.npz:t'] = t.astype(np.float64).tolist()
expected['one.npz'] = f32.astype(np.float64).tolist()

images = rng.randint(0, 256, (4, 3, 5)).astype(np.uint8)
labels = np.array([7, 2, 1, 0], dtype=np.uint8)
with open(path('tiny-images.idx3-ubyte'), 'wb') as f:
    f.write(idx(images, 0x08))
with gzip.open(path('tiny-images-idx3-ubyte.gz'), 'wb') as f:
    f.write(idx(images, 0x08))
with open(path('tiny-labels.idx1-ubyte'), 'wb') as f:
    f.write(idx(labels, 0x08))
with gzip.open(path('tiny-labels-idx1-ubyte.gz'), 'wb') as f:
    f.write(idx(labels, 0x08))
floats = rng.randn(2, 2).astype(np.float32)
with open(path('floats.idx2-ubyte'), 'wb') as f:
    f.write(idx(floats, 0x0D))
expected['tiny-images.idx3-ubyte'] = images.astype(np.float64).tolist()
expected['tiny-labels.idx1-ubyte'] = labels.astype(np.float64).tolist()
expected['floats.idx2-ubyte'] = floats.astype(np.float64).tolist()

# broken headers
with open(path('bad-magic.idx3-ubyte'), 'wb') as f:
    f.write(b'\x01\x02\x08\x03' + idx(images, 0x08)[4:])
with open(path('bad-type.idx3-ubyte'), 'wb') as f:
    f.write(b'\x00\x00\x07\x03' + idx(images, 0x08)[4:])
with open(path('truncated.idx3-ubyte'), 'wb') as f:
    f.write(idx(images, 0x08)[:-7])
with open(path('not-gzip-idx1-ubyte.gz'), 'wb') as f:
    f.write(idx(labels, 0x08))
with open(path('not-zip.npz'), 'wb') as f:
    f.write(b'\x93NUMPY not a zip')

# CS231n's spiral data, as its notes write it
def spiral(N, K, seed):
    np.random.seed(seed)
    X = np.zeros((N * K, 2))
    y = np.zeros(N * K, dtype='uint8')
    for j in range(K):
        ix = range(N * j, N * (j + 1))
        r = np.linspace(0.0, 1, N)
        t = np.linspace(j * 4, (j + 1) * 4, N) + np.random.randn(N) * 0.2
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        y[ix] = j
    return X, y


X, y = spiral(100, 3, 0)
expected['spiral(100, 3, seed=0)'] = {'X': X.tolist(), 'y': y.astype(np.float64).tolist()}

with open(path('expected.json'), 'w') as f:
    json.dump(expected, f)
print('wrote', len(os.listdir(OUT)), 'files')
