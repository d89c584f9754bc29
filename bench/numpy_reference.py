"""The benchmark's computations written in numpy, timed in this process.

Prints one JSON object: {name: median milliseconds}. The layers are the
textbook's (forward then backward, as in its layers.py), so both sides do
the same arithmetic.
"""
import json
import sys
import time

import numpy as np


def median_ms(fn, min_time=0.3, max_runs=2000):
    """Median milliseconds of one call; short calls are timed in batches of about 1 ms."""
    fn()
    batch = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        if time.perf_counter() - t0 >= 0.001 or batch >= 1 << 20:
            break
        batch *= 2
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < min_time and len(times) < max_runs):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        times.append((time.perf_counter() - t0) * 1000 / batch)
    times.sort()
    return times[len(times) // 2]


def apple():
    apple_num, apple_price, tax = np.float64(2), np.float64(100), np.float64(1.1)
    apple_sum = apple_num * apple_price
    total = apple_sum * tax
    dtotal = np.float64(1)
    dapple_sum, dtax = dtotal * tax, dtotal * apple_sum
    dnum, dprice = dapple_sum * apple_price, dapple_sum * apple_num
    return total, dnum, dprice, dtax


def apple_orange():
    an, ap, on, op, tax = (np.float64(v) for v in (2, 100, 3, 150, 1.1))
    a = an * ap
    o = on * op
    f = a + o
    total = f * tax
    d = np.float64(1)
    df, dtax = d * tax, d * f
    da, do = df, df
    return total, da * ap, da * an, do * op, do * on, dtax


def two_layer(x, t, W1, b1, W2, b2):
    def run():
        z1 = x @ W1 + b1
        mask = z1 <= 0
        a1 = z1.copy()
        a1[mask] = 0
        z2 = a1 @ W2 + b2
        m = z2.max(axis=-1, keepdims=True)
        e = np.exp(z2 - m)
        y = e / e.sum(axis=-1, keepdims=True)
        batch = x.shape[0]
        loss = -np.sum(t * np.log(y + 1e-7)) / batch
        dz2 = (y - t) / batch
        dW2 = a1.T @ dz2
        db2 = dz2.sum(axis=0)
        da1 = dz2 @ W2.T
        da1[mask] = 0
        dW1 = x.T @ da1
        db1 = da1.sum(axis=0)
        dx = da1 @ W1.T
        return loss, dx, dW1, db1, dW2, db2
    return run


def main():
    sizes = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {"batch": 100, "inputs": 784, "hidden": 50, "classes": 10}
    rng = np.random.RandomState(0)
    x = rng.randn(sizes["batch"], sizes["inputs"])
    t = np.eye(sizes["classes"])[rng.randint(0, sizes["classes"], sizes["batch"])]
    W1 = rng.randn(sizes["inputs"], sizes["hidden"]) * 0.01
    b1 = np.zeros(sizes["hidden"])
    W2 = rng.randn(sizes["hidden"], sizes["classes"]) * 0.01
    b2 = np.zeros(sizes["classes"])
    print(json.dumps({
        "numpy": np.__version__,
        "threads": "see OPENBLAS_NUM_THREADS",
        "apple": median_ms(apple),
        "apple_orange": median_ms(apple_orange),
        "two_layer_net": median_ms(two_layer(x, t, W1, b1, W2, b2), min_time=1.0),
    }))


if __name__ == "__main__":
    main()
