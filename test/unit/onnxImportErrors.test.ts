import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import { identifierOf } from '../../src/core/onnx/identifiers';
import { importModel } from '../../src/core/onnx/importModel';
import type { FileAccess } from '../../src/core/ops/constructorDef';
import { cli } from '../support/runCli';

/* Models built here with onnx-proto's encoder, each pinning one rule of the import. */

type NodeSpec = { op: string; name: string; inputs: string[]; outputs: string[]; attrs?: onnx.IAttributeProto[] };

function floatTensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values };
}

function valueInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  };
}

function model(nodes: NodeSpec[], options: { initializers?: onnx.ITensorProto[]; inputs?: onnx.IValueInfoProto[]; output?: string; opset?: number } = {}): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 7,
    producerName: 'test',
    opsetImport: [{ domain: '', version: options.opset ?? 13 }],
    graph: {
      name: 'g',
      node: nodes.map((n) => ({ opType: n.op, name: n.name, input: n.inputs, output: n.outputs, attribute: n.attrs ?? [] })),
      initializer: options.initializers ?? [],
      input: options.inputs ?? [valueInfo('x', [2, 3])],
      output: [valueInfo(options.output ?? nodes[nodes.length - 1]!.outputs[0]!, [])],
    },
  }).finish();
}

function importBytes(bytes: Uint8Array) {
  return importModel(bytes, { modelName: 'm.onnx', outputStem: 'm', maxElements: 10_000_000 });
}

function failure(bytes: Uint8Array): string {
  const r = importBytes(bytes);
  assert.ok(!r.ok, 'expected the import to fail');
  return r.message;
}

