// node --test extension/test/ : the child's requests as the parent sees
// them (src/shared/requests.js) and the toolbar badge that shows how many
// wait (src/background/badge.js), with the browser API an in-memory fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  answerOrder, badgeText, BADGE_COLOR, liveRequests, nextRequestExpiry, REQUEST_MS, strictCategories,
} from '../src/shared/requests.js';

// ---- an in-memory browser API (storage.local, action, alarms) -----------------
/** @type {Record<string, unknown>} */
let data = {};
/** @type {{text: string, color: string | null, alarms: Record<string, number>}} */
const seen = { text: '', color: null, alarms: {} };
const listeners = { addListener() {}, removeListener() {} };
/** @type {any} */ (globalThis).chrome = {
  runtime: { id: 'unit', getURL: (/** @type {string} */ p) => `chrome-extension://unit/${p}`, onMessage: listeners },
  storage: {
    local: {
      async get(/** @type {string | string[]} */ keys) {
        return structuredClone(Object.fromEntries([keys].flat().filter((k) => k in data).map((k) => [k, data[k]])));
      },
      async set(/** @type {Record<string, unknown>} */ obj) { Object.assign(data, structuredClone(obj)); },
    },
    onChanged: listeners,
  },
  action: {
    async setBadgeText(/** @type {{text: string}} */ { text }) { seen.text = text; },
    async setBadgeBackgroundColor(/** @type {{color: string}} */ { color }) { seen.color = color; },
  },
  alarms: {
    async create(/** @type {string} */ name, /** @type {{when: number}} */ { when }) { seen.alarms[name] = when; },
    async clear(/** @type {string} */ name) { delete seen.alarms[name]; return true; },
  },
};
const { REQUEST_ALARM, syncBadge } = await import('../src/background/badge.js');

const req = (/** @type {string} */ host, /** @type {number} */ time, category = 'adult') =>
  ({ url: `https://${host}/`, host, category, time });

test('a request waits a week, then expires; malformed entries never count', () => {
  const now = 1_800_000_000_000;
  const fresh = req('a.example', now - 1000);
  const old = req('b.example', now - REQUEST_MS);
  assert.deepEqual(liveRequests([fresh, old, null, { url: 'x' }, 'y'], now), [fresh]);
  assert.deepEqual(liveRequests(undefined, now), []);
  assert.equal(nextRequestExpiry([fresh, req('c.example', now - 5000)]), now - 5000 + REQUEST_MS);
  assert.equal(nextRequestExpiry([]), 0);
});

test('badge text: empty for none, the count, capped for a badge that has room for four characters', () => {
  assert.equal(badgeText(0), '');
  assert.equal(badgeText(-1), '');
  assert.equal(badgeText(1), '1');
  assert.equal(badgeText(99), '99');
  assert.equal(badgeText(100), '99+');
});

test('the badge shows the waiting count, clears with the last answer, and drops an expired request', async () => {
  const now = Date.now();
  data = { askRequests: [req('a.example', now - 1000), req('b.example', now - 2000)] };
  assert.equal(await syncBadge(), '2');
  assert.equal(seen.text, '2');
  assert.equal(seen.color, BADGE_COLOR);
  assert.equal(seen.alarms[REQUEST_ALARM], now - 2000 + REQUEST_MS, 'woken when the oldest expires');
  // The parent answers one, then the other.
  data.askRequests = [req('a.example', now - 1000)];
  assert.equal(await syncBadge(), '1');
  data.askRequests = [];
  assert.equal(await syncBadge(), '');
  assert.equal(seen.text, '');
  assert.equal(REQUEST_ALARM in seen.alarms, false, 'no alarm without a waiting request');
  // A request older than a week: gone from storage and from the badge.
  data.askRequests = [req('old.example', now - REQUEST_MS - 1), req('new.example', now)];
  assert.equal(await syncBadge(), '1');
  assert.deepEqual(/** @type {any[]} */ (data.askRequests).map((r) => r.host), ['new.example']);
});

test('the badge is put back from storage at a worker start (nothing in memory)', async () => {
  seen.text = '';
  data = { askRequests: [req('a.example', Date.now())] };
  assert.equal(await syncBadge(), '1');
  assert.equal(seen.text, '1');
});

test('a badge failure is logged, never thrown', async () => {
  const set = globalThis.chrome.action.setBadgeText;
  globalThis.chrome.action.setBadgeText = async () => { throw new Error('no action'); };
  const err = console.error;
  console.error = () => {};
  try {
    assert.equal(await syncBadge(), '');
  } finally {
    console.error = err;
    globalThis.chrome.action.setBadgeText = set;
  }
});

test('strict categories: blocked at every band of the default policy, adult and gambling among them', () => {
  const table = {
    adult: { 'under-6': 'block', '6-10': 'block', '11-14': 'block', '15-17': 'block' },
    dating: { 'under-6': 'block', '6-10': 'block', '11-14': 'block', '15-17': 'warn' },
    games: { 'under-6': 'warn', '6-10': 'allow', '11-14': 'allow', '15-17': 'allow' },
    empty: {},
  };
  assert.deepEqual([...strictCategories(table)], ['adult']);
  // The shipped policy: every category written as one "block" is strict; any per-band table with another action is not.
  // (tools/toml.mjs reads no inline tables: the [categories] lines are read here.)
  const text = readFileSync(new URL('../../lists/policy/default.toml', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('[categories]'), text.indexOf('[model]'));
  const bands = ['under-6', '6-10', '11-14', '15-17'];
  /** @type {Record<string, Record<string, string>>} */
  const shipped = {};
  for (const [, cat, value] of section.matchAll(/^(\w+) = (.+)$/gm)) {
    shipped[cat] = value.startsWith('{')
      ? Object.fromEntries([...value.matchAll(/"([^"]+)" = "(\w+)"/g)].map((m) => [m[1], m[2]]))
      : Object.fromEntries(bands.map((b) => [b, JSON.parse(value)]));
  }
  assert.ok(Object.keys(shipped).length > 15, 'the policy was read');
  const strict = strictCategories(shipped);
  for (const c of ['adult', 'gambling', 'drugs', 'self_harm', 'scam']) assert.ok(strict.has(c), c);
  for (const c of ['dating', 'games', 'shortener', 'mixed_adult', 'social_networks']) assert.ok(!strict.has(c), c);
});

test('answer order: "Not now" first and filled for a strict category, "Allow 1 hour" first otherwise', () => {
  assert.deepEqual(answerOrder(true), [
    { decision: 'deny', primary: true }, { decision: 'hour', primary: false }, { decision: 'always', primary: false }]);
  assert.deepEqual(answerOrder(false), [
    { decision: 'hour', primary: true }, { decision: 'always', primary: false }, { decision: 'deny', primary: false }]);
});
