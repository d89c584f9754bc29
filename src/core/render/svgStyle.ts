/**
 * The drawing's style sheet. Colours are the theme's (`--vscode-*`) with
 * light-theme fallbacks, so the same SVG follows the theme inside the panel
 * and stands alone in a browser or an exported file.
 */
export const SVG_STYLE = `
.gs-graph { font-family: var(--vscode-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif); font-size: 12px; }
.gs-bg { fill: var(--vscode-editor-background, #ffffff); }
.gs-heading { fill: var(--vscode-descriptionForeground, #616161); font-size: 13px; }
.gs-edge path { fill: none; stroke: var(--vscode-editor-foreground, #3b3b3b); stroke-width: 1.3; }
.gs-edge.gs-active path { stroke: var(--vscode-focusBorder, #0069c2); stroke-width: 2.4; }
.gs-arrowhead { fill: var(--vscode-editor-foreground, #3b3b3b); }
.gs-value { fill: var(--vscode-editor-foreground, #1f1f1f); text-anchor: middle; }
.gs-grad { fill: var(--vscode-charts-red, #c4262e); text-anchor: middle; font-weight: 600; }
.gs-tb .gs-value, .gs-tb .gs-grad { text-anchor: start; }
.gs-node .gs-shape { fill: var(--vscode-editorWidget-background, #f8f8f8); stroke: var(--vscode-contrastBorder, var(--vscode-editor-foreground, #3b3b3b)); stroke-width: 1.4; }
.gs-node.gs-param .gs-shape { stroke: var(--vscode-charts-purple, #7c3aed); stroke-width: 2; }
.gs-node.gs-const .gs-shape { stroke-dasharray: 4 3; }
.gs-node.gs-output-name .gs-shape { fill: none; stroke: none; }
.gs-node text { fill: var(--vscode-editor-foreground, #1f1f1f); text-anchor: middle; }
.gs-node .gs-symbol { font-size: 13px; font-weight: 600; }
.gs-node .gs-divider { stroke: var(--vscode-contrastBorder, var(--vscode-editor-foreground, #3b3b3b)); stroke-width: 1; }
.gs-node .gs-cell-grad, .gs-node .gs-sum { fill: var(--vscode-charts-red, #c4262e); }
.gs-node .gs-sum { font-size: 11px; font-weight: 600; }
.gs-node .gs-update { fill: var(--vscode-charts-purple, #7c3aed); font-size: 11px; font-weight: 600; text-anchor: start; }
.gs-pending { opacity: 0.45; }
.gs-node.gs-current .gs-shape { stroke: var(--vscode-focusBorder, #0069c2); stroke-width: 3.5; fill: #cce3f9; fill: color-mix(in srgb, var(--vscode-focusBorder, #0069c2) 22%, var(--vscode-editorWidget-background, #f8f8f8)); }
.gs-node.gs-highlight .gs-shape { stroke: var(--vscode-charts-orange, #d18616); stroke-width: 3; stroke-dasharray: 5 3; }
.gs-frame-box { fill: var(--vscode-editor-foreground, #3b3b3b); fill-opacity: 0.035; stroke: var(--vscode-descriptionForeground, #717171); stroke-width: 1.2; stroke-dasharray: 6 3; }
.gs-frame-function .gs-frame-box { stroke-dasharray: none; }
.gs-frame-title { fill: var(--vscode-descriptionForeground, #616161); font-size: 12px; font-weight: 600; }
.gs-node.gs-collapsed .gs-shape { stroke-width: 2; stroke-dasharray: none; fill: var(--vscode-editorWidget-background, #f0f0f0); }
.gs-node .gs-group-label { font-weight: 600; }
`;
