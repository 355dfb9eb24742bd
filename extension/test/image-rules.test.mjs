// node --test extension/test/ : size thresholds and the per-page budget of
// the image check (src/content/image-rules.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as R from '../src/content/image-rules.js';

test('isCandidate: both natural and displayed size must reach 64×64', () => {
  /** @param {number} nw @param {number} nh @param {number} w @param {number} h */
  const s = (nw, nh, w, h) => R.isCandidate({ naturalWidth: nw, naturalHeight: nh, width: w, height: h });
  assert.equal(R.MIN_SIDE, 64);
  assert.equal(s(64, 64, 64, 64), true);
  assert.equal(s(1600, 1004, 320, 201), true);
  assert.equal(s(1600, 1004, 63, 40), false, 'shown as a thumbnail under 64 px');
  assert.equal(s(34, 42, 340, 420), false, 'tiny picture scaled up');
  assert.equal(s(256, 63, 256, 256), false);
  assert.equal(s(256, 256, 0, 0), false, 'not displayed');
  assert.equal(s(NaN, 256, 256, 256), false);
  assert.equal(R.isCandidate({ naturalWidth: 40, naturalHeight: 40, width: 40, height: 40 }, 32), true);
});

test('fetchableSrc: http(s) and data:image only', () => {
  assert.equal(R.fetchableSrc('http://img.test/a.jpg'), true);
  assert.equal(R.fetchableSrc('HTTPS://img.test/a.jpg'), true);
  assert.equal(R.fetchableSrc('data:image/png;base64,AAAA'), true);
  assert.equal(R.fetchableSrc('blob:http://img.test/1234'), false);
  assert.equal(R.fetchableSrc('javascript:alert(1)'), false);
  assert.equal(R.fetchableSrc('data:text/html,<b>'), false);
  assert.equal(R.fetchableSrc(''), false);
});

test('Budget: at most budgetMs of work per window', () => {
  const b = new R.Budget({ budgetMs: 200, windowMs: 1000, maxImages: 100 });
  assert.equal(b.waitMs(0), 0);
  b.record(10, 120);
  assert.equal(b.waitMs(20), 0, '120 of 200 ms used');
  b.record(30, 100);
  // 220 ms used: wait until the first record (at 10) leaves the window.
  assert.equal(b.waitMs(40), 970);
  assert.equal(b.waitMs(1011), 0, 'the first record has expired');
  assert.equal(b.usedMs(1011), 100);
});

test('Budget: a cap on the number of checks per page', () => {
  const b = new R.Budget({ maxImages: 3 });
  assert.equal(R.MAX_IMAGES, 60);
  assert.equal(b.start(), true);
  assert.equal(b.start(), true);
  assert.equal(b.start(), true);
  assert.equal(b.exhausted(), true);
  assert.equal(b.start(), false);
});

test('Budget: negative or huge costs do not break the window', () => {
  const b = new R.Budget({ budgetMs: 200, windowMs: 1000 });
  b.record(0, -5);
  assert.equal(b.usedMs(1), 0);
  b.record(1, 5000);
  const w = b.waitMs(2);
  assert.ok(w > 0 && w <= 1000, `wait ${w}`);
});
