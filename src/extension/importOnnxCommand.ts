import * as vscode from 'vscode';
import { Utils } from 'vscode-uri';
import type * as ImportModule from '../core/onnx/importModel';

/**
 * GraphStep: Import ONNX Model. Asks for the model and where to save the
 * `.nn` file (both may be passed, as by a test or another extension), writes
 * it with its `.npy` files beside it, opens it and its graph. Writes nothing
 * when the model cannot be imported. Resolves to the `.nn` file's URI, or
 * undefined.
 */
export function registerImportOnnxCommand(context: vscode.ExtensionContext, loadImporter: () => Promise<typeof ImportModule>): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('graphstep.importOnnx', async (model?: vscode.Uri, target?: vscode.Uri): Promise<vscode.Uri | undefined> => {
      const source =
        model ??
        (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { [vscode.l10n.t('ONNX model')]: ['onnx'] }, openLabel: vscode.l10n.t('Import'), title: vscode.l10n.t('GraphStep: Import ONNX Model') }))?.[0];
      if (!source) return undefined;
      const stem = Utils.basename(source).replace(/\.onnx$/i, '');
      const out =
        target ??
        (await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(source, '..', `${stem}.nn`), filters: { [vscode.l10n.t('GraphStep file')]: ['nn'] }, saveLabel: vscode.l10n.t('Import'), title: vscode.l10n.t('GraphStep: save the imported model as') }));
      if (!out) return undefined;
      const outStem = Utils.basename(out).replace(/\.nn$/i, '');
      const maxElements = vscode.workspace.getConfiguration('graphstep', out).get<number>('maxTensorElements', 10_000_000);
      const imported = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('GraphStep: importing {0}', Utils.basename(source)) }, async () => {
        let bytes: Uint8Array;
        try {
          bytes = await vscode.workspace.fs.readFile(source);
        } catch (e) {
          return { ok: false as const, message: vscode.l10n.t('cannot read {0}: {1}', source.fsPath, e instanceof Error ? e.message : String(e)) };
        }
        return (await loadImporter()).importModel(bytes, { modelName: Utils.basename(source), outputStem: outStem, maxElements });
      });
      if (!imported.ok) {
        void vscode.window.showErrorMessage(vscode.l10n.t('GraphStep: cannot import {0}: {1}', Utils.basename(source), imported.message));
        return undefined;
      }
      const folder = vscode.Uri.joinPath(out, '..');
      const written: vscode.Uri[] = [];
      try {
        for (const f of imported.model.files) {
          const uri = vscode.Uri.joinPath(folder, f.fileName);
          await vscode.workspace.fs.writeFile(uri, f.bytes);
          written.push(uri);
        }
        await vscode.workspace.fs.writeFile(out, new TextEncoder().encode(imported.model.text));
      } catch (e) {
        for (const uri of written) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
        void vscode.window.showErrorMessage(vscode.l10n.t('GraphStep: cannot write {0}: {1}', out.fsPath, e instanceof Error ? e.message : String(e)));
        return undefined;
      }
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(out));
      await vscode.commands.executeCommand('graphstep.openGraphToSide');
      return out;
    }),
  );
}
