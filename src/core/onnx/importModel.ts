import { checkSource } from '../check';
import type { FileAccess } from '../ops/constructorDef';
import { parseNpy } from '../ops/loadFile';
import type { Tensor } from '../tensor';
import { importOnnx, type ImportResult } from './importOnnx';
import { npyBytes } from './npyFile';
import { OnnxImportError, readOnnxModel } from './onnxModel';
import * as l10n from '@vscode/l10n';

export interface ImportModelOptions {
  /** The model's file name, for messages and the file's first comment. */
  readonly modelName: string;
  /** Name of the `.nn` file to write, without folder or extension: the prefix of its `.npy` files. */
  readonly outputStem: string;
  /** Graph input values as `.npy` bytes, by ONNX input name. */
  readonly inputs?: ReadonlyMap<string, { readonly fileName: string; readonly bytes: Uint8Array }>;
  readonly maxElements: number;
}

/** The `.nn` text and the `.npy` files to write beside it, each file's bytes ready. */
export interface ImportedModel {
  readonly text: string;
  readonly files: readonly { readonly fileName: string; readonly bytes: Uint8Array }[];
  readonly result: ImportResult;
}

export type ImportModelResult = { readonly ok: true; readonly model: ImportedModel } | { readonly ok: false; readonly message: string };

/**
 * Reads an ONNX model and writes it as a `.nn` file in memory, then checks
 * that file as GraphStep will open it (its `load()`s served from the files
 * about to be written). Never throws: a problem is the message, and nothing
 * is to be written.
 */
export function importModel(bytes: Uint8Array, options: ImportModelOptions): ImportModelResult {
  try {
    const inputs = new Map<string, Tensor>();
    for (const [name, file] of options.inputs ?? []) {
      const loaded = parseNpy(file.fileName, file.bytes, options.maxElements);
      if (!loaded.ok) return { ok: false, message: `--input ${name}: ${loaded.message}` };
      inputs.set(name, loaded.value);
    }
    const model = readOnnxModel(bytes, options.maxElements);
    const known = new Set(model.inputs.map((i) => i.name));
    for (const name of inputs.keys()) {
      if (!known.has(name)) return { ok: false, message: `--input ${name}: the model has no graph input '${name}'; its inputs are ${[...known].map((n) => `'${n}'`).join(', ') || 'none'}` };
    }
    const result = importOnnx(model, { modelName: options.modelName, filePrefix: options.outputStem, inputs });
    const files = result.files.map((f) => ({ fileName: f.fileName, bytes: npyBytes(f.tensor) }));
    const byName = new Map(files.map((f) => [f.fileName, f.bytes]));
    const access: FileAccess = {
      read: (path) => {
        const found = byName.get(path);
        return found ? { ok: true, bytes: found } : { ok: false, message: l10n.t('load: no file {0}', path) };
      },
    };
    const checked = checkSource(result.text, { files: access, evaluate: false, maxTensorElements: options.maxElements });
    const error = checked.diagnostics.find((d) => d.severity === 'error');
    if (error) return { ok: false, message: l10n.t('the written .nn file does not check, line {0}: {1}', error.range.start.line + 1, error.message) };
    return { ok: true, model: { text: result.text, files, result } };
  } catch (e) {
    if (e instanceof OnnxImportError) return { ok: false, message: e.message };
    return { ok: false, message: l10n.t('cannot import {0}: {1}', options.modelName, e instanceof Error ? e.message : String(e)) };
  }
}
