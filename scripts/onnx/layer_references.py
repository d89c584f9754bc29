"""Writes test/fixtures/onnx/torch-layers.json: for each layer of the language,
cases with their inputs, PyTorch float64 outputs and the autograd gradients of
sum(G * output) for a given upstream G. Every expected number comes from
PyTorch (torch.nn.functional, float64, CPU). Run: /usr/bin/python3 scripts/onnx/layer_references.py"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(20261201)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'onnx', 'torch-layers.json')


def randn(*shape):
    return torch.randn(*shape, dtype=torch.float64)


def case(op, inputs, attrs, fn, training_step=None):
    leaves = [t.clone().requires_grad_(True) for t in inputs]
    y = fn(*leaves)
    g = randn(*y.shape)
    (y * g).sum().backward()
    return {
        'op': op,
        'attrs': attrs,
        'inputs': [{'shape': list(t.shape), 'data': t.flatten().tolist()} for t in inputs],
        'upstream': g.flatten().tolist(),
        'output': {'shape': list(y.shape), 'data': y.detach().flatten().tolist()},
        'grads': [leaf.grad.flatten().tolist() for leaf in leaves],
        'trainingStep': training_step,
    }


cases = []
for (n, c, h, w, fn, fh, fw, stride, pad, dilation) in [
    (2, 3, 7, 7, 4, 3, 3, 1, 0, 1),
    (1, 1, 8, 8, 30, 5, 5, 1, 0, 1),
    (2, 2, 6, 5, 3, 3, 2, 2, 1, 1),
    (1, 3, 9, 9, 2, 3, 3, 2, 2, 2),
    (3, 1, 4, 4, 2, 1, 1, 1, 0, 1),
]:
    cases.append(case('conv2d', [randn(n, c, h, w), randn(fn, c, fh, fw), randn(fn)],
                      {'stride': stride, 'pad': pad, 'dilation': dilation},
                      lambda x, W, b, s=stride, p=pad, d=dilation: F.conv2d(x, W, b, stride=s, padding=p, dilation=d)))
for (shape, ph, pw, stride, pad) in [((2, 3, 6, 6), 2, 2, None, 0), ((1, 2, 7, 5), 3, 3, 2, 1), ((2, 1, 5, 6), 2, 3, None, 1), ((1, 1, 4, 4), 2, 2, 1, 0)]:
    ks = (ph, pw)
    cases.append(case('max_pool', [randn(*shape)], {'h': ph, 'w': pw, 'stride': stride, 'pad': pad},
                      lambda x, k=ks, s=stride, p=pad: F.max_pool2d(x, k, stride=s, padding=p)))
    for include in (True, False):
        cases.append(case('avg_pool', [randn(*shape)], {'h': ph, 'w': pw, 'stride': stride, 'pad': pad, 'count_include_pad': include},
                          lambda x, k=ks, s=stride, p=pad, i=include: F.avg_pool2d(x, k, stride=s, padding=p, count_include_pad=i)))
for shape in [(2, 3, 4, 5), (1, 4, 1, 1)]:
    cases.append(case('global_avg_pool', [randn(*shape)], {}, lambda x: F.adaptive_avg_pool2d(x, 1)))
    cases.append(case('flatten', [randn(*shape)], {}, lambda x: torch.flatten(x, 1)))
for (shape, eps) in [((4, 3), 1e-5), ((2, 3, 4, 4), 1e-5), ((2, 2, 3, 3), 0.1)]:
    ch = shape[1]
    x, gamma, beta, mean, var = randn(*shape), randn(ch), randn(ch), randn(ch), torch.rand(ch, dtype=torch.float64) + 0.5
    view = [1, ch] + [1] * (len(shape) - 2)

    def bn(x, gamma, beta, mean, var, eps=eps, view=view):
        return gamma.view(view) * (x - mean.view(view)) / torch.sqrt(var.view(view) + eps) + beta.view(view)

    ref = F.batch_norm(x, mean, var, gamma, beta, training=False, eps=eps)
    assert torch.allclose(bn(x, gamma, beta, mean, var), ref, rtol=1e-14, atol=1e-14)
    cases.append(case('batchnorm', [x, gamma, beta, mean, var], {'eps': eps}, bn))
for (sa, sb, axis) in [((2, 3), (4, 3), 0), ((2, 3), (2, 5), 1), ((2, 3, 4), (2, 1, 4), -2)]:
    cases.append(case('concat', [randn(*sa), randn(*sb)], {'axis': axis}, lambda a, b, d=axis: torch.cat([a, b], dim=d)))
for shape in [(5,), (3, 4), (2, 3, 10)]:
    cases.append(case('log_softmax', [randn(*shape) * 3], {}, lambda x: F.log_softmax(x, dim=-1)))
    cases.append(case('tanh', [randn(*shape)], {}, torch.tanh))
    for alpha in (0.01, 0.2):
        cases.append(case('leaky_relu', [randn(*shape)], {'alpha': alpha}, lambda x, a=alpha: F.leaky_relu(x, a)))

for (shape, axes) in [((2, 3, 4), [0, 2, 1]), ((2, 3, 4, 5), [3, 1, 0, 2]), ((3, 4), [])]:
    cases.append(case('transpose', [randn(*shape)], {'axes': axes},
                      lambda x, a=axes: x.permute(*a) if a else x.permute(*reversed(range(x.dim())))))

# dropout: the mask of training step k is np.random.seed(seed + k); np.random.rand(*shape) >= ratio
for (shape, ratio, seed, step) in [((4, 5), 0.5, 0, 0), ((4, 5), 0.5, 0, 1), ((2, 3, 4), 0.2, 7, 12), ((10,), 0.0, 3, 0)]:
    np.random.seed(seed + step)
    keep = torch.from_numpy(np.random.rand(*shape) >= ratio).to(torch.float64)
    cases.append(case('dropout', [randn(*shape)], {'ratio': ratio, 'seed': seed},
                      lambda x, m=keep, r=ratio: x * m / (1 - r), training_step=step))
cases.append(case('dropout', [randn(3, 4)], {'ratio': 0.5, 'seed': 0}, lambda x: F.dropout(x, 0.5, training=False)))

with open(OUT, 'w') as f:
    json.dump({'torch': torch.__version__, 'cases': cases}, f, indent=0)
    f.write('\n')
print(f'{len(cases)} cases written to {os.path.normpath(OUT)}')
