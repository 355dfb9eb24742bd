// One visit, one count: the parents' summary counts a stop per visit, not
// per page load. A reload of the warning page, Back and Forward onto it, or
// the same child reaching the same blocked host again within VISIT_MS is
// the same visit.
//
// What was seen lives in storage.session (memory only, gone when the
// browser closes; it survives the worker being stopped between loads), and
// only as a hash of the host, so no storage ever holds a host the child
// tried to open.
import { api } from '../shared/platform.js';
import { serialQueue } from './serial.js';

/** Five minutes: a child who reloads, goes back and forth or retries the
 * same link does so within a minute or two, and that is one visit; a return
 * to the site later in the day is a new one the parent should see. */
export const VISIT_MS = 5 * 60 * 1000;

const KEY = 'recentStops';

/** Read-check-write must not interleave (a page and its frames arrive together). */
const serial = serialQueue();

/** The first 16 hex digits of SHA-256(`text`). @param {string} text */
async function digest(text) {
  const bytes = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return [...bytes.slice(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Whether `key` starts a new visit at `now`, and the seen map to keep
 * (entries older than the window dropped, `key` stamped when it counts).
 * The window runs from the visit's first count, so a child reloading every
 * minute for an hour counts once every five minutes, not once in all.
 * @param {Record<string, number>} seen key → when its visit was counted
 * @param {string} key @param {number} now @param {number} [windowMs]
 * @returns {{isNew: boolean, seen: Record<string, number>}}
 */
export function visitCheck(seen, key, now, windowMs = VISIT_MS) {
  /** @type {Record<string, number>} */
  const kept = {};
  for (const [k, at] of Object.entries(seen ?? {})) {
    if (typeof at === 'number' && at <= now && now - at < windowMs) kept[k] = at;
  }
  const isNew = !Object.hasOwn(kept, key);
  if (isNew) kept[key] = now;
  return { isNew, seen: kept };
}

/** Whether a stop of `kind` ('block', 'warn', 'support') at `host` is a new
 * visit (and, if so, remembers it). A failure to read or write the session
 * store counts the stop: a count too many beats a visit lost.
 * @param {string} kind @param {string} host @returns {Promise<boolean>} */
export function isNewVisit(kind, host) {
  return serial(async () => {
    const key = await digest(`${kind}\n${host}`);
    try {
      /** @type {Partial<import('../shared/settings.js').SessionStore>} */
      const { [KEY]: seen } = await api.storage.session.get(KEY);
      const r = visitCheck(seen ?? {}, key, Date.now());
      await api.storage.session.set({ [KEY]: r.seen });
      return r.isNew;
    } catch {
      return true;
    }
  });
}
