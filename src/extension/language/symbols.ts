import * as vscode from 'vscode';
import { nodeKindText, shapeText } from '../../core/editor/nodeLabel';
import { toVscodeRange } from '../sessions';
import type { FreshSessions } from './freshSessions';

/**
 * The outline: one symbol per statement, in source order, so a rebound name
 * appears once per binding. The detail says what made it and, when the file
 * checks, its shape.
 */
export class StatementSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly fresh: FreshSessions) {}

  async provideDocumentSymbols(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<vscode.DocumentSymbol[]> {
    const { names, graph } = await this.fresh.namesFor(document);
    const { statements, bindings } = names;
    const symbols: vscode.DocumentSymbol[] = [];
    let b = 0;
    let i = 0;
    for (const statement of statements) {
      // A long file's outline is made a slice at a time, the host's event loop handed back in between.
      if (++i % SLICE_STATEMENTS === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (token?.isCancellationRequested) return [];
      }
      const range = toVscodeRange(statement.range);
      const nameRange = toVscodeRange(statement.nameRange);
      if (statement.kind === 'output') {
        symbols.push(new vscode.DocumentSymbol(`output ${statement.name}`, 'where the backward pass starts', vscode.SymbolKind.Event, range, nameRange));
        continue;
      }
      if (statement.kind === 'def') {
        // a def binds its name and each parameter
        b += 1 + statement.params.length;
        symbols.push(new vscode.DocumentSymbol(statement.name, `def (${statement.params.map((p) => p.name).join(', ')})`, vscode.SymbolKind.Method, range, nameRange));
        continue;
      }
      if (statement.kind === 'batch' || statement.kind === 'unpack') {
        // each name is a const leaf of its own
        for (const n of statement.names) {
          b++;
          const detail = statement.kind === 'batch' ? 'batch (rows drawn at every training step)' : 'const';
          symbols.push(new vscode.DocumentSymbol(n.name, detail, vscode.SymbolKind.Constant, range, toVscodeRange(n.range)));
        }
        continue;
      }
      if (statement.kind === 'train' || statement.kind === 'test') {
        const label = statement.kind === 'train' ? `train ${statement.loss.name}` : `test ${statement.names.map((n) => n.name).join(', ')}`;
        symbols.push(new vscode.DocumentSymbol(label, statement.kind === 'train' ? 'the training of the parameters' : 'the held-out set for accuracy', vscode.SymbolKind.Event, range, nameRange));
        continue;
      }
      const binding = bindings[b++];
      const node = graph && binding && binding.nodeId >= 0 ? graph.nodes[binding.nodeId] : undefined;
      const made = node ? nodeKindText(graph!, node.id) : (statement.declaration ?? 'computed');
      const detail = node ? `${made} ${shapeText(node.shape)}` : made;
      symbols.push(new vscode.DocumentSymbol(statement.name, detail, symbolKind(statement.declaration, node?.kind), range, nameRange));
    }
    return symbols;
  }
}

/** Statements turned into symbols per turn of the event loop: a few milliseconds. */
const SLICE_STATEMENTS = 1000;

function symbolKind(declaration: string | null, nodeKind: string | undefined): vscode.SymbolKind {
  const kind = declaration ?? nodeKind;
  if (kind === 'param') return vscode.SymbolKind.Field;
  if (kind === 'const') return vscode.SymbolKind.Constant;
  if (kind === 'input') return vscode.SymbolKind.Variable;
  return vscode.SymbolKind.Function;
}
