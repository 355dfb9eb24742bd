// node --test extension/test/ : the warning page's grown-ups' details in
// words (warning/details.js) and the register per age band (shared/band-words.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detailRows, sourceWords } from '../src/warning/details.js';
import { bandKey, bandVariant } from '../src/shared/band-words.js';

const locale = (/** @type {string} */ l) => JSON.parse(readFileSync(new URL(`../_locales/${l}/messages.json`, import.meta.url), 'utf8'));
const vi = locale('vi');
const en = locale('en');
/** chrome.i18n's getMessage with $P1$… substitutions, and the key for a missing message (as platform.js's t). @param {any} m */
const tOf = (m) => (/** @type {string} */ key, /** @type {string | string[]} */ subs = []) => {
  const list = Array.isArray(subs) ? subs : [subs];
  return m[key] ? m[key].message.replace(/\$P(\d)\$/g, (/** @type {string} */ _, /** @type {string} */ n) => list[Number(n) - 1]) : key;
};

test('details: category, list and band in words, never their keys', () => {
  const rows = Object.fromEntries(detailRows({ category: 'gambling', source: 'hostsvn-gambling', rule: 'casino.test', band: '6-10', match_kind: 'domain' }, tOf(vi)));
  assert.equal(rows.detailCategory, 'Cờ bạc, cá cược');
  assert.equal(rows.detailSource, 'Danh sách cờ bạc, cá cược của hostsVN');
  assert.equal(rows.detailRule, 'casino.test');
  assert.equal(rows.detailBand, '6 đến 10 tuổi');
  assert.ok(!Object.values(rows).some((v) => /gambling|hostsvn-|6-10/.test(v)), JSON.stringify(rows));
  const en1 = Object.fromEntries(detailRows({ category: 'gambling', source: 'hostsvn-gambling', band: '15-17' }, tOf(en)));
  assert.equal(en1.detailCategory, 'Gambling and betting');
  assert.equal(en1.detailSource, 'The hostsVN list for gambling and betting');
  assert.equal(en1.detailBand, '15 to 17');
});

test('sources: the parent\'s and the school\'s lists, the project\'s own, and what an unknown one lists', () => {
  const t = tOf(vi);
  assert.equal(sourceWords('parent', 'adult', t), 'Danh sách “Luôn chặn” của phụ huynh');
  assert.equal(sourceWords('school', null, t), 'Danh sách chặn của nhà trường');
  assert.equal(sourceWords('lachan-self-harm', 'self_harm', t), 'Danh sách tự hại, tự tử của nhóm Lá Chắn');
  assert.equal(sourceWords('ut1-agressif', 'violence', tOf(en)), 'The UT1 list for violence, gore and hate');
  assert.equal(sourceWords('e2e-gambling', 'gambling', t), 'Một danh sách cờ bạc, cá cược');
  assert.equal(sourceWords('e2e-gambling', 'gambling', tOf(en)), 'A list for gambling and betting');
  assert.equal(sourceWords(null, 'adult', t), '');
});

test('details: how a name matched, in words; an unknown category reads as "other reasons"', () => {
  const rows = Object.fromEntries(detailRows({ category: 'mystery', match_kind: 'model', score: 0.991 }, tOf(vi)));
  assert.equal(rows.detailCategory, 'Lý do khác');
  assert.equal(rows.detailHow, 'Lá Chắn đánh giá theo tên trang');
  assert.equal(rows.detailNameScore, '0.99');
  assert.ok(Object.keys(detailRows({ match_kind: 'brand', rule: 'vietcombank.com.vn' }, tOf(vi))).length);
  assert.deepEqual(detailRows({ match_kind: 'brand', rule: 'vcb.vn' }, tOf(vi))[1], ['detailLooksLike', 'vcb.vn']);
});

test('bands: young for under 11, teen for 15-17, the plain key for 11-14 or a missing variant', () => {
  const has = (/** @type {string} */ k) => Boolean(vi[k]);
  assert.equal(bandVariant('6-10'), 'young');
  assert.equal(bandVariant('under-6'), 'young');
  assert.equal(bandVariant('15-17'), 'teen');
  assert.equal(bandVariant('11-14'), '');
  assert.equal(bandKey('continueIntro', '15-17', has), 'continueIntro_teen');
  assert.equal(bandKey('continueIntro', '6-10', has), 'continueIntro_young');
  assert.equal(bandKey('continueIntro', '11-14', has), 'continueIntro');
  assert.equal(bandKey('goBack', '15-17', has), 'goBack');
  assert.equal(bandKey('continueIntro', '', has), 'continueIntro');
});

test('every band variant has its plain key, and 15-17 never says "a grown-up" or "người bạn tin tưởng"', () => {
  for (const m of [vi, en]) {
    for (const k of Object.keys(m).filter((k) => /_(young|teen)$/.test(k))) assert.ok(m[k.replace(/_(young|teen)$/, '')], k);
  }
  for (const k of Object.keys(vi).filter((k) => k.endsWith('_teen'))) {
    assert.doesNotMatch(vi[k].message, /người lớn|người bạn tin tưởng/, k);
    assert.doesNotMatch(en[k].message, /grown-up/, k);
  }
  for (const m of Object.values(vi)) assert.doesNotMatch(/** @type {any} */ (m).message, /người bạn tin tưởng/);
});
