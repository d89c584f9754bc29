import { excerpt } from '../language/excerpt';
import type { FileAccess } from './constructorDef';
import * as l10n from '@vscode/l10n';

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
  if (relative === '' || relative.includes('\0')) return refuseLoad(l10n.t('expected a file name, found {0}', quoted));
  if (/^([\\/]|[a-zA-Z]:[\\/])/.test(relative)) {
    return refuseLoad(l10n.t('expected a path relative to the .nn file, found the absolute path {0} (absolute paths are refused: load() reads only inside {1})', quoted, rootName));
  }
  return null;
}

/** A path that leads out of the root. */
export function outsideRoot(relative: string, rootName: string, root: string): FileRead {
  const how = relative.split(/[\\/]/).includes('..') ? l10n.t("its '..' leads") : l10n.t('it is');
  return refuseLoad(l10n.t('expected a path inside {0}, found {1}: {2} outside {3}', rootName, quotedPath(relative), how, JSON.stringify(excerpt(root, 80))));
}

/** A file larger than {@link MAX_LOAD_FILE_BYTES}. */
export const tooLargeFile = (relative: string, size: number): FileRead =>
  refuseLoad(l10n.t('expected a file of at most {0} bytes at {1}, found {2}', MAX_LOAD_FILE_BYTES, quotedPath(relative), size));

/** `load()` in a document not saved to a file. */
export const UNSAVED_FILES: FileAccess = { read: () => refuseLoad(l10n.t('expected a file saved on disk, found an unsaved document')) };
