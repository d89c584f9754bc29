import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { extensionId, fixtureUri, graphStepExtension, openFile, waitFor } from './helpers';

describe('activation', () => {
  it('opens a .nn file as a graphstep document and activates the extension', async () => {
    const document = await openFile(fixtureUri('smoke.nn'));
    assert.equal(document.languageId, 'graphstep');
    const extension = graphStepExtension();
    await waitFor(`${extensionId} to activate`, () => extension.isActive);
  });

  it('registers the command graphstep.openGraph', async () => {
    await graphStepExtension().activate();
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('graphstep.openGraph'), 'graphstep.openGraph is not among the registered commands');
  });
});
