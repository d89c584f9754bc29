import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from '../support/runCli';
import { createFileAccess } from '../../src/node/fileAccess';

/** Runs `fn` with the current folder set to `dir`, then restores it. */
function from<T>(dir: string, fn: () => T): T {
  const before = process.cwd();
  process.chdir(dir);
  try {
    return fn();
  } finally {
    process.chdir(before);
  }
}

describe('the command line reads load() files only inside an explicit root', () => {
  let dir: string;
  let project: string;
  let net: string;
  before(() => {
    // dir/secret.csv, dir/project/data/ok.csv, dir/project/nets/net.nn, dir/project/..data/x.csv
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-root-')));
    project = path.join(dir, 'project');
    fs.mkdirSync(path.join(project, 'data'), { recursive: true });
    fs.mkdirSync(path.join(project, 'nets'));
    fs.mkdirSync(path.join(project, '..data'));
    fs.writeFileSync(path.join(dir, 'secret.csv'), '42\n');
    fs.writeFileSync(path.join(project, 'data', 'ok.csv'), '1,2,3\n');
    fs.writeFileSync(path.join(project, '..data', 'x.csv'), '5,6\n');
    net = path.join(project, 'nets', 'net.nn');
    fs.writeFileSync(net, 'input x = load("../data/ok.csv")\ny = sum(x)\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const read = (file: string, root: string, relative: string) => createFileAccess(file, root).read(relative);
  const refusal = (file: string, root: string, relative: string): string => {
    const r = read(file, root, relative);
    assert.equal(r.ok, false, `${relative} was read`);
    return (r as { message: string }).message;
  };

  it('defaults to the .nn file\'s own folder, never the current folder, from any folder', () => {
    for (const cwd of ['/', dir, project, os.tmpdir()]) {
      const r = from(cwd, () => cli('check', net));
      assert.equal(r.code, 1, `from ${cwd}`);
      assert.match(r.out, /its '\.\.' leads outside/);
    }
  });

  it('--root DIR makes a legitimate ../data/ok.csv readable, with the same result from any folder', () => {
    const outputs = ['/', dir, path.join(project, 'data')].map((cwd) => from(cwd, () => cli('run', net, '--json', '--root', project)));
    for (const r of outputs) {
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, outputs[0]!.out);
    }
    assert.equal(JSON.parse(outputs[0]!.out).nodes.find((n: { name: string }) => n.name === 'y').value, 6);
    assert.equal(cli('check', net, `--root=${project}`).code, 0);
  });

  it('refuses .. out of the root, even when the file exists', () => {
    assert.match(refusal(net, project, '../../secret.csv'), /inside the workspace folder.*'\.\.' leads outside/);
  });

  it('refuses absolute paths', () => {
    assert.match(refusal(net, project, path.join(dir, 'secret.csv')), /absolute path/);
  });

  it('refuses a symbolic link to outside the root, and follows one that stays inside', () => {
    fs.symlinkSync(path.join(dir, 'secret.csv'), path.join(project, 'data', 'link.csv'));
    fs.symlinkSync(dir, path.join(project, 'data', 'up'));
    fs.symlinkSync(path.join(project, 'data', 'ok.csv'), path.join(project, 'data', 'inside.csv'));
    assert.match(refusal(net, project, '../data/link.csv'), /symbolic link to outside/);
    assert.match(refusal(net, project, '../data/up/secret.csv'), /symbolic link to outside/);
    assert.equal(read(net, project, '../data/inside.csv').ok, true);
  });

  it('refuses a file with a second hard link (the other name may be outside)', () => {
    fs.linkSync(path.join(dir, 'secret.csv'), path.join(project, 'data', 'hard.csv'));
    assert.match(refusal(net, project, '../data/hard.csv'), /2 hard links/);
  });

  it('refuses a FIFO before opening it (reading would block), naming it a FIFO', () => {
    const fifo = path.join(project, 'data', 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    assert.match(refusal(net, project, '../data/pipe.csv'), /found a FIFO \(named pipe\)/);
  });

  it('says "a folder" for a folder and "none" for a missing file', () => {
    assert.match(refusal(net, project, '../data'), /found a folder/);
    assert.match(refusal(net, project, '../data/missing.csv'), /found none/);
  });

  it('reads a folder named ..data inside the root', () => {
    assert.equal(read(net, project, '../..data/x.csv').ok, true);
  });

  it('an unknown --root is a usage error', () => {
    const r = cli('check', net, '--root', path.join(dir, 'nowhere'));
    assert.equal(r.code, 2);
    assert.match(r.err, /expected a folder after --root/);
  });
});

describe('graphstep check stays a check', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-cost-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('skips the value checks of a costly tape (a 1000×1000 product) and says so', () => {
    const file = path.join(dir, 'big.nn');
    fs.writeFileSync(file, 'input a = zeros(1000, 1000)\nparam b = zeros(1000, 1000)\ny = a @ b\n');
    const r = cli('check', file);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /note: values not checked: one pass over the tape costs about 1\.0e\+9 multiply-adds/);
  });

  it('still finds a NaN in a cheap tape', () => {
    const file = path.join(dir, 'nan.nn');
    fs.writeFileSync(file, 'input x = -1\ny = sqrt(x)\n');
    assert.match(cli('check', file).out, /warning: 'y': expected finite values, found NaN/);
  });
});
