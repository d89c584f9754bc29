/**
 * The extension's entry in Node (`main`: desktop VS Code and remote
 * extension hosts). Evaluation threads are worker threads; `load()` reads the
 * disk in the thread. The browser's entry is src/web/extension.ts.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type * as ImportModule from '../core/onnx/importModel';
import { useL10nBundle } from '../core/l10n';
import { useNodeKernels } from '../node/engineKernels';
import { nodeEvaluationThreads } from '../node/nodeThreads';
import { activateWith, type GraphStepApi } from './activate';
import { forgetWorkspaceFile, workspaceFiles } from './workspaceFiles';

export type { GraphStepApi } from './activate';

export function activate(context: vscode.ExtensionContext): GraphStepApi {
  // the core's text (diagnostics, hovers, the panel's page) in VS Code's display language
  useL10nBundle(vscode.l10n.bundle, vscode.env.language);
  useNodeKernels();
  return activateWith(context, {
    threads: nodeEvaluationThreads(context.asAbsolutePath('out/evalWorker.js')),
    documentFiles(document, text) {
      const uri = document.uri;
      // a virtual workspace (no disk path): read through its file system, as in the browser
      if (uri.scheme !== 'file' && uri.scheme !== 'vscode-remote') return workspaceFiles(document, text);
      const file = uri.fsPath;
      return { file, folder: vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(file) };
    },
    fileChanged: forgetWorkspaceFile,
    // Its own bundle (out/onnxImport.js): the protobuf decoder is loaded only when the command runs.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loadOnnxImporter: async () => require(path.join(__dirname, 'onnxImport.js')) as typeof ImportModule,
  });
}

export function deactivate(): void {}
