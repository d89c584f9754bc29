/**
 * Breadcrumbs: the groups around the node in focus (the one with keyboard
 * focus, else the node of the step), outermost first, under the toolbar.
 * A crumb shows that group whole; the file's crumb shows the whole graph.
 * Hidden while the node is at the top level.
 */
import type { DrawableGraph } from '../src/core/render/drawableGraph';
import * as l10n from '@vscode/l10n';

export class Breadcrumbs {
  private shownKey = '';

  constructor(
    private readonly host: HTMLElement,
    /** A group id, or null for the whole graph. */
    private readonly onPick: (group: number | null) => void,
  ) {}

  show(graph: DrawableGraph | null, node: number | null, fileName: string): void {
    const groups = graph?.groups ?? [];
    const path: number[] = [];
    for (let g = node === null ? null : graph?.nodes[node]?.group ?? null; g !== null && g !== undefined && path.length < 64; g = groups[g]?.parent ?? null) path.unshift(g);
    const key = `${fileName}\n${path.join(',')}`;
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.host.hidden = path.length === 0;
    this.host.replaceChildren();
    if (this.host.hidden) return;
    const crumb = (text: string, group: number | null, current: boolean): HTMLButtonElement => {
      const b = document.createElement('button');
      b.className = 'gs-crumb';
      b.textContent = text;
      b.title = group === null ? l10n.t('Show the whole graph') : l10n.t('Show {0} whole', text);
      if (current) b.setAttribute('aria-current', 'location');
      b.addEventListener('click', () => this.onPick(group));
      return b;
    };
    this.host.append(crumb(fileName, null, false));
    path.forEach((g, i) => {
      const sep = document.createElement('span');
      sep.className = 'gs-crumb-sep';
      sep.textContent = '›';
      sep.setAttribute('aria-hidden', 'true');
      this.host.append(sep, crumb(groups[g]!.label, g, i === path.length - 1));
    });
  }
}
