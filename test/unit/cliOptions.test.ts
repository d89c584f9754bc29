import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from '../support/runCli';

const apple = path.resolve(__dirname, '../../examples/apple.nn');

describe('the graphstep command line: options', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-options-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the options it expected when it meets an unknown one, and exits 2', () => {
    const r = cli('run', apple, '--jsn');
    assert.equal(r.code, 2);
    assert.match(r.err, /expected one of the options --json, --expand, --root DIR, found '--jsn'/);
    assert.equal(r.out, '');
  });

  it('takes --opt=value and --opt value alike', () => {
    const a = cli('train', path.resolve(__dirname, '../../examples/optimizers.nn'), '--steps=3', '--json');
    const b = cli('train', path.resolve(__dirname, '../../examples/optimizers.nn'), '--steps', '3', '--json');
    assert.equal(a.code, 0, a.err);
    assert.equal(JSON.parse(a.out).steps, 3);
    assert.equal(a.out, b.out);
  });

  it('says what it expected after an option with no value, or a value that is not a whole number', () => {
    assert.match(cli('train', apple, '--steps').err, /expected N after --steps, found nothing/);
    assert.match(cli('train', apple, '--steps', '--json').err, /expected N after --steps, found another option/);
    assert.match(cli('train', apple, '--steps', '2.5').err, /expected a whole number ≥ 1 after --steps, found '2\.5'/);
    assert.match(cli('train', apple, '--max-tensor-elements=0').err, /expected a whole number ≥ 1 after --max-tensor-elements, found '0'/);
  });

  it('refuses a value given to a flag and a second FILE', () => {
    assert.match(cli('run', apple, '--json=yes').err, /expected no value after --json, found one/);
    const r = cli('check', apple, apple);
    assert.equal(r.code, 2);
    assert.match(r.err, /expected one FILE, found 2/);
  });

  it('checks --root: missing, a file, no such folder', () => {
    assert.match(cli('check', apple, '--root').err, /expected a folder after --root, found nothing/);
    assert.match(cli('check', apple, '--root=').err, /expected a folder after --root, found nothing/);
    assert.match(cli('check', apple, '--root', apple).err, /expected a folder after --root, found a file at /);
    assert.match(cli('check', apple, '--root', path.join(dir, 'nowhere')).err, /expected a folder after --root, found no folder at /);
  });

  it('render takes -o and --output alike, and the other options by name', () => {
    const short = path.join(dir, 'a.svg');
    const long = path.join(dir, 'b.svg');
    assert.equal(cli('render', apple, '-o', short, '--step', '2', '--view', 'values').code, 0);
    assert.equal(cli('render', apple, '--output', long, '--step=2', '--view=values').code, 0);
    assert.equal(fs.readFileSync(short, 'utf8'), fs.readFileSync(long, 'utf8'));
    assert.match(cli('render', apple, '-o', short, '--view', 'nodes').err, /expected 'operations' or 'values' after --view, found 'nodes'/);
    assert.match(cli('render', apple, '-x').err, /expected one of the options -o\/--output OUT\.svg, .*found '-x'/);
  });

  it('import takes --input more than once and checks each NAME=FILE', () => {
    const r = cli('import', path.join(dir, 'm.onnx'), '-o', path.join(dir, 'm.nn'), '--input', 'x=a.npy', '--input', 'y');
    assert.equal(r.code, 2);
    assert.match(r.err, /expected NAME=FILE\.npy after --input, found 'y'/);
  });
});