describe('ONNX import: names', () => {
  it('replaces every character that is not a letter, digit or _ with _, and prefixes _ before a digit', () => {
    assert.equal(identifierOf('0.weight'), '_0_weight');
    assert.equal(identifierOf('fc.bias'), 'fc_bias');
    assert.equal(identifierOf('/conv1/Conv_output_0'), '_conv1_Conv_output_0');
    assert.equal(identifierOf('onnx::Gemm_7'), 'onnx__Gemm_7');
    assert.equal(identifierOf('input.1'), 'input_1');
    assert.equal(identifierOf('重み'), '重み');
  });

  it('names params after their initializers and each statement after its node output, with the op and node in a comment', () => {
    const bytes = model([{ op: 'Add', name: 'add_node', inputs: ['x', '0.weight'], outputs: ['fc.bias'] }], {
      initializers: [floatTensor('0.weight', [3], [1, 2, 3])],
    });
    const r = importBytes(bytes);
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.match(r.model.text, /^param _0_weight = load\("m\._0_weight\.npy"\)/m);
    assert.match(r.model.text, /^fc_bias = x \+ _0_weight {2}# Add add_node$/m);
    assert.match(r.model.text, /^output fc_bias$/m);
  });

  it('appends _ to a name that is a keyword or an op, and a number to a name already taken', () => {
    const bytes = model(
      [
        { op: 'Relu', name: 'a', inputs: ['input'], outputs: ['relu'] },
        { op: 'Neg', name: 'b', inputs: ['relu'], outputs: ['relu_'] },
      ],
      { inputs: [valueInfo('input', [2])] },
    );
    const r = importBytes(bytes);
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.match(r.model.text, /^input input_ = randn\(2, seed=0\)/m);
    assert.match(r.model.text, /^relu_ = relu\(input_\)/m);
    assert.match(r.model.text, /^relu__2 = -relu_/m);
  });
});

describe('ONNX import: values', () => {
  it('widens float16 initializers exactly (1, 2^-24, 65504, -2, 0.333251953125)', () => {
    const halves = [0x3c00, 0x0001, 0x7bff, 0xc000, 0x3555];
    const bytes = model([{ op: 'Identity', name: 'id', inputs: ['h'], outputs: ['y'] }], {
      initializers: [{ name: 'h', dims: [5], dataType: onnx.TensorProto.DataType.FLOAT16, int32Data: halves }],
      inputs: [],
    });
    const r = importBytes(bytes);
    assert.ok(r.ok, r.ok ? '' : r.message);
    const file = r.model.files.find((f) => f.fileName === 'm.h.npy')!;
    const data = new Float64Array(file.bytes.slice(file.bytes.length - 40).buffer);
    assert.deepEqual(Array.from(data), [1, 2 ** -24, 65504, -2, 0.333251953125]);
  });

  it('widens float32 raw data exactly', () => {
    const raw = new Uint8Array(new Float32Array([0.1, -3.4028234663852886e38]).buffer);
    const bytes = model([{ op: 'Identity', name: 'id', inputs: ['w'], outputs: ['y'] }], {
      initializers: [{ name: 'w', dims: [2], dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw }],
      inputs: [],
    });
    const r = importBytes(bytes);
    assert.ok(r.ok, r.ok ? '' : r.message);
    const file = r.model.files.find((f) => f.fileName === 'm.w.npy')!;
    assert.deepEqual(Array.from(new Float64Array(file.bytes.slice(file.bytes.length - 16).buffer)), [0.10000000149011612, -3.4028234663852886e38]);
  });

  it('gives an input without --input a seeded randn of its declared shape, dynamic dimensions as 1', () => {
    const bytes = model([{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] }], { inputs: [valueInfo('x', ['batch', 3, 'n'])] });
    const r = importBytes(bytes);
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.match(r.model.text, /^input x = randn\(1, 3, 1, seed=0\)/m);
  });

  it('translates Gemm with alpha, beta, transA and transB, Dropout and Identity, with the values numpy gives', () => {
    // y = 2·(Aᵀ @ Bᵀ) + 0.5·C with A [2,2] (the input), B [2,2], C [2]; then dropout (the identity outside training)
    const bytes = model(
      [
        {
          op: 'Gemm',
          name: 'g',
          inputs: ['x', 'B', 'C'],
          outputs: ['z'],
          attrs: [
            { name: 'alpha', type: 1, f: 2 },
            { name: 'beta', type: 1, f: 0.5 },
            { name: 'transA', type: 2, i: 1 },
            { name: 'transB', type: 2, i: 1 },
          ],
        },
        { op: 'Dropout', name: 'd', inputs: ['z'], outputs: ['dz'], attrs: [{ name: 'ratio', type: 1, f: 0.25 }] },
        { op: 'Identity', name: 'i', inputs: ['dz'], outputs: ['y'] },
      ],
      { initializers: [floatTensor('B', [2, 2], [1, 2, 3, 4]), floatTensor('C', [2], [10, 20])], inputs: [valueInfo('x', [2, 2])], opset: 11 },
    );
    const r = importBytes(bytes);
    assert.ok(r.ok, r.ok ? '' : r.message);
    const files = new Map(r.model.files.map((f) => [f.fileName, f.bytes]));
    const access: FileAccess = { read: (p) => ({ ok: true, bytes: files.get(p)! }) };
    const text = r.model.text.replace(/^input x = .*$/m, 'input x = [[1, 2], [3, 4]]');
    const checked = checkSource(text, { files: access });
    assert.deepEqual(checked.diagnostics.filter((d) => d.severity === 'error'), []);
    const stepper = new Stepper(checked.graph!);
    stepper.runForward();
    // numpy: 2 * (A.T @ B.T) + 0.5 * C with A = [[1,2],[3,4]], B = [[1,2],[3,4]] → [[19, 40], [25, 54]]
    assert.deepEqual(Array.from(stepper.value(checked.graph!.output!)!.data), [19, 40, 25, 54]);
    assert.match(r.model.text, /dropout\(z, 0\.25, seed=1\)/);
  });
});

describe('ONNX import: Transpose', () => {
  it('orders the axes as perm, as np.transpose(x, (0, 2, 1))', () => {
    const bytes = model([{ op: 'Transpose', name: 't', inputs: ['x'], outputs: ['y'], attrs: [{ name: 'perm', type: 7, ints: [0, 2, 1] }] }], { inputs: [valueInfo('x', [1, 2, 3])] });
    const r = importBytes(bytes);
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.match(r.model.text, /^y = transpose\(x, 0, 2, 1\)/m);
    const checked = checkSource(r.model.text.replace(/^input x = .*$/m, 'input x = [[[1, 2, 3], [4, 5, 6]]]'));
    const stepper = new Stepper(checked.graph!);
    stepper.runForward();
    const y = stepper.value(checked.graph!.output!)!;
    assert.deepEqual(y.shape, [1, 3, 2]);
    assert.deepEqual(Array.from(y.data), [1, 4, 2, 5, 3, 6]);
  });
});

