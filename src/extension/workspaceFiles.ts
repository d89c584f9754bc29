import * as vscode from 'vscode';
import { lex } from '../core/language/lexer';
import * as l10n from '@vscode/l10n';
import { LoadCache } from '../core/ops/loadCache';
import { MAX_LOAD_FILE_BYTES, outsideRoot, pathFormProblem, quotedPath, refuseLoad, tooLargeFile, type FileRead } from '../core/ops/loadRules';
import type { WorkerFiles } from './worker/workerProtocol';

const ROOT_NAME = 'the workspace folder';

/** Most bytes the files read are kept for (the oldest dropped first), as on disk. */
const CACHE_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The files read lately, by URI: a file whose stat (size, modification and
 * creation times) is unchanged is not read again at the next check, and
 * `forgetWorkspaceFile` (the sessions' file system watcher) drops a file
 * that changed, also when its stat looks the same (a file system whose
 * times do not move).
 */
const cache = new LoadCache(CACHE_MAX_BYTES);

/** Reads under way, by URI and identity: checks at the same time (a file just opened) share one read. */
const reading = new Map<string, Promise<Uint8Array>>();

/** Counts `forgetWorkspaceFile` calls: a read under way when a file changed is not kept. */
let forgotten = 0;

/** A file (or folder) changed, was created or deleted: the next check reads what it loads from it again. */
export function forgetWorkspaceFile(uri: vscode.Uri): void {
  forgotten++;
  cache.forget(uri.toString());
  reading.clear();
}

/**
 * What `load()` reads for a document through `vscode.workspace.fs`, read
 * before the text goes to its thread: in the browser (a Worker has no file
 * system) and for a document of a virtual workspace (no disk path), where
 * the check that calls `load()` cannot wait. Every string of the text is a path it may load,
 * looked up through `vscode.workspace.fs` under the same rules as on disk,
 * and read once per change of the file (see `cache`). A
 * string that names no file costs one failed lookup, and its answer
 * ("found none") is what `load()` would say anyway. Null for a document
 * that is not saved in a file system.
 */
export function workspaceFiles(document: vscode.TextDocument, text: string): Promise<WorkerFiles> | null {
  const uri = document.uri;
  // null at once (no promise) for an unsaved document: its check goes to the thread without waiting
  if (uri.scheme === 'untitled' || vscode.workspace.fs.isWritableFileSystem(uri.scheme) === undefined) return null;
  const root = vscode.workspace.getWorkspaceFolder(uri)?.uri ?? vscode.Uri.joinPath(uri, '..');
  const read: Record<string, FileRead> = {};
  return Promise.all([...stringsOf(text)].map(async (relative) => (read[relative] = await readInside(uri, root, relative)))).then(() => ({ file: uri.toString(), folder: root.toString(), read }));
}

/** The distinct string literals of a text, as the parser reads them. */
function stringsOf(text: string): Set<string> {
  const tokens = lex(text, []);
  const strings = new Set<string>();
  for (let i = 0; i < tokens.length; i++) if (tokens.kindName(i) === 'string') strings.add(tokens.textOf(i));
  return strings;
}

/**
 * Reads `relative` (to the `.nn` file's folder) if it names a regular file
 * inside `root`: the path may not be absolute nor leave the root with `..`;
 * each folder on the way and the file itself must be what they seem. A
 * symbolic link is refused, since no workspace file system says where it
 * leads (on disk, one that stays inside the root is followed).
 */
async function readInside(nnFile: vscode.Uri, root: vscode.Uri, relative: string): Promise<FileRead> {
  const formProblem = pathFormProblem(relative, ROOT_NAME);
  if (formProblem) return formProblem;
  const quoted = quotedPath(relative);
  const rootPath = root.path.replace(/\/+$/, '');
  const target = resolvePosix(nnFile.path.slice(0, nnFile.path.lastIndexOf('/')), relative);
  if (target !== rootPath && !target.startsWith(`${rootPath}/`)) return outsideRoot(relative, ROOT_NAME, rootPath);
  const parts = target.slice(rootPath.length).split('/').filter((p) => p !== '');
  let current = root;
  let stat: vscode.FileStat | undefined;
  for (let i = 0; i < parts.length; i++) {
    current = vscode.Uri.joinPath(current, parts[i]!);
    try {
      stat = await vscode.workspace.fs.stat(current);
    } catch {
      return refuseLoad(l10n.t('expected a file at {0}, found none', quoted));
    }
    if (stat.type & vscode.FileType.SymbolicLink) {
      return refuseLoad(vscode.l10n.t('expected a path inside the workspace folder without symbolic links, found {0}: it goes through a symbolic link, and here it cannot be told where that leads', quoted));
    }
    if (i < parts.length - 1 && !(stat.type & vscode.FileType.Directory)) return refuseLoad(l10n.t('expected a file at {0}, found none ({1} is not a folder)', quoted, parts[i]!));
  }
  if (!stat || stat.type & vscode.FileType.Directory) return refuseLoad(l10n.t('expected a file at {0}, found a folder', quoted));
  if (!(stat.type & vscode.FileType.File)) return refuseLoad(l10n.t('expected a regular file at {0}, found {1} (refused before opening)', quoted, l10n.t('something that is not a regular file')));
  if (stat.size > MAX_LOAD_FILE_BYTES) return tooLargeFile(relative, stat.size);
  const identity = `${stat.size}:${stat.mtime}:${stat.ctime}`;
  try {
    return { ok: true, bytes: await readOnce(current, current.toString(), identity) };
  } catch (e) {
    return refuseLoad(l10n.t('expected a readable file at {0}, found {1}', quoted, e instanceof vscode.FileSystemError ? e.code : l10n.t('an error')));
  }
}

/** The bytes of `uri` (its URI `file`, its version `identity`), read unless a check read or is reading that version. */
function readOnce(uri: vscode.Uri, file: string, identity: string): Promise<Uint8Array> {
  const known = cache.get(file, identity);
  if (known) return Promise.resolve(known);
  const key = `${identity} ${file}`;
  const under = reading.get(key);
  if (under) return under;
  const generation = forgotten;
  const read = Promise.resolve(vscode.workspace.fs.readFile(uri)).then(
    (bytes) => {
      reading.delete(key);
      // a file the watcher saw change while it was read is read again next time
      if (generation === forgotten) cache.remember(file, identity, bytes);
      return bytes;
    },
    (e: unknown) => {
      reading.delete(key);
      throw e;
    },
  );
  reading.set(key, read);
  return read;
}

/** `base` (an absolute POSIX path) joined with `relative`, `.` and `..` resolved; `\` separates too, as in a path typed on Windows. */
function resolvePosix(base: string, relative: string): string {
  const parts = base.split('/').filter((p) => p !== '');
  for (const part of relative.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}
