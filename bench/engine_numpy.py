"""The engine benchmark's computations in numpy, timed in this process.

Run by bench/engine.bench.ts with OPENBLAS_NUM_THREADS=1 (and without
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE), so numpy uses one core, as GraphStep's
figures beside it are per product on one core unless said otherwise.
Prints one JSON object: the BLAS numpy uses, and {name: median ms}.
"""
import ctypes
import glob
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_reference import apple, apple_orange, median_ms, two_layer  # noqa: E402


def blas_info():
    """The BLAS library and, for OpenBLAS, the kernel it picked at run time."""
    try:
        import threadpoolctl  # type: ignore

        for info in threadpoolctl.threadpool_info():
            if info.get("user_api") == "blas":
                return f"{info.get('internal_api')} {info.get('version')}, kernel {info.get('architecture')}, {info.get('num_threads')} thread(s)"
    except ImportError:
        pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        text = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # numpy < 1.26 has no mode="dicts"
        return "unknown (np.show_config gave no BLAS)"
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__), "..", "numpy.libs", "libscipy_openblas*.so*"))
    libs += glob.glob(os.path.join(blas.get("lib directory", ""), "*openblas*.so*"))
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas_", "openblas_"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}get_corename{suffix}", None)
                threads = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
                if get is not None:
                    get.restype = ctypes.c_char_p
                    n = threads() if threads is not None else "?"
                    return f"{text}, kernel {get().decode()}, {n} thread(s)"
    return text


def median_cpu_ms(fn, min_time=0.3, max_runs=2000):
    """As median_ms, in CPU time of this process (time.process_time): what the work costs when the machine is busy."""
    fn()
    batch = 1
    while True:
        t0 = time.process_time()
        for _ in range(batch):
            fn()
        if time.process_time() - t0 >= 0.002 or batch >= 1 << 20:
            break
        batch *= 2
    times = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < min_time and len(times) < max_runs):
        t0 = time.process_time()
        for _ in range(batch):
            fn()
        times.append((time.process_time() - t0) * 1000 / batch)
    times.sort()
    return times[len(times) // 2]


def chain(x, ws):
    """h = x @ W1 @ … @ W8, loss = sum(h); backward to x and every W."""
    def run():
        hs = [x]
        for w in ws:
            hs.append(hs[-1] @ w)
        loss = hs[-1].sum()
        g = np.ones_like(hs[-1])
        grads = []
        for i in range(len(ws) - 1, -1, -1):
            grads.append(hs[i].T @ g)
            g = g @ ws[i].T
        return loss, g, grads
    return run


def relu_layers(x, ws):
    """h = relu(h @ W) six times, loss = sum(h); backward to x and every W."""
    def run():
        hs = [x]
        masks = []
        for w in ws:
            z = hs[-1] @ w
            mask = z <= 0
            h = z.copy()
            h[mask] = 0
            masks.append(mask)
            hs.append(h)
        loss = hs[-1].sum()
        g = np.ones_like(hs[-1])
        grads = []
        for i in range(len(ws) - 1, -1, -1):
            g = g.copy()
            g[masks[i]] = 0
            grads.append(hs[i].T @ g)
            g = g @ ws[i].T
        return loss, g, grads
    return run


def sgd(x, t, params, lr, iterations):
    def run():
        W1, b1, W2, b2 = (p.copy() for p in params)
        for _ in range(iterations):
            _, _, dW1, db1, dW2, db2 = two_layer(x, t, W1, b1, W2, b2)()
            W1 -= lr * dW1
            b1 -= lr * db1
            W2 -= lr * dW2
            b2 -= lr * db2
        return W1, b1, W2, b2
    return run


def main():
    rng = np.random.RandomState(0)
    x = rng.randn(100, 784)
    t = np.eye(10)[np.zeros(100, dtype=int)]
    W1 = rng.randn(784, 50) * 0.01
    b1 = np.zeros(50)
    W2 = rng.randn(50, 10) * 0.01
    b2 = np.zeros(10)
    xs = rng.randn(2, 2)
    ts = np.eye(3)[[2, 0]]
    c64 = rng.randn(64, 64)
    w64 = [rng.randn(64, 64) * 0.125 for _ in range(8)]
    x256 = rng.randn(256, 256)
    w256 = [rng.randn(256, 256) * 0.0625 for _ in range(6)]
    a256, b256 = rng.randn(256, 256), rng.randn(256, 256)
    a32, b32 = rng.randn(32, 32), rng.randn(32, 32)
    cases = {
        "apple": (apple, {}),
        "apple_orange": (apple_orange, {}),
        "two_layer_net_example": (two_layer(xs, ts, rng.randn(2, 4) * 0.01, np.zeros(4), rng.randn(4, 3) * 0.01, np.zeros(3)), {}),
        "two_layer_net": (two_layer(x, t, W1, b1, W2, b2), {"min_time": 1.0}),
        "chain64": (chain(c64, w64), {"min_time": 1.0}),
        "relu256": (relu_layers(x256, w256), {"min_time": 1.0}),
        "matmul256": (lambda: a256 @ b256, {"min_time": 1.0}),
        "matmul32": (lambda: a32 @ b32, {"min_time": 1.0}),
        "sgd100": (sgd(x, t, (W1, b1, W2, b2), 0.1, 100), {"min_time": 2.0, "max_runs": 20}),
    }
    figures = {name: median_ms(fn, **kw) for name, (fn, kw) in cases.items()}
    cpu = {name: median_cpu_ms(fn, **kw) for name, (fn, kw) in cases.items()}
    print(json.dumps({"numpy": np.__version__, "blas": blas_info(), "threads_env": os.environ.get("OPENBLAS_NUM_THREADS"), "ms": figures, "cpu_ms": cpu}))


if __name__ == "__main__":
    main()