describe('ONNX import: what it refuses, naming the problem and the node', () => {
  it('an unsupported operator, naming it and the node', () => {
    const message = failure(model([{ op: 'LSTM', name: '/rnn/LSTM', inputs: ['x'], outputs: ['y'] }]));
    assert.match(message, /^node '\/rnn\/LSTM': operator 'LSTM' is not supported; supported are Abs, Add, AveragePool/);
  });

  it('an initializer whose data is stored outside the model', () => {
    const external: onnx.ITensorProto = { name: 'fc.weight', dims: [3], dataType: 1, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL, externalData: [{ key: 'location', value: 'weights.bin' }] };
    const message = failure(model([{ op: 'Add', name: 'a', inputs: ['x', 'fc.weight'], outputs: ['y'] }], { initializers: [external] }));
    assert.match(message, /^initializer 'fc\.weight': its data is stored outside the model \(in 'weights\.bin'\); external data is not supported/);
  });

  it('a malformed or truncated file', () => {
    assert.match(failure(Uint8Array.from([0x08, 0x07, 0x12, 0xff, 0xff, 0x0a])), /^not a readable ONNX model: the protobuf does not decode/);
    const good = model([{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] }]);
    assert.match(failure(good.slice(0, good.length - 7)), /^not a readable ONNX model/);
    assert.match(failure(new TextEncoder().encode('hello, not a model')), /^not a/);
  });

  it('a node whose shapes do not fit, with both shapes', () => {
    const message = failure(model([{ op: 'MatMul', name: 'mm', inputs: ['x', 'W'], outputs: ['y'] }], { initializers: [floatTensor('W', [4, 2], new Array(8).fill(0))] }));
    assert.match(message, /^node 'mm' \(MatMul\): matmul: .*\[2,3\].*\[4,2\]/);
  });

  it('an attribute the language cannot express: a grouped convolution', () => {
    const conv = failure(
      model([{ op: 'Conv', name: '/c/Conv', inputs: ['x', 'W'], outputs: ['y'], attrs: [{ name: 'group', type: 2, i: 2 }] }], {
        initializers: [floatTensor('W', [2, 1, 1, 1], [1, 1])],
        inputs: [valueInfo('x', [1, 2, 3, 3])],
      }),
    );
    assert.match(conv, /^node '\/c\/Conv' \(Conv\): group 2 is not supported/);
  });

  it('an opset outside what the import reads', () => {
    assert.match(failure(model([{ op: 'Relu', name: 'r', inputs: ['x'], outputs: ['y'] }], { opset: 6 })), /^opset 6: expected a model exported at opset 11 to 17/);
  });
});

describe('graphstep import', () => {
  const fixtures = path.resolve(__dirname, '../fixtures/onnx');
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-import-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes OUT.nn and its .npy files, which graphstep run then runs', () => {
    const out = path.join(dir, 'cnn.nn');
    const r = cli('import', path.join(fixtures, 'cnn.onnx'), '-o', out, '--input', `x=${path.join(fixtures, 'cnn.x.npy')}`);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^wrote .*cnn\.nn \(\d+ statements\) and 5 \.npy files beside it\n$/);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['cnn.conv_bias.npy', 'cnn.conv_weight.npy', 'cnn.fc_bias.npy', 'cnn.fc_weight.npy', 'cnn.nn', 'cnn.x.npy']);
    const run = cli('run', out, '--json');
    assert.equal(run.code, 0, run.err);
    assert.equal(JSON.parse(run.out).output, 'y');
  });

  it('writes nothing when the model cannot be imported, and says why', () => {
    const bad = path.join(dir, 'bad.onnx');
    fs.writeFileSync(bad, model([{ op: 'Unique', name: 'u', inputs: ['x'], outputs: ['y'] }]));
    const r = cli('import', bad, '-o', path.join(dir, 'bad.nn'));
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.onnx: error: node 'u': operator 'Unique' is not supported/);
    assert.deepEqual(fs.readdirSync(dir), ['bad.onnx']);
  });

  it('refuses an --input that names no graph input, or a missing model, with exit code 1; bad arguments with 2', () => {
    const r = cli('import', path.join(fixtures, 'cnn.onnx'), '-o', path.join(dir, 'a.nn'), '--input', `z=${path.join(fixtures, 'cnn.x.npy')}`);
    assert.equal(r.code, 1);
    assert.match(r.err, /--input z: the model has no graph input 'z'; its inputs are 'x'/);
    assert.equal(cli('import', path.join(dir, 'none.onnx'), '-o', path.join(dir, 'a.nn')).code, 1);
    assert.equal(cli('import', path.join(fixtures, 'cnn.onnx')).code, 2);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
