"""Exports the four models the import is checked against to
test/fixtures/onnx/*.onnx with PyTorch's torch.onnx.export, with for each:
  NAME.x.npy         the input (float64) given to the import with --input x=...
  NAME.G.npy         an upstream gradient for the weighted check
  NAME.reference.json  PyTorch float64 autograd on the same weights widened to
                       float64: the output, and the gradients of sum(output)
                       and of sum(G * output) for the input and every parameter,
                       keyed by ONNX name (the state_dict key).
Run: /usr/bin/python3 scripts/onnx/export_models.py"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'fixtures', 'onnx')


class MlpSigmoid(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 5)
        self.fc2 = nn.Linear(5, 3)

    def forward(self, x):
        return self.fc2(torch.sigmoid(self.fc1(x)))


class MlpTanhSoftmax(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))

    def forward(self, x):
        return torch.softmax(self.layers(x), dim=1)


class SmallCnn(nn.Module):
    """Conv-ReLU-MaxPool-Flatten-Linear."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 3, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(3 * 4 * 4, 5)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(torch.relu(self.conv(x))), 1))


class LeNet(nn.Module):
    """Two convolutions, then two affine layers and softmax."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 5)
        self.conv2 = nn.Conv2d(4, 6, 3, padding=1, stride=1)
        self.fc1 = nn.Linear(6 * 2 * 2, 10)
        self.fc2 = nn.Linear(10, 3)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = torch.relu(self.fc1(torch.flatten(x, 1)))
        return torch.softmax(self.fc2(x), dim=-1)


class OpsMix(nn.Module):
    """Every other operator the import translates, in one small net."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=1, padding=1, bias=False)
        # ONNX stores float attributes as float32: the values the import reads are these, widened
        self.bn = nn.BatchNorm2d(4, eps=float(np.float32(1e-5)))
        self.W = nn.Parameter(torch.randn(5, 12))
        with torch.no_grad():
            self.bn.running_mean.copy_(torch.randn(4) * 0.1)
            self.bn.running_var.copy_(torch.rand(4) + 0.5)
            self.bn.weight.copy_(torch.randn(4))
            self.bn.bias.copy_(torch.randn(4))

    def forward(self, x):
        h = self.bn(F.leaky_relu(self.conv(x), float(np.float32(0.1))))
        a = F.avg_pool2d(h, 2, padding=1, count_include_pad=False)
        g = F.adaptive_avg_pool2d(a, 1).squeeze(3).squeeze(2)
        m = a.mean(dim=(2, 3))
        s = a.sum(dim=3).sum(dim=2)
        c = torch.cat([g, m, s / 16], dim=1)
        c = (c - c.mean()) * 0.5
        e = torch.exp(-c) + torch.sqrt(c ** 2 + 1) + torch.log(c ** 2 + 1)
        z = (e @ self.W.t()).unsqueeze(0).reshape(2, -1)
        return F.log_softmax(z, dim=1)


MODELS = [
    ('mlp_sigmoid', MlpSigmoid, (2, 4), 11, False),
    ('mlp_tanh_softmax', MlpTanhSoftmax, (3, 4), 12, True),
    ('cnn', SmallCnn, (2, 1, 8, 8), 13, False),
    ('lenet', LeNet, (2, 1, 14, 14), 17, True),
    ('ops_mix', OpsMix, (2, 3, 6, 6), 13, False),
]


def grads(model, x, weights):
    """Output and gradients of sum(weights * output) for x and every parameter, in float64."""
    model.zero_grad()
    xx = x.clone().requires_grad_(True)
    y = model(xx)
    (y * weights).sum().backward()
    named = {name: p.grad.flatten().tolist() for name, p in model.named_parameters()}
    return y.detach(), xx.grad.flatten().tolist(), named


for seed, (name, make, shape, opset, dynamic) in enumerate(MODELS):
    torch.manual_seed(100 + seed)
    model = make().eval()
    example = torch.randn(*shape)
    path = os.path.join(OUT, f'{name}.onnx')
    torch.onnx.export(model, example, path, opset_version=opset, input_names=['x'], output_names=['y'],
                      dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}} if dynamic else None,
                      do_constant_folding=name != 'ops_mix')
    model64 = model.double()
    x = torch.randn(*shape, dtype=torch.float64)
    y, _, _ = grads(model64, x, torch.ones(1, dtype=torch.float64))
    G = torch.randn(*y.shape, dtype=torch.float64)
    y, dx_sum, dp_sum = grads(model64, x, torch.ones_like(y))
    _, dx_weighted, dp_weighted = grads(model64, x, G)
    np.save(os.path.join(OUT, f'{name}.x.npy'), x.numpy())
    np.save(os.path.join(OUT, f'{name}.G.npy'), G.numpy())
    reference = {
        'torch': torch.__version__,
        'opset': opset,
        'output': {'shape': list(y.shape), 'data': y.flatten().tolist()},
        'gradSum': {'x': dx_sum, **dp_sum},
        'gradWeighted': {'x': dx_weighted, **dp_weighted},
    }
    with open(os.path.join(OUT, f'{name}.reference.json'), 'w') as f:
        json.dump(reference, f, indent=0)
        f.write('\n')
    print(f'{name}: opset {opset}, output {list(y.shape)}')
