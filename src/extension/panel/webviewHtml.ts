import * as vscode from 'vscode';
import { panelCsp, panelMarkup } from './panelMarkup';

/** A fresh nonce per page: the only scripts and styles that run are the ones carrying it. */
export function makeNonce(): string {
  // Web Crypto: the same in Node and in the browser's extension host.
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}

/** The folders the webview may load from: the extension's own bundle and media, nothing else. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'out'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** The panel's page, loading out/webview.js, media/panel.css and the codicon font under a strict CSP. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = makeNonce();
  return panelMarkup({
    nonce,
    csp: panelCsp(webview.cspSource, nonce),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'out', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css')).toString(),
    codiconsUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'out', 'codicons', 'codicon.css')).toString(),
    language: vscode.env.language,
  });
}
