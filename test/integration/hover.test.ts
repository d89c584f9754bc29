import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { fixtureUri, openFile } from './helpers';
import { exampleUri, graphStepApi, hoverText, positionOf } from './positions';

describe('hover', () => {
  let document: vscode.TextDocument;

  before(async () => {
    document = await openFile(exampleUri('apple.nn'));
    await vscode.commands.executeCommand('graphstep.reset');
  });

  after(() => vscode.commands.executeCommand('graphstep.reset'));

  it('at a definition, before any step: kind, line, shape, value, and that no gradient has arrived yet', async () => {
    const text = await hoverText(document, positionOf(document, 'apple_num', 1));
    assert.match(text, /\*\*`apple_num`\*\* · input · line 2/);
    assert.match(text, /\*\*Shape\*\* `\[\]` \(scalar\)/);
    assert.match(text, /\*\*Value\*\* `2`/);
    assert.match(text, /∂total\/∂apple_num not computed yet: the backward pass reaches `apple_num` at backward step 2 \(now start 0\/2\)/);
  });

  it('at a use, after forward steps: the op node and its value', async () => {
    await vscode.commands.executeCommand('graphstep.nextStep');
    const text = await hoverText(document, positionOf(document, 'apple_sum', 2));
    assert.match(text, /\*\*`apple_sum`\*\* · mul \(×\) · line 6/);
    assert.match(text, /\*\*Value\*\* `200`/);
  });

  it('after the backward pass: the gradient and the chain rule with exact numbers', async () => {
    await vscode.commands.executeCommand('graphstep.runBackward');
    const text = await hoverText(document, positionOf(document, 'apple_num', 2));
    assert.match(text, /∂total\/∂apple_num \(complete, 1 of 1 contribution\) `110.00000000000001`/);
    assert.ok(text.includes('u = apple_sum (mul (×), line 6, backward step 2): 1.1 · 100 = 110.00000000000001'), text);
  });

  it('while contributions arrive: the partial sum and how many arrived', async () => {
    const shared = await openFile(fixtureUri('shared_use.nn'));
    const api = await graphStepApi();
    const session = api.sessions.sessionFor(shared);
    await api.sessions.step(session, { goTo: session.stepper!.forwardSteps + 1 });
    const text = await hoverText(shared, positionOf(shared, 'x', 1));
    assert.match(text, /partial sum, 1 of 3 contributions arrived\) `1`/);
    assert.ok(text.includes('not arrived yet'), text);
    await vscode.commands.executeCommand('graphstep.runBackward');
    assert.match(await hoverText(shared, positionOf(shared, 'x', 3)), /complete, 3 of 3 contributions\) `7`/);
  });

  it('respects rebinding: the c used on the right of `c = c + c + 1` is the old one', async () => {
    const rebinding = await openFile(fixtureUri('rebinding.nn'));
    await vscode.commands.executeCommand('graphstep.runBackward');
    const oldC = await hoverText(rebinding, positionOf(rebinding, 'c', 3));
    const newC = await hoverText(rebinding, positionOf(rebinding, 'c', 5));
    assert.match(oldC, /input · line 2[\s\S]*∂d\/∂c \(complete, 2 of 2 contributions\) `4`/);
    assert.match(newC, /add \(\+\) · line 3[\s\S]*`7`[\s\S]*∂d\/∂c \(complete, 1 of 1 contribution\) `2`/);
  });

  it('tensors: shape, a numpy-style print and min/max/mean of value and gradient', async () => {
    const net = await openFile(exampleUri('two_layer_net.nn'));
    await vscode.commands.executeCommand('graphstep.runBackward');
    const text = await hoverText(net, positionOf(net, 'W1', 2));
    assert.match(text, /\*\*Shape\*\* `\[2,4\]`/);
    assert.match(text, /```text\n\[\[/);
    assert.equal(text.match(/min `[^`]+` · max `[^`]+` · mean `[^`]+`/g)?.length, 2);
  });

  it('on an operation being called: its signature and documentation', async () => {
    const relu = await openFile(exampleUri('relu.nn'));
    const text = await hoverText(relu, positionOf(relu, 'relu', 1));
    assert.match(text, /relu\(x\)/);
    assert.match(text, /\*\*forward\*\* max\(0, x\)/);
  });
});
