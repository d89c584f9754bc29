import type * as vscode from 'vscode';
import type * as ImportModule from '../core/onnx/importModel';
import { registerDebugger } from './debug/registerDebugger';
import { registerImportOnnxCommand } from './importOnnxCommand';
import { registerLanguageFeatures } from './language/registerLanguageFeatures';
import { registerGraphPanel } from './panel/registerGraphPanel';
import { SessionRegistry, type SessionPlatform } from './sessions';
import { registerStatusBar } from './statusBar';
import { registerStepCommands } from './stepCommands';
import { registerTraining } from './training/registerTraining';

/** What the extension returns from `activate`: its sessions, for tests and other extensions. */
export interface GraphStepApi {
  readonly sessions: SessionRegistry;
}

/**
 * What the two entries give the one extension: Node's (src/extension/extension.ts,
 * desktop and remote extension hosts) and the browser's (src/web/extension.ts,
 * the web worker extension host of VS Code for the Web).
 */
export interface ExtensionPlatform extends SessionPlatform {
  /** The ONNX import, loaded when its command first runs. */
  readonly loadOnnxImporter: () => Promise<typeof ImportModule>;
}

/** Registers every feature, the same on both platforms. */
export function activateWith(context: vscode.ExtensionContext, platform: ExtensionPlatform): GraphStepApi {
  const sessions = new SessionRegistry(platform);
  context.subscriptions.push(sessions);
  registerStepCommands(context, sessions);
  registerStatusBar(context, sessions);
  registerGraphPanel(context, sessions);
  registerLanguageFeatures(context, sessions);
  registerDebugger(context, sessions);
  registerImportOnnxCommand(context, platform.loadOnnxImporter);
  registerTraining(context, sessions);
  return { sessions };
}
