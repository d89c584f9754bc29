"""Splits the 8x8 handwritten digits (1,797 samples, the UCI optical digits
test set as scikit-learn ships it) into the training and test files the
examples load:

    examples/data/digits_train_x.npy  uint8 [1500, 64]  pixels 0..16
    examples/data/digits_train_t.npy  int64 [1500]      class indices 0..9
    examples/data/digits_test_x.npy   uint8 [297, 64]
    examples/data/digits_test_t.npy   int64 [297]

The rows are shuffled with np.random.RandomState(0).permutation; the first
1,500 train (a whole number of batches of 100), the other 297 test.
Source: Debian's python3-sklearn (apt-get install python3-sklearn).
Run: /usr/bin/python3 scripts/data/split-digits.py [path/to/digits.csv.gz]"""
import os
import sys

import numpy as np

SOURCE = '/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz'
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'examples', 'data')
TRAIN = 1500

data = np.loadtxt(sys.argv[1] if len(sys.argv) > 1 else SOURCE, delimiter=',')
assert data.shape == (1797, 65), data.shape
x = data[:, :64].astype(np.uint8)
t = data[:, 64].astype(np.int64)
order = np.random.RandomState(0).permutation(len(x))
x, t = x[order], t[order]
os.makedirs(OUT, exist_ok=True)
np.save(os.path.join(OUT, 'digits_train_x.npy'), x[:TRAIN])
np.save(os.path.join(OUT, 'digits_train_t.npy'), t[:TRAIN])
np.save(os.path.join(OUT, 'digits_test_x.npy'), x[TRAIN:])
np.save(os.path.join(OUT, 'digits_test_t.npy'), t[TRAIN:])
print(f'train {TRAIN}, test {len(x) - TRAIN}; classes in test: {np.bincount(t[TRAIN:]).tolist()}')
