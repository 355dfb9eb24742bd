// Settings and local records, with defaults, in one place.
//
// storage.local   settings (the parent's policy layer, which the options
//                 page edits), `askRequests` (grown-up
//                 requests, newest last, at most MAX_REQUESTS)
// storage.session session allows ("continue" on a warn-level page), cleared
//                 when the browser closes
// storage.managed the school's policy (read-only, cached in storage.local
//                 because the first managed read can take ~5 s)
import { api, optional } from './platform.js';
import { liveRequests } from './requests.js';

/** @typedef {{age_band?: string, categories?: Record<string, unknown>, allow?: string[], block?: string[]}} PolicyLayer */
/** @typedef {{parentPolicy: PolicyLayer | null, safeSearch?: boolean, pausedUntil?: number}} Settings */
/** @typedef {{url: string, host: string, category: string, time: number}} GrownUpRequest */
/** @typedef {{ageBand?: string, categories?: Record<string, string>, allow?: string[], block?: string[], schoolName?: string,
 *   counsellor?: {name?: string, phone?: string, email?: string}, safeSearch?: boolean, optionsPage?: boolean}} Managed */
/**
 * What storage.local and storage.session hold, to read them typed:
 * chrome.storage types every value `unknown`, and only this extension writes
 * them (readers still check what a damaged or older value could break).
 * @typedef {{settings: Settings, askRequests: GrownUpRequest[], approvals: Record<string, number>, managedCache: Managed,
 *   pin: {pin: import('./pin.js').Secret, recovery: import('./pin.js').Secret},
 *   pinGuard: import('./pin.js').Guard, updateSource: {url: string, key: string}}} LocalStore
 * @typedef {{unlock: {token: string, until: number}, sessionAllow: Record<string, number>,
 *   recentStops: Record<string, number>}} SessionStore
 */

/** @type {Settings} */
export const DEFAULT_SETTINGS = { parentPolicy: null };

/** How many "ask a grown-up" requests are kept (oldest dropped first). */
export const MAX_REQUESTS = 100;
/** How long a "continue" lasts at most, even if the browser stays open. */
export const SESSION_ALLOW_MS = 60 * 60 * 1000;

/** @returns {Promise<Settings>} */
export async function loadSettings() {
  const { settings } = await api.storage.local.get('settings');
  return { ...DEFAULT_SETTINGS, ...(settings ?? {}) };
}

/** The school policy as last seen (cached), without waiting for managed storage.
 * @returns {Promise<Managed>} */
export async function cachedManaged() {
  const { managedCache } = await api.storage.local.get('managedCache');
  return managedCache ?? {};
}

/** Reads managed storage (slow the first time) and refreshes the cache.
 * @returns {Promise<Managed>} */
export async function refreshManaged() {
  const managed = await optional(() => api.storage.managed.get(null), {});
  // Written only when it changed: every write fires storage.onChanged, which
  // re-applies the policy and refreshes open options pages.
  const { managedCache } = await api.storage.local.get('managedCache');
  if (JSON.stringify(managedCache ?? null) !== JSON.stringify(managed)) await api.storage.local.set({ managedCache: managed });
  return managed;
}

/** Lower-case host without a trailing dot, or '' for a URL without one.
 * @param {string} url */
export function hostOf(url) {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return '';
  }
}

/** @returns {Promise<Record<string, number>>} host → expiry (ms since epoch) */
export async function loadSessionAllows() {
  const { sessionAllow } = await api.storage.session.get('sessionAllow');
  const now = Date.now();
  return Object.fromEntries(Object.entries(sessionAllow ?? {}).filter(([, until]) => until > now));
}

/** @param {Record<string, number>} allows */
export async function saveSessionAllows(allows) {
  await api.storage.session.set({ sessionAllow: allows });
}

/** Records a child's "ask a grown-up" request (bounded, newest last; an
 * expired one is dropped, shared/requests.js). The badge follows through
 * storage.onChanged (background/badge.js).
 * @param {GrownUpRequest} req @returns {Promise<number>} requests kept */
export async function addRequest(req) {
  const { askRequests } = await api.storage.local.get('askRequests');
  /** @type {GrownUpRequest[]} */
  const list = liveRequests(askRequests, req.time).filter((r) => r.url !== req.url);
  list.push(req);
  const kept = list.slice(-MAX_REQUESTS);
  await api.storage.local.set({ askRequests: kept });
  return kept.length;
}
