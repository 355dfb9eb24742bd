// node --test extension/test/ : the parents' activity summary
// (src/shared/activity.js): day keys, counting, pruning, series and chart geometry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAYS, addEvent, chartBars, dayKey, mergeCounts, niceMax, prune, series, totals } from '../src/shared/activity.js';

/** Runs `fn` with the process time zone set to `tz` (Node re-reads TZ on assignment).
 * @template T @param {string} tz @param {() => T} fn @returns {T} */
function inZone(tz, fn) {
  const old = process.env.TZ;
  process.env.TZ = tz;
  try {
    return fn();
  } finally {
    if (old === undefined) delete process.env.TZ;
    else process.env.TZ = old;
  }
}

/** Day keys must be consecutive calendar days. @param {string[]} days */
function assertConsecutive(days) {
  for (let i = 1; i < days.length; i++) {
    const [y, m, d] = days[i - 1].split('-').map(Number);
    assert.equal(days[i], dayKey(new Date(y, m - 1, d + 1).getTime()), `after ${days[i - 1]}`);
  }
}

test('dayKey: local calendar date, switching at local midnight', () => {
  const midnight = new Date(2026, 2, 5, 0, 0, 0, 0).getTime();
  assert.equal(dayKey(midnight), '2026-03-05');
  assert.equal(dayKey(midnight - 1), '2026-03-04');
  assert.equal(dayKey(new Date(2026, 2, 5, 23, 59, 59, 999).getTime()), '2026-03-05');
  assert.equal(dayKey(new Date(2026, 0, 1).getTime() - 1), '2025-12-31');
  assert.equal(dayKey(new Date(2026, 0, 9, 12).getTime()), '2026-01-09', 'zero-padded');
});

test('dayKey: uses the local zone, not UTC (Vietnam, UTC+7)', () => {
  inZone('Asia/Ho_Chi_Minh', () => {
    // 17:00 UTC is midnight in Vietnam.
    assert.equal(dayKey(Date.UTC(2026, 2, 4, 16, 59, 59, 999)), '2026-03-04');
    assert.equal(dayKey(Date.UTC(2026, 2, 4, 17, 0, 0, 0)), '2026-03-05');
  });
});

test('addEvent: counts block and warn, returns a new object, input untouched', () => {
  const a0 = {};
  const a1 = addEvent(a0, '2026-03-05', 'adult', 'block');
  assert.notEqual(a1, a0);
  assert.deepEqual(a0, {});
  assert.deepEqual(a1, { '2026-03-05': { adult: { blocked: 1, warned: 0 } } });

  const frozen = structuredClone(a1);
  const a2 = addEvent(a1, '2026-03-05', 'adult', 'warn');
  const a3 = addEvent(a2, '2026-03-05', 'adult', 'block');
  const a4 = addEvent(a3, '2026-03-05', 'gambling', 'warn');
  const a5 = addEvent(a4, '2026-03-06', 'adult', 'warn');
  assert.deepEqual(a1, frozen, 'earlier object not mutated');
  assert.deepEqual(a2['2026-03-05'].adult, { blocked: 1, warned: 1 });
  assert.deepEqual(a5, {
    '2026-03-05': { adult: { blocked: 2, warned: 1 }, gambling: { blocked: 0, warned: 1 } },
    '2026-03-06': { adult: { blocked: 0, warned: 1 } },
  });
  assert.notEqual(a3['2026-03-05'], a2['2026-03-05'], 'day object copied');
  assert.deepEqual(a2['2026-03-05'].adult, { blocked: 1, warned: 1 }, 'a2 unchanged by a3');
});

test('addEvent: unknown action returns the input unchanged', () => {
  const a = { '2026-03-05': { adult: { blocked: 1, warned: 0 } } };
  for (const action of ['allow', 'BLOCK', '', undefined, null, 1]) {
    assert.equal(addEvent(a, '2026-03-05', 'adult', action), a, String(action));
  }
  assert.equal(addEvent(a, 'yesterday', 'adult', 'block'), a, 'malformed day');
});

