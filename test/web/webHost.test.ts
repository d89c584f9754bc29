import { assert } from 'chai';
import * as vscode from 'vscode';
import { graphStepApi, graphStepExtension, hoverText, openFile, positionOf, waitFor, workspaceUri } from './helpers';

describe('GraphStep in the browser (the web worker extension host)', () => {
  it('runs in the web worker extension host, not in Node', () => {
    // The Node extension host has `process`; the browser's has a WorkerGlobalScope and no Node at all.
    assert.equal(typeof (globalThis as { process?: unknown }).process, 'undefined', 'no Node process object');
    assert.equal(typeof (globalThis as { importScripts?: unknown }).importScripts, 'function', 'a Worker');
    // A web extension runs on the UI side: the kind the API reports is UI (a Node remote host says Workspace).
    assert.equal(graphStepExtension().extensionKind, vscode.ExtensionKind.UI);
    assert.equal(vscode.env.uiKind, vscode.UIKind.Web);
    assert.match(graphStepExtension().packageJSON.browser as string, /out\/web\/extension\.js$/);
  });

  it('opens apple.nn, steps forward and back, and hovers the exact values and gradients', async () => {
    const document = await openFile(workspaceUri('apple.nn'));
    const api = await graphStepApi();
    const session = api.sessions.sessionFor(document);
    await waitFor('the graph of apple.nn', () => session.graph);
    assert.equal(session.graph!.nodes.length, 5);

    await vscode.commands.executeCommand('graphstep.nextStep');
    assert.equal(session.stepper!.position, 1);
    assert.match(await hoverText(document, positionOf(document, 'apple_sum', 1)), /\*\*Value\*\* `200`/);
    await vscode.commands.executeCommand('graphstep.nextStep');
    assert.equal(session.stepper!.position, 2);
    // 2 · 100 · 1.1 in float64, as Python prints it
    assert.match(await hoverText(document, positionOf(document, 'total', 1)), /\*\*Value\*\* `220\.00000000000003`/);
    await vscode.commands.executeCommand('graphstep.previousStep');
    assert.equal(session.stepper!.position, 1);
    assert.match(await hoverText(document, positionOf(document, 'total', 1)), /\*\*Value\*\* not computed yet: forward step 2 computes it/);

    await vscode.commands.executeCommand('graphstep.runBackward');
    assert.equal(session.stepper!.position, 4);
    const appleNum = await hoverText(document, positionOf(document, 'apple_num', 2));
    assert.match(appleNum, /∂total\/∂apple_num \(complete, 1 of 1 contribution\) `110\.00000000000001`/);
    assert.include(appleNum, 'u = apple_sum (mul (×), line 6, backward step 2): 1.1 · 100 = 110.00000000000001');
    assert.match(await hoverText(document, positionOf(document, 'apple_price', 1)), /∂total\/∂apple_price \(complete, 1 of 1 contribution\) `2\.2`/);
    assert.match(await hoverText(document, positionOf(document, 'tax', 2)), /∂total\/∂tax \(complete, 1 of 1 contribution\) `200`/);

    await vscode.commands.executeCommand('graphstep.previousStep');
    assert.equal(session.stepper!.position, 3);
    await vscode.commands.executeCommand('graphstep.reset');
    assert.equal(session.stepper!.position, 0);
  });

  it('evaluates in a Worker of its own, started by the extension', async () => {
    const document = await openFile(workspaceUri('apple.nn'));
    const session = (await graphStepApi()).sessions.sessionFor(document);
    await vscode.commands.executeCommand('graphstep.runForward');
    assert.exists(session.evaluation.thread.worker, 'the session has a running evaluation thread');
    assert.equal(session.stepper!.value(4)!.data[0], 220.00000000000003);
  });

  it('opens the graph panel, and completion shows the language reference', async () => {
    await openFile(workspaceUri('apple.nn'));
    await vscode.commands.executeCommand('graphstep.openGraphToSide');
    await waitFor('the graph panel', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Graph: apple.nn'));
    const untitled = await vscode.workspace.openTextDocument({ language: 'graphstep', content: 'input apple_num = 2\ny = re' });
    await vscode.window.showTextDocument(untitled);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', untitled.uri, new vscode.Position(1, 6));
    const relu = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'relu');
    assert.exists(relu, 'relu is offered');
    const docs = relu!.documentation;
    assert.match(typeof docs === 'string' ? docs : (docs?.value ?? ''), /\*\*forward\*\* max\(0, x\)/, 'the longer text of the language reference');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
