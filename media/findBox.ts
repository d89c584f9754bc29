/**
 * Find a node by name (Ctrl+F in the panel): matches names, then op names
 * and symbols, case-insensitively; Enter / Shift+Enter go to the next /
 * previous match, which is shown readable in the middle of the panel.
 * Escape closes the box and leaves keyboard focus on the node found.
 */
import type { DrawableGraph } from '../src/core/render/drawableGraph';
import * as l10n from '@vscode/l10n';

export class FindBox {
  private readonly input: HTMLInputElement;
  private readonly count: HTMLElement;
  private graph: DrawableGraph | null = null;
  private matches: number[] = [];
  private at = -1;

  constructor(
    private readonly host: HTMLElement,
    private readonly reveal: (graphNode: number, focus: boolean) => void,
    private readonly cleared: () => void,
  ) {
    this.input = host.querySelector('input')!;
    this.count = host.querySelector('.gs-find-count')!;
    this.input.addEventListener('input', () => this.search());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.go(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.close(true);
      }
    });
    host.querySelector('.gs-find-next')!.addEventListener('click', () => this.go(1));
    host.querySelector('.gs-find-previous')!.addEventListener('click', () => this.go(-1));
    host.querySelector('.gs-find-close')!.addEventListener('click', () => this.close(false));
  }

  setGraph(graph: DrawableGraph): void {
    this.graph = graph;
    if (!this.host.hidden) this.search();
  }

  open(): void {
    this.host.hidden = false;
    this.input.focus();
    this.input.select();
  }

  /** Closes the box; with `focusFound`, keyboard focus goes to the node found. */
  close(focusFound = false): void {
    if (this.host.hidden) return;
    this.host.hidden = true;
    const found = this.matches[this.at];
    if (focusFound && found !== undefined) this.reveal(found, true);
    else this.cleared();
  }

  private search(): void {
    const q = this.input.value.trim().toLowerCase();
    const graph = this.graph;
    this.matches = [];
    this.at = -1;
    if (q && graph) {
      const byName: number[] = [];
      const byOp: number[] = [];
      for (const n of graph.nodes) {
        if (n.name?.toLowerCase().includes(q)) byName.push(n.id);
        else if (n.op.toLowerCase().includes(q) || n.label.toLowerCase() === q) byOp.push(n.id);
      }
      this.matches = [...byName, ...byOp];
    }
    if (this.matches.length > 0) this.go(1);
    else {
      this.cleared();
      this.showCount();
    }
  }

  private go(step: number): void {
    const n = this.matches.length;
    if (n === 0) return;
    this.at = (this.at + step + n) % n;
    this.reveal(this.matches[this.at]!, false);
    this.showCount();
  }

  private showCount(): void {
    const q = this.input.value.trim();
    this.count.textContent = !q ? '' : this.matches.length === 0 ? l10n.t('no match') : l10n.t('{0} of {1}', this.at + 1, this.matches.length);
    this.host.classList.toggle('gs-find-none', q !== '' && this.matches.length === 0);
  }
}
