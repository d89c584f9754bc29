import * as assert from 'node:assert/strict';
import { LegacyRandom, isValidSeed, rand, randn } from '../../src/core/random';

/* Expected values: numpy 2.4, `np.random.seed(s); np.random.randn(...)` etc. */

describe('random: numpy legacy RandomState, bit for bit', () => {
  it('MT19937 seeded like np.random.seed(int): the raw 32-bit outputs', () => {
    // np.random.MT19937()._legacy_seeding(5); random_raw(4), then output 1001
    const rng = new LegacyRandom(5);
    assert.deepEqual([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()], [953453411, 236996814, 3739766767, 3570525885]);
    const later = new LegacyRandom(5);
    for (let i = 0; i < 1000; i++) later.nextUint32();
    assert.equal(later.nextUint32(), 3818223146);
  });

  it('randn(2, 4, seed=1) equals np.random.seed(1); np.random.randn(2, 4)', () => {
    const x = randn([2, 4], 1);
    assert.deepEqual(x.shape, [2, 4]);
    assert.deepEqual(Array.from(x.data), [
      1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785, -2.3015386968802827,
      1.74481176421648, -0.7612069008951028,
    ]);
  });

  it('randn(4, 3, seed=2): the second parameter of the textbook two-layer net', () => {
    assert.deepEqual(Array.from(randn([4, 3], 2).data), [
      -0.4167578474054706, -0.056266827226329474, -2.136196095668454, 1.6402708084049886, -1.7934355851948631, -0.841747365656204,
      0.5028814171580428, -1.2452880866072316, -1.057952218862339, -0.9090076149268493, 0.5514540445464243, 2.2922080128149576,
    ]);
  });

  it('an odd count uses the cached second Box–Muller value as numpy does', () => {
    assert.deepEqual(Array.from(randn([3], 0).data), [1.764052345967664, 0.4001572083672233, 0.9787379841057392]);
  });

  it('keeps step far into the stream (seed 42, 10,000 draws)', () => {
    const x = randn([10000], 42).data;
    assert.deepEqual([0, 1, 2, 3, 4999, 9998, 9999].map((i) => x[i]), [
      0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.8480655980305086, 0.49576557301551033,
      0.6443884535381822,
    ]);
  });

  it('rand equals np.random.rand (53-bit random_sample)', () => {
    assert.deepEqual(Array.from(rand([3], 0).data), [0.5488135039273248, 0.7151893663724195, 0.6027633760716439]);
    const big = rand([1000], 123).data;
    assert.deepEqual([big[0], big[500], big[999]], [0.6964691855978616, 0.21283149856914907, 0.2948947090182449]);
    assert.deepEqual(Array.from(rand([2], 4294967295).data), [0.0976320289940138, 0.9123828453026218]);
  });

  it('accepts the seeds numpy accepts: whole numbers in 0..2^32-1', () => {
    assert.ok(isValidSeed(0));
    assert.ok(isValidSeed(4294967295));
    assert.ok(!isValidSeed(-1));
    assert.ok(!isValidSeed(4294967296));
    assert.ok(!isValidSeed(1.5));
  });
});
