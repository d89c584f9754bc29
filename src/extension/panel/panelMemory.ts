import type * as vscode from 'vscode';
import type { GraphView } from '../../core/render/layout';
import type { GraphPanel } from './graphPanel';

/** How long after activation a window that restored no graph panel reopens the remembered ones. */
export const REOPEN_DELAY_MS = 1500;

const KEY = 'graphstep.openPanels';

/** A graph panel as remembered across a window reload. */
export interface SavedPanel {
  readonly documentUri: string;
  readonly view: GraphView;
}

/**
 * Which documents have a graph panel open, in the workspace's state: what
 * a window reopens when VS Code itself restores no editors.
 */
export class PanelMemory {
  constructor(private readonly state: vscode.Memento) {}

  get saved(): SavedPanel[] {
    const raw = this.state.get<unknown>(KEY);
    if (!Array.isArray(raw)) return [];
    return raw.filter((p): p is SavedPanel => typeof p === 'object' && p !== null && typeof (p as SavedPanel).documentUri === 'string' && ((p as SavedPanel).view === 'operations' || (p as SavedPanel).view === 'values'));
  }

  remember(panels: Iterable<GraphPanel>): void {
    const saved: SavedPanel[] = [...panels].map((p) => ({ documentUri: p.session.document.uri.toString(), view: p.view }));
    void this.state.update(KEY, saved);
  }
}
