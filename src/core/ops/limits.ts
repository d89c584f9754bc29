import type { Shape } from '../tensor';
import * as l10n from '@vscode/l10n';

/** Most axes a tensor may have: numpy's limit (NPY_MAXDIMS before numpy 2 raised it). */
export const MAX_RANK = 32;

/** Bytes of one float64 element. */
export const BYTES_PER_ELEMENT = 8;

/** A shape as messages show it, `[2,3]`; a very long one shortened. */
export function shapeText(shape: Shape): string {
  if (shape.length <= 8) return `[${shape.join(',')}]`;
  return `[${shape.slice(0, 8).join(',')},…] (${shape.length} axes)`;
}

/**
 * Why a tensor of this shape may not be made, or null. Every limit holds for
 * every shape, empty ones included, so no loop or allocation can be larger
 * than `maxElements`:
 * - at most MAX_RANK axes;
 * - each dimension at most `maxElements` (numpy would allow zeros(10**11, 0));
 * - at most `maxElements` elements;
 * - its index space (the product of the dimensions with each empty axis
 *   counted as 1) at most `maxElements`, which bounds whatever an op does per
 *   row or per column of an empty tensor.
 */
export function shapeLimitProblem(shape: Shape, maxElements: number): string | null {
  if (shape.length > MAX_RANK) return l10n.t('expected at most {0} dimensions (a fixed limit, as in numpy), found {1}', MAX_RANK, shape.length);
  let size = 1;
  let space = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    size *= d;
    space *= d > 1 ? d : 1;
  }
  if (size > maxElements) return l10n.t('expected at most {0} elements (graphstep.maxTensorElements), found shape {1} with {2}', maxElements, shapeText(shape), size);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (d > maxElements) return l10n.t('expected every dimension to be at most {0} (graphstep.maxTensorElements), found {1} in shape {2}', maxElements, d, shapeText(shape));
  }
  if (space > maxElements) {
    return l10n.t('expected at most {0} elements (graphstep.maxTensorElements), found shape {1} whose index space (empty axes counted as 1) is {2}', maxElements, shapeText(shape), space);
  }
  return null;
}
