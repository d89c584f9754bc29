import * as vscode from 'vscode';
import { useL10nBundle } from '../core/l10n';
import { useNodeKernels } from '../node/engineKernels';
import { registerDebugger } from './debug/registerDebugger';
import { registerLanguageFeatures } from './language/registerLanguageFeatures';
import { registerImportOnnxCommand } from './importOnnxCommand';
import { registerGraphPanel } from './panel/registerGraphPanel';
import { SessionRegistry } from './sessions';
import { registerStatusBar } from './statusBar';
import { registerStepCommands } from './stepCommands';
import { registerTraining } from './training/registerTraining';

/** What the extension returns from `activate`: its sessions, for tests and other extensions. */
export interface GraphStepApi {
  readonly sessions: SessionRegistry;
}

export function activate(context: vscode.ExtensionContext): GraphStepApi {
  // the core's text (diagnostics, hovers, the panel's page) in VS Code's display language
  useL10nBundle(vscode.l10n.bundle);
  useNodeKernels();
  const sessions = new SessionRegistry(context.asAbsolutePath('out/evalWorker.js'));
  context.subscriptions.push(sessions);
  registerStepCommands(context, sessions);
  registerStatusBar(context, sessions);
  registerGraphPanel(context, sessions);
  registerLanguageFeatures(context, sessions);
  registerDebugger(context, sessions);
  registerImportOnnxCommand(context);
  registerTraining(context, sessions);
  return { sessions };
}

export function deactivate(): void {}
