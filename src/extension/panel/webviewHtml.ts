import * as vscode from 'vscode';
import { SVG_STYLE } from '../../core/render/svgStyle';

/** A fresh nonce per page: the only scripts and styles that run are the ones carrying it. */
export function makeNonce(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let nonce = '';
  for (let i = 0; i < 32; i++) nonce += chars.charAt(Math.floor(Math.random() * chars.length));
  return nonce;
}

/** The folders the webview may load from: the extension's own bundle and media, nothing else. */
export function localResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'out'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/**
 * The panel's page. Strict CSP: no inline script or style without the nonce,
 * no eval, nothing remote; images only from blob: (PNG export) and data:.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = makeNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'out', 'webview.js'));
  const css = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'panel.css'));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} blob: data:`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css.toString()}">
<style nonce="${nonce}">${SVG_STYLE}</style>
<title>GraphStep</title>
</head>
<body data-phase="start">
<div id="toolbar" role="toolbar" aria-label="Stepping">
  <button id="reset" title="Reset (Home)" aria-label="Reset">⏮</button>
  <button id="previous" title="Previous step (←)" aria-label="Previous step">◀</button>
  <button id="next" title="Next step (→)" aria-label="Next step">▶</button>
  <button id="run-forward" title="Run forward pass" aria-label="Run forward pass">Forward ⏩</button>
  <button id="run-backward" title="Run backward pass (End)" aria-label="Run backward pass">Backward ⏪</button>
  <span class="gs-timeline"><input id="timeline" type="range" min="0" max="0" value="0" aria-label="Timeline"><span id="forward-mark"></span></span>
  <span id="phase" aria-live="polite">no graph</span>
  <span class="gs-sep"></span>
  <button id="switch-view" title="GraphStep: Switch View">Values as nodes</button>
  <button id="zoom-out" title="Zoom out (-)" aria-label="Zoom out">−</button>
  <button id="fit" title="Fit to view (F)" aria-label="Fit to view">Fit</button>
  <button id="zoom-in" title="Zoom in (+)" aria-label="Zoom in">+</button>
  <button id="export-svg" title="Export Graph as SVG">SVG</button>
  <button id="export-png" title="Export Graph as PNG">PNG</button>
</div>
<div id="problems" role="alert" hidden></div>
<div id="graph" tabindex="0" aria-label="Computational graph"></div>
<div id="detail" hidden></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}
