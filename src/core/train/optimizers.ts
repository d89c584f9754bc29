import { Tensor } from '../tensor';
import { crPow } from '../tensorMath/libm';

/*
 * The six optimizers of the textbook's common/optimizer.py, with its
 * defaults, each written operation by operation as its numpy lines evaluate
 * (Python reads `a * b / c` as `(a * b) / c`, and `x += y` is `x = x + y`),
 * so every float64 rounding is the same as numpy's. State tensors start at
 * zeros (np.zeros_like) and, like parameters, are never mutated: each update
 * makes new arrays.
 */

/** One hyper-parameter of an optimizer and its default. */
export interface HyperParameter {
  readonly name: string;
  readonly default: number;
}

/** An optimizer's state for one set of parameters. */
export interface OptimizerState {
  /** The parameters after one update with these gradients (same order). */
  update(params: readonly Tensor[], grads: readonly Tensor[]): Tensor[];
}

/** One optimizer of the language: `sgd(lr=0.01)`. */
export interface OptimizerDef {
  readonly name: string;
  readonly hyper: readonly HyperParameter[];
  /** The update of a parameter W as a learner reads it (`W ← W − lr·∂W`). */
  readonly rule: string;
  readonly doc: string;
  create(hyper: Readonly<Record<string, number>>, shapes: readonly (readonly number[])[]): OptimizerState;
}

const EPS = 1e-7;

function zerosLike(shapes: readonly (readonly number[])[]): Float64Array[] {
  return shapes.map((s) => new Float64Array(s.reduce((a, b) => a * b, 1)));
}

/** A per-parameter update: reads p and g, may replace the parameter's state arrays, returns the new p. */
type Step = (p: Float64Array, g: Float64Array, k: number) => Float64Array;

function perParameter(step: Step): OptimizerState {
  return {
    update(params, grads) {
      return params.map((p, k) => new Tensor(p.shape, step(p.data, grads[k]!.data, k)));
    },
  };
}

const sgd: OptimizerDef = {
  name: 'sgd',
  hyper: [{ name: 'lr', default: 0.01 }],
  rule: '{W} ← {W} − lr·∂{W}',
  doc: 'W -= lr * dW',
  create: (h) =>
    perParameter((p, g) => {
      const out = new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) out[i] = p[i]! - h.lr! * g[i]!;
      return out;
    }),
};

const momentum: OptimizerDef = {
  name: 'momentum',
  hyper: [
    { name: 'lr', default: 0.01 },
    { name: 'momentum', default: 0.9 },
  ],
  rule: 'v ← momentum·v − lr·∂{W};  {W} ← {W} + v',
  doc: 'v = momentum*v - lr*dW; W += v',
  create: (h, shapes) => {
    const v = zerosLike(shapes);
    return perParameter((p, g, k) => {
      const vk = new Float64Array(p.length);
      const out = new Float64Array(p.length);
      const old = v[k]!;
      for (let i = 0; i < p.length; i++) {
        vk[i] = h.momentum! * old[i]! - h.lr! * g[i]!;
        out[i] = p[i]! + vk[i]!;
      }
      v[k] = vk;
      return out;
    });
  },
};

const nesterov: OptimizerDef = {
  name: 'nesterov',
  hyper: [
    { name: 'lr', default: 0.01 },
    { name: 'momentum', default: 0.9 },
  ],
  rule: 'v ← momentum·v − lr·∂{W};  {W} ← {W} + momentum²·v − (1 + momentum)·lr·∂{W}',
  doc: 'v *= momentum; v -= lr*dW; W += momentum*momentum*v; W -= (1 + momentum)*lr*dW',
  create: (h, shapes) => {
    const v = zerosLike(shapes);
    const mm = h.momentum! * h.momentum!;
    const step = (1 + h.momentum!) * h.lr!;
    return perParameter((p, g, k) => {
      const vk = new Float64Array(p.length);
      const out = new Float64Array(p.length);
      const old = v[k]!;
      for (let i = 0; i < p.length; i++) {
        vk[i] = old[i]! * h.momentum! - h.lr! * g[i]!;
        out[i] = p[i]! + mm * vk[i]! - step * g[i]!;
      }
      v[k] = vk;
      return out;
    });
  },
};

