import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as l10n from '@vscode/l10n';
import { getL10nJson } from '@vscode/l10n-dev';
import { localeCandidates, useCliLanguage } from '../../src/cli/language';
import { l10nBundle, useL10nBundle } from '../../src/core/l10n';

/*
 * The code's translations: every `l10n.t('…')` and `vscode.l10n.t('…')` of the
 * sources, found by @vscode/l10n-dev (the tool VS Code's own extensions use to
 * export their strings), has its Japanese text in l10n/bundle.l10n.ja.json.
 */

const root = path.resolve(__dirname, '../..');
const l10nDir = path.join(root, 'l10n');
const japanese = JSON.parse(fs.readFileSync(path.join(l10nDir, 'bundle.l10n.ja.json'), 'utf8')) as Record<string, string>;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\d+)\}/g)].map((m) => m[1]!))].sort();

describe('the translations of the code (l10n/bundle.l10n.ja.json)', function () {
  this.timeout(60_000);
  let used: Record<string, unknown>;

  before(async () => {
    const files = [...sources(path.join(root, 'src')), ...sources(path.join(root, 'media'))];
    used = await getL10nJson(files.map((f) => ({ contents: fs.readFileSync(f, 'utf8'), extension: path.extname(f) })));
  });

  it('finds the strings of the core, the extension and the webview', () => {
    for (const key of ['Run forward pass', 'Run backward pass']) assert.ok(key in used, `${key} is used`);
    assert.ok(Object.keys(used).length >= Object.keys(japanese).length, `${Object.keys(used).length} strings`);
  });

  it('has a Japanese text for every string the code shows', () => {
    const missing = Object.keys(used).filter((key) => !japanese[key]);
    assert.deepEqual(missing, [], 'strings without a Japanese text');
  });

  it('keeps no Japanese text the code no longer shows', () => {
    assert.deepEqual(Object.keys(japanese).filter((key) => !(key in used)), []);
  });

  it('keeps every placeholder {n}: the numbers, names and code are filled in, never translated', () => {
    for (const [key, text] of Object.entries(japanese)) assert.deepEqual(placeholders(text), placeholders(key), `${key} → ${text}`);
  });

  it('uses the textbook’s Japanese terms', () => {
    assert.equal(japanese['Run forward pass'], '順伝播を実行');
    assert.equal(japanese['Run backward pass'], '逆伝播を実行');
    assert.match(japanese['Computational graph: Tab moves to the nodes, arrow keys between neighbours, Enter opens a node']!, /^計算グラフ/);
  });
});

describe('l10n.t in the core (useL10nBundle)', () => {
  afterEach(() => useL10nBundle(undefined));

  it('is English with its placeholders filled when no bundle is in use', () => {
    useL10nBundle(undefined);
    assert.equal(l10n.t('Run forward pass'), 'Run forward pass');
    assert.equal(l10n.t('{0} of {1}', 220.00000000000003, 'x'), '220.00000000000003 of x');
    assert.equal(l10nBundle(), undefined);
  });

  it('reads the bundle in use, and numbers stay in their exact form', () => {
    useL10nBundle({ 'Run forward pass': '順伝播を実行', '{0} of {1}': '{1} の {0}' });
    assert.equal(l10n.t('Run forward pass'), '順伝播を実行');
    assert.equal(l10n.t('{0} of {1}', 220.00000000000003, 'x'), 'x の 220.00000000000003');
    assert.equal(l10n.t('not in the bundle {0}', 1e21), 'not in the bundle 1e+21');
    assert.deepEqual(l10nBundle(), { 'Run forward pass': '順伝播を実行', '{0} of {1}': '{1} の {0}' });
  });
});

describe('the command line’s language (LC_ALL, LC_MESSAGES, LANG)', () => {
  afterEach(() => useL10nBundle(undefined));

  it('reads the first variable set, as Unix tools do', () => {
    assert.deepEqual(localeCandidates({ LANG: 'ja_JP.UTF-8' }), ['ja-jp', 'ja']);
    assert.deepEqual(localeCandidates({ LANG: 'ja' }), ['ja']);
    assert.deepEqual(localeCandidates({ LC_ALL: 'C', LANG: 'ja_JP.UTF-8' }), []);
    assert.deepEqual(localeCandidates({ LC_ALL: '', LC_MESSAGES: 'ja_JP.eucJP', LANG: 'C' }), ['ja-jp', 'ja']);
    assert.deepEqual(localeCandidates({ LANG: 'de_DE@euro' }), ['de-de', 'de']);
    assert.deepEqual(localeCandidates({ LANG: 'POSIX' }), []);
    assert.deepEqual(localeCandidates({ LANG: 'C.UTF-8' }), []);
    assert.deepEqual(localeCandidates({}), []);
  });

  it('uses the Japanese bundle for ja_JP.UTF-8 and English for C, unset or a language without a translation', () => {
    assert.equal(useCliLanguage({ LANG: 'ja_JP.UTF-8' }, l10nDir), 'ja');
    assert.equal(l10n.t('Run backward pass'), '逆伝播を実行');
    assert.equal(useCliLanguage({ LANG: 'C' }, l10nDir), 'en');
    assert.equal(l10n.t('Run backward pass'), 'Run backward pass');
    assert.equal(useCliLanguage({ LANG: 'ko_KR.UTF-8' }, l10nDir), 'en');
    assert.equal(useCliLanguage({}, l10nDir), 'en');
  });
});