test('addEvent: a malformed category is counted as other', () => {
  /** @type {import('../src/shared/activity.js').Activity} */
  let a = {};
  for (const cat of ['Adult', 'a-b', 'x'.repeat(41), '', 'porn site', '__proto__', 42, null, undefined]) {
    a = addEvent(a, '2026-03-05', cat, 'block');
  }
  a = addEvent(a, '2026-03-05', 'x'.repeat(40), 'warn');
  a = addEvent(a, '2026-03-05', 'self_harm_2', 'warn');
  assert.deepEqual(Object.keys(a['2026-03-05']).sort(), ['other', 'self_harm_2', 'x'.repeat(40)]);
  assert.deepEqual(a['2026-03-05'].other, { blocked: 9, warned: 0 });
  assert.equal(Object.getPrototypeOf(a['2026-03-05']), Object.prototype);
  // A category named like an Object.prototype member starts from zero.
  const c = addEvent({}, '2026-03-05', 'constructor', 'warn');
  assert.deepEqual(c['2026-03-05'].constructor, { blocked: 0, warned: 1 });
});

test('mergeCounts: adds a pending buffer into a new object', () => {
  const stored = {
    '2026-03-04': { adult: { blocked: 3, warned: 1 } },
    '2026-03-05': { adult: { blocked: 1, warned: 0 } },
  };
  const pending = {
    '2026-03-05': { adult: { blocked: 2, warned: 5 }, violence: { blocked: 0, warned: 1 } },
    '2026-03-06': { drugs: { blocked: 1, warned: 0 } },
  };
  const copy = structuredClone(stored);
  const pendingCopy = structuredClone(pending);
  const out = mergeCounts(stored, pending);
  assert.deepEqual(out, {
    '2026-03-04': { adult: { blocked: 3, warned: 1 } },
    '2026-03-05': { adult: { blocked: 3, warned: 5 }, violence: { blocked: 0, warned: 1 } },
    '2026-03-06': { drugs: { blocked: 1, warned: 0 } },
  });
  assert.deepEqual(stored, copy, 'activity not mutated');
  assert.deepEqual(pending, pendingCopy, 'pending not mutated');
  assert.deepEqual(mergeCounts({}, pending), pending);
  assert.deepEqual(mergeCounts(stored, {}), stored);
  // Garbage in storage: bad counts count as 0.
  const odd = mergeCounts({ '2026-03-05': { adult: { blocked: 'x', warned: -4 } } }, { '2026-03-05': { adult: { blocked: 1 } } });
  assert.deepEqual(odd, { '2026-03-05': { adult: { blocked: 1, warned: 0 } } });
});

test('prune: keeps the last 30 days, drops older, future and malformed keys', () => {
  const c = { adult: { blocked: 1, warned: 0 } };
  const a = {
    '2026-02-03': c, // 31 days before 2026-03-05 counting today: dropped
    '2026-02-04': c, // first kept day
    '2026-02-28': c,
    '2026-03-05': c, // today
    '2026-03-06': c, // future
    '2026-2-10': c,
    '2026-02-30': c,
    'hello': c,
  };
  const out = prune(a, '2026-03-05');
  assert.deepEqual(Object.keys(out).sort(), ['2026-02-04', '2026-02-28', '2026-03-05']);
  assert.ok('2026-02-03' in a, 'input not mutated');
  assert.deepEqual(Object.keys(prune(a, '2026-03-05', 1)), ['2026-03-05']);
  assert.deepEqual(Object.keys(prune(a, '2026-03-05', 7)).sort(), ['2026-02-28', '2026-03-05']);
  assert.deepEqual(prune(undefined, '2026-03-05'), {});
});

test('series: 30 zero-filled days, oldest first, across a month boundary', () => {
  const a = {
    '2026-02-04': { adult: { blocked: 2, warned: 1 } },
    '2026-03-01': { adult: { blocked: 1, warned: 0 }, gambling: { blocked: 0, warned: 3 } },
    '2026-03-05': { violence: { blocked: 4, warned: 0 } },
    '2026-02-03': { adult: { blocked: 9, warned: 9 } }, // outside the window
  };
  const s = series(a, '2026-03-05');
  assert.equal(DAYS, 30);
  assert.equal(s.length, 30);
  assert.equal(s[0].day, '2026-02-04');
  assert.equal(s[24].day, '2026-02-28');
  assert.equal(s[25].day, '2026-03-01');
  assert.equal(s[29].day, '2026-03-05');
  assertConsecutive(s.map((d) => d.day));
  assert.deepEqual(s[0], { day: '2026-02-04', blocked: 2, warned: 1, byCategory: { adult: { blocked: 2, warned: 1 } } });
  assert.deepEqual(s[25], {
    day: '2026-03-01', blocked: 1, warned: 3,
    byCategory: { adult: { blocked: 1, warned: 0 }, gambling: { blocked: 0, warned: 3 } },
  });
  assert.deepEqual(s[1], { day: '2026-02-05', blocked: 0, warned: 0, byCategory: {} });
  assert.equal(s.reduce((n, d) => n + d.blocked + d.warned, 0), 11);
  assert.deepEqual(series({}, '2026-01-02', 3).map((d) => d.day), ['2025-12-31', '2026-01-01', '2026-01-02']);
  assert.deepEqual(series({}, '2024-03-01', 2).map((d) => d.day), ['2024-02-29', '2024-03-01'], 'leap day');
});

