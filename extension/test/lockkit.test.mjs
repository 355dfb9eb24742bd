// Lock kits (tools/lockkit.mjs, lock-kit.mjs): every generated file parses
// back in its own format — JSON, a property list (a strict parser here for the
// plist subset, plus Python's plistlib when python3 is installed), a regedit
// file (UTF-16 LE with BOM, version-5 header, escaping read back) — and the
// values read back are the inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kitFiles, parseArgs } from '../lock-kit.mjs';
import { CHROME_STORE_UPDATE_URL, EDGE_STORE_UPDATE_URL, chromiumPolicies, schemaProblems, stableUuid } from '../tools/lockkit.mjs';

const ids = JSON.parse(readFileSync(new URL('../ids.json', import.meta.url), 'utf8'));
const schema = JSON.parse(readFileSync(new URL('../src/managed_schema.json', import.meta.url), 'utf8'));
const EDGE_ID = 'abcdefghijklmnopabcdefghijklmnop';

/** Managed values with every character a format must escape. */
const MANAGED = {
  ageBand: '11-14',
  schoolName: 'Trường "Kim Đồng" & <C:\\lớp>',
  block: ['a.vn', 'b.vn'],
  allow: [],
  categories: { games: 'warn', social_networks: 'block' },
  optionsPage: false,
  safeSearch: true,
  counsellor: { name: 'Cô Lan', phone: '0901 234 567' },
  locks: ['ageBand', 'pause'],
};

