// The parents' activity summary: how many pages were blocked or warned, per
// category per local day, over the last DAYS days. Pure functions (no DOM,
// no browser API) so extension/test/activity.test.mjs runs them in Node.
//
// Stored shape (storage.local `activity`), never a URL or a host:
//   { 'YYYY-MM-DD': { [category]: { blocked: number, warned: number } } }
// and how often the support page (self-harm searches and page text) was
// shown, a number per day and nothing else (storage.local `supportDays`):
//   { 'YYYY-MM-DD': number }

/** @typedef {{blocked: number, warned: number}} Counts */
/** @typedef {Record<string, Record<string, Counts>>} Activity */
/** @typedef {{day: string, blocked: number, warned: number, byCategory: Record<string, Counts>}} DaySummary */
/** @typedef {{day: string, x: number, w: number, blockedY: number, blockedH: number, warnedY: number, warnedH: number}} Bar */
/** @typedef {{left: number, top: number, right: number, bottom: number}} Plot */
/** @typedef {{max: number, bars: Bar[], ticks: {day: string, x: number}[], plot: Plot}} ChartGeometry */
/** @typedef {{top?: number, right?: number, bottom?: number, left?: number}} Pad */

/** How many days are kept and shown. */
export const DAYS = 30;

const CATEGORY_RE = /^[a-z0-9_]{1,40}$/;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** @param {number} n */
const p2 = (n) => String(n).padStart(2, '0');

/** Local calendar date of `ms` as 'YYYY-MM-DD'.
 * @param {number} ms epoch milliseconds */
