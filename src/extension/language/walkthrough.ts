import * as vscode from 'vscode';

/** The examples GraphStep ships, in the order a learner meets them. */
const EXAMPLES = ['apple.nn', 'apple_orange.nn', 'relu.nn', 'sigmoid.nn', 'affine_batch.nn', 'softmax_with_loss.nn', 'two_layer_net.nn'] as const;

/**
 * GraphStep: Open an Example. Opens a copy of a bundled example as an
 * untitled `.nn` document, so a first-time user can edit it without
 * touching the installed extension's files. The walkthrough's links pass
 * the file name; from the palette it asks which. Opening the two-layer net
 * sets the context key the walkthrough's step waits for.
 */
export function registerWalkthroughCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('graphstep.openExample', async (name?: string) => {
      const file = typeof name === 'string' && (EXAMPLES as readonly string[]).includes(name) ? name : await vscode.window.showQuickPick([...EXAMPLES], { title: vscode.l10n.t('GraphStep: open an example') });
      if (!file) return undefined;
      let bytes: Uint8Array;
      try {
        bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'examples', file));
      } catch {
        return void vscode.window.showErrorMessage(vscode.l10n.t('GraphStep: the example {0} is not in this installation.', file));
      }
      const document = await vscode.workspace.openTextDocument({ language: 'graphstep', content: new TextDecoder().decode(bytes) });
      await vscode.window.showTextDocument(document, { preview: false });
      if (file === 'two_layer_net.nn') await vscode.commands.executeCommand('setContext', 'graphstep.openedTwoLayerNet', true);
      return document;
    }),
  );
}