const adagrad: OptimizerDef = {
  name: 'adagrad',
  hyper: [{ name: 'lr', default: 0.01 }],
  rule: 'h ← h + ∂{W}²;  {W} ← {W} − lr·∂{W} / (√h + 1e-7)',
  doc: 'h += dW*dW; W -= lr*dW / (sqrt(h) + 1e-7)',
  create: (h, shapes) => {
    const acc = zerosLike(shapes);
    return perParameter((p, g, k) => {
      const hk = new Float64Array(p.length);
      const out = new Float64Array(p.length);
      const old = acc[k]!;
      for (let i = 0; i < p.length; i++) {
        hk[i] = old[i]! + g[i]! * g[i]!;
        out[i] = p[i]! - (h.lr! * g[i]!) / (Math.sqrt(hk[i]!) + EPS);
      }
      acc[k] = hk;
      return out;
    });
  },
};

const rmsprop: OptimizerDef = {
  name: 'rmsprop',
  hyper: [
    { name: 'lr', default: 0.01 },
    { name: 'decay_rate', default: 0.99 },
  ],
  rule: 'h ← decay_rate·h + (1 − decay_rate)·∂{W}²;  {W} ← {W} − lr·∂{W} / (√h + 1e-7)',
  doc: 'h *= decay_rate; h += (1 - decay_rate)*dW*dW; W -= lr*dW / (sqrt(h) + 1e-7)',
  create: (h, shapes) => {
    const acc = zerosLike(shapes);
    const rest = 1 - h.decay_rate!;
    return perParameter((p, g, k) => {
      const hk = new Float64Array(p.length);
      const out = new Float64Array(p.length);
      const old = acc[k]!;
      for (let i = 0; i < p.length; i++) {
        hk[i] = old[i]! * h.decay_rate! + rest * g[i]! * g[i]!;
        out[i] = p[i]! - (h.lr! * g[i]!) / (Math.sqrt(hk[i]!) + EPS);
      }
      acc[k] = hk;
      return out;
    });
  },
};

const adam: OptimizerDef = {
  name: 'adam',
  hyper: [
    { name: 'lr', default: 0.001 },
    { name: 'beta1', default: 0.9 },
    { name: 'beta2', default: 0.999 },
  ],
  rule: 'm ← m + (1 − β1)(∂{W} − m);  v ← v + (1 − β2)(∂{W}² − v);  {W} ← {W} − lr_t·m / (√v + 1e-7)',
  doc: 'lr_t = lr*sqrt(1 - beta2**t) / (1 - beta1**t); m += (1 - beta1)*(dW - m); v += (1 - beta2)*(dW**2 - v); W -= lr_t*m / (sqrt(v) + 1e-7)',
  create: (h, shapes) => {
    const m = zerosLike(shapes);
    const v = zerosLike(shapes);
    const b1 = h.beta1!;
    const b2 = h.beta2!;
    let iter = 0;
    return {
      update(params, grads) {
        iter++;
        const lrT = (h.lr! * Math.sqrt(1.0 - crPow(b2, iter))) / (1.0 - crPow(b1, iter));
        return params.map((param, k) => {
          const p = param.data;
          const g = grads[k]!.data;
          const mk = new Float64Array(p.length);
          const vk = new Float64Array(p.length);
          const out = new Float64Array(p.length);
          const mOld = m[k]!;
          const vOld = v[k]!;
          for (let i = 0; i < p.length; i++) {
            mk[i] = mOld[i]! + (1 - b1) * (g[i]! - mOld[i]!);
            vk[i] = vOld[i]! + (1 - b2) * (g[i]! * g[i]! - vOld[i]!);
            out[i] = p[i]! - (lrT * mk[i]!) / (Math.sqrt(vk[i]!) + EPS);
          }
          m[k] = mk;
          v[k] = vk;
          return new Tensor(param.shape, out);
        });
      },
    };
  },
};

/** Every optimizer, by the name a `train` statement calls it. */
export const OPTIMIZERS: readonly OptimizerDef[] = [sgd, momentum, nesterov, adagrad, rmsprop, adam];

export function optimizerByName(name: string): OptimizerDef | undefined {
  return OPTIMIZERS.find((o) => o.name === name);
}
