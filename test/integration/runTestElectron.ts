/**
 * Runs the integration suite in VS Code desktop through @vscode/test-electron,
 * for machines that can download VS Code (CI here cannot; it uses
 * scripts/run-integration.ts and code-server instead). Same suite, same entry:
 *
 *   npm run build && node scripts/build-tests.mjs && node --import tsx test/integration/runTestElectron.ts
 *
 * Env: VSCODE_VERSION (default 1.100.3, the version code-server ships), GRAPHSTEP_TEST_RESULTS.
 */
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const repoRoot = path.resolve(__dirname, '../..');

async function main(): Promise<void> {
  await runTests({
    version: process.env.VSCODE_VERSION ?? '1.100.3',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out/test/integration/index.js'),
    launchArgs: [path.join(repoRoot, 'test/fixtures'), '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
