import type { FileAccess } from '../../core/ops/constructorDef';
import { UNSAVED_FILES } from '../../core/ops/loadRules';
import { createFileAccess } from '../../node/fileAccess';
import type { WorkerFiles } from './workerProtocol';

/** What `load()` may read for a document in Node: the same on the host and in its evaluation thread, so both check the same text alike. */
export function documentFiles(files: WorkerFiles | null): FileAccess {
  return files ? createFileAccess(files.file, files.folder) : UNSAVED_FILES;
}
