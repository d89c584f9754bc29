import * as vscode from 'vscode';
import { LANGUAGE_ID, type SessionRegistry } from '../sessions';
import { debugState, programOf, programUri } from './debugState';
import { GraphDebugSession } from './graphDebugSession';
import { SessionRuntime } from './sessionRuntime';

export const DEBUG_TYPE = 'graphstep';

/**
 * The `graphstep` debug type: F5 on a `.nn` file (no launch.json needed),
 * an adapter running inside the extension over the document's session,
 * and inline values through VS Code's own provider while it is stopped.
 */
export function registerDebugger(context: vscode.ExtensionContext, sessions: SessionRegistry): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new GraphDebugConfigurationProvider(sessions)),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new GraphDebugSession((program) => openRuntime(sessions, program))),
    }),
    vscode.languages.registerInlineValuesProvider({ language: LANGUAGE_ID }, new GraphInlineValuesProvider(sessions)),
    vscode.commands.registerCommand('graphstep.debugFile', (resource?: vscode.Uri) => debugFile(sessions, resource)),
    debugState,
  );
}

/**
 * GraphStep: Debug .nn File (the editor title's Run menu, the walkthrough).
 * Unlike F5 it does not save first, so an untitled copy of an example is
 * debugged as it is instead of asking where to save it.
 */
async function debugFile(sessions: SessionRegistry, resource?: vscode.Uri): Promise<boolean> {
  const document = resource instanceof vscode.Uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === resource.toString()) : sessions.activeSession()?.document;
  if (!document || !sessions.isGraphStep(document)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: open a .nn file to step through it in the debugger.'));
    return false;
  }
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  return vscode.debug.startDebugging(folder, defaultConfiguration(programOf(document.uri)), { suppressSaveBeforeStart: true });
}

async function openRuntime(sessions: SessionRegistry, program: string): Promise<SessionRuntime | string> {
  const uri = programUri(program);
  const document = await vscode.workspace.openTextDocument(uri).then(
    (d) => d,
    () => null,
  );
  if (!document) return vscode.l10n.t('GraphStep could not open {0}: expected a .nn file that exists', program);
  if (!sessions.isGraphStep(document)) return vscode.l10n.t('expected a .nn file to step through, found {0}', program);
  const session = sessions.sessionFor(document);
  sessions.rebuild(session);
  // The new graph's tape is computed in the document's evaluation thread: start from it, not from the one before.
  await sessions.whenSettled(session);
  return new SessionRuntime(sessions, session);
}

/** Fills in a configuration for the active `.nn` editor, so F5 works without a launch.json. */
class GraphDebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly sessions: SessionRegistry) {}

  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [defaultConfiguration('${file}')];
  }

  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration | undefined {
    // The active .nn editor, else the one the graph panel shows (F5 pressed in the panel).
    const document = this.sessions.activeSession()?.document;
    if (!config.type && !config.request && !config.name) {
      if (!document) {
        void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: open a .nn file to step through it in the debugger.'));
        return undefined;
      }
      return defaultConfiguration(programOf(document.uri));
    }
    if (!config.program) {
      if (document) return { ...config, program: programOf(document.uri) };
      void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: the launch configuration needs "program": the .nn file to step through.'));
      return undefined;
    }
    return config;
  }
}

function defaultConfiguration(program: string): vscode.DebugConfiguration {
  return { type: DEBUG_TYPE, request: 'launch', name: vscode.l10n.t('Step through the graph'), program, stopOnEntry: true, stopOnNaN: true };
}

/**
 * Inline values while a graphstep debug session is stopped: what each line
 * holds at the position, its gradient once it arrived — the same text the
 * decorations show outside a debug session.
 */
class GraphInlineValuesProvider implements vscode.InlineValuesProvider {
  constructor(private readonly sessions: SessionRegistry) {}

  /** The labels come from the document's evaluation thread, like GraphStep's own inline values. */
  async provideInlineValues(document: vscode.TextDocument, viewport: vscode.Range): Promise<vscode.InlineValue[]> {
    if (!debugState.isDebugging(document.uri)) return [];
    const session = this.sessions.sessionFor(document);
    const stepper = session.stepper;
    if (!stepper || !session.isCurrent) return [];
    const labels = (await session.inlineLabels()) ?? [];
    if (document.isClosed) return [];
    return labels
      .filter((label) => label.line >= viewport.start.line && label.line <= viewport.end.line && label.line < document.lineCount)
      .map((label) => new vscode.InlineValueText(document.lineAt(label.line).range, label.text));
  }
}
