// The evaluation thread's entry run from source, for unit tests: a worker thread
// does not inherit the test process's TypeScript loader, so it registers its own.
require('tsx/cjs');
require('../../src/extension/worker/evalWorker.ts');
