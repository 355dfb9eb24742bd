// Records the parents' activity summary (src/shared/activity.js): counts per
// local day and category, never a URL or a host. Verdicts come in bursts
// (a page and its frames), so counts collect in memory and are written to
// storage.local `activity` at most once a second. A worker killed before
// the flush loses at most that last second of counts.
import { api } from '../shared/platform.js';
import { addEvent, dayKey, mergeCounts, prune } from '../shared/activity.js';
import { recordError } from './stats.js';
import { serialQueue } from './serial.js';

/** @typedef {import('../shared/activity.js').Activity} Activity */

const KEY = 'activity';
const FLUSH_DELAY_MS = 1000;

/** Counts not yet written. @type {Activity} */
let pending = {};
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
    timer ??= setTimeout(() => {
      timer = null;
      void flushActivity();
    }, FLUSH_DELAY_MS);
  } catch (e) {
    recordError('activity', e);
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
    if (!Object.keys(batch).length) return;
    pending = {};
    try {
      const { [KEY]: stored } = await api.storage.local.get(KEY);
      await api.storage.local.set({ [KEY]: prune(mergeCounts(asActivity(stored), batch), dayKey(Date.now())) });
    } catch (e) {
      recordError('activity', e);
      // Put the batch back (pruned, so a storage that keeps failing cannot grow it).
      pending = prune(mergeCounts(batch, pending), dayKey(Date.now()));
    }
  });
}

/** Forgets every count: the buffer now, storage after any flush in flight
 * (so that flush cannot write the old counts back). Rejects if storage fails.
 * @returns {Promise<void>} */
export function clearActivity() {
  pending = {};
  if (timer !== null) {
    clearTimeout(timer);
    timer = null;
  }
  return serial(() => api.storage.local.remove(KEY));
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
