// node --test extension/test/ : the "blocked by mistake" report (src/shared/mistake.js)
// and the evidence file (src/shared/evidence.js), with the real messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatMistake, issuesLink, mistakeHost } from '../src/shared/mistake.js';
import { CAPTURE_CATEGORIES, evidenceFile, evidencePlan, NO_PICTURE_CATEGORIES } from '../src/shared/evidence.js';

import { messages, tOf } from '../tools/i18n-stub.mjs';
const esc = (/** @type {string} */ s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const nameOf = (/** @type {string} */ lang) => { const m = messages(lang); return (/** @type {string} */ c) => m[`catName_${c}`]?.message ?? c; };
const TIME = Date.UTC(2026, 10, 24, 10, 5); // 17:05 in Vietnam
const HASH = 'd8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22';
const LISTS = {
  'hostsvn-gambling': { credit: 'hostsVN (c) BigDargon', issues: 'https://github.com/bigdargon/hostsVN/issues' },
  'ut1-arjel': { credit: 'UT1 blacklists' },
  'bad-link': { credit: 'x', issues: 'javascript:alert(1)' },
};
// A 1×1 PNG.
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==';

test('mistake report (vi): host, list in words with its id, local time, version, the list\'s issue page', () => {
  const r = formatMistake({ url: 'https://user:pw@cuoc.test/the/page?id=7#x', category: 'gambling', source: 'hostsvn-gambling',
    time: TIME, tzOffsetMin: 420, version: '0.1.0' }, LISTS, tOf('vi'), nameOf('vi'));
  assert.deepEqual(r.text.split('\n'), [
    'Báo trang bị chặn nhầm (soạn bằng Lá Chắn)',
    'Trang web: cuoc.test',
    'Loại: Cờ bạc, cá cược',
    'Danh sách đã chặn: hostsVN (c) BigDargon (hostsvn-gambling)',
    'Thời gian: 17:05 ngày 24/11/2026',
    'Phiên bản Lá Chắn: 0.1.0',
    'Theo tôi, trang này an toàn cho trẻ em. Xin xem lại và gỡ trang khỏi danh sách nếu đúng là chặn nhầm.',
  ]);
  assert.equal(r.issues, 'https://github.com/bigdargon/hostsVN/issues');
  // Only the host: the path and query a child opened stay on this computer.
  assert.ok(!r.text.includes('/the/page') && !r.text.includes('pw'));
});

test('mistake report (en): no issue page, no list, a bad link', () => {
  const en = tOf('en');
  const noIssues = formatMistake({ url: 'http://fr.test/', category: 'gambling', source: 'ut1-arjel', time: TIME, tzOffsetMin: 0,
    version: '1.2.3' }, LISTS, en, nameOf('en'));
  assert.equal(noIssues.issues, '');
  assert.ok(noIssues.text.includes('Blocking list: UT1 blacklists (ut1-arjel)'), noIssues.text);
  assert.ok(noIssues.text.includes('Time: 2026-11-24 at 10:05'));
  assert.ok(noIssues.text.includes('Lá Chắn version: 1.2.3'));
  const none = formatMistake({ url: 'http://x.test/', category: 'scam', source: 'page text', time: TIME, version: '1' }, LISTS, en, nameOf('en'));
  assert.ok(none.text.includes(`Blocking list: ${messages('en').mistakeNoList.message}`), none.text);
  assert.ok(!none.text.includes('page text'));
  assert.equal(formatMistake({ url: 'http://x.test/', source: 'bad-link', time: TIME, version: '1' }, LISTS, en, nameOf('en')).issues, '');
  assert.equal(issuesLink('http://insecure.test/issues'), '');
  assert.equal(mistakeHost('not a url'), 'not a url');
});

test('evidencePlan: a picture for bullying, grooming and scam only; never for adult content or a hash match', () => {
  for (const c of CAPTURE_CATEGORIES) assert.equal(evidencePlan({ category: c }), 'capture');
  for (const c of NO_PICTURE_CATEGORIES) assert.equal(evidencePlan({ category: c }), 'no-picture');
  // A hash match never gets a picture, whatever category the page carries.
  assert.equal(evidencePlan({ category: 'bullying', hash: HASH }), 'no-picture');
  for (const c of ['gambling', 'drugs', 'self_harm', '', null]) assert.equal(evidencePlan({ category: c }), null);
});

test('evidence file (bullying): URL, local time, category in words, matched words, inline PNG, how-to', () => {
  const vi = tOf('vi');
  const f = evidenceFile({ url: 'http://chat.test/room#x', category: 'bullying', time: TIME, tzOffsetMin: 420,
    words: ['đồ ngu', 'thằng ngu', 'đồ ngu', '<b>x</b>'], capture: PNG }, vi, nameOf('vi'));
  assert.equal(f.picture, true);
  assert.ok(f.html.includes('http://chat.test/room'));
  assert.ok(f.html.includes('17:05 ngày 24/11/2026'));
  assert.ok(f.html.includes(messages('vi').catName_bullying.message));
  assert.ok(f.html.includes('đồ ngu, thằng ngu, &#60;b&#62;x&#60;/b&#62;'), 'words once each, escaped');
  assert.ok(f.html.includes(`src="${PNG}"`));
  for (const k of ['evidenceHowKeep', 'evidenceHowShow', 'evidenceHowNoForward']) assert.ok(f.html.includes(esc(messages('vi')[k].message)), k);
  assert.equal(f.name, 'la-chan-bang-chung-2026-11-24-1705.html');
  // Self-contained: nothing is fetched when the file is opened.
  assert.doesNotMatch(f.html.replace(/content="[^"]*"/, ''), /(src|href)="(?!data:)/);
  assert.doesNotMatch(f.html, /<script/i);
  // Only a PNG data: URL is embedded, never an address.
  const remote = evidenceFile({ url: 'http://chat.test/', category: 'bullying', time: TIME, capture: 'https://evil.test/x.png' }, vi, nameOf('vi'));
  assert.equal(remote.picture, false);
  assert.ok(!remote.html.includes('evil.test'));
});

test('evidence file: adult pages and hash matches never carry a picture, even if one is passed', () => {
  for (const lang of ['vi', 'en']) {
    const t = tOf(lang);
    for (const info of [
      { url: 'http://adult.test/', category: 'adult' },
      { url: 'http://img.test/', category: 'image_match', hash: HASH },
      { url: 'http://chat.test/', category: 'bullying', hash: HASH },
      { url: 'http://x.test/', category: 'lingerie' },
    ]) {
      const f = evidenceFile({ ...info, time: TIME, tzOffsetMin: 420, capture: PNG, words: ['secret-word'] }, t, nameOf(lang));
      assert.equal(f.picture, false, JSON.stringify(info));
      assert.ok(!f.html.includes('data:image'), `${lang} ${info.category}: a picture was embedded`);
      assert.ok(!f.html.includes('<img'), `${lang} ${info.category}: an img element`);
      assert.ok(!f.html.includes('secret-word'), 'no words from such a page');
      assert.ok(f.html.includes(esc(messages(lang).evidenceNoPicture.message)), 'the file says why no picture is kept');
      assert.ok(f.html.includes(info.url));
      if (info.hash) assert.ok(f.html.includes(`PDQ ${HASH}`));
    }
  }
});

test('data/lists.json: each bundle source with its credit, and its report page from lists/issues.toml by name prefix', async () => {
  const { listsInfo } = await import('../tools/lists-info.mjs');
  const { parseToml } = await import('../tools/toml.mjs');
  const issues = parseToml(readFileSync(new URL('../../lists/issues.toml', import.meta.url), 'utf8'));
  const out = listsInfo([
    { name: 'hostsvn-gambling', upstream: 'https://raw.githubusercontent.com/x — hostsVN (c) BigDargon (github.com/bigdargon/hostsVN)' },
    { name: 'ut1-arjel', upstream: 'UT1 blacklists' },
    { name: 'e2e-adult', upstream: 'lists/lists/adult.txt — Lá Chắn e2e fixture' },
    { name: 'hostsvnx', upstream: 'https://x.test/' },
  ], issues);
  assert.deepEqual(out['hostsvn-gambling'], { credit: 'hostsVN (c) BigDargon (github.com/bigdargon/hostsVN)',
    issues: 'https://github.com/bigdargon/hostsVN/issues' });
  assert.equal(out['ut1-arjel'].credit, 'UT1 blacklists');
  assert.match(out['ut1-arjel'].issues ?? '', /^https:\/\/dsi\.ut-capitole\.fr\//);
  assert.deepEqual(out['e2e-adult'], { credit: 'Lá Chắn e2e fixture' });
  // A prefix is a whole name part: "hostsvnx" is not a hostsVN list.
  assert.deepEqual(out.hostsvnx, { credit: '' });
  assert.throws(() => listsInfo([], { issues: { x: 'http://insecure.test/' } }), /https/);
});
