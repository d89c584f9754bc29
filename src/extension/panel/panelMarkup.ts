import { SVG_STYLE } from '../../core/render/svgStyle';

/** What the panel's page links to and the CSP it runs under. */
export interface PanelPageParts {
  readonly nonce: string;
  readonly csp: string;
  readonly scriptUri: string;
  readonly styleUri: string;
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
<link rel="stylesheet" href="${parts.styleUri}" nonce="${nonce}">
<style nonce="${nonce}">${SVG_STYLE}</style>
<title>GraphStep</title>
</head>
<body data-phase="start">
<div id="toolbar" role="toolbar" aria-label="Stepping">
  <button id="reset" title="Reset (Home)" aria-label="Reset"><svg class="gs-icon" viewBox="0 0 16 16" aria-hidden="true"><path d="M3 3h2v10H3zM13 3v10L6 8z"/></svg></button>
  <button id="previous" title="Previous step (←)" aria-label="Previous step"><svg class="gs-icon" viewBox="0 0 16 16" aria-hidden="true"><path d="M11 3v10L4 8z"/></svg></button>
  <button id="next" title="Next step (→)" aria-label="Next step"><svg class="gs-icon" viewBox="0 0 16 16" aria-hidden="true"><path d="M5 3v10l7-5z"/></svg></button>
  <button id="run-forward" title="Run forward pass" aria-label="Run forward pass"><svg class="gs-icon" viewBox="0 0 16 16" aria-hidden="true"><path d="M2 3v10l6-5zM8 3v10l6-5z"/></svg> Forward</button>
  <button id="run-backward" title="Run backward pass (End)" aria-label="Run backward pass"><svg class="gs-icon" viewBox="0 0 16 16" aria-hidden="true"><path d="M14 3v10L8 8zM8 3v10L2 8z"/></svg> Backward</button>
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
