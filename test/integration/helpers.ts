/** Small helpers shared by the integration tests (bundled into each of them). */
import * as vscode from 'vscode';

/** The extension's identifier, `publisher.name` from package.json. */
export const extensionId = 'graphstep.graphstep';

/** The extension under test; fails the test if VS Code does not know it. */
export function graphStepExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(extensionId);
  if (!extension) throw new Error(`extension ${extensionId} is not loaded`);
  return extension;
}

/** A file under test/fixtures/ of the repository (the extension under development). */
export function fixtureUri(name: string): vscode.Uri {
  return vscode.Uri.joinPath(graphStepExtension().extensionUri, 'test', 'fixtures', name);
}

/** Opens a file in an editor and resolves with its document. */
export async function openFile(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  return document;
}

/** Polls `condition` every 50 ms until it holds, or fails after `timeoutMs` naming `what`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Reverts and closes the active editor, then waits until the extension host
 * has seen its document close. An untitled name is reused at once: a test
 * that opens a new untitled document before then can be handed the old one,
 * still open in this process under the same name.
 */
export async function closeActiveEditor(): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  if (document && document.uri.scheme === 'untitled') await waitFor('the closed document to close in the extension host', () => document.isClosed);
}

/**
 * Closes every editor, untitled documents reverted first (closing a dirty one
 * would keep it), and waits until the extension host has seen them close, for
 * the reason closeActiveEditor gives.
 */
export async function closeAllEditors(): Promise<void> {
  const untitled = vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'untitled' && !d.isClosed);
  for (const document of untitled) {
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await waitFor('the closed untitled documents to close in the extension host', () => untitled.every((d) => d.isClosed));
}
