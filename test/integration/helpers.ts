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
