/**
 * A file system that lives in memory under its own URI scheme, as a
 * virtual workspace's does (GitHub repositories on vscode.dev, a remote
 * repository): no disk path, only `vscode.workspace.fs`. For the extension
 * host suites (integration and web); it imports nothing but `vscode`.
 */
import * as vscode from 'vscode';

export class MemoryFileSystem implements vscode.FileSystemProvider {
  private readonly files = new Map<string, Uint8Array>();
  private readonly folders = new Set<string>(['/']);
  private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  private readonly readCounts = new Map<string, number>();
  readonly onDidChangeFile = this.changes.event;

  constructor(readonly scheme: string) {}

  uri(path: string): vscode.Uri {
    return vscode.Uri.from({ scheme: this.scheme, path });
  }

  /** Adds a file (and its folders) directly. */
  put(path: string, content: string | Uint8Array): vscode.Uri {
    const parts = path.split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) this.folders.add(`/${parts.slice(0, i).join('/')}`);
    this.files.set(`/${parts.join('/')}`, typeof content === 'string' ? new TextEncoder().encode(content) : content);
    return this.uri(path);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const file = this.files.get(uri.path);
    if (file) return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: file.length };
    if (this.folders.has(uri.path)) return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    throw vscode.FileSystemError.FileNotFound(uri);
  }

  readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
    const prefix = uri.path === '/' ? '/' : `${uri.path}/`;
    const direct = (p: string): boolean => p.startsWith(prefix) && !p.slice(prefix.length).includes('/');
    return [
      ...[...this.folders].filter((p) => p !== uri.path && direct(p)).map((p): [string, vscode.FileType] => [p.slice(prefix.length), vscode.FileType.Directory]),
      ...[...this.files.keys()].filter(direct).map((p): [string, vscode.FileType] => [p.slice(prefix.length), vscode.FileType.File]),
    ];
  }

  createDirectory(uri: vscode.Uri): void {
    this.folders.add(uri.path);
  }

  /** How many times `readFile` was called for `path` (the extension reads through it). */
  reads(path: string): number {
    return this.readCounts.get(path) ?? 0;
  }

  readFile(uri: vscode.Uri): Uint8Array {
    this.readCounts.set(uri.path, this.reads(uri.path) + 1);
    const file = this.files.get(uri.path);
    if (!file) throw vscode.FileSystemError.FileNotFound(uri);
    return file;
  }

  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    this.put(uri.path, content);
    this.changes.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  delete(uri: vscode.Uri): void {
    this.files.delete(uri.path);
    this.folders.delete(uri.path);
  }

  rename(from: vscode.Uri, to: vscode.Uri): void {
    const file = this.readFile(from);
    this.files.delete(from.path);
    this.put(to.path, file);
  }
}
