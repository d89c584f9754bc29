import * as vscode from 'vscode';

/**
 * Which `.nn` files a graphstep debug session is stepping through now. While
 * one is, VS Code's inline values replace GraphStep's own decorations there.
 */
class DebugState implements vscode.Disposable {
  private readonly programs = new Map<vscode.DebugSession, string>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[];

  /** Fired when a graphstep debug session starts or ends. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.disposables = [
      this.changed,
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type !== 'graphstep' || typeof s.configuration.program !== 'string') return;
        this.programs.set(s, programOf(programUri(s.configuration.program)));
        this.changed.fire();
      }),
      vscode.debug.onDidTerminateDebugSession((s) => this.programs.delete(s) && this.changed.fire()),
    ];
  }

  isDebugging(uri: vscode.Uri): boolean {
    const key = programOf(uri);
    for (const program of this.programs.values()) if (program === key) return true;
    return false;
  }

  dispose(): void {
    this.programs.clear();
    for (const d of this.disposables) d.dispose();
  }
}

export const debugState = new DebugState();

/** How a launch configuration names a document: a file's path, or the URI of one not saved (`untitled:Untitled-1`). */
export function programOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

export function programUri(program: string): vscode.Uri {
  return /^[a-zA-Z][\w+.-]+:/.test(program) && !/^[a-zA-Z]:[\\/]/.test(program) ? vscode.Uri.parse(program) : vscode.Uri.file(program);
}
