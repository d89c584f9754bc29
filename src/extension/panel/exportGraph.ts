import * as vscode from 'vscode';
import { Utils } from 'vscode-uri';
import { drawingStateOf } from '../../core/render/drawingState';
import { layoutGraph, type GraphView } from '../../core/render/layout';
import { HEADING_HEIGHT, labelsDrawn, renderSvg } from '../../core/render/renderSvg';
import type { DocumentSession } from '../sessions';
import { drawableOf, type GraphPanel } from './graphPanel';
import { panelSettings } from './panelSettings';

/** A drawing of a session at its current position: the SVG `graphstep render` would write. */
export function sessionSvg(session: DocumentSession, view: GraphView): { svg: string; width: number; height: number } | null {
  const graph = session.graph;
  const stepper = session.stepper;
  if (!graph || !stepper) return null;
  const drawable = drawableOf(graph);
  const settings = panelSettings(session.uri);
  const layout = layoutGraph(drawable, view, { direction: settings.direction });
  const svg = renderSvg(drawable, layout, drawingStateOf(stepper, labelsDrawn(layout), settings.drawing), { heading: Utils.basename(session.document.uri) });
  return { svg, width: Math.max(layout.width, 200), height: layout.height + HEADING_HEIGHT };
}

/**
 * Export Graph as SVG (or PNG): asks where, unless `target` says; a `.png`
 * target is rasterised by the panel's webview (the host has no canvas).
 */
export async function exportGraph(session: DocumentSession, view: GraphView, panelForPng: () => Promise<GraphPanel>, format?: 'svg' | 'png', target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const drawing = sessionSvg(session, view);
  if (!drawing) {
    void vscode.window.showWarningMessage(vscode.l10n.t('GraphStep: this file has no graph to export yet; fix its errors first.'));
    return undefined;
  }
  const base = session.document.uri.with({ path: session.document.uri.path.replace(/\.nn$/i, '') + (format === 'png' ? '.png' : '.svg') });
  const filters: Record<string, string[]> = format === 'png' ? { [vscode.l10n.t('PNG image')]: ['png'], [vscode.l10n.t('SVG image')]: ['svg'] } : { [vscode.l10n.t('SVG image')]: ['svg'], [vscode.l10n.t('PNG image')]: ['png'] };
  const uri = target ?? (await vscode.window.showSaveDialog({ defaultUri: base, filters, title: vscode.l10n.t('Export Graph') }));
  if (!uri) return undefined;
  let bytes: Uint8Array;
  if (uri.path.toLowerCase().endsWith('.png')) {
    try {
      bytes = await (await panelForPng()).rasterize(drawing.svg, drawing.width, drawing.height);
    } catch (e) {
      void vscode.window.showErrorMessage(vscode.l10n.t('GraphStep: could not make the PNG: {0}', (e as Error).message));
      return undefined;
    }
  } else bytes = new TextEncoder().encode(drawing.svg);
  await vscode.workspace.fs.writeFile(uri, bytes);
  confirmSaved(uri);
  return uri;
}

/** Says where the drawing went, with the two things one does next: look at it, or find it. */
function confirmSaved(uri: vscode.Uri): void {
  const where = uri.scheme === 'file' || uri.scheme === 'vscode-remote' ? uri.fsPath : uri.toString();
  const open = vscode.l10n.t('Open');
  const reveal = vscode.l10n.t('Reveal');
  void vscode.window.showInformationMessage(vscode.l10n.t('GraphStep: saved the graph to {0}', where), open, reveal).then((choice) => {
    if (choice === open) void vscode.commands.executeCommand('vscode.open', uri);
    // In the workspace: the Explorer; elsewhere: the system's file manager.
    else if (choice === reveal) void vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS', uri);
  });
}
