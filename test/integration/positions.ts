/** Helpers for the language-feature tests: where a word is, and what a hover says. */
import * as vscode from 'vscode';
import type { GraphStepApi } from '../../src/extension/extension';
import { graphStepExtension } from './helpers';

/** The position inside the `occurrence`-th (1-based) whole-word occurrence of `word`. */
export function positionOf(document: vscode.TextDocument, word: string, occurrence = 1): vscode.Position {
  const text = document.getText();
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}_])`, 'gu');
  let seen = 0;
  for (const match of text.matchAll(pattern)) {
    if (++seen === occurrence) return document.positionAt(match.index! + 1);
  }
  throw new Error(`"${word}" occurs ${seen} time(s) in ${document.uri.path}, not ${occurrence}`);
}

/** The text of every hover VS Code shows at a position (all providers, joined). */
export async function hoverText(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n---\n');
}

/** A bundled example of the repository (the extension under development). */
export function exampleUri(name: string): vscode.Uri {
  return vscode.Uri.joinPath(graphStepExtension().extensionUri, 'examples', name);
}

/** The extension's API (its sessions), activating it if needed. */
export async function graphStepApi(): Promise<GraphStepApi> {
  return (await graphStepExtension().activate()) as GraphStepApi;
}

/** Opens a new untitled `.nn` document with `content` in an editor. */
export async function openUntitled(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'graphstep', content });
  return vscode.window.showTextDocument(document);
}

/** The position (line, character) as a plain pair, for deepEqual. */
export function pair(p: vscode.Position): [number, number] {
  return [p.line, p.character];
}