/** Runs parseArgs with a policy file. @param {string[]} argv @param {any} [managed] */
function kit(argv, managed) {
  const dir = mkdtempSync(join(tmpdir(), 'lachan-kit-'));
  try {
    if (managed) { writeFileSync(join(dir, 'p.json'), JSON.stringify(managed)); argv = [...argv, '--policy', join(dir, 'p.json')]; }
    return parseArgs(argv).input;
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

// --- a strict reader for the property-list subset the kit writes -----------------------

/** @param {string} xml @returns {any} */
function parsePlist(xml) {
  const head = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n';
  assert.ok(xml.startsWith(head), 'XML declaration and plist DOCTYPE');
  const tokens = [...xml.slice(head.length).matchAll(/<(\/?)([a-z]+)( version="1\.0")?(\/?)>|([^<]+)/g)];
  let i = 0;
  const unescape = (/** @type {string} */ s) => {
    assert.doesNotMatch(s.replace(/&(amp|lt|gt);/g, ''), /[&<>]/, `unescaped markup in ${s}`);
    return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  };
  const skipSpace = () => { while (tokens[i]?.[5] !== undefined && !tokens[i][5].trim()) i++; };
  /** @returns {any} */
  const value = () => {
    skipSpace();
    const [, close, tag, , empty] = tokens[i++];
    assert.equal(close, '', `unexpected </${tag}>`);
    if (empty) {
      if (tag === 'true' || tag === 'false') return tag === 'true';
      if (tag === 'array') return [];
      if (tag === 'dict') return {};
      assert.fail(`<${tag}/>`);
    }
    const text = () => { const t = tokens[i]?.[5] !== undefined ? tokens[i++][5] : ''; end(tag); return t; };
    if (tag === 'string') return unescape(text());
    if (tag === 'integer') { const t = text(); assert.match(t, /^-?\d+$/); return Number(t); }
    if (tag === 'array') {
      const a = [];
      for (skipSpace(); tokens[i][1] !== '/'; skipSpace()) a.push(value());
      end('array');
      return a;
    }
    if (tag === 'dict') {
      /** @type {Record<string, any>} */
      const d = {};
      for (skipSpace(); tokens[i][1] !== '/'; skipSpace()) {
        assert.equal(tokens[i++][2], 'key', 'a dict holds key/value pairs');
        const k = unescape(tokens[i++][5]);
        end('key');
        assert.ok(!(k in d), `duplicate key ${k}`);
        d[k] = value();
      }
      end('dict');
      return d;
    }
    return assert.fail(`unknown tag <${tag}>`);
  };
  const end = (/** @type {string} */ tag) => { const t = tokens[i++]; assert.ok(t[1] === '/' && t[2] === tag, `</${tag}> expected, got ${t[0]}`); };
  assert.equal(tokens[i][2], 'plist');
  assert.equal(tokens[i++][3], ' version="1.0"');
  const v = value();
  skipSpace();
  end('plist');
  skipSpace();
  assert.equal(i, tokens.length, 'nothing after </plist>');
  return v;
}

// --- a reader for regedit files ---------------------------------------------------------

/** @param {Buffer} bytes @returns {Map<string, Map<string, string | number>>} key → value name → value */
function parseReg(bytes) {
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe], 'UTF-16 LE byte-order mark');
  const text = bytes.subarray(2).toString('utf16le');
  assert.ok(text.endsWith('\r\n'), 'ends with CRLF');
  const lines = text.slice(0, -2).split('\r\n');
  assert.equal(lines[0], 'Windows Registry Editor Version 5.00');
  assert.ok(!/(^|[^\r])\n/.test(text), 'only CRLF line ends');
  /** @type {Map<string, Map<string, string | number>>} */
  const keys = new Map();
  /** @type {Map<string, string | number> | null} */
  let cur = null;
  const str = /"((?:[^"\\]|\\[\\"])*)"/;
  const unq = (/** @type {string} */ s) => s.replace(/\\([\\"])/g, '$1');
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const key = line.match(/^\[(HKEY_LOCAL_MACHINE\\[^\]]+)\]$/);
    if (key) { assert.ok(!keys.has(key[1]), `key ${key[1]} twice`); cur = new Map(); keys.set(key[1], cur); continue; }
    const m = line.match(new RegExp(`^${str.source}=(?:${str.source}|dword:([0-9a-f]{8}))$`));
    assert.ok(m && cur, `not a value line: ${line}`);
    cur.set(unq(m[1]), m[3] !== undefined ? parseInt(m[3], 16) : unq(m[2]));
  }
  return keys;
}

/** Rebuilds a policy object from registry subkeys (numbered values → a list). @param {Map<string, Map<string, any>>} keys @param {string} root */
function fromReg(keys, root) {
  /** @type {any} */
  const obj = Object.fromEntries(keys.get(root) ?? []);
  for (const [k] of keys) {
    if (!k.startsWith(`${root}\\`) || k.slice(root.length + 1).includes('\\')) continue;
    const name = k.slice(root.length + 1);
    const sub = fromReg(keys, k);
    const names = Object.keys(sub);
    // An empty key is an empty list (the only empty value the inputs have).
    obj[name] = names.every((n, i) => n === String(i + 1)) ? names.map((n) => sub[n]) : sub;
  }
  return obj;
}

/** The managed values as the registry holds them (booleans as DWORDs). */
const MANAGED_AS_REG = Object.fromEntries(Object.entries(MANAGED)
  .map(([k, v]) => [k, typeof v === 'boolean' ? Number(v) : v]));

// --- tests -------------------------------------------------------------------------------

test('defaults: store ids and URLs of ids.json, private windows off, 17 files; every JSON parses', () => {
  const k = kit([]);
  assert.equal(k.chromeId, ids.chromium);
  assert.equal(k.edgeId, ids.chromium, 'Edge installs the Chrome Web Store listing by default');
  assert.equal(k.chromeUpdateUrl, CHROME_STORE_UPDATE_URL);
  assert.equal(k.edgeUpdateUrl, CHROME_STORE_UPDATE_URL);
  assert.equal(k.privateWindows, 'disable');
  const files = kitFiles(k);
  assert.equal(files.size, 17);
  for (const [name, data] of files) if (name.endsWith('.json')) assert.doesNotThrow(() => JSON.parse(String(data)), name);
});

test('Linux JSON: force-install, pin, DevTools, developer mode, guest, incognito off, managed values under 3rdparty', () => {
  const url = 'https://school.example/lachan/updates.xml';
  const files = kitFiles(kit(['--update-url', url, '--edge-id', EDGE_ID], MANAGED));
  const chrome = JSON.parse(String(files.get('linux/chrome.json')));
  assert.deepEqual(chrome.ExtensionInstallForcelist, [`${ids.chromium};${url}`]);
  assert.deepEqual(chrome.ExtensionSettings, { [ids.chromium]: { installation_mode: 'force_installed', update_url: url, toolbar_pin: 'force_pinned' } });
  assert.equal(chrome.DeveloperToolsAvailability, 2);
  assert.equal(chrome.ExtensionDeveloperModeSettings, 1);
  assert.equal(chrome.BrowserGuestModeEnabled, false);
  assert.equal(chrome.IncognitoModeAvailability, 1);
  assert.equal(chrome.InPrivateModeAvailability, undefined);
  assert.deepEqual(chrome['3rdparty'], { extensions: { [ids.chromium]: MANAGED } });
  assert.deepEqual(JSON.parse(String(files.get('linux/chromium.json'))), chrome, 'Chromium reads the same policies');
  const edge = JSON.parse(String(files.get('linux/edge.json')));
  assert.deepEqual(edge.ExtensionInstallForcelist, [`${EDGE_ID};${url}`]);
  assert.equal(edge.ExtensionSettings[EDGE_ID].toolbar_state, 'force_shown');
  assert.equal(edge.InPrivateModeAvailability, 1);
  assert.equal(edge.IncognitoModeAvailability, undefined);
  assert.deepEqual(Object.keys(edge['3rdparty'].extensions), [EDGE_ID]);
});

test('--private allow: no incognito policy for Chromium; Firefox lets the add-on run in private windows', () => {
  const files = kitFiles(kit(['--private', 'allow', '--block-other-extensions']));
  const chrome = JSON.parse(String(files.get('linux/chrome.json')));
  assert.equal('IncognitoModeAvailability' in chrome, false);
  assert.deepEqual(chrome.ExtensionSettings['*'], { installation_mode: 'blocked' });
  const ff = JSON.parse(String(files.get('firefox/policies.json'))).policies;
  assert.equal(ff.ExtensionSettings[ids.gecko].private_browsing, true);
  assert.equal('DisablePrivateBrowsing' in ff, false);
  assert.deepEqual(ff.ExtensionSettings['*'], { installation_mode: 'blocked' });
  assert.match(String(files.get('windows/README.en.md')), /No Chrome or Edge policy makes an extension run in incognito/);
});

test('Firefox policies.json: force_installed from the given xpi, private windows off, DevTools and about:config blocked, 3rdparty Extensions', () => {
  const xpi = 'https://school.example/lachan-firefox.xpi';
  const ff = JSON.parse(String(kitFiles(kit(['--xpi-url', xpi], MANAGED)).get('firefox/policies.json')));
  assert.deepEqual(Object.keys(ff), ['policies']);
  const p = ff.policies;
  assert.deepEqual(p.ExtensionSettings, { [ids.gecko]: { installation_mode: 'force_installed', install_url: xpi } });
  assert.equal(p.DisablePrivateBrowsing, true);
  assert.equal(p.DisableDeveloperTools, true);
  assert.equal(p.BlockAboutConfig, true);
  assert.equal(p.DisableSafeMode, true, 'Troubleshoot Mode turns every add-on off');
  assert.deepEqual(p['3rdparty'], { Extensions: { [ids.gecko]: MANAGED } }, 'capital E, as Firefox reads it');
});

test('.reg: UTF-16 LE + BOM, version 5 header, CRLF, escaped quotes and backslashes; values read back equal the inputs', () => {
  const url = 'https://school.example/u.xml';
  const k = kit(['--update-url', url, '--edge-id', EDGE_ID], MANAGED);
  const files = kitFiles(k);
  for (const [browser, root, id] of [['chrome', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome', ids.chromium],
    ['edge', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge', EDGE_ID]]) {
    const keys = parseReg(/** @type {Buffer} */ (files.get(`windows/lachan-${browser}.reg`)));
    const top = keys.get(root);
    assert.ok(top, `${root} present`);
    const want = chromiumPolicies(k, /** @type {any} */ (browser));
    assert.deepEqual(JSON.parse(String(top.get('ExtensionSettings'))), want.ExtensionSettings, 'ExtensionSettings: one REG_SZ of JSON');
    assert.equal(top.get('DeveloperToolsAvailability'), 2);
    assert.equal(top.get('ExtensionDeveloperModeSettings'), 1);
    assert.equal(top.get('BrowserGuestModeEnabled'), 0);
    assert.equal(top.get(browser === 'edge' ? 'InPrivateModeAvailability' : 'IncognitoModeAvailability'), 1);
    assert.deepEqual([...(keys.get(`${root}\\ExtensionInstallForcelist`) ?? [])], [['1', `${id};${url}`]]);
    assert.deepEqual(fromReg(keys, `${root}\\3rdparty\\extensions\\${id}\\policy`), MANAGED_AS_REG);
  }
  // The escaping itself, on the raw text.
  const raw = /** @type {Buffer} */ (files.get('windows/lachan-chrome.reg')).subarray(2).toString('utf16le');
  assert.ok(raw.includes('"schoolName"="Trường \\"Kim Đồng\\" & <C:\\\\lớp>"'), 'quotes and backslash escaped, Vietnamese kept');
});

test('.mobileconfig: a well-formed property list; payloads for Chrome/Edge and the extension domain; values equal the inputs', () => {
  const k = kit(['--edge-id', EDGE_ID], MANAGED);
  const files = kitFiles(k);
  for (const [browser, domain, id] of [['chrome', 'com.google.Chrome', ids.chromium], ['edge', 'com.microsoft.Edge', EDGE_ID]]) {
    const xml = String(files.get(`macos/lachan-${browser}.mobileconfig`));
    const p = parsePlist(xml);
    assert.equal(p.PayloadType, 'Configuration');
    assert.equal(p.PayloadScope, 'System');
    assert.match(p.PayloadUUID, /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    assert.equal(p.PayloadContent.length, 2);
    const [pol, ext] = p.PayloadContent;
    assert.equal(pol.PayloadType, domain);
    const { PayloadType, PayloadVersion, PayloadIdentifier, PayloadUUID, PayloadDisplayName, ...policies } = pol;
    assert.deepEqual(policies, chromiumPolicies(k, /** @type {any} */ (browser)));
    assert.equal(ext.PayloadType, `${domain}.extensions.${id}`);
    const { PayloadType: t2, PayloadVersion: v2, PayloadIdentifier: i2, PayloadUUID: u2, PayloadDisplayName: d2, ...managed } = ext;
    assert.deepEqual(managed, MANAGED);
    assert.equal(new Set([p.PayloadUUID, pol.PayloadUUID, ext.PayloadUUID]).size, 3, 'distinct UUIDs');
    const py = spawnSync('python3', ['-c', 'import plistlib,sys,json; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))'], { input: xml });
    if (py.status === 0) assert.deepEqual(JSON.parse(String(py.stdout)), p, 'plistlib reads the same');
    else if (py.error === undefined) assert.fail(`plistlib refused the profile: ${py.stderr}`);
  }
  assert.equal(stableUuid('x'), stableUuid('x'));
  assert.notEqual(stableUuid('x'), stableUuid('y'));
});

test('bad inputs: a clear error, nothing returned', () => {
  assert.throws(() => kit(['--private', 'maybe']), /private windows "maybe"/);
  assert.throws(() => kit(['--chrome-id', 'xyz']), /not an extension id/);
  assert.throws(() => kit(['--update-url', 'ftp://x/']), /use https/);
  assert.throws(() => kit(['--edge-store']), /--edge-store needs --edge-id/);
  assert.throws(() => kit(['--frobnicate']), /unknown argument --frobnicate/);
  assert.throws(() => kit([], { ageBand: '12', extra: 1 }), /ageBand: "12" is not one of[\s\S]*extra: unknown key/);
  assert.throws(() => kit([], { categories: { games: 'maybe' } }), /categories\.games/);
  assert.deepEqual(schemaProblems(MANAGED, schema), []);
  assert.equal(kit(['--edge-store', '--edge-id', EDGE_ID]).edgeUpdateUrl, EDGE_STORE_UPDATE_URL);
});

test('READMEs in vi and en per kit; a self-hosted URL states the Windows and macOS limits', () => {
  const files = kitFiles(kit(['--update-url', 'https://school.example/u.xml']));
  for (const kitName of ['windows', 'macos', 'linux', 'firefox']) {
    assert.match(String(files.get(`${kitName}/README.vi.md`)), /^# Bộ khóa Lá Chắn/);
    assert.match(String(files.get(`${kitName}/README.en.md`)), /^# Lá Chắn lock kit/);
  }
  assert.match(String(files.get('windows/README.en.md')), /self-hosted address: on an ordinary home computer the browser ignores it/);
  assert.match(String(files.get('macos/README.en.md')), /it needs an MDM/);
  assert.match(String(files.get('windows/README.vi.md')), /địa chỉ tự lưu trữ/);
  assert.match(String(kitFiles(kit([])).get('windows/README.en.md')), /uses the store id, so it works on a home computer/);
});

test('--packages: the id and update URL of package.mjs\'s packages.json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lachan-kit-pkg-'));
  try {
    const meta = join(dir, 'packages.json');
    writeFileSync(meta, JSON.stringify({ crxId: EDGE_ID, updateUrl: 'https://school.example/lachan/updates.xml' }));
    const k = parseArgs(['--packages', meta]).input;
    assert.equal(k.chromeId, EDGE_ID);
    assert.equal(k.edgeId, EDGE_ID);
    assert.equal(k.chromeUpdateUrl, 'https://school.example/lachan/updates.xml');
    writeFileSync(meta, '{}');
    assert.throws(() => parseArgs(['--packages', meta]), /no crxId and updateUrl/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('the CLI writes the kit folder', () => {
  const out = mkdtempSync(join(tmpdir(), 'lachan-kit-out-'));
  try {
    const log = execFileSync('node', [new URL('../lock-kit.mjs', import.meta.url).pathname, '--out', out], { encoding: 'utf8' });
    assert.match(log, /17 files/);
    assert.equal(JSON.parse(readFileSync(join(out, 'linux/chromium.json'), 'utf8')).ExtensionInstallForcelist[0], `${ids.chromium};${CHROME_STORE_UPDATE_URL}`);
  } finally { rmSync(out, { recursive: true, force: true }); }
});
