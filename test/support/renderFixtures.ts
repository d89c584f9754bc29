import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { Stepper } from '../../src/core/engine/stepper';
import type { Graph } from '../../src/core/graph/graph';
import { drawableGraph, type DrawableGraph } from '../../src/core/render/drawableGraph';

const repoRoot = path.resolve(__dirname, '../..');

/** A `.nn` file of the repository (e.g. `examples/apple_orange.nn`), checked, with a stepper at position 0. */
export function loadExample(relativePath: string): { graph: Graph; drawable: DrawableGraph; stepper: Stepper } {
  const text = fs.readFileSync(path.join(repoRoot, relativePath), 'utf8');
  const { graph, diagnostics } = checkSource(text);
  if (!graph) throw new Error(`${relativePath} does not check: ${diagnostics.map((d) => d.message).join('; ')}`);
  return { graph, drawable: drawableGraph(graph), stepper: new Stepper(graph) };
}