test('series: calendar days across a DST change (no skipped or doubled day)', (t) => {
  inZone('America/New_York', () => {
    const std = new Date(2026, 2, 7, 12).getTimezoneOffset();
    const dst = new Date(2026, 2, 9, 12).getTimezoneOffset();
    if (std === dst) return t.skip('no time zone data for America/New_York');
    // 2026-03-08 has 23 hours there and 2026-11-01 has 25.
    const spring = series({}, '2026-03-20').map((d) => d.day);
    assert.equal(spring.length, 30);
    assert.equal(new Set(spring).size, 30);
    assert.ok(spring.includes('2026-03-08'));
    assertConsecutive(spring);
    const autumn = series({}, '2026-11-10').map((d) => d.day);
    assert.equal(autumn[0], '2026-10-12');
    assert.ok(autumn.includes('2026-11-01'));
    assertConsecutive(autumn);
    assert.deepEqual(Object.keys(prune({ '2026-02-19': {}, '2026-02-18': {} }, '2026-03-20')), ['2026-02-19']);
  });
});

test('totals: per-category sums, most events first, ties by name, zeros dropped', () => {
  const a = {
    '2026-03-01': { adult: { blocked: 1, warned: 1 }, gambling: { blocked: 3, warned: 0 }, zero: { blocked: 0, warned: 0 } },
    '2026-03-04': { adult: { blocked: 2, warned: 0 }, violence: { blocked: 0, warned: 3 }, drugs: { blocked: 1, warned: 0 } },
    '2026-01-01': { drugs: { blocked: 50, warned: 0 } }, // outside the window
  };
  assert.deepEqual(totals(a, '2026-03-05'), [
    { category: 'adult', blocked: 3, warned: 1 },
    { category: 'gambling', blocked: 3, warned: 0 },
    { category: 'violence', blocked: 0, warned: 3 },
    { category: 'drugs', blocked: 1, warned: 0 },
  ]);
  assert.deepEqual(totals({}, '2026-03-05'), []);
  assert.deepEqual(totals(a, '2026-03-05', 2), [
    { category: 'violence', blocked: 0, warned: 3 },
    { category: 'adult', blocked: 2, warned: 0 },
    { category: 'drugs', blocked: 1, warned: 0 },
  ]);
});

test('niceMax: 1, 2, 5, 10, 20, 50, …', () => {
  const cases = [[0, 1], [1, 1], [2, 2], [3, 5], [5, 5], [6, 10], [10, 10], [11, 20], [21, 50], [51, 100], [101, 200], [999, 1000], [1001, 2000]];
  for (const [n, want] of cases) assert.equal(niceMax(n), want, `niceMax(${n})`);
});

/** A 30-day series ending at 2026-03-05 with the given [blocked, warned] per day (rest zero). */
function seriesWith(/** @type {Record<number, [number, number]>} */ counts) {
  /** @type {import('../src/shared/activity.js').Activity} */
  const a = {};
  const s = series(a, '2026-03-05');
  for (const [i, [b, w]] of Object.entries(counts)) Object.assign(s[Number(i)], { blocked: b, warned: w });
  return s;
}

