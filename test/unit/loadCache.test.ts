import * as assert from 'node:assert/strict';
import { LoadCache } from '../../src/core/ops/loadCache';

describe('LoadCache: the bytes of files load() read, by file and version', () => {
  const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

  it('gives the bytes of the version remembered, and nothing for another version', () => {
    const cache = new LoadCache(100);
    const first = bytes(1, 2, 3);
    cache.remember('mem:/a.csv', 'v1', first);
    assert.equal(cache.get('mem:/a.csv', 'v1'), first);
    assert.equal(cache.get('mem:/a.csv', 'v2'), undefined);
    assert.equal(cache.get('mem:/b.csv', 'v1'), undefined);
    cache.remember('mem:/a.csv', 'v2', bytes(4));
    assert.equal(cache.get('mem:/a.csv', 'v1'), undefined, 'one version per file');
    assert.deepEqual(cache.get('mem:/a.csv', 'v2'), bytes(4));
  });

  it('forgets a file, and every file under a folder, but not a file whose name only starts alike', () => {
    const cache = new LoadCache(100);
    cache.remember('mem:/d/x.csv', 'v', bytes(1));
    cache.remember('mem:/d/sub/y.csv', 'v', bytes(2));
    cache.remember('mem:/d.csv', 'v', bytes(3));
    cache.remember('mem:/dx/z.csv', 'v', bytes(4));
    cache.forget('mem:/d/x.csv');
    assert.equal(cache.get('mem:/d/x.csv', 'v'), undefined);
    assert.equal(cache.size, 3);
    cache.forget('mem:/d');
    assert.equal(cache.get('mem:/d/sub/y.csv', 'v'), undefined);
    assert.deepEqual(cache.get('mem:/d.csv', 'v'), bytes(3));
    assert.deepEqual(cache.get('mem:/dx/z.csv', 'v'), bytes(4));
    assert.equal(cache.size, 2);
  });

  it('holds at most its bytes, dropping the oldest first, and keeps no file larger than that', () => {
    const cache = new LoadCache(10);
    cache.remember('a', 'v', new Uint8Array(4));
    cache.remember('b', 'v', new Uint8Array(4));
    cache.remember('c', 'v', new Uint8Array(4)); // 12 > 10: a goes
    assert.equal(cache.get('a', 'v'), undefined);
    assert.ok(cache.get('b', 'v') && cache.get('c', 'v'));
    cache.remember('big', 'v', new Uint8Array(11));
    assert.equal(cache.get('big', 'v'), undefined);
    assert.equal(cache.size, 2);
    cache.remember('b', 'v2', new Uint8Array(2)); // replacing b frees its 4 bytes: c (4) + b (2) + d (4) = 10 fit
    cache.remember('d', 'v', new Uint8Array(4));
    assert.equal(cache.size, 3);
  });
});
