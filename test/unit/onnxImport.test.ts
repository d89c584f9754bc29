import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import type { Graph } from '../../src/core/graph/graph';
import { identifierOf } from '../../src/core/onnx/identifiers';
import { importModel, type ImportedModel } from '../../src/core/onnx/importModel';
import type { FileAccess } from '../../src/core/ops/constructorDef';

/*
 * Models exported by PyTorch (test/fixtures/onnx, written by
 * scripts/onnx/export_models.py), imported and run: the output and the
 * gradients of the input and every parameter against PyTorch float64 autograd
 * on the same weights widened to float64.
 */

const FIXTURES = path.resolve(__dirname, '../fixtures/onnx');

interface Reference {
  readonly output: { readonly shape: number[]; readonly data: number[] };
  readonly gradSum: Record<string, number[]>;
  readonly gradWeighted: Record<string, number[]>;
}

function fixture(name: string): { bytes: Uint8Array; x: Uint8Array; G: Uint8Array; reference: Reference } {
  const read = (f: string): Uint8Array => fs.readFileSync(path.join(FIXTURES, f));
  return {
    bytes: read(`${name}.onnx`),
    x: read(`${name}.x.npy`),
    G: read(`${name}.G.npy`),
    reference: JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.reference.json`), 'utf8')) as Reference,
  };
}

function imported(name: string, withInput = true): ImportedModel {
  const f = fixture(name);
  const r = importModel(f.bytes, {
    modelName: `${name}.onnx`,
    outputStem: name,
    inputs: withInput ? new Map([['x', { fileName: `${name}.x.npy`, bytes: f.x }]]) : new Map(),
    maxElements: 10_000_000,
  });
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.model;
}

function filesOf(model: ImportedModel, extra: Record<string, Uint8Array> = {}): FileAccess {
  const files = new Map<string, Uint8Array>(model.files.map((f) => [f.fileName, f.bytes]));
  for (const [k, v] of Object.entries(extra)) files.set(k, v);
  return { read: (p) => (files.has(p) ? { ok: true, bytes: files.get(p)! } : { ok: false, message: `no ${p}` }) };
}

function run(text: string, files: FileAccess): { graph: Graph; stepper: Stepper } {
  const r = checkSource(text, { files });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, []);
  const stepper = new Stepper(r.graph!);
  stepper.runBackward();
  return { graph: r.graph!, stepper };
}

function nodeNamed(graph: Graph, name: string): number {
  const binding = graph.bindings.find((b) => b.name === name);
  assert.ok(binding, `a binding named ${name}`);
  return binding.nodeId;
}

/** |a − b| ≤ 1e-10 · |b| for every element, with `floor` as the smallest |b| the relative bound is taken of. */
function assertRelative(actual: Float64Array, expected: readonly number[], what: string, floor = 0): void {
  assert.equal(actual.length, expected.length, `${what}: element count`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    assert.ok(Math.abs(actual[i]! - e) <= 1e-10 * Math.max(Math.abs(e), floor), `${what}[${i}]: GraphStep ${actual[i]}, PyTorch ${e}`);
  }
}

const MODELS = ['mlp_sigmoid', 'mlp_tanh_softmax', 'cnn', 'lenet', 'ops_mix'];
/** Σ softmax is 1 whatever the input, so the gradients of sum(output) are 0 and both sides give rounding noise (below 1e-15). */
const SOFTMAX_OUTPUT = new Set(['mlp_tanh_softmax', 'lenet']);

describe('ONNX import: models exported by PyTorch, against PyTorch float64 autograd', () => {
  for (const name of MODELS) {
    it(`${name}: output and the gradients of sum(output) for x and every parameter, to 1e-10 relative`, () => {
      const model = imported(name);
      const { reference } = fixture(name);
      const { graph, stepper } = run(model.text, filesOf(model));
      const out = stepper.value(graph.output!)!;
      assert.deepEqual(out.shape, reference.output.shape);
      assertRelative(out.data, reference.output.data, 'output');
      for (const [onnxName, expected] of Object.entries(reference.gradSum)) {
        const id = nodeNamed(graph, model.result.names.get(onnxName) ?? identifierOf(onnxName));
        assertRelative(stepper.grad(id)!.data, expected, `d sum(y) / d ${onnxName}`, SOFTMAX_OUTPUT.has(name) ? 1e-5 : 0);
      }
    });

    it(`${name}: the gradients of sum(G · output) for a random G, to 1e-10 relative`, () => {
      const model = imported(name);
      const { reference, G } = fixture(name);
      const text = model.text.replace(/\noutput (\w+)\n$/, '\nconst G_ = load("G.npy")\nweighted_ = sum($1 * G_)\noutput weighted_\n');
      assert.notEqual(text, model.text);
      const { graph, stepper } = run(text, filesOf(model, { 'G.npy': G }));
      for (const [onnxName, expected] of Object.entries(reference.gradWeighted)) {
        const id = nodeNamed(graph, model.result.names.get(onnxName) ?? identifierOf(onnxName));
        assertRelative(stepper.grad(id)!.data, expected, `d sum(G·y) / d ${onnxName}`);
      }
    });
  }
});
