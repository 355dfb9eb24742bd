// node --test extension/test/ : the parents' summary counts per visit, not
// per page load (src/background/visits.js, activity.js), and the support
// page as a number per day. The browser API is an in-memory fake.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDayCount, dayCountList, dayKey, mergeDayCounts } from '../src/shared/activity.js';

/** A storage area with the extension API's get/set/remove. */
function area() {
  /** @type {Record<string, unknown>} */
  let data = {};
  return {
    dump: () => structuredClone(data),
    reset: () => { data = {}; },
    async get(/** @type {string | string[]} */ keys) {
      return structuredClone(Object.fromEntries([keys].flat().filter((k) => k in data).map((k) => [k, data[k]])));
    },
    async set(/** @type {Record<string, unknown>} */ obj) { Object.assign(data, structuredClone(obj)); },
    async remove(/** @type {string | string[]} */ keys) { for (const k of [keys].flat()) delete data[k]; },
  };
}
const local = area();
const session = area();
/** @type {any} */ (globalThis).chrome = {
  runtime: { id: 'unit', getURL: (/** @type {string} */ p) => `chrome-extension://unit/${p}` },
  storage: { local, session },
};
const { VISIT_MS, visitCheck } = await import('../src/background/visits.js');
const { clearActivity, flushActivity, loadActivity, loadSupport, recordStop, recordSupport } = await import('../src/background/activity.js');

const today = () => dayKey(Date.now());
/** Blocked stops stored for `category` today. @param {string} category */
const blockedToday = async (category) => (await loadActivity())[today()]?.[category]?.blocked ?? 0;

test('visitCheck: the same key within the window is the same visit; after it, a new one', () => {
  const t0 = 1_800_000_000_000;
  let r = visitCheck({}, 'a', t0);
  assert.equal(r.isNew, true);
  r = visitCheck(r.seen, 'a', t0 + 1000);
  assert.equal(r.isNew, false, 'a reload a second later');
  assert.equal(r.seen.a, t0, 'the window runs from the first count, not the last reload');
  r = visitCheck(r.seen, 'b', t0 + 2000);
  assert.equal(r.isNew, true, 'another host is another visit');
  r = visitCheck(r.seen, 'a', t0 + VISIT_MS);
  assert.equal(r.isNew, true, 'five minutes on: a new visit');
  assert.equal(r.seen.b, t0 + 2000);
  assert.deepEqual(Object.keys(visitCheck(r.seen, 'c', t0 + 3 * VISIT_MS).seen), ['c'], 'old entries dropped');
  assert.equal(visitCheck({ a: t0 + 10_000 }, 'a', t0).isNew, true, 'an entry from the future (clock moved back) is dropped');
});

test('one visit and six reloads count one block; another host counts; a warn is its own count', async () => {
  local.reset();
  session.reset();
  await clearActivity();
  const counted = [];
  for (let i = 0; i < 7; i++) counted.push(await recordStop('casino.example', 'gambling', 'block'));
  assert.deepEqual(counted, [true, false, false, false, false, false, false]);
  assert.equal(await blockedToday('gambling'), 1);
  assert.equal(await recordStop('bet.example', 'gambling', 'block'), true);
  assert.equal(await blockedToday('gambling'), 2);
  assert.equal(await recordStop('casino.example', 'gambling', 'warn'), true, 'a different stop on the same host');
  assert.equal(await recordStop('casino.example', 'gambling', 'allow'), false, 'an allow is never counted');
  assert.equal((await loadActivity())[today()].gambling.warned, 1);
});

test('stops at the same moment (a page and its frames) count once per host', async () => {
  local.reset();
  session.reset();
  await clearActivity();
  const results = await Promise.all([1, 2, 3].map(() => recordStop('adult.example', 'adult', 'block')));
  assert.deepEqual(results.sort(), [false, false, true]);
  assert.equal(await blockedToday('adult'), 1);
});

test('the session store keeps a hash, never the host, and the worker restarting keeps the visit', async () => {
  local.reset();
  session.reset();
  await clearActivity();
  await recordStop('secret-site.example', 'adult', 'block');
  const text = JSON.stringify(session.dump()) + JSON.stringify(local.dump());
  assert.ok(!text.includes('secret-site'), text);
  // A fresh module copy stands for a restarted worker: memory empty, session storage kept.
  const again = await import(`../src/background/visits.js?restart=${Date.now()}`);
  assert.equal(await again.isNewVisit('block', 'secret-site.example'), false);
  assert.equal(await again.isNewVisit('block', 'other.example'), true);
});

test('the session store failing counts the stop (a count too many beats a visit lost)', async () => {
  local.reset();
  await clearActivity();
  const get = session.get;
  session.get = async () => { throw new Error('no session storage'); };
  try {
    assert.equal(await recordStop('x.example', 'adult', 'block'), true);
    assert.equal(await recordStop('x.example', 'adult', 'block'), true);
  } finally {
    session.get = get;
  }
  assert.equal(await blockedToday('adult'), 2);
});

test('the support page counts a number per day, once per visit, and nothing else', async () => {
  local.reset();
  session.reset();
  await clearActivity();
  assert.equal(await recordSupport('search'), true);
  assert.equal(await recordSupport('search'), false, 'a reload');
  assert.equal(await recordSupport('forum.example'), true, 'self-harm text on a page');
  await flushActivity();
  assert.deepEqual(local.dump().supportDays, { [today()]: 2 });
  assert.deepEqual(await loadSupport(), { [today()]: 2 });
  assert.equal(JSON.stringify(local.dump()).includes('forum'), false);
  assert.deepEqual((await loadActivity())[today()] ?? {}, {}, 'no block or warn counted for it');
  await clearActivity();
  assert.equal('supportDays' in local.dump(), false, 'clear history clears it too');
});

test('day counts: add, merge within 30 days, list oldest first', () => {
  assert.deepEqual(addDayCount(addDayCount({}, '2026-03-05'), '2026-03-05'), { '2026-03-05': 2 });
  assert.deepEqual(addDayCount({}, 'not-a-day'), {});
  assert.deepEqual(mergeDayCounts({ '2026-03-05': 2, '2026-01-01': 4, bad: 3, '2026-03-06': -1 }, { '2026-03-05': 1, '2026-03-04': 'x' }, '2026-03-05'),
    { '2026-03-05': 3 });
  assert.deepEqual(dayCountList({ '2026-03-05': 1, '2026-03-01': 2, '2026-03-09': 5 }, '2026-03-05'),
    [{ day: '2026-03-01', count: 2 }, { day: '2026-03-05', count: 1 }]);
});