export function dayKey(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}`;
}

/** [year, monthIndex, date] of a well-formed day key that names a real
 * date (so '2026-02-30' is malformed), else null.
 * @param {unknown} key @returns {[number, number, number] | null} */
function parseDay(key) {
  const m = typeof key === 'string' ? DAY_RE.exec(key) : null;
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  const date = new Date(y, mo, d);
  // Round trip rejects overflowing dates and years 0–99 (which Date maps to 19xx).
  return date.getFullYear() === y && date.getMonth() === mo && date.getDate() === d ? [y, mo, d] : null;
}

/** The day key `offset` calendar days from `day`. By calendar, not by
 * 86 400 000 ms, because a day around a DST change is 23 or 25 hours.
 * @param {string} day @param {number} offset */
function shiftDay(day, offset) {
  const parsed = parseDay(day);
  if (!parsed) throw new RangeError(`bad day key: ${day}`);
  const [y, mo, d] = parsed;
  return dayKey(new Date(y, mo, d + offset).getTime());
}

/** Only the category ids we emit; anything else (and '__proto__', which
 * would set the prototype of a plain object) is counted as 'other'.
 * @param {unknown} category */
function cleanCategory(category) {
  return typeof category === 'string' && CATEGORY_RE.test(category) && category !== '__proto__' ? category : 'other';
}

/** A stored counter as a non-negative integer (storage may hold anything).
 * @param {unknown} n */
const count = (n) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

/** @param {unknown} v @returns {v is Record<string, any>} */
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Own property only: 'constructor' etc. must not come from Object.prototype.
 * @template T @param {Record<string, T> | undefined} obj @param {string} key @returns {T | undefined} */
const own = (obj, key) => (obj && Object.hasOwn(obj, key) ? obj[key] : undefined);

/** A copy of `activity` with one block or warn counted. `activity` is not
 * changed; an unknown action or a malformed day returns `activity` itself.
 * @param {Activity} activity @param {string} day @param {unknown} category @param {unknown} action
 * @returns {Activity} */
export function addEvent(activity, day, category, action) {
  if ((action !== 'block' && action !== 'warn') || !parseDay(day)) return activity;
  const cat = cleanCategory(category);
  const oldDay = own(activity, day);
  const old = own(oldDay, cat);
  const next = { blocked: count(old?.blocked), warned: count(old?.warned) };
  if (action === 'block') next.blocked++;
  else next.warned++;
  return { ...activity, [day]: { ...oldDay, [cat]: next } };
}

/** A copy of `activity` with every count of `pending` (same shape) added;
 * either may be anything storage held (what is not counts counts as 0).
 * @param {unknown} activity @param {unknown} pending @returns {Activity} */
export function mergeCounts(activity, pending) {
  /** @type {Activity} */
  const out = { ...(isObject(activity) ? activity : {}) };
  if (!isObject(pending)) return out;
  for (const [day, cats] of Object.entries(pending)) {
    if (!parseDay(day) || !isObject(cats)) continue;
    /** @type {Record<string, Counts>} */
    const dayOut = { ...(isObject(own(out, day)) ? out[day] : {}) };
    for (const [category, c] of Object.entries(cats)) {
      const cat = cleanCategory(category);
      const old = own(dayOut, cat);
      dayOut[cat] = {
        blocked: count(old?.blocked) + count(c?.blocked),
        warned: count(old?.warned) + count(c?.warned),
      };
    }
    out[day] = dayOut;
  }
  return out;
}

/** A copy of `activity` with only the `days` days ending at `today`
 * (malformed or future day keys dropped too; not an object: none).
 * @param {unknown} activity @param {string} today @param {number} [days] @returns {Activity} */
export function prune(activity, today, days = DAYS) {
  const first = shiftDay(today, -(days - 1));
  /** @type {Activity} */
  const out = {};
  if (!isObject(activity)) return out;
  for (const [day, cats] of Object.entries(activity)) {
    // Zero-padded keys compare like dates.
    if (parseDay(day) && day >= first && day <= today && isObject(cats)) out[day] = cats;
  }
  return out;
}

/** @typedef {Record<string, number>} DayCounts */

/** A copy of `counts` with one more on `day` (a malformed day: `counts` itself).
 * @param {DayCounts} counts @param {string} day @returns {DayCounts} */
export function addDayCount(counts, day) {
  if (!parseDay(day)) return counts;
  const base = isObject(counts) ? counts : {};
  return { ...base, [day]: count(own(base, day)) + 1 };
}

/** A copy of `a` with every well-formed count of `b` added, only the `days`
 * days ending at `today` kept. @param {unknown} a @param {unknown} b
 * @param {string} today @param {number} [days] @returns {DayCounts} */
export function mergeDayCounts(a, b, today, days = DAYS) {
  const first = shiftDay(today, -(days - 1));
  /** @type {DayCounts} */
  const out = {};
  for (const src of [a, b]) {
    if (!isObject(src)) continue;
    for (const [day, n] of Object.entries(src)) {
      if (!parseDay(day) || day < first || day > today || !count(n)) continue;
      out[day] = count(own(out, day)) + count(n);
    }
  }
  return out;
}

/** The days ending at `today` with their count, oldest first, days without
 * one left out. @param {unknown} counts @param {string} today @param {number} [days]
 * @returns {{day: string, count: number}[]} */
export function dayCountList(counts, today, days = DAYS) {
  return Object.entries(mergeDayCounts(counts, {}, today, days))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, n]) => ({ day, count: n }));
}

/** One entry per day, oldest first, ending at `today`; days without events
 * are zeros.
 * @param {Activity} activity @param {string} today @param {number} [days] @returns {DaySummary[]} */
export function series(activity, today, days = DAYS) {
  /** @type {DaySummary[]} */
  const out = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = shiftDay(today, -i);
    const cats = own(isObject(activity) ? activity : {}, day);
    /** @type {DaySummary} */
    const entry = { day, blocked: 0, warned: 0, byCategory: {} };
    if (isObject(cats)) {
      for (const [category, c] of Object.entries(cats)) {
        const counts = { blocked: count(c?.blocked), warned: count(c?.warned) };
        // cleanCategory: two bad keys may both become 'other', so add up.
        const cat = cleanCategory(category);
        const prev = own(entry.byCategory, cat);
        entry.byCategory[cat] = prev
          ? { blocked: prev.blocked + counts.blocked, warned: prev.warned + counts.warned }
          : counts;
        entry.blocked += counts.blocked;
        entry.warned += counts.warned;
      }
    }
    out.push(entry);
  }
  return out;
}

/** Per-category sums over the `days` days ending at `today`, most events
 * first (ties by category id), categories with no events left out.
 * @param {Activity} activity @param {string} today @param {number} [days]
 * @returns {{category: string, blocked: number, warned: number}[]} */
export function totals(activity, today, days = DAYS) {
  /** @type {Map<string, Counts>} */
  const sums = new Map();
  for (const { byCategory } of series(activity, today, days)) {
    for (const [category, c] of Object.entries(byCategory)) {
      const s = sums.get(category) ?? { blocked: 0, warned: 0 };
      s.blocked += c.blocked;
      s.warned += c.warned;
      sums.set(category, s);
    }
  }
  return [...sums]
    .map(([category, s]) => ({ category, blocked: s.blocked, warned: s.warned }))
    .filter((r) => r.blocked + r.warned > 0)
    .sort((a, b) => (b.blocked + b.warned) - (a.blocked + a.warned)
      || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
}

/** The smallest of 1, 2, 5, 10, 20, 50, … that is ≥ n (and ≥ 1).
 * @param {number} n */
export function niceMax(n) {
  const v = Math.max(1, Number.isFinite(n) ? n : 1);
  for (let scale = 1; ; scale *= 10) {
    for (const m of [1, 2, 5]) if (m * scale >= v) return m * scale;
  }
}

/** @param {number} n */
const r2 = (n) => Math.round(n * 100) / 100;

/** Geometry of a stacked bar chart (blocked at the bottom, warned on top)
 * in SVG user units: bars fill the box inside `pad`, scaled to a nice
 * maximum; ticks every 7 days ending at the last day. `pad` is one number
 * for every side or per side.
 * @param {DaySummary[]} days
 * @param {{width: number, height: number, pad?: number | Pad}} box
 * @returns {ChartGeometry} */
export function chartBars(days, { width, height, pad = 0 }) {
  const p = typeof pad === 'number' ? { top: pad, right: pad, bottom: pad, left: pad } : pad;
  /** @type {Plot} */
  const plot = {
    left: p.left ?? 0,
    top: p.top ?? 0,
    right: Math.max(p.left ?? 0, width - (p.right ?? 0)),
    bottom: Math.max(p.top ?? 0, height - (p.bottom ?? 0)),
  };
  const plotH = plot.bottom - plot.top;
  const max = niceMax(Math.max(0, ...days.map((d) => count(d.blocked) + count(d.warned))));
  const slot = days.length ? (plot.right - plot.left) / days.length : 0;
  // A gap between bars; at least a hairline so a bar stays visible.
  const w = r2(Math.max(slot * 0.7, Math.min(slot, 1)));
  const bars = days.map((d, i) => {
    const blocked = count(d.blocked);
    const warned = count(d.warned);
    // Whole units: exact sums, so the parts touch exactly (warnedY + warnedH
    // == blockedY). A non-zero count gets at least 1 unit so it stays
    // visible; the stack is capped at the plot height.
    const blockedH = Math.min(plotH, blocked ? Math.max(1, Math.round((blocked / max) * plotH)) : 0);
    const totalH = Math.round(((blocked + warned) / max) * plotH);
    const warnedH = Math.max(0, Math.min(plotH - blockedH, warned ? Math.max(1, totalH - blockedH) : 0));
    const blockedY = plot.bottom - blockedH;
    return {
      day: d.day,
      x: r2(plot.left + i * slot + (slot - w) / 2),
      w,
      blockedY,
      blockedH,
      warnedY: blockedY - warnedH,
      warnedH,
    };
  });
  const ticks = [];
  for (let i = days.length - 1; i >= 0; i -= 7) {
    ticks.unshift({ day: days[i].day, x: r2(plot.left + (i + 0.5) * slot) });
  }
  return { max, bars, ticks, plot };
}
