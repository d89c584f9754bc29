import { LegacyRandom } from '../random';
import { Tensor } from '../tensor';
import * as l10n from '@vscode/l10n';

/** A data set made without a file: `const X, T = spiral(100, 3, seed=0)`. */
export interface DatasetDef {
  readonly name: string;
  readonly signature: string;
  /** What each name of the statement receives. */
  readonly values: readonly string[];
  readonly keywords: readonly string[];
  make(positional: readonly number[], keywords: ReadonlyMap<string, number>, defaultSeed: number): { readonly ok: true; readonly values: readonly Tensor[] } | { readonly ok: false; readonly message: string };
}

/** Most points a generated data set may have. */
const MAX_POINTS = 1_000_000;

/** numpy's `np.linspace(start, stop, num)`: i·step + start, the last point exactly stop. */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const div = num - 1;
  const step = (stop - start) / div;
  for (let i = 0; i < num; i++) out[i] = div > 0 ? i * step + start : i * (stop - start) + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/**
 * CS231n's spiral data (the "Putting it together: minimal neural network
 * case study" notes): `np.random.seed(seed)`, then for each class j, n points
 * with radius r = linspace(0, 1, n) and angle linspace(4j, 4(j + 1), n) +
 * randn(n)·0.2, at (r·sin t, r·cos t), labelled j. X is [n·classes, 2], T the
 * class indices [n·classes]. The draws and linspace are numpy's exactly; sin
 * and cos are the JavaScript engine's, within an ulp of numpy's.
 */
const spiral: DatasetDef = {
  name: 'spiral',
  signature: 'spiral(n, classes, seed=s)',
  values: ['points [n·classes, 2]', 'labels [n·classes]'],
  keywords: ['seed'],
  make(positional, keywords, defaultSeed) {
    if (positional.length !== 2) return { ok: false, message: positional.length === 1 ? l10n.t('spiral: expected spiral(n, classes, seed=s), found 1 positional argument') : l10n.t('spiral: expected spiral(n, classes, seed=s), found {0} positional arguments', positional.length) };
    const [n, classes] = positional as [number, number];
    if (n < 1 || classes < 1 || n * classes > MAX_POINTS) return { ok: false, message: l10n.t('spiral: expected n ≥ 1 and classes ≥ 1 with at most {0} points, found n = {1}, classes = {2}', MAX_POINTS, n, classes) };
    const seed = keywords.get('seed') ?? defaultSeed;
    if (seed > 0xffffffff) return { ok: false, message: l10n.t('spiral: expected a seed in 0..4294967295, found {0}', seed) };
    const random = new LegacyRandom(seed);
    const x = new Float64Array(n * classes * 2);
    const t = new Float64Array(n * classes);
    const r = linspace(0, 1, n);
    for (let j = 0; j < classes; j++) {
      const angle = linspace(j * 4, (j + 1) * 4, n);
      for (let i = 0; i < n; i++) {
        const theta = angle[i]! + random.gauss() * 0.2;
        const row = j * n + i;
        x[2 * row] = r[i]! * Math.sin(theta);
        x[2 * row + 1] = r[i]! * Math.cos(theta);
        t[row] = j;
      }
    }
    return { ok: true, values: [new Tensor([n * classes, 2], x), new Tensor([n * classes], t)] };
  },
};

export const DATASETS: readonly DatasetDef[] = [spiral];

export function datasetByName(name: string): DatasetDef | undefined {
  return DATASETS.find((d) => d.name === name);
}
