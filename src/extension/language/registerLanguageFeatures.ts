import * as vscode from 'vscode';
import { registerGradientCheck } from '../gradientCheck';
import { LANGUAGE_ID, type SessionRegistry } from '../sessions';
import { NameCompletionProvider } from './completion';
import { FreshSessions } from './freshSessions';
import { BindingHoverProvider } from './hover';
import { InlineValueDecorations } from './inlineValues';
import { BindingNavigationProvider } from './navigation';
import { CallSignatureHelpProvider } from './signatureHelp';
import { StatementSymbolProvider } from './symbols';
import { registerWalkthroughCommands } from './walkthrough';

/**
 * Everything GraphStep adds to a `.nn` editor: hover, inline values,
 * outline, definition, references, highlights, rename, completion,
 * signature help; and the Gradient Check command.
 */
export function registerLanguageFeatures(context: vscode.ExtensionContext, sessions: SessionRegistry): void {
  const selector: vscode.DocumentSelector = { language: LANGUAGE_ID };
  const fresh = new FreshSessions(sessions);
  const navigation = new BindingNavigationProvider(fresh);
  const inlineValues = new InlineValueDecorations(sessions);
  context.subscriptions.push(
    fresh,
    inlineValues,
    vscode.languages.registerHoverProvider(selector, new BindingHoverProvider(fresh)),
    vscode.languages.registerDocumentSymbolProvider(selector, new StatementSymbolProvider(fresh), { label: 'GraphStep' }),
    vscode.languages.registerDefinitionProvider(selector, navigation),
    vscode.languages.registerReferenceProvider(selector, navigation),
    vscode.languages.registerDocumentHighlightProvider(selector, navigation),
    vscode.languages.registerRenameProvider(selector, navigation),
    vscode.languages.registerCompletionItemProvider(selector, new NameCompletionProvider(fresh), '.'),
    vscode.languages.registerSignatureHelpProvider(selector, new CallSignatureHelpProvider(), { triggerCharacters: ['(', ','], retriggerCharacters: [',', '='] }),
    // Not in package.json, so not in the palette: lets integration tests read what decorations show.
    vscode.commands.registerCommand('_graphstep.inlineValueLabels', (uri: vscode.Uri) => inlineValues.labelsOf(uri)),
  );
  registerGradientCheck(context, sessions);
  registerWalkthroughCommands(context);
}
