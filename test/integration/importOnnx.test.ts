import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, fixtureUri, waitFor } from './helpers';
import { graphStepApi } from './positions';

describe('GraphStep: Import ONNX Model', () => {
  const folder = fixtureUri(`onnx/imported-${process.pid}`);
  after(async () => {
    await closeAllEditors();
    await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  it('writes the .nn file and its weights, opens it with a graph grouped by ONNX scope', async () => {
    const out = vscode.Uri.joinPath(folder, 'cnn.nn');
    const result = await vscode.commands.executeCommand<vscode.Uri | undefined>('graphstep.importOnnx', fixtureUri('onnx/cnn.onnx'), out);
    assert.equal(result?.toString(), out.toString());
    const names = (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n).sort();
    assert.deepEqual(names, ['cnn.conv_bias.npy', 'cnn.conv_weight.npy', 'cnn.fc_bias.npy', 'cnn.fc_weight.npy', 'cnn.nn']);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), out.toString());
    assert.match(editor.document.getText(), /^_conv_Conv_output_0 = conv2d\(x, conv_weight, conv_bias, pad=1\) {2}# Conv \/conv\/Conv$/m);
    const session = (await graphStepApi()).sessions.sessionFor(editor.document);
    await waitFor('the imported graph', () => session.graph !== null);
    const labels = session.graph!.groups.map((g) => g.label);
    for (const scope of ['/conv', '/pool', '/fc']) assert.ok(labels.includes(scope), `a group ${scope} among ${labels.join(', ')}`);
    const conv = session.graph!.nodes.find((n) => n.name === '_conv_Conv_output_0')!;
    assert.equal(session.graph!.groups[conv.group!]!.label, '/conv');
    assert.deepEqual(session.graph!.nodes.find((n) => n.name === 'y')!.shape, [2, 5]);
  });

  it('writes nothing for a file that is not an ONNX model', async () => {
    const out = vscode.Uri.joinPath(folder, 'bad.nn');
    const result = await vscode.commands.executeCommand<vscode.Uri | undefined>('graphstep.importOnnx', fixtureUri('onnx/torch-layers.json'), out);
    assert.equal(result, undefined);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(out)));
  });
});
