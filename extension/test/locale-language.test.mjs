// node --test extension/test/ : every message in its own language, and every
// key a page uses present in both locales.
//
// Vietnamese: a word written only in ASCII letters must be a possible
// Vietnamese syllable (c, ch, nh, ng… + vowels + final) and no common English
// word, unless it is a product or technical name on the allow list below;
// technical tokens (addresses, file names, policy names in CamelCase) are
// skipped. English: no Vietnamese letters, except in the product's name and
// in quoted Vietnamese.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expandIncludes } from '../tools/pages.mjs';
import { ITEM_IDS } from '../src/selfcheck/status.js';

const EXT = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(EXT, '..');
const locales = Object.fromEntries(['vi', 'en'].map((l) => [l,
  /** @type {Record<string, {message: string}>} */ (JSON.parse(readFileSync(join(EXT, `_locales/${l}/messages.json`), 'utf8')))]));

/** Names that stay as they are in Vietnamese text (products, standards, keys on a keyboard). */
const VI_NAMES = new Set(`Zalo Chrome Chromium Firefox Edge Microsoft Google Admin console Bing DuckDuckGo YouTube SafeSearch
  Windows macOS Linux Group Policy registry URL PIN OTP Wi-Fi VPN DNS DNS-over-HTTPS HTTPS HTTP JSON Ctrl CCCD CMND CNTT
  PDQ SHA-256 manifest UT1 hostsVN Sinfonietta hostfiles Toulouse Capitole Université IT Rust Creative Commons
  web extensions Extensions policies olm example`.split(/\s+/).filter(Boolean));
/** English words that are also spelled like a Vietnamese syllable. */
const EN_WORDS = new Set(['the', 'it', 'at', 'my', 'by', 'be', 'he', 'we', 'up', 'page', 'site', 'link', 'app', 'game', 'online',
  'development', 'normal', 'admin', 'sideload', 'other', 'gambling', 'adult']);

const INITIAL = '(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?';
const SYLLABLE = new RegExp(`^${INITIAL}[aeiouy]{1,3}(ch|nh|ng|[cmnpt])?$`);

/** The English-looking words of a Vietnamese message. @param {string} text */
export function englishInVi(text) {
  const plain = text
    .replace(/Lá Chắn/g, ' ')
    .replace(/\S*[./:=_\\@]\S*/g, ' ') // addresses, file names (with their placeholders), policy values
    .replace(/\$[A-Za-z0-9_]+\$|\$\d/g, ' ') // placeholders
    .replace(/"[^"]*"/g, ' ') // a policy's literal JSON
    .replace(/“[A-Za-z]+”|\b(true|false)\b/g, ' ') // a policy key or value, quoted
    .replace(/\b[A-Z]\b/g, ' '); // a key on the keyboard (Ctrl+C)
  const words = plain.match(/[\p{L}\p{N}-]+/gu) ?? [];
  return words.filter((w) => {
    if (!/^[A-Za-z-]+$/.test(w)) return false; // has a Vietnamese letter or a digit
    if (VI_NAMES.has(w)) return false;
    if (/^[a-z]+[A-Z]|^[A-Z][a-z]+[A-Z]/.test(w)) return false; // a policy or setting name (IncognitoModeAvailability)
    if (/^[A-Z]{2,}$/.test(w)) return false; // an abbreviation
    const lower = w.toLowerCase();
    return EN_WORDS.has(lower) || !lower.split('-').every((p) => SYLLABLE.test(p));
  });
}

const VI_LETTERS = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;

