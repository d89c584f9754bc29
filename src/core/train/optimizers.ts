import { Tensor } from '../tensor';
import { resultArray } from '../tensorMath/allocate';
import { crPow } from '../tensorMath/libm';

/*
 * The six optimizers of the textbook's common/optimizer.py, with its
 * defaults, each written operation by operation as its numpy lines evaluate
 * (Python reads `a * b / c` as `(a * b) / c`, and `x += y` is `x = x + y`),
 * so every float64 rounding is the same as numpy's. State tensors start at
 * zeros (np.zeros_like) and, like parameters, are never mutated: each update
 * makes new arrays (every element written, so from `resultArray`).
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
  /** An independent state equal to this one: it makes the updates this one would make next (a training checkpoint). */
  copy(): OptimizerState;
  /** Bytes the state's own arrays hold (v, h, m: none for sgd). */
  readonly stateBytes: number;
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

/**
 * A per-parameter update: reads p and g and the parameter's state vectors,
 * puts new state vectors in their place (the old ones are never written, so
 * a copy of the list is a checkpoint), and returns the new p. `t` counts the
 * updates, from 1.
 */
type Step = (p: Float64Array, g: Float64Array, state: Float64Array[], t: number) => Float64Array;

class StepOptimizer implements OptimizerState {
  constructor(
    private readonly step: Step,
    private readonly state: Float64Array[][],
    private t = 0,
  ) {}

  update(params: readonly Tensor[], grads: readonly Tensor[]): Tensor[] {
    this.t++;
    return params.map((p, k) => new Tensor(p.shape, this.step(p.data, grads[k]!.data, this.state[k]!, this.t)));
  }

  copy(): OptimizerState {
    return new StepOptimizer(this.step, this.state.map((s) => s.slice()), this.t);
  }

  get stateBytes(): number {
    let bytes = 0;
    for (const s of this.state) for (const v of s) bytes += v.byteLength;
    return bytes;
  }
}

/** An optimizer keeping `vectors` state vectors per parameter, each starting at zeros (np.zeros_like). */
function optimizer(shapes: readonly (readonly number[])[], vectors: number, step: Step): OptimizerState {
  const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  return new StepOptimizer(
    step,
    shapes.map((s) => Array.from({ length: vectors }, () => new Float64Array(size(s)))),
  );
}

const sgd: OptimizerDef = {
  name: 'sgd',
  hyper: [{ name: 'lr', default: 0.01 }],
  rule: '{W} ← {W} − lr·∂{W}',
  doc: 'W -= lr * dW',
  create: (h, shapes) =>
    optimizer(shapes, 0, (p, g) => {
      const lr = h.lr!;
      const out = resultArray(p.length);
      for (let i = 0; i < p.length; i++) out[i] = p[i]! - lr * g[i]!;
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
  create: (h, shapes) =>
    optimizer(shapes, 1, (p, g, state) => {
      const vk = resultArray(p.length);
      const out = resultArray(p.length);
      const old = state[0]!;
      const { lr, momentum } = h as { lr: number; momentum: number };
      for (let i = 0; i < p.length; i++) {
        vk[i] = momentum * old[i]! - lr * g[i]!;
        out[i] = p[i]! + vk[i]!;
      }
      state[0] = vk;
      return out;
    }),
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
    const mm = h.momentum! * h.momentum!;
    const step = (1 + h.momentum!) * h.lr!;
    return optimizer(shapes, 1, (p, g, state) => {
      const vk = resultArray(p.length);
      const out = resultArray(p.length);
      const old = state[0]!;
      const { lr, momentum } = h as { lr: number; momentum: number };
      for (let i = 0; i < p.length; i++) {
        vk[i] = old[i]! * momentum - lr * g[i]!;
        out[i] = p[i]! + mm * vk[i]! - step * g[i]!;
      }
      state[0] = vk;
      return out;
    });
  },
};

const adagrad: OptimizerDef = {
  name: 'adagrad',
  hyper: [{ name: 'lr', default: 0.01 }],
  rule: 'h ← h + ∂{W}²;  {W} ← {W} − lr·∂{W} / (√h + 1e-7)',
  doc: 'h += dW*dW; W -= lr*dW / (sqrt(h) + 1e-7)',
  create: (h, shapes) =>
    optimizer(shapes, 1, (p, g, state) => {
      const hk = resultArray(p.length);
      const out = resultArray(p.length);
      const old = state[0]!;
      const lr = h.lr!;
      for (let i = 0; i < p.length; i++) {
        hk[i] = old[i]! + g[i]! * g[i]!;
        out[i] = p[i]! - (lr * g[i]!) / (Math.sqrt(hk[i]!) + EPS);
      }
      state[0] = hk;
      return out;
    }),
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
    const rest = 1 - h.decay_rate!;
    return optimizer(shapes, 1, (p, g, state) => {
      const hk = resultArray(p.length);
      const out = resultArray(p.length);
      const old = state[0]!;
      const lr = h.lr!;
      const decay = h.decay_rate!;
      for (let i = 0; i < p.length; i++) {
        hk[i] = old[i]! * decay + rest * g[i]! * g[i]!;
        out[i] = p[i]! - (lr * g[i]!) / (Math.sqrt(hk[i]!) + EPS);
      }
      state[0] = hk;
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
    const b1 = h.beta1!;
    const b2 = h.beta2!;
    let lrAt = 0;
    let lrT = 0;
    return optimizer(shapes, 2, (p, g, state, t) => {
      if (lrAt !== t) {
        lrT = (h.lr! * Math.sqrt(1.0 - crPow(b2, t))) / (1.0 - crPow(b1, t));
        lrAt = t;
      }
      const mk = resultArray(p.length);
      const vk = resultArray(p.length);
      const out = resultArray(p.length);
      const mOld = state[0]!;
      const vOld = state[1]!;
      for (let i = 0; i < p.length; i++) {
        mk[i] = mOld[i]! + (1 - b1) * (g[i]! - mOld[i]!);
        vk[i] = vOld[i]! + (1 - b2) * (g[i]! * g[i]! - vOld[i]!);
        out[i] = p[i]! - (lrT * mk[i]!) / (Math.sqrt(vk[i]!) + EPS);
      }
      state[0] = mk;
      state[1] = vk;
      return out;
    });
  },
};

/** Every optimizer, by the name a `train` statement calls it. */
export const OPTIMIZERS: readonly OptimizerDef[] = [sgd, momentum, nesterov, adagrad, rmsprop, adam];

export function optimizerByName(name: string): OptimizerDef | undefined {
  return OPTIMIZERS.find((o) => o.name === name);
}
