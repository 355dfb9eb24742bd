// node --test extension/test/ : the report text (src/shared/report.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatReport, reportHash, reportParams, reportQuery, reportTime, reportUrl, MAX_URL_CHARS } from '../src/shared/report.js';

import { messages, tOf } from '../tools/i18n-stub.mjs';
const HASH = 'd8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22';
const TIME = Date.UTC(2026, 10, 24, 10, 5); // 2026-11-24 10:05 UTC

test('reportTime: the local clock and the local date, no UTC offset', () => {
  const vi = tOf('vi');
  const en = tOf('en');
  assert.equal(reportTime(TIME, 420, vi), '17:05 ngày 24/11/2026');
  assert.equal(reportTime(TIME, 420, en), '2026-11-24 at 17:05');
  assert.equal(reportTime(TIME, -330, en), '2026-11-24 at 04:35');
  // The local date, not the UTC one: 20:00 UTC on 31 December is New Year's morning in Vietnam.
  assert.equal(reportTime(Date.UTC(2026, 11, 31, 20, 0), 420, vi), '03:00 ngày 01/01/2027');
  for (const t of [vi, en]) assert.doesNotMatch(reportTime(TIME, 420, t), /UTC|[+-]\d\d:\d\d/);
});

test('reportUrl: drops user info and fragment, keeps path and query, caps the length', () => {
  assert.equal(reportUrl('http://user:secret@bad.test:8080/a/b?q=1#frag'), 'http://bad.test:8080/a/b?q=1');
  assert.equal(reportUrl('  https://x.test/  '), 'https://x.test/');
  assert.equal(reportUrl('not a url'), 'not a url');
  const long = reportUrl(`https://x.test/${'a'.repeat(5000)}`);
  assert.equal(long.length, MAX_URL_CHARS + 1);
  assert.ok(long.endsWith('…'));
});

test('reportHash: only 64 hex digits pass', () => {
  assert.equal(reportHash(HASH.toUpperCase()), HASH);
  assert.equal(reportHash('abc'), '');
  assert.equal(reportHash(`${HASH.slice(1)}g`), '');
  assert.equal(reportHash(null), '');
});

test('formatReport (vi): page, category, time, and the matched image', () => {
  const text = formatReport({ url: 'http://a@shop.test/p#x', category: 'image_match', time: TIME, tzOffsetMin: 420,
    image: { hash: HASH, source: 'test-list', id: 'case\n17', distance: 16 } }, tOf('vi'), (c) => `name-of-${c}`);
  assert.deepEqual(text.split('\n'), [
    'Báo cáo nội dung không an toàn cho trẻ em (soạn bằng Lá Chắn)',
    'Trang: http://shop.test/p',
    'Loại: name-of-image_match',
    'Thời gian: 17:05 ngày 24/11/2026',
    `Hình ảnh khớp danh sách: PDQ ${HASH}`,
    'Danh sách: test-list / case 17',
    'Khoảng cách: 16/256',
    'Tôi gửi báo cáo này để nhờ Tổng đài 111 giúp đỡ.',
  ]);
});

test('formatReport (en): no category, no image → no such lines', () => {
  const text = formatReport({ url: 'https://news.test/', time: TIME, tzOffsetMin: 0 }, tOf('en'));
  assert.deepEqual(text.split('\n'), [
    'Report of content unsafe for children (prepared with Lá Chắn)',
    'Page: https://news.test/',
    'Time: 2026-11-24 at 10:05',
    'I am sending this report to ask the 111 hotline for help.',
  ]);
  // A malformed hash is never printed.
  assert.ok(!formatReport({ url: 'x', time: TIME, tzOffsetMin: 0, image: { hash: 'zz' } }, tOf('en')).includes('PDQ'));
});

test('formatReport: the category in words, never its key', () => {
  for (const lang of ['vi', 'en']) {
    const m = messages(lang);
    const name = (/** @type {string} */ c) => m[`catName_${c}`].message;
    const text = formatReport({ url: 'https://bet.test/', category: 'gambling', time: TIME, tzOffsetMin: 420 }, tOf(lang), name);
    assert.ok(text.includes(m.catName_gambling.message), text);
    assert.doesNotMatch(text, /gambling\b/, `${lang}: the key leaks into ${text}`);
  }
});

test('reportQuery → reportParams round trip', () => {
  const q = reportQuery({ url: 'http://img.test/page?a=1&b=2', category: 'image_match',
    image: { hash: HASH, source: 'src', id: 'id 1', distance: 0 } });
  const back = reportParams(new URLSearchParams(q));
  assert.deepEqual(back, { url: 'http://img.test/page?a=1&b=2', category: 'image_match',
    image: { hash: HASH, source: 'src', id: 'id 1', distance: 0 } });
  assert.deepEqual(reportParams(new URLSearchParams('u=x&h=bad&hd=3')), { url: 'x', category: '', image: null });
  assert.equal(reportParams(new URLSearchParams(`u=x&h=${HASH}&hd=999`)).image?.distance, null);
});

test('every message key used by the report flow exists in vi and en', () => {
  const vi = messages('vi');
  const en = messages('en');
  for (const k of Object.keys(vi)) assert.ok(en[k], `en lacks ${k}`);
  for (const k of Object.keys(en)) assert.ok(vi[k], `vi lacks ${k}`);
  const sources = ['../src/report/flow.js', '../src/content/images.js', '../src/popup/popup.js', '../src/popup/popup.html',
    '../src/report/report.html', '../src/warning/warning.html', '../src/report/evidence-flow.js', '../src/warning/mistake.js',
    '../src/warning/warning.js', '../src/support/support.html', '../src/content/overlay.js', '../src/report/report.js']
    .map((p) => readFileSync(new URL(p, import.meta.url), 'utf8')).join('\n');
  const used = new Set([...sources.matchAll(/(?:\bt\('|data-i18n=")([A-Za-z0-9_]+)/g)].map((m) => m[1]));
  for (const k of used) assert.ok(vi[k], `vi lacks ${k} (used in the sources)`);
});
