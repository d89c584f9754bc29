import { Tensor } from '../tensor';
import { resultArray } from '../tensorMath/allocate';

/** a + b for two tensors of the same shape: how contributions to one gradient add up. */
export function addTensors(a: Tensor, b: Tensor): Tensor {
  const out = resultArray(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! + b.data[i]!;
  return new Tensor(a.shape, out);
}
