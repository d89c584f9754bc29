import * as vscode from 'vscode';
import { referenceDoc, referenceMarkdown } from '../../core/ops/reference';
import { activeParameter, callContextAt, signatureParameters } from '../../core/editor/callContext';
import { constructorByName } from '../../core/ops/constructors';
import { opByName } from '../../core/ops/registry';

/** The signature of the operation or constructor being called, its argument under the cursor highlighted. */
export class CallSignatureHelpProvider implements vscode.SignatureHelpProvider {
  provideSignatureHelp(document: vscode.TextDocument, position: vscode.Position): vscode.SignatureHelp | undefined {
    const call = callContextAt(document.getText(), position);
    if (!call) return undefined;
    const def = opByName(call.callee) ?? constructorByName(call.callee);
    if (!def) return undefined;
    const params = signatureParameters(def.signature);
    const info = new vscode.SignatureInformation(def.signature, new vscode.MarkdownString([referenceDoc(call.callee), referenceMarkdown(call.callee)].filter(Boolean).join('\n\n')));
    info.parameters = params.map((p) => new vscode.ParameterInformation([p.start, p.end]));
    const help = new vscode.SignatureHelp();
    help.signatures = [info];
    help.activeSignature = 0;
    const active = activeParameter(params, call);
    // Out of range highlights nothing: an argument no parameter takes.
    help.activeParameter = active >= 0 ? active : params.length;
    return help;
  }
}
