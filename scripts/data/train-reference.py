"""The numpy reference of `graphstep train`: the textbook's two-layer net
(Affine, Relu, Affine, SoftmaxWithLoss as in its common/layers.py and
common/functions.py), its six optimizers (common/optimizer.py), minibatches
by np.random.seed(s) then np.random.choice(N, n) at every step, and the
accuracy once per epoch. Writes the data files and the expected loss
histories, accuracies and final parameters that test/unit/training.test.ts
compares against:
    test/fixtures/train/*.npy, test/fixtures/train/reference.json
exp and log are glibc's (math.exp, math.log elementwise), which are
correctly rounded as the engine's; everything else is numpy float64.
Run: /usr/bin/python3 scripts/data/train-reference.py"""
import json
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'train')
_exp = np.frompyfunc(math.exp, 1, 1)
_log = np.frompyfunc(math.log, 1, 1)


def exp(x):
    return _exp(x).astype(np.float64)


def log(x):
    return _log(x).astype(np.float64)


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    e = exp(x)
    return e / np.sum(e, axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    batch_size = y.shape[0]
    return -np.sum(log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


class Net:
    """Affine → Relu → Affine → SoftmaxWithLoss, the textbook's layers."""

    def __init__(self, params):
        self.params = params

    def predict(self, x):
        p = self.params
        self.x = x
        self.a1 = np.dot(x, p['W1']) + p['b1']
        self.mask = self.a1 <= 0
        self.h = self.a1.copy()
        self.h[self.mask] = 0
        return np.dot(self.h, p['W2']) + p['b2']

    def loss(self, x, t):
        self.y = softmax(self.predict(x))
        self.t = t
        return cross_entropy_error(self.y, t)

    def gradient(self, x, t):
        loss = self.loss(x, t)
        p = self.params
        batch_size = t.shape[0]
        dx = self.y.copy()
        dx[np.arange(batch_size), t] -= 1
        dout = dx / batch_size
        g = {}
        g['W2'] = np.dot(self.h.T, dout)
        g['b2'] = np.sum(dout, axis=0)
        dh = np.dot(dout, p['W2'].T)
        dh[self.mask] = 0
        g['W1'] = np.dot(self.x.T, dh)
        g['b1'] = np.sum(dh, axis=0)
        return loss, g

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        return np.sum(y == t) / float(x.shape[0])


class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key in params.keys():
            params[key] -= self.lr * grads[key]


class Momentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        for key in params.keys():
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]


class Nesterov:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        for key in params.keys():
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]
            params[key] += self.momentum * self.momentum * self.v[key]
            params[key] -= (1 + self.momentum) * self.lr * grads[key]


class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr, self.h = lr, None

    def update(self, params, grads):
        if self.h is None:
            self.h = {k: np.zeros_like(v) for k, v in params.items()}
        for key in params.keys():
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr, self.decay_rate, self.h = lr, decay_rate, None

    def update(self, params, grads):
        if self.h is None:
            self.h = {k: np.zeros_like(v) for k, v in params.items()}
        for key in params.keys():
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2, self.iter, self.m, self.v = lr, beta1, beta2, 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = {k: np.zeros_like(v) for k, v in params.items()}
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


OPTIMIZERS = {'sgd': SGD, 'momentum': Momentum, 'nesterov': Nesterov, 'adagrad': AdaGrad, 'rmsprop': RMSprop, 'adam': Adam}


def init_params(sizes, scale):
    params = {}
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        np.random.seed(i + 1)
        params[f'W{i + 1}'] = np.random.randn(a, b) * scale
        params[f'b{i + 1}'] = np.zeros(b)
    return params


def train(case, x, t, xt, tt):
    net = Net(init_params(case['sizes'], case['scale']))
    opt = OPTIMIZERS[case['optimizer']](**case['hyper'])
    batch = case.get('batch')
    n = x.shape[0]
    if batch:
        np.random.seed(batch['seed'])
        per_epoch = max(n / batch['size'], 1)
    else:
        per_epoch = 1
    losses, epochs, next_epoch, count = [], [], 0, 0
    for i in range(case['steps']):
        if batch:
            mask = np.random.choice(n, batch['size'])
            xb, tb = x[mask], t[mask]
        else:
            xb, tb = x, t
        loss, grads = net.gradient(xb, tb)
        losses.append(float(loss))
        opt.update(net.params, grads)
        if i == next_epoch:
            epochs.append({'step': i, 'train_accuracy': float(net.accuracy(x, t)), 'test_accuracy': float(net.accuracy(xt, tt))})
            count += 1
            next_epoch = math.ceil(count * per_epoch)
    return {'loss': losses, 'epochs': epochs, 'params': {k: v.tolist() for k, v in net.params.items()}}


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(12)
    small = {'x': rng.randn(12, 4), 't': rng.randint(0, 3, 12).astype(np.int64), 'xt': rng.randn(6, 4), 'tt': rng.randint(0, 3, 6).astype(np.int64)}
    # pixels as MNIST stores them (uint8), read as load(...) / 255
    big_files = {'x': rng.randint(0, 256, (300, 784)).astype(np.uint8), 't': rng.randint(0, 10, 300).astype(np.int64), 'xt': rng.randint(0, 256, (50, 784)).astype(np.uint8), 'tt': rng.randint(0, 10, 50).astype(np.int64)}
    big = {k: (v / 255 if k in ('x', 'xt') else v) for k, v in big_files.items()}
    for prefix, data in (('small', small), ('big', big_files)):
        for k, v in data.items():
            np.save(os.path.join(OUT, f'{prefix}_{k}.npy'), v)
    hyper = {
        'sgd': {'lr': 0.1},
        'momentum': {'lr': 0.05, 'momentum': 0.8},
        'nesterov': {'lr': 0.05, 'momentum': 0.9},
        'adagrad': {'lr': 0.1},
        'rmsprop': {'lr': 0.01, 'decay_rate': 0.9},
        'adam': {'lr': 0.01, 'beta1': 0.9, 'beta2': 0.999},
    }
    cases = []
    for name, h in hyper.items():
        for batch in (None, {'size': 5, 'seed': 3}):
            cases.append({'data': 'small', 'sizes': [4, 5, 3], 'scale': 0.5, 'optimizer': name, 'hyper': h, 'steps': 30, 'batch': batch})
    for name in ('sgd', 'adam'):
        cases.append({'data': 'big', 'sizes': [784, 50, 10], 'scale': 0.01, 'optimizer': name, 'hyper': {'lr': 0.1} if name == 'sgd' else {'lr': 0.001, 'beta1': 0.9, 'beta2': 0.999}, 'steps': 100, 'batch': {'size': 100, 'seed': 0}})
    for case in cases:
        d = small if case['data'] == 'small' else big
        case['expected'] = train(case, d['x'], d['t'], d['xt'], d['tt'])
        if case['data'] == 'big':
            # the loss history and accuracies say enough; 40,000 weights would only bloat the fixture
            del case['expected']['params']
    # numpy's own draws, for the sampler's test
    draws = []
    for seed, n, size, steps in ((0, 1500, 100, 3), (3, 12, 5, 4), (7, 60000, 100, 2), (1, 1, 4, 2), (5, 1000, 10, 3)):
        np.random.seed(seed)
        draws.append({'seed': seed, 'rows': n, 'size': size, 'draws': [np.random.choice(n, size).tolist() for _ in range(steps)]})
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump({'numpy': np.__version__, 'cases': cases, 'choice': draws}, f)
    print(f'{len(cases)} cases, numpy {np.__version__}')


if __name__ == '__main__':
    main()