/** The Vietnamese words of an English message. @param {string} text */
export function vietnameseInEn(text) {
  const plain = text.replace(/Lá Chắn/g, ' ').replace(/Université Toulouse Capitole/g, ' ')
    .replace(/[“"«][^”"»]*[”"»]/g, ' '); // quoted Vietnamese, as a parent would type it
  return (plain.match(/[\p{L}]+/gu) ?? []).filter((w) => VI_LETTERS.test(w));
}

test('the language checks catch what they are for', () => {
  assert.deepEqual(englishInVi('Cờ bạc, cá cược (gambling)'), ['gambling']);
  assert.deepEqual(englishInVi('Kiểu cài đặt: development'), ['development']);
  assert.deepEqual(englishInVi('Danh sách hostsvn-gambling'), ['hostsvn-gambling']);
  assert.deepEqual(englishInVi('Trang này có trò cờ bạc, nhắn qua Zalo, mã PIN và $P1$ phút'), []);
  assert.deepEqual(englishInVi('Đặt IncognitoModeAvailability = 1 trong policies.json'), []);
  assert.deepEqual(vietnameseInEn('Gambling (cờ bạc)'), ['cờ', 'bạc']);
  assert.deepEqual(vietnameseInEn('Lá Chắn blocks “game bài đổi thưởng” sites'), []);
});

test('no English words in a Vietnamese message', () => {
  const bad = Object.entries(locales.vi).map(([k, v]) => [k, englishInVi(v.message)]).filter(([, w]) => w.length);
  assert.deepEqual(Object.fromEntries(bad), {});
});

test('no Vietnamese words in an English message', () => {
  const bad = Object.entries(locales.en).filter(([k]) => k !== 'lang')
    .map(([k, v]) => [k, vietnameseInEn(v.message)]).filter(([, w]) => w.length);
  assert.deepEqual(Object.fromEntries(bad), {});
});

test('every key in both locales, with the same placeholders', () => {
  const vi = Object.keys(locales.vi);
  const en = Object.keys(locales.en);
  assert.deepEqual(vi.filter((k) => !locales.en[k]), [], 'in vi only');
  assert.deepEqual(en.filter((k) => !locales.vi[k]), [], 'in en only');
  for (const k of vi) {
    const holes = (/** @type {string} */ m) => [...new Set(m.match(/\$[A-Za-z0-9_]+\$|\$\d/g) ?? [])].sort();
    assert.deepEqual(holes(locales.vi[k].message), holes(locales.en[k].message), k);
  }
});

/** @param {string} dir @returns {string[]} */
const filesUnder = (dir) => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)]));

test('every key a page or script names is in both locales', () => {
  const used = new Set();
  for (const file of filesUnder(join(EXT, 'src'))) {
    if (!/\.(html|js)$/.test(file)) continue;
    let text = readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, ''); // not the comments
    if (file.endsWith('.html')) text = expandIncludes(text, file);
    for (const m of text.matchAll(/data-i18n="([A-Za-z0-9_]+)"/g)) used.add(m[1]);
    for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_]+)'/g)) used.add(m[1]);
  }
  // Keys made from a category, a self-check item or a status.
  const cats = [...readFileSync(join(ROOT, 'lists/categories.toml'), 'utf8').matchAll(/^key = "([a-z_]+)"/gm)].map((m) => m[1]);
  for (const c of [...cats, 'other']) for (const p of ['catName_', 'catWhy_', 'tip_']) used.add(p + c);
  for (const c of cats) for (const p of ['parentCat_', 'parentCatDesc_']) used.add(p + c);
  for (const id of ITEM_IDS) used.add(`scTitle_${id}`);
  for (const s of ['ok', 'missing', 'unknown', 'optional']) used.add(`scStatus_${s}`);
  for (const k of ['admin', 'development', 'normal', 'sideload', 'other']) used.add(`installType_${k}`);
  for (const a of ['block', 'warn', 'allow']) { used.add(`optBandPreview_${a}`); used.add(`action_${a}`); }
  for (const k of ['brand', 'lookalike', 'model']) used.add(`detailBy_${k}`);
  for (const k of ['durMinute', 'durMinutes', 'durHour', 'durHours', 'durHoursMinutes']) used.add(k);
  assert.ok(used.size > 150, `only ${used.size} keys found: the scan is broken`);
  for (const lang of ['vi', 'en']) {
    assert.deepEqual([...used].filter((k) => !locales[lang][k]).sort(), [], `${lang} is missing`);
  }
});
