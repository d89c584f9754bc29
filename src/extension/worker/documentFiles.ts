import type { FileAccess } from '../../core/ops/constructorDef';
import { UNSAVED_FILES } from '../../core/ops/loadRules';
import { createFileAccess } from '../../node/fileAccess';
import { preparedFiles } from './preparedFiles';
import type { WorkerFiles } from './workerProtocol';

/**
 * What `load()` may read for a document in Node: the disk under the
 * workspace folder, or the files the host read through the workspace file
 * system (a virtual workspace). The same on the host and in its evaluation
 * thread, so both check the same text alike.
 */
export function documentFiles(files: WorkerFiles | null): FileAccess {
  if (files?.read) return preparedFiles(files);
  return files ? createFileAccess(files.file, files.folder) : UNSAVED_FILES;
}
