"""numpy's time for examples/train_digits.nn: the same 2,000 steps of the
textbook's two-layer net (scripts/data/train-reference.py), with numpy's own
exp and log. Prints JSON: median seconds of wall and CPU time over 3 runs."""
import importlib.util
import json
import os
import time

import numpy as np

ROOT = os.path.join(os.path.dirname(__file__), '..')
spec = importlib.util.spec_from_file_location('ref', os.path.join(ROOT, 'scripts', 'data', 'train-reference.py'))
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
ref.exp, ref.log = np.exp, np.log

data = os.path.join(ROOT, 'examples', 'data')
x, t = np.load(os.path.join(data, 'digits_train_x.npy')) / 16, np.load(os.path.join(data, 'digits_train_t.npy'))
xt, tt = np.load(os.path.join(data, 'digits_test_x.npy')) / 16, np.load(os.path.join(data, 'digits_test_t.npy'))
case = {'sizes': [64, 50, 10], 'scale': 0.01, 'optimizer': 'sgd', 'hyper': {'lr': 0.1}, 'steps': 2000, 'batch': {'size': 100, 'seed': 0}}
walls, cpus = [], []
for _ in range(3):
    w, c = time.perf_counter(), time.process_time()
    result = ref.train(case, x, t, xt, tt)
    walls.append(time.perf_counter() - w)
    cpus.append(time.process_time() - c)
print(json.dumps({'wall': sorted(walls)[1], 'cpu': sorted(cpus)[1], 'test_accuracy': result['epochs'][-1]['test_accuracy']}))
