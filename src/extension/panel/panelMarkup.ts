import * as l10n from '@vscode/l10n';
import { l10nBundle } from '../../core/l10n';
import { SVG_STYLE } from '../../core/render/svgStyle';

/** What the panel's page links to and the CSP it runs under. */
export interface PanelPageParts {
  readonly nonce: string;
  readonly csp: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** VS Code's icon font (`@vscode/codicons`), for the toolbar's buttons. */
  readonly codiconsUri: string;
  /** VS Code's display language (`vscode.env.language`), for the page's `lang`; English when absent. */
  readonly language?: string;
}

/** Text for an HTML attribute or element. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * The panel's page, without any vscode dependency so a test can serve the
 * very same page to a browser. Every script and style carries the nonce.
 */
export function panelMarkup(parts: PanelPageParts): string {
  const { nonce } = parts;
  return `<!DOCTYPE html>
<html lang="${esc(parts.language ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${parts.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${parts.codiconsUri}" nonce="${nonce}">
<link rel="stylesheet" href="${parts.styleUri}" nonce="${nonce}">
<style nonce="${nonce}">${SVG_STYLE}</style>
<title>GraphStep</title>
</head>
<body data-phase="start" data-l10n="${esc(JSON.stringify(l10nBundle() ?? {}))}">
<div id="toolbar" role="toolbar" aria-label="${esc(l10n.t('Stepping'))}">
  <button id="reset" title="${esc(l10n.t('Reset (Home)'))}" aria-label="${esc(l10n.t('Reset'))}"><span class="codicon codicon-debug-restart" aria-hidden="true"></span></button>
  <button id="previous" title="${esc(l10n.t('Previous step (←)'))}" aria-label="${esc(l10n.t('Previous step'))}"><span class="codicon codicon-triangle-left" aria-hidden="true"></span></button>
  <button id="next" title="${esc(l10n.t('Next step (→)'))}" aria-label="${esc(l10n.t('Next step'))}"><span class="codicon codicon-triangle-right" aria-hidden="true"></span></button>
  <button id="run-forward" title="${esc(l10n.t('Run forward pass'))}" aria-label="${esc(l10n.t('Run forward pass'))}"><span class="codicon codicon-debug-continue" aria-hidden="true"></span></button>
  <button id="run-backward" title="${esc(l10n.t('Run backward pass (End)'))}" aria-label="${esc(l10n.t('Run backward pass'))}"><span class="codicon codicon-debug-reverse-continue" aria-hidden="true"></span></button>
  <span class="gs-timeline"><input id="timeline" type="range" min="0" max="0" value="0" aria-label="${esc(l10n.t('Timeline'))}"><span id="forward-mark"></span></span>
  <span id="phase" aria-live="polite">${esc(l10n.t('no graph'))}</span>
  <span class="gs-sep"></span>
  <button id="switch-view" title="${esc(l10n.t('Show values as nodes (GraphStep: Switch View)'))}" aria-label="${esc(l10n.t('Switch view'))}"><span class="codicon codicon-layers" aria-hidden="true"></span></button>
  <button id="follow" title="${esc(l10n.t('Follow the step (L)'))}" aria-label="${esc(l10n.t('Follow the step'))}" aria-pressed="true"><span class="codicon codicon-target" aria-hidden="true"></span></button>
  <button id="find-open" title="${esc(l10n.t('Find a node by name (Ctrl+F)'))}" aria-label="${esc(l10n.t('Find a node'))}"><span class="codicon codicon-search" aria-hidden="true"></span></button>
  <span class="gs-zoom" role="group" aria-label="${esc(l10n.t('Zoom'))}"><button id="zoom-out" title="${esc(l10n.t('Zoom out (-)'))}" aria-label="${esc(l10n.t('Zoom out'))}">−</button><button id="fit" title="${esc(l10n.t('Fit to view (F)'))}" aria-label="${esc(l10n.t('Fit to view'))}">${esc(l10n.t('Fit'))}</button><button id="zoom-in" title="${esc(l10n.t('Zoom in (+)'))}" aria-label="${esc(l10n.t('Zoom in'))}">+</button></span>
  <button id="export-svg" title="${esc(l10n.t('Export Graph as SVG'))}" aria-label="${esc(l10n.t('Export as SVG'))}">SVG</button>
  <button id="export-png" title="${esc(l10n.t('Export Graph as PNG'))}" aria-label="${esc(l10n.t('Export as PNG'))}">PNG</button>
</div>
<nav id="breadcrumbs" aria-label="${esc(l10n.t('Groups around the node'))}" hidden></nav>
<div id="problems" role="alert" hidden></div>
<div id="gradcheck" role="status" hidden></div>
<div id="stage">
<div id="graph" tabindex="0" role="group" aria-label="${esc(l10n.t('Computational graph: Tab moves to the nodes, arrow keys between neighbours, Enter opens a node'))}"></div>
  <div id="find" role="search" hidden><input type="text" aria-label="${esc(l10n.t('Find a node by name'))}" placeholder="${esc(l10n.t('Find node by name'))}"><span class="gs-find-count" aria-live="polite"></span><button class="gs-find-previous" title="${esc(l10n.t('Previous match (Shift+Enter)'))}" aria-label="${esc(l10n.t('Previous match'))}"><span class="codicon codicon-arrow-up" aria-hidden="true"></span></button><button class="gs-find-next" title="${esc(l10n.t('Next match (Enter)'))}" aria-label="${esc(l10n.t('Next match'))}"><span class="codicon codicon-arrow-down" aria-hidden="true"></span></button><button class="gs-find-close" title="${esc(l10n.t('Close (Escape)'))}" aria-label="${esc(l10n.t('Close'))}"><span class="codicon codicon-close" aria-hidden="true"></span></button></div>
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
