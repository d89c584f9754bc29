import * as vscode from 'vscode';
import type { DrawingOptions } from '../../core/render/drawingState';
import type { LayoutDirection } from '../../core/render/layout';

/** The panel's settings: how many digits its labels show, and which way the graph runs. */
export interface PanelSettings {
  readonly drawing: DrawingOptions;
  readonly direction: LayoutDirection;
}

export function panelSettings(scope?: vscode.Uri): PanelSettings {
  const config = vscode.workspace.getConfiguration('graphstep.panel', scope);
  const precision = config.get<number>('precision', 4);
  return {
    drawing: { precision: Number.isFinite(precision) ? precision : 4 },
    direction: config.get<string>('layoutDirection', 'LR') === 'TB' ? 'TB' : 'LR',
  };
}
