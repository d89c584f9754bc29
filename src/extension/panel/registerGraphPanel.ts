import * as vscode from 'vscode';
import type { Graph } from '../../core/graph/graph';
import { rangeContains, type Position } from '../../core/language/range';
import type { GraphView } from '../../core/render/layout';
import type { DocumentSession, SessionRegistry } from '../sessions';
import { exportGraph } from './exportGraph';
import { GRAPH_VIEW_TYPE, GraphPanel, type GraphPanelOwner } from './graphPanel';

/**
 * The graph panel's commands (Open Graph, Open Graph to the Side, Switch
 * View, Export Graph as SVG), its serializer (restores panels after a
 * reload), and the wiring that keeps panels on the active `.nn` editor and
 * its cursor.
 */
export function registerGraphPanel(context: vscode.ExtensionContext, sessions: SessionRegistry): void {
  const panels = new Set<GraphPanel>();
  let lastActivePanel: GraphPanel | undefined;

  const owner: GraphPanelOwner = {
    extensionUri: context.extensionUri,
    sessions,
    exportGraph: (panel, format) => void exportGraph(panel.session, panel.view, async () => panel, format),
    disposed: (panel) => {
      panels.delete(panel);
      if (lastActivePanel === panel) lastActivePanel = undefined;
    },
  };

  const adopt = (webviewPanel: vscode.WebviewPanel, session: DocumentSession, view: GraphView): GraphPanel => {
    const panel = new GraphPanel(webviewPanel, session, view, owner);
    panels.add(panel);
    lastActivePanel = panel;
    webviewPanel.onDidChangeViewState((e) => e.webviewPanel.active && (lastActivePanel = panel));
    return panel;
  };

  const open = (column: vscode.ViewColumn, preserveFocus: boolean): GraphPanel | undefined => {
    const session = sessions.activeSession();
    if (!session) {
      void vscode.window.showInformationMessage('GraphStep: open a .nn file to see its graph.');
      return undefined;
    }
    const existing = [...panels].find((p) => p.session === session) ?? [...panels][0];
    if (existing) {
      existing.showSession(session);
      existing.panel.reveal(column === vscode.ViewColumn.Beside ? undefined : column, preserveFocus);
      return existing;
    }
    const webviewPanel = vscode.window.createWebviewPanel(GRAPH_VIEW_TYPE, 'Graph', { viewColumn: column, preserveFocus }, { enableScripts: true, retainContextWhenHidden: false });
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
      if (!session) return void vscode.window.showInformationMessage('GraphStep: open a .nn file to export its graph.');
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
        p.highlight(nodesAt(p.session.graph, e.selections[0]!.active));
      }
    }),
  );
}

/**
 * The nodes a cursor position means: the binding of a name under it, else the
 * innermost node whose source range holds it, else the statement's last node.
 */
export function nodesAt(graph: Graph, position: Position): number[] {
  for (const ref of graph.references) {
    if (rangeContains(ref.range, position)) {
      const binding = graph.bindings[ref.binding];
      // a def's function name and parameters are bound to no node
      if (binding && binding.nodeId >= 0) return [binding.nodeId];
    }
  }
  let best: number | null = null;
  let bestSize = Infinity;
  for (const node of graph.nodes) {
    if (!rangeContains(node.range, position)) continue;
    const size = (node.range.end.line - node.range.start.line) * 10_000 + node.range.end.character - node.range.start.character;
    if (size < bestSize) {
      best = node.id;
      bestSize = size;
    }
  }
  if (best !== null) return [best];
  let last: number | null = null;
  for (const node of graph.nodes) if (position.line >= node.statementRange.start.line && position.line <= node.statementRange.end.line) last = node.id;
  return last === null ? [] : [last];
}
