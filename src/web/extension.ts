/**
 * The extension's entry in the browser (`browser`: VS Code for the Web, and
 * any web worker extension host). The same features as on Node
 * (`activateWith`); the differences are the platform's: evaluation threads
 * are Workers started from a blob, the files `load()` reads come through
 * `vscode.workspace.fs`, and nothing here imports a Node module (the build
 * fails if anything does). See docs/web.md.
 */
import * as vscode from 'vscode';
import workerSource from 'graphstep:web-eval-worker';
import { useL10nBundle } from '../core/l10n';
import { activateWith, type GraphStepApi } from '../extension/activate';
import { webEvaluationThreads } from './webThreads';
import { forgetWorkspaceFile, workspaceFiles } from '../extension/workspaceFiles';

export function activate(context: vscode.ExtensionContext): GraphStepApi {
  // the core's text (diagnostics, hovers, the panel's page) in VS Code's display language
  useL10nBundle(vscode.l10n.bundle, vscode.env.language);
  return activateWith(context, {
    threads: webEvaluationThreads(workerSource),
    documentFiles: workspaceFiles,
    fileChanged: forgetWorkspaceFile,
    loadOnnxImporter: () => import('../core/onnx/importModel'),
  });
}

export function deactivate(): void {}
