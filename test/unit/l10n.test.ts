import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
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
