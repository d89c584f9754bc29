/**
 * The bytes of the files `load()` read lately, by file, each with what
 * identified the version read (on disk: device, inode, size, modification
 * and change times; through `vscode.workspace.fs`: size, modification and
 * creation times). An unchanged file is not read again at the next check of
 * a text that loads it, only after it changed, or after `forget` (a file
 * system watcher saw it change). Shared by the disk (src/node/fileAccess.ts)
 * and the workspace file system (src/extension/workspaceFiles.ts).
 */
export class LoadCache {
  private readonly entries = new Map<string, { readonly identity: string; readonly bytes: Uint8Array }>();
  private bytesHeld = 0;

  /** Holds at most `maxBytes` (the oldest dropped first; a larger file is not kept). */
  constructor(private readonly maxBytes: number) {}

  /** The bytes read of `file` when it was the version `identity`; undefined when another version (or none) was read. */
  get(file: string, identity: string): Uint8Array | undefined {
    const entry = this.entries.get(file);
    return entry?.identity === identity ? entry.bytes : undefined;
  }

  /** Keeps the bytes of the version `identity` of `file`, in place of any other. */
  remember(file: string, identity: string, bytes: Uint8Array): void {
    this.drop(file);
    if (bytes.length > this.maxBytes) return;
    this.entries.set(file, { identity, bytes });
    this.bytesHeld += bytes.length;
    for (const [name, entry] of this.entries) {
      if (this.bytesHeld <= this.maxBytes) break;
      this.entries.delete(name);
      this.bytesHeld -= entry.bytes.length;
    }
  }

  /** Drops `file` and, when it is a folder, every file under it (`/` separates): the next read reads them again. */
  forget(file: string): void {
    this.drop(file);
    const folder = file.endsWith('/') ? file : `${file}/`;
    for (const name of [...this.entries.keys()]) if (name.startsWith(folder)) this.drop(name);
  }

  /** How many files are held. */
  get size(): number {
    return this.entries.size;
  }

  private drop(file: string): void {
    const old = this.entries.get(file);
    if (!old) return;
    this.bytesHeld -= old.bytes.length;
    this.entries.delete(file);
  }
}
