import { excerpt } from '../language/excerpt';
import type { Diagnostic } from '../language/range';
import type { Graph } from './graph';

/**
 * A warning at each binding no later statement reads and that is not the
 * output: its value is computed for nothing. Only meaningful for a file
 * without errors (a misspelt use makes its binding look unused).
 */
export function unusedBindingWarnings(graph: Graph): Diagnostic[] {
  const read = new Uint8Array(graph.bindings.length);
  const references = graph.references;
  for (let i = 0; i < references.length; i++) if (!references[i]!.isDefinition) read[references[i]!.binding] = 1;
  const warnings: Diagnostic[] = [];
  for (let b = 0; b < graph.bindings.length; b++) {
    const binding = graph.bindings[b]!;
    if (read[b] || binding.nodeId < 0 || binding.nodeId === graph.output) continue;
    const what = graph.nodes[binding.nodeId]!.kind === 'op' ? 'is computed' : 'is defined';
    warnings.push({ severity: 'warning', range: binding.range, message: `unused: '${excerpt(binding.name)}' ${what} but never used and is not the output` });
  }
  return warnings;
}
