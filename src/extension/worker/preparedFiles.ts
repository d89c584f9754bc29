import type { FileAccess } from '../../core/ops/constructorDef';
import { quotedPath, refuseLoad, UNSAVED_FILES } from '../../core/ops/loadRules';
import type { WorkerFiles } from './workerProtocol';

/** What `load()` reads when the host read the files for the text (`workspaceFiles`: in the browser, or in a virtual workspace). */
export function preparedFiles(files: WorkerFiles | null): FileAccess {
  if (!files) return UNSAVED_FILES;
  const read = files.read ?? {};
  return { read: (relative) => (Object.hasOwn(read, relative) ? read[relative]! : refuseLoad(`expected a file at ${quotedPath(relative)}, found none`)) };
}
