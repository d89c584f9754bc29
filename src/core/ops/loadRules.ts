import { excerpt } from '../language/excerpt';
import type { FileAccess } from './constructorDef';

/*
 * The rules every host's `load()` file access keeps, and their messages,
 * shared so that the disk (src/node/fileAccess.ts) and a browser's
 * workspace file system (src/web/workspaceFiles.ts) refuse alike.
 */

/** Largest file `load()` reads; bigger files are refused before reading. */
export const MAX_LOAD_FILE_BYTES = 512 * 1024 * 1024;

/** What reading one `load()` path gave: its bytes, or why not. */
export type FileRead = ReturnType<FileAccess['read']>;

export const refuseLoad = (message: string): FileRead => ({ ok: false, message: `load: ${message}` });

/** The path as messages quote it. */
export const quotedPath = (relative: string): string => JSON.stringify(excerpt(relative));

/** A path's first problem, before anything is looked up: empty, a NUL, absolute (POSIX, or Windows as `path.win32.isAbsolute` says). Null when it may be looked up. */
export function pathFormProblem(relative: string, rootName: string): FileRead | null {
  const quoted = quotedPath(relative);
  if (relative === '' || relative.includes('\0')) return refuseLoad(`expected a file name, found ${quoted}`);
  if (/^([\\/]|[a-zA-Z]:[\\/])/.test(relative)) {
    return refuseLoad(`expected a path relative to the .nn file, found the absolute path ${quoted} (absolute paths are refused: load() reads only inside ${rootName})`);
  }
  return null;
}

/** A path that leads out of the root. */
export function outsideRoot(relative: string, rootName: string, root: string): FileRead {
  const how = relative.split(/[\\/]/).includes('..') ? "its '..' leads" : 'it is';
  return refuseLoad(`expected a path inside ${rootName}, found ${quotedPath(relative)}: ${how} outside ${JSON.stringify(excerpt(root, 80))}`);
}

/** A file larger than {@link MAX_LOAD_FILE_BYTES}. */
export const tooLargeFile = (relative: string, size: number): FileRead =>
  refuseLoad(`expected a file of at most ${MAX_LOAD_FILE_BYTES} bytes at ${quotedPath(relative)}, found ${size}`);

/** `load()` in a document not saved to a file. */
export const UNSAVED_FILES: FileAccess = { read: () => refuseLoad('expected a file saved on disk, found an unsaved document') };
