/** What the browser suite shares: the extension, its API, hovers, waiting. */
import * as vscode from 'vscode';
import type { GraphStepApi } from '../../src/extension/activate';

export const extensionId = 'graphstep.graphstep';

export function graphStepExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  if (!extension) throw new Error(`extension ${extensionId} is not loaded`);
  return extension;
}

export async function graphStepApi(): Promise<GraphStepApi> {
  return (await graphStepExtension().activate()) as GraphStepApi;
}

/** The workspace folder (a temp copy of test/fixtures made by the runner). */
export function workspaceUri(...path: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder');
  return vscode.Uri.joinPath(folder.uri, ...path);
}

export async function openFile(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return document;
}

/** Writes `text` to a file of the workspace and opens it. */
export async function openNew(name: string, text: string): Promise<vscode.TextDocument> {
  const uri = workspaceUri(name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  return openFile(uri);
}

/** The position inside the `occurrence`-th whole-word occurrence of `word`. */
export function positionOf(document: vscode.TextDocument, word: string, occurrence = 1): vscode.Position {
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${word}(?![\\p{L}\\p{N}_])`, 'gu');
  let seen = 0;
  for (const match of document.getText().matchAll(pattern)) if (++seen === occurrence) return document.positionAt((match.index ?? 0) + 1);
  throw new Error(`"${word}" occurs ${seen} time(s), not ${occurrence}`);
}

/** The text of every hover VS Code shows at a position. */
export async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

export async function waitFor<T>(what: string, condition: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The messages of the Problems panel for a document. */
export function problems(document: vscode.TextDocument): string[] {
  return vscode.languages.getDiagnostics(document.uri).map((d) => d.message);
}
