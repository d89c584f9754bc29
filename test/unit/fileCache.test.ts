import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkSource } from '../../src/core/check';
import { createFileAccess } from '../../src/node/fileAccess';

describe('load(): a file is read once per change of it', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-cache-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = (relative: string): Uint8Array => {
    const r = createFileAccess(path.join(dir, 'net.nn'), dir).read(relative);
    assert.ok(r.ok, r.ok ? '' : r.message);
    return r.bytes;
  };

  it('gives the bytes it read the first time while the file is unchanged, without reading it again', () => {
    fs.writeFileSync(path.join(dir, 'x.csv'), '1,2,3\n');
    const first = read('x.csv');
    assert.equal(Buffer.from(first).toString(), '1,2,3\n');
    assert.equal(read('x.csv'), first, 'the very same bytes: not read again');
  });

  it('reads it again once it changed, also to the same size, and when it was replaced', () => {
    const file = path.join(dir, 'x.csv');
    fs.writeFileSync(file, '1,2,3\n');
    const first = read('x.csv');
    fs.writeFileSync(file, '4,5,6\n');
    const second = read('x.csv');
    assert.notEqual(second, first);
    assert.equal(Buffer.from(second).toString(), '4,5,6\n');
    fs.rmSync(file);
    fs.writeFileSync(file, '7,8,9\n');
    assert.equal(Buffer.from(read('x.csv')).toString(), '7,8,9\n');
  });

  it('is what a check sees: the new values after the file changed', () => {
    fs.writeFileSync(path.join(dir, 'x.csv'), '1,2\n');
    const check = (): number[] => [...checkSource('input x = load("x.csv")\n', { files: createFileAccess(path.join(dir, 'net.nn'), dir) }).graph!.nodes[0]!.value!.data];
    assert.deepEqual(check(), [1, 2]);
    assert.deepEqual(check(), [1, 2]);
    fs.writeFileSync(path.join(dir, 'x.csv'), '3,4,5\n');
    assert.deepEqual(check(), [3, 4, 5]);
  });
});
