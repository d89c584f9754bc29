import { SVG_STYLE } from '../../core/render/svgStyle';

/** What the panel's page links to and the CSP it runs under. */
export interface PanelPageParts {
  readonly nonce: string;
  readonly csp: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** VS Code's icon font (`@vscode/codicons`), for the toolbar's buttons. */
  readonly codiconsUri: string;
}

/**
 * The panel's page, without any vscode dependency so a test can serve the
 * very same page to a browser. Every script and style carries the nonce.
 */
export function panelMarkup(parts: PanelPageParts): string {
  const { nonce } = parts;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${parts.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${parts.codiconsUri}" nonce="${nonce}">
<link rel="stylesheet" href="${parts.styleUri}" nonce="${nonce}">
<style nonce="${nonce}">${SVG_STYLE}</style>
<title>GraphStep</title>
</head>
<body data-phase="start">
<div id="toolbar" role="toolbar" aria-label="Stepping">
  <button id="reset" title="Reset (Home)" aria-label="Reset"><span class="codicon codicon-debug-restart" aria-hidden="true"></span></button>
  <button id="previous" title="Previous step (←)" aria-label="Previous step"><span class="codicon codicon-triangle-left" aria-hidden="true"></span></button>
  <button id="next" title="Next step (→)" aria-label="Next step"><span class="codicon codicon-triangle-right" aria-hidden="true"></span></button>
  <button id="run-forward" title="Run forward pass" aria-label="Run forward pass"><span class="codicon codicon-debug-continue" aria-hidden="true"></span></button>
  <button id="run-backward" title="Run backward pass (End)" aria-label="Run backward pass"><span class="codicon codicon-debug-reverse-continue" aria-hidden="true"></span></button>
  <span class="gs-timeline"><input id="timeline" type="range" min="0" max="0" value="0" aria-label="Timeline"><span id="forward-mark"></span></span>
  <span id="phase" aria-live="polite">no graph</span>
  <span class="gs-sep"></span>
  <button id="switch-view" title="Show values as nodes (GraphStep: Switch View)" aria-label="Switch view"><span class="codicon codicon-layers" aria-hidden="true"></span></button>
  <button id="follow" title="Follow the step (L)" aria-label="Follow the step" aria-pressed="true"><span class="codicon codicon-target" aria-hidden="true"></span></button>
  <button id="find-open" title="Find a node by name (Ctrl+F)" aria-label="Find a node"><span class="codicon codicon-search" aria-hidden="true"></span></button>
  <span class="gs-zoom" role="group" aria-label="Zoom"><button id="zoom-out" title="Zoom out (-)" aria-label="Zoom out">−</button><button id="fit" title="Fit to view (F)" aria-label="Fit to view">Fit</button><button id="zoom-in" title="Zoom in (+)" aria-label="Zoom in">+</button></span>
  <button id="export-svg" title="Export Graph as SVG" aria-label="Export as SVG">SVG</button>
  <button id="export-png" title="Export Graph as PNG" aria-label="Export as PNG">PNG</button>
</div>
<nav id="breadcrumbs" aria-label="Groups around the node" hidden></nav>
<div id="problems" role="alert" hidden></div>
<div id="gradcheck" role="status" hidden></div>
<div id="stage">
<div id="graph" tabindex="0" role="group" aria-label="Computational graph: Tab moves to the nodes, arrow keys between neighbours, Enter opens a node"></div>
  <div id="find" role="search" hidden><input type="text" aria-label="Find a node by name" placeholder="Find node by name"><span class="gs-find-count" aria-live="polite"></span><button class="gs-find-previous" title="Previous match (Shift+Enter)" aria-label="Previous match"><span class="codicon codicon-arrow-up" aria-hidden="true"></span></button><button class="gs-find-next" title="Next match (Enter)" aria-label="Next match"><span class="codicon codicon-arrow-down" aria-hidden="true"></span></button><button class="gs-find-close" title="Close (Escape)" aria-label="Close"><span class="codicon codicon-close" aria-hidden="true"></span></button></div>
</div>
<div id="detail" hidden></div>
<script nonce="${nonce}" src="${parts.scriptUri}"></script>
</body>
</html>`;
}

/** The panel's CSP: only nonce-carrying scripts and styles, nothing remote, no eval; images from blob:/data: for the PNG export. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} blob: data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}
