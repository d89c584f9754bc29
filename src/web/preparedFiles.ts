import type { FileAccess } from '../core/ops/constructorDef';
import { quotedPath, refuseLoad, UNSAVED_FILES } from '../core/ops/loadRules';
import type { WorkerFiles } from '../extension/worker/workerProtocol';

/** What `load()` reads in a browser's evaluation thread: the files the host read for the text (`workspaceFiles`). */
export function preparedFiles(files: WorkerFiles | null): FileAccess {
  if (!files) return UNSAVED_FILES;
  const read = files.read ?? {};
  return { read: (relative) => (Object.hasOwn(read, relative) ? read[relative]! : refuseLoad(`expected a file at ${quotedPath(relative)}, found none`)) };
}
