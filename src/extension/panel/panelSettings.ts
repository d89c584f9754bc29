import * as vscode from 'vscode';
import type { DrawingOptions } from '../../core/render/drawingState';
import type { DirectionSetting } from '../../core/render/layout';

/** The panel's settings: how many digits its labels show, and which way the graph runs. */
export interface PanelSettings {
  readonly drawing: DrawingOptions;
  readonly direction: DirectionSetting;
}

export function panelSettings(scope?: vscode.Uri): PanelSettings {
  const config = vscode.workspace.getConfiguration('graphstep.panel', scope);
  const precision = config.get<number>('precision', 4);
  return {
    drawing: { precision: Number.isFinite(precision) ? precision : 4 },
    direction: directionSetting(config.get<string>('layoutDirection', 'auto')),
  };
}

function directionSetting(value: string): DirectionSetting {
  return value === 'LR' || value === 'TB' ? value : 'auto';
}
