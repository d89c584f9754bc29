import { Tensor, type Shape } from '../tensor';
import { formatShape } from '../tensorMath';
import { IdentifierTable } from './identifiers';
import { numberText, type Expr, type NodeScope } from './nnExpr';
import { OnnxImportError, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnxModel';
import { translateNode, SUPPORTED_OPS } from './onnxOps';
import * as l10n from '@vscode/l10n';

/*
 * An ONNX graph written out as a `.nn` file: one statement per node, named
 * after the node's first output, with the op and node name in a comment;
 * initializers as `param` leaves loading `.npy` files written beside the
 * file; graph inputs as `input` leaves; the first graph output as `output`.
 * Each run of nodes in one ONNX name scope (`/conv1/Conv` is in `/conv1`)
 * sits under a `# --- /conv1 ---` header, which the panel draws as a group.
 */

export interface ImportOptions {
  /** The model's file name, for the file's first comment. */
  readonly modelName: string;
  /** Prefix of the `.npy` files written beside the `.nn` file (the `.nn` file's name without extension). */
  readonly filePrefix: string;
  /** Values for graph inputs, by ONNX name; any other input is seeded randn of its declared shape. */
  readonly inputs?: ReadonlyMap<string, Tensor>;
}

/** A `.npy` file to write beside the `.nn` file. */
export interface ImportedFile {
  readonly fileName: string;
  readonly tensor: Tensor;
}

export interface ImportResult {
  readonly text: string;
  readonly files: readonly ImportedFile[];
  /** Identifiers of the graph inputs, parameters and output, by ONNX name. */
  readonly names: ReadonlyMap<string, string>;
}

/** Translates a read ONNX model. Throws OnnxImportError naming the node or tensor for anything it cannot translate. */
export function importOnnx(model: OnnxModel, options: ImportOptions): ImportResult {
  return new Importer(model, options).run();
}

class Importer {
  private readonly ids = new IdentifierTable();
  private readonly shapes = new Map<string, Shape>();
  private readonly constants = new Map<string, OnnxTensor>();
  /** ONNX names already bound in the file. */
  private readonly declared = new Set<string>();
  private readonly lines: string[] = [];
  private readonly files: ImportedFile[] = [];
  private readonly names = new Map<string, string>();
  private scope: string | null = null;

  constructor(
    private readonly model: OnnxModel,
    private readonly options: ImportOptions,
  ) {}

  run(): ImportResult {
    const { model } = this;
    if (model.opset < 7 || model.opset > 17) {
      throw new OnnxImportError(l10n.t('opset {0}: expected a model exported at opset 11 to 17 (torch.onnx.export(..., opset_version=13)); found opset {0}', model.opset));
    }
    for (const [name, t] of model.initializers) {
      this.constants.set(name, t);
      this.shapes.set(name, t.shape);
    }
    for (const node of model.nodes) {
      if (node.domain !== '' && node.domain !== 'ai.onnx') throw new OnnxImportError(l10n.t("node '{0}': operator '{1}' of domain '{2}' is not supported (only the default ONNX operators)", node.name, node.opType, node.domain));
      if (!SUPPORTED_OPS.has(node.opType)) {
        throw new OnnxImportError(l10n.t("node '{0}': operator '{1}' is not supported; supported are {2}", node.name, node.opType, [...SUPPORTED_OPS].sort().join(', ')));
      }
    }
    const output = model.outputs[0];
    if (!output) throw new OnnxImportError(l10n.t('the graph has no output'));

    this.lines.push(`# Imported from ${oneLine(this.options.modelName)}${model.producer ? ` (${model.producer}, opset ${model.opset})` : ` (opset ${model.opset})`} by graphstep import`);
    this.declareInputs();
    model.nodes.forEach((node, index) => this.translate(node, index));
    if (!this.shapes.has(output.name)) throw new OnnxImportError(l10n.t("graph output '{0}': no node computes it", output.name));
    const outputId = this.use(output.name);
    this.lines.push('');
    this.lines.push(`output ${outputId.text}`);
    return { text: this.lines.join('\n') + '\n', files: this.files, names: this.names };
  }

  private declareInputs(): void {
    this.model.inputs.forEach((info, k) => {
      const given = this.options.inputs?.get(info.name);
      if (info.shape === null && !given) throw new OnnxImportError(l10n.t("graph input '{0}': its shape is not declared; give its value with --input {0}=FILE.npy", info.name));
      const declared = info.shape?.map((d) => d ?? 1) ?? null;
      if (given && info.shape && (given.rank !== info.shape.length || info.shape.some((d, i) => d !== null && d !== given.shape[i]))) {
        throw new OnnxImportError(l10n.t("graph input '{0}': expected a value of shape {1} (-1: any size), found {2}", info.name, formatShape(info.shape.map((d) => d ?? -1)), formatShape(given.shape)));
      }
      const id = this.ids.get(info.name);
      this.names.set(info.name, id);
      const shape = given ? given.shape : declared!;
      this.shapes.set(info.name, shape);
      this.declared.add(info.name);
      const dynamic = info.shape?.some((d) => d === null) ? ' (dynamic dimensions as 1)' : '';
      if (given) {
        const fileName = this.addFile(id, given);
        this.lines.push(`input ${id} = load(${JSON.stringify(fileName)})  # graph input '${info.name}' ${formatShape(shape)}`);
      } else {
        const dims = shape.length > 0 ? `${shape.join(', ')}, ` : '';
        this.lines.push(`input ${id} = randn(${dims}seed=${k})  # graph input '${info.name}' ${formatShape(shape)}${dynamic}`);
      }
    });
  }

  private addFile(id: string, tensor: Tensor): string {
    const fileName = `${this.options.filePrefix}.${id}.npy`;
    this.files.push({ fileName, tensor });
    return fileName;
  }

  /** The expression naming an ONNX value, declaring it first if it is an initializer or a constant. */
  private use(name: string): Expr {
    const shape = this.shapes.get(name);
    if (shape === undefined) throw new OnnxImportError(l10n.t("value '{0}': used before any node computes it (the graph is not in topological order or names an unknown value)", name));
    const id = this.ids.get(name);
    if (!this.declared.has(name)) {
      const t = this.constants.get(name)!;
      this.declared.add(name);
      this.names.set(name, id);
      const tensor = new Tensor(t.shape, t.data);
      const isParam = this.model.initializers.has(name) && (t.elementType === 'float' || t.elementType === 'float16' || t.elementType === 'double');
      if (isParam) {
        this.lines.push(`param ${id} = load(${JSON.stringify(this.addFile(id, tensor))})  # ${t.elementType} ${formatShape(t.shape)} '${name}'`);
      } else {
        this.lines.push(`const ${id} = ${this.constantText(id, tensor)}  # ${t.elementType} ${formatShape(t.shape)} '${name}'`);
      }
    }
    return { text: id, shape, atomic: true };
  }

  /** A small constant as a literal, a larger one as a loaded file. */
  private constantText(id: string, t: Tensor): string {
    if (t.size <= 16 && t.rank <= 2 && t.size > 0) return literal(t);
    return `load(${JSON.stringify(this.addFile(id, t))})`;
  }

  private translate(node: OnnxNode, index: number): void {
    const scopeName = scopeOf(node.name);
    if (node.opType === 'Constant') {
      const value = constantValue(node);
      this.constants.set(node.outputs[0]!, value);
      this.shapes.set(node.outputs[0]!, value.shape);
      return;
    }
    if (scopeName !== this.scope) {
      this.scope = scopeName;
      this.lines.push('');
      this.lines.push(`# --- ${scopeName} ---`);
    }
    const pending: string[] = [];
    const scope: NodeScope = {
      node,
      opset: this.model.opset,
      index,
      input: (k) => {
        const name = node.inputs[k];
        return name ? this.use(name) : null;
      },
      constant: (k) => {
        const name = node.inputs[k];
        return name ? (this.constants.get(name) ?? null) : null;
      },
      shapeOf: (k) => {
        const name = node.inputs[k] ?? '';
        const shape = this.shapes.get(name);
        if (shape === undefined) throw new OnnxImportError(l10n.t("node '{0}' ({1}): input {2} '{3}' is not computed by any node before it", node.name, node.opType, k + 1, name));
        return shape;
      },
      constLeaf: (suffix, tensor) => {
        const id = this.ids.get(`${node.outputs[0]}${suffix}`);
        pending.push(`const ${id} = ${this.constantText(id, tensor)}  # made for ${node.opType} '${node.name}'`);
        return { text: id, shape: tensor.shape, atomic: true };
      },
    };
    const result = translateNode(scope);
    for (let k = 1; k < node.outputs.length; k++) {
      const extra = node.outputs[k]!;
      if (extra !== '' && this.isUsed(extra)) {
        throw new OnnxImportError(l10n.t("node '{0}' ({1}): its output {2} '{3}' is used, but only the first output of {1} is supported", node.name, node.opType, k + 1, extra));
      }
    }
    const out = node.outputs[0];
    if (!out) throw new OnnxImportError(l10n.t("node '{0}' ({1}): expected an output, found none", node.name, node.opType));
    const id = this.ids.get(out);
    this.lines.push(...pending);
    this.lines.push(`${id} = ${result.text}  # ${node.opType} ${node.name}`);
    this.shapes.set(out, result.shape);
    this.declared.add(out);
  }

  private isUsed(name: string): boolean {
    return this.model.nodes.some((n) => n.inputs.includes(name)) || this.model.outputs.some((o) => o.name === name);
  }
}

function oneLine(name: string): string {
  return name.replace(/[\r\n]/g, ' ');
}

/** `/conv1/Conv` → `/conv1`; a node at the top (`/Relu`, `Relu_3`) is in scope `/`. */
export function scopeOf(nodeName: string): string {
  const cut = nodeName.lastIndexOf('/');
  return cut > 0 ? nodeName.slice(0, cut) : '/';
}

/** The value of a Constant node: its `value` tensor or one of the value_* attributes. */
function constantValue(node: OnnxNode): OnnxTensor {
  const name = node.outputs[0] ?? '';
  for (const [key, a] of node.attributes) {
    if (key === 'value' && a.kind === 'tensor') return { ...a.value, name };
    if ((key === 'value_float' || key === 'value_int') && (a.kind === 'float' || a.kind === 'int')) return { name, shape: [], data: Float64Array.of(a.value), elementType: a.kind === 'int' ? 'int64' : 'float' };
    if ((key === 'value_floats' || key === 'value_ints') && (a.kind === 'floats' || a.kind === 'ints')) {
      return { name, shape: [a.value.length], data: Float64Array.from(a.value), elementType: a.kind === 'ints' ? 'int64' : 'float' };
    }
  }
  throw new OnnxImportError(l10n.t("node '{0}' (Constant): expected a value, value_float(s) or value_int(s) attribute, found {1}", node.name, [...node.attributes.keys()].join(', ') || 'none'));
}

function literal(t: Tensor): string {
  if (t.rank === 0) return numberText(t.data[0]!);
  if (t.rank === 1) return `[${Array.from(t.data, numberText).join(', ')}]`;
  const cols = t.shape[1]!;
  const rows: string[] = [];
  for (let r = 0; r < t.shape[0]!; r++) rows.push(`[${Array.from(t.data.subarray(r * cols, (r + 1) * cols), numberText).join(', ')}]`);
  return `[${rows.join(', ')}]`;
}

