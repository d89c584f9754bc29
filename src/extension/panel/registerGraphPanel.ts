import * as vscode from 'vscode';
import type { GraphView } from '../../core/render/layout';
import type { DocumentSession, SessionRegistry } from '../sessions';
import { exportGraph } from './exportGraph';
import { GRAPH_VIEW_TYPE, GraphPanel, type GraphPanelOwner } from './graphPanel';
import { nodesAt } from './nodesAt';
import { PanelMemory, REOPEN_DELAY_MS } from './panelMemory';

/**
 * The graph panel's commands (Open Graph, Open Graph to the Side, Switch
 * View, Export Graph as SVG), its serializer (restores panels after a
 * reload), and the wiring that keeps panels on the active `.nn` editor and
 * its cursor.
 */
export function registerGraphPanel(context: vscode.ExtensionContext, sessions: SessionRegistry): void {
  const panels = new Set<GraphPanel>();
  let lastActivePanel: GraphPanel | undefined;
  const memory = new PanelMemory(context.workspaceState);
  /** Panels this window reopened itself (see reopenRemembered); a restored one replaces them. */
  const reopened = new Set<GraphPanel>();

  const owner: GraphPanelOwner = {
    extensionUri: context.extensionUri,
    sessions,
    exportGraph: (panel, format) => void exportGraph(panel.session, panel.view, async () => panel, format),
    changed: () => memory.remember(panels),
    disposed: (panel) => {
      panels.delete(panel);
      reopened.delete(panel);
      if (lastActivePanel === panel) lastActivePanel = undefined;
      memory.remember(panels);
    },
  };

  const adopt = (webviewPanel: vscode.WebviewPanel, session: DocumentSession, view: GraphView): GraphPanel => {
    const panel = new GraphPanel(webviewPanel, session, view, owner);
    panels.add(panel);
    lastActivePanel = panel;
    webviewPanel.onDidChangeViewState((e) => e.webviewPanel.active && (lastActivePanel = panel));
    memory.remember(panels);
    return panel;
  };

  const open = (column: vscode.ViewColumn, preserveFocus: boolean): GraphPanel | undefined => {
    const session = sessions.activeSession();
    if (!session) {
      void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: open a .nn file to see its graph.'));
      return undefined;
    }
    const existing = [...panels].find((p) => p.session === session) ?? [...panels][0];
    if (existing) {
      existing.showSession(session);
      existing.panel.reveal(column === vscode.ViewColumn.Beside ? undefined : column, preserveFocus);
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, vscode.l10n.t('Graph'), { viewColumn: column, preserveFocus }, { enableScripts: true, retainContextWhenHidden: false });
    return adopt(webviewPanel, session, 'operations');
  };

  const currentPanel = (): GraphPanel | undefined => [...panels].find((p) => p.panel.active) ?? lastActivePanel ?? [...panels][0];

  context.subscriptions.push(
    vscode.commands.registerCommand('graphstep.openGraph', () => open(vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.Active, false)),
    vscode.commands.registerCommand('graphstep.openGraphToSide', () => open(vscode.ViewColumn.Beside, true)),
    vscode.commands.registerCommand('graphstep.switchView', (view?: GraphView) => {
      const panel = currentPanel() ?? open(vscode.ViewColumn.Beside, true);
      if (!panel) return;
      panel.setView(view === 'operations' || view === 'values' ? view : panel.view === 'operations' ? 'values' : 'operations');
    }),
    vscode.commands.registerCommand('graphstep.exportSvg', async (target?: vscode.Uri | string, format?: 'svg' | 'png') => {
      const panel = currentPanel();
      const session = panel?.session ?? sessions.activeSession();
      if (!session) return void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: open a .nn file to export its graph.'));
      const uri = typeof target === 'string' ? vscode.Uri.file(target) : target;
      const forPng = async (): Promise<GraphPanel> => panel ?? open(vscode.ViewColumn.Beside, true) ?? Promise.reject(new Error('no graph panel'));
      return exportGraph(session, panel?.view ?? 'operations', forPng, format, uri);
    }),
    vscode.window.registerWebviewPanelSerializer(GRAPH_VIEW_TYPE, {
      async deserializeWebviewPanel(webviewPanel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const saved = typeof state === 'object' && state !== null ? (state as Record<string, unknown>) : {};
        const view: GraphView = saved.view === 'values' ? 'values' : 'operations';
        let session = sessions.activeSession();
        if (typeof saved.documentUri === 'string') {
          try {
            session = sessions.sessionFor(await vscode.workspace.openTextDocument(vscode.Uri.parse(saved.documentUri, true)));
          } catch {
            // The file is gone: fall back to the active editor's.
          }
        }
        if (!session) {
          webviewPanel.dispose();
          return;
        }
        for (const p of reopened) p.panel.dispose();
        adopt(webviewPanel, session, view);
      },
    }),
    sessions.onDidChange((session) => {
      for (const p of panels) p.sessionChanged(session);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('graphstep.panel')) return;
      for (const p of panels) p.sendGraph();
    }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (!editor || !sessions.isGraphStep(editor.document)) return;
      const session = sessions.sessionFor(editor.document);
      for (const p of panels) p.showSession(session);
    }),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (!sessions.isGraphStep(e.textEditor.document)) return;
      for (const p of panels) {
        // While the text has errors the graph is an older text's: its ranges would point at the wrong lines.
        if (p.session.document !== e.textEditor.document || !p.session.graph || !p.session.isCurrent) continue;
        const { line, character } = e.selections[0]!.active;
        p.highlight(nodesAt(p.session.graph, { line, character }));
      }
    }),
  );

  // VS Code restores editors (this panel among them, through the serializer) only when the window
  // was not opened on files: `code FOLDER FILE`, or a URL naming a file, reopen just the files.
  // Then the panels open at the last shutdown come back here.
  const remembered = memory.saved;
  if (remembered.length > 0) {
    const timer = setTimeout(() => void reopenRemembered(), REOPEN_DELAY_MS);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  async function reopenRemembered(): Promise<void> {
    if (panels.size > 0) return;
    for (const saved of remembered) {
      try {
        const session = sessions.sessionFor(await vscode.workspace.openTextDocument(vscode.Uri.parse(saved.documentUri, true)));
        if (panels.size > 0) return;
        const webviewPanel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, vscode.l10n.t('Graph'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, retainContextWhenHidden: false });
        reopened.add(adopt(webviewPanel, session, saved.view));
        return;
      } catch {
        // That file is gone: try the next one.
      }
    }
  }
}