test('chartBars: heights scaled to a nice max, stacked, inside the box', () => {
  const box = { width: 360, height: 180, pad: { top: 18, right: 20, bottom: 26, left: 20 } };
  const s = seriesWith({ 0: [3, 1], 10: [7, 6], 20: [0, 4], 29: [1, 0], 15: [1, 1] });
  const g = chartBars(s, box);
  assert.equal(g.max, 20, 'largest day 13 → 20');
  assert.equal(g.bars.length, 30);
  assert.deepEqual(g.bars.map((b) => b.day), s.map((d) => d.day));
  const plotH = 180 - 18 - 26;
  for (const b of g.bars) {
    assert.equal(b.warnedY + b.warnedH, b.blockedY, `${b.day} stacked`);
    assert.equal(b.blockedY + b.blockedH, 180 - 26, `${b.day} on the baseline`);
    assert.ok(b.warnedY >= 18, `${b.day} under the top`);
    assert.ok(b.blockedH >= 0 && b.warnedH >= 0);
    assert.ok(b.x >= 20 && b.x + b.w <= 340 + 1e-9, `${b.day} inside horizontally`);
  }
  // 13 of 20 → 65% of the plot height, split 7 : 6.
  assert.equal(g.bars[10].blockedH + g.bars[10].warnedH, Math.round(plotH * 13 / 20));
  assert.equal(g.bars[10].blockedH, Math.round(plotH * 7 / 20));
  assert.equal(g.bars[20].blockedH, 0);
  assert.equal(g.bars[20].warnedH, Math.round(plotH * 4 / 20));
  assert.equal(g.bars[1].blockedH + g.bars[1].warnedH, 0);
  assert.ok(g.bars[1].x > g.bars[0].x + g.bars[0].w, 'a gap between bars');
});

test('chartBars: a day at the max fills the plot exactly; tiny counts stay visible', () => {
  const g = chartBars(seriesWith({ 3: [50, 0], 4: [49, 1], 5: [1, 0], 6: [0, 1] }), { width: 300, height: 100, pad: 0 });
  assert.equal(g.max, 50);
  assert.deepEqual([g.bars[3].blockedY, g.bars[3].blockedH, g.bars[3].warnedH], [0, 100, 0]);
  assert.equal(g.bars[4].warnedY, 0, 'stack of 50 reaches the top');
  assert.ok(g.bars[4].warnedH >= 1);
  assert.equal(g.bars[5].blockedH, 2);
  assert.equal(g.bars[6].warnedH, 2);
  const tiny = chartBars(seriesWith({ 0: [1000, 0], 1: [1, 1] }), { width: 300, height: 100, pad: 0 });
  assert.equal(tiny.max, 1000);
  assert.deepEqual([tiny.bars[1].blockedH, tiny.bars[1].warnedH], [1, 1], 'one unit each, not zero');
  for (const b of [...g.bars, ...tiny.bars]) assert.ok(b.warnedY >= 0 && b.blockedY + b.blockedH <= 100);
});

test('chartBars: ticks every 7 days ending at the last day', () => {
  const s = series({}, '2026-03-05');
  const g = chartBars(s, { width: 300, height: 100, pad: 0 });
  assert.deepEqual(g.ticks.map((t) => t.day), ['2026-02-05', '2026-02-12', '2026-02-19', '2026-02-26', '2026-03-05']);
  const last = g.bars[29];
  assert.equal(g.ticks.at(-1)?.x, last.x + last.w / 2, 'tick under the middle of the last bar');
  assert.equal(g.ticks[0].x, g.bars[1].x + g.bars[1].w / 2);
  assert.deepEqual(chartBars(series({}, '2026-03-05', 7), { width: 70, height: 10 }).ticks.map((t) => t.day), ['2026-03-05']);
  assert.deepEqual(chartBars(series({}, '2026-03-05', 8), { width: 80, height: 10 }).ticks.map((t) => t.day), ['2026-02-26', '2026-03-05']);
  assert.deepEqual(chartBars([], { width: 80, height: 10 }), { max: 1, bars: [], ticks: [], plot: { left: 0, top: 0, right: 80, bottom: 10 } });
});

test('chartBars: an all-zero series gives max 1 and zero heights', () => {
  const g = chartBars(series({}, '2026-03-05'), { width: 360, height: 180, pad: 10 });
  assert.equal(g.max, 1);
  assert.equal(g.bars.length, 30);
  for (const b of g.bars) {
    assert.equal(b.blockedH, 0);
    assert.equal(b.warnedH, 0);
    assert.equal(b.blockedY, 170);
    assert.equal(b.warnedY, 170);
  }
});

test('isNewStop: a reload or a return through history is the same stop', async () => {
  const { isNewStop } = await import('../src/shared/messages.js');
  assert.equal(isNewStop('navigate'), true);
  assert.equal(isNewStop(undefined), true);
  assert.equal(isNewStop('reload'), false);
  assert.equal(isNewStop('back_forward'), false);
});
