import { Tensor } from '../tensor';

/** a + b for two tensors of the same shape: how contributions to one gradient add up. */
export function addTensors(a: Tensor, b: Tensor): Tensor {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! + b.data[i]!;
  return new Tensor(a.shape, out);
}