describe('graphstep (out/cli.js) in the language LANG names', function () {
  this.timeout(60_000);
  const cliJs = path.join(root, 'out/cli.js');
  let dir: string;

  before(() => {
    assert.ok(fs.existsSync(cliJs), 'run node scripts/build.mjs first');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'graphstep-lang-'));
    fs.writeFileSync(path.join(dir, 'bad.nn'), 'input apple_num = 2\ntotal = apple_nun * 1.1\n');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the CLI with only these locale variables set (the machine's own are cleared). */
  const graphstep = (locale: Record<string, string>, ...args: string[]): { status: number | null; out: string } => {
    const env = { ...process.env, LANG: '', LC_ALL: '', LC_MESSAGES: '', LANGUAGE: '', ...locale };
    const r = spawnSync(process.execPath, [cliJs, ...args], { env, encoding: 'utf8' });
    return { status: r.status, out: r.stdout + r.stderr };
  };

  it('prints a diagnostic in Japanese for LANG=ja_JP.UTF-8, with the names and position unchanged', () => {
    const r = graphstep({ LANG: 'ja_JP.UTF-8' }, 'check', path.join(dir, 'bad.nn'));
    assert.equal(r.status, 1, r.out);
    assert.ok(r.out.includes("bad.nn:2:9: error: 定義された名前が必要ですが、未知の名前 'apple_nun' でした ('apple_num' のことですか?)"), r.out);
  });

  it('graphstep render says where on the tape its picture is in the display language', () => {
    const apple = path.join(root, 'examples/apple.nn');
    const out = path.join(dir, 'apple.svg');
    const ja = graphstep({ LANG: 'ja_JP.UTF-8' }, 'render', apple, '-o', out, '--step', '3');
    const en = graphstep({ LANG: 'C' }, 'render', apple, '-o', out, '--step', '3');
    assert.equal(ja.status, 0, ja.out);
    assert.equal(ja.out.trim(), `${out}: 逆伝播 1/2`);
    assert.equal(en.out.trim(), `${out}: backward 1/2`);
  });

  it('prints it in English for LANG=C, for no LANG, and when LC_ALL=C overrides LANG', () => {
    const english = "bad.nn:2:9: error: expected a defined name, found unknown name 'apple_nun' (did you mean 'apple_num'?)";
    const locales: Record<string, string>[] = [{ LANG: 'C' }, {}, { LC_ALL: 'C', LANG: 'ja_JP.UTF-8' }, { LANG: 'en_US.UTF-8' }];
    for (const locale of locales) {
      const r = graphstep(locale, 'check', path.join(dir, 'bad.nn'));
      assert.equal(r.status, 1, r.out);
      assert.ok(r.out.includes(english), `${JSON.stringify(locale)}: ${r.out}`);
    }
  });

  it('runs and checks the gradients in Japanese with every number exactly as in English', () => {
    const apple = path.join(root, 'examples/apple.nn');
    const ja = graphstep({ LC_MESSAGES: 'ja_JP.UTF-8' }, 'run', apple);
    const en = graphstep({ LANG: 'C' }, 'run', apple);
    assert.equal(ja.status, 0, ja.out);
    assert.ok(ja.out.startsWith("出力: total   ステップ: 順伝播 2、逆伝播 2"), ja.out);
    assert.ok(en.out.startsWith("output: total   steps: forward 2, backward 2"), en.out);
    const numbers = (text: string): string[] => text.match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g) ?? [];
    assert.deepEqual(numbers(ja.out), numbers(en.out));
    assert.ok(ja.out.includes('220.00000000000003'), ja.out);
    const check = graphstep({ LANG: 'ja_JP.UTF-8' }, 'gradcheck', apple);
    assert.equal(check.status, 0, check.out);
    assert.match(check.out, /勾配確認: 合格/);
  });

  it('prints its usage in Japanese', () => {
    const r = graphstep({ LANG: 'ja_JP.UTF-8' }, '--help');
    assert.equal(r.status, 0);
    assert.match(r.out, /^使い方: graphstep <コマンド> FILE/);
    assert.match(r.out, /勾配確認/);
  });
});
