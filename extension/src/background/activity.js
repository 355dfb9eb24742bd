// Records the parents' activity summary (src/shared/activity.js): counts per
// local day and category, never a URL or a host. Verdicts come in bursts
// (a page and its frames), so counts collect in memory and are written to
// storage.local `activity` at most once a second. A worker killed before
// the flush loses at most that last second of counts.
//
// A stop counts once per visit (visits.js): recordStop and recordSupport
// are the way in for pages; recordActivity counts unconditionally.
// The support page counts as a number per day (`supportDays`), nothing else.
import { api } from '../shared/platform.js';
import { addDayCount, addEvent, dayKey, mergeCounts, mergeDayCounts, prune } from '../shared/activity.js';
import { recordError } from './stats.js';
import { serialQueue } from './serial.js';
import { isNewVisit } from './visits.js';

/** @typedef {import('../shared/activity.js').Activity} Activity */

const KEY = 'activity';
const SUPPORT_KEY = 'supportDays';
const FLUSH_DELAY_MS = 1000;

/** Counts not yet written. @type {Activity} */
let pending = {};
/** Support-page counts not yet written. @type {import('../shared/activity.js').DayCounts} */
let pendingSupport = {};
/** @type {ReturnType<typeof setTimeout> | null} */
let timer = null;
/** Storage work runs one step at a time, so a read-merge-write never
 * interleaves with another one or with a clear. */
const serial = serialQueue();

/** @param {unknown} v @returns {Activity} */
const asActivity = (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? /** @type {Activity} */ (v) : {});

/** Counts one block or warn for today; never throws (a failure to count
 * must not disturb the verdict).
 * @param {string} category @param {'block' | 'warn' | string} action */
export function recordActivity(category, action) {
  try {
    const next = addEvent(pending, dayKey(Date.now()), category, action);
    if (next === pending) return; // 'allow' or unknown: nothing to write
    pending = next;
    scheduleFlush();
  } catch (e) {
    recordError('activity', e);
  }
}

function scheduleFlush() {
  timer ??= setTimeout(() => {
    timer = null;
    void flushActivity();
  }, FLUSH_DELAY_MS);
}

/** Counts a block or warn at `host` unless it is the same visit as one
 * already counted (visits.js). Never rejects.
 * @param {string} host @param {string} category @param {'block' | 'warn' | string} action
 * @returns {Promise<boolean>} whether it counted */
export async function recordStop(host, category, action) {
  if (action !== 'block' && action !== 'warn') return false;
  if (!(await isNewVisit(action, host).catch(() => true))) return false;
  recordActivity(category, action);
  return true;
}

/** Counts the support page once per visit (`where`: the host of the page
 * whose text brought it, or 'search'). Never rejects.
 * @param {string} where @returns {Promise<boolean>} whether it counted */
export async function recordSupport(where) {
  try {
    if (!(await isNewVisit('support', where).catch(() => true))) return false;
    pendingSupport = addDayCount(pendingSupport, dayKey(Date.now()));
    scheduleFlush();
    return true;
  } catch (e) {
    recordError('activity', e);
    return false;
  }
}

/** Writes the pending counts (merged into storage, pruned to DAYS days).
 * Never rejects: a failure is logged and the counts are kept for the next flush.
 * @returns {Promise<void>} */
export function flushActivity() {
  if (timer !== null) {
    clearTimeout(timer);
    timer = null;
  }
  return serial(async () => {
    const batch = pending;
    const support = pendingSupport;
    if (!Object.keys(batch).length && !Object.keys(support).length) return;
    pending = {};
    pendingSupport = {};
    const today = dayKey(Date.now());
    try {
      const { [KEY]: stored, [SUPPORT_KEY]: storedSupport } = await api.storage.local.get([KEY, SUPPORT_KEY]);
      await api.storage.local.set({ [KEY]: prune(mergeCounts(asActivity(stored), batch), today),
        [SUPPORT_KEY]: mergeDayCounts(storedSupport, support, today) });
    } catch (e) {
      recordError('activity', e);
      // Put the batch back (pruned, so a storage that keeps failing cannot grow it).
      pending = prune(mergeCounts(batch, pending), today);
      pendingSupport = mergeDayCounts(support, pendingSupport, today);
    }
  });
}

/** Forgets every count: the buffer now, storage after any flush in flight
 * (so that flush cannot write the old counts back). Rejects if storage fails.
 * @returns {Promise<void>} */
export function clearActivity() {
  pending = {};
  pendingSupport = {};
  if (timer !== null) {
    clearTimeout(timer);
    timer = null;
  }
  return serial(() => api.storage.local.remove([KEY, SUPPORT_KEY]));
}

/** The stored counts of the last DAYS days, pending counts included.
 * Rejects if storage cannot be read.
 * @returns {Promise<Activity>} */
export async function loadActivity() {
  await flushActivity();
  return serial(async () => {
    const { [KEY]: stored } = await api.storage.local.get(KEY);
    return prune(asActivity(stored), dayKey(Date.now()));
  });
}

/** The support page's count per day over the last DAYS days, pending ones
 * included. Rejects if storage cannot be read.
 * @returns {Promise<import('../shared/activity.js').DayCounts>} */
export async function loadSupport() {
  await flushActivity();
  return serial(async () => {
    const { [SUPPORT_KEY]: stored } = await api.storage.local.get(SUPPORT_KEY);
    return mergeDayCounts(stored, {}, dayKey(Date.now()));
  });
}
