// The one browser shim: `api` is `browser` on Firefox (promise-based) and
// `chrome` on Chromium (promise-based in MV3). Everything browser-specific
// that is not a manifest difference is decided here.

/** @type {typeof chrome} */
export const api = /** @type {any} */ (globalThis).browser ?? globalThis.chrome;

/** Firefox has blocking webRequest in MV3; Chromium does not. */
export const isFirefox = typeof (/** @type {any} */ (globalThis).browser) !== 'undefined'
  && api.runtime.getURL('').startsWith('moz-extension:');

/** @type {'firefox' | 'chromium'} */
export const flavour = isFirefox ? 'firefox' : 'chromium';

/** The local page "Go back" opens when a tab has no history to go back to
 * (extension pages cannot open about:/chrome: pages in every browser). */
export const startPage = 'start.html';

/** A localised UI string; `key` must exist in _locales/<lang>/messages.json.
 * @param {string} key @param {string | string[]} [subs] */
export function t(key, subs) {
  return api.i18n.getMessage(key, subs) || key;
}

/** Runs `fn`, logging (not throwing) on failure: for optional API calls
 * whose failure must never stop a check (e.g. storage.managed without a
 * policy on Firefox throws "Managed storage manifest not found").
 * @template T @param {() => Promise<T>} fn @param {T} fallback @returns {Promise<T>} */
export async function optional(fn, fallback) {
  try {
    return await fn();
  } catch (e) {
    console.debug('lachan: optional call failed:', /** @type {Error} */ (e).message);
    return fallback;
  }
}
