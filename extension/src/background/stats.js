// Counters and timings for tests and diagnostics, never URLs. Imported first
// by main.js, so `swStartMs` is taken when the worker's code starts.
// performance.now() counts from the worker's (or background page's)
// performance.timeOrigin, so `firstVerdictMs` is "cold start to first verdict".
//
// Tests read `self.lachan` (e2e contract):
//   self.lachan = { ready: Promise<void>, stats: { swStartMs, engineReadyMs, firstVerdictMs, verdicts, ... } }
// `ready` is set by main.js.

export const stats = {
  swStartMs: performance.now(),
  /** @type {number | null} */ engineStartMs: null,
  /** @type {number | null} */ engineReadyMs: null,
  /** @type {number | null} */ firstVerdictMs: null,
  /** @type {number | null} */ verifyMs: null,
  /** @type {boolean | null} */ verified: null,
  bundleBytes: 0,
  /** the bundle version in force (0: the packed one; updates.js) */ bundleVersion: 0,
  /** WASM traps the engine wrapper recovered from (resilient.js). */
  engineTraps: 0,
  verdicts: 0,
  blocked: 0,
  warned: 0,
  guardChecks: 0,
  /** check.html verdicts (Chromium's hops: wrappers, odd spellings) */ hopChecks: 0,
  /** same-document navigations sent to the warning page */ historyStops: 0,
  /** tabs open before the background started, sent to the warning page */ tabsRechecked: 0,
  /** sub-resource requests cancelled (Firefox; Chromium's are DNR's) */ subBlocked: 0,
  /** warning pages shown inside a frame, <object> or <embed> */ warningFrames: 0,
  /** Firefox: <object>/<embed> loads answered with the static note */ objectNotes: 0,
  /** navigations sent to the not-ready page (no bundle open, or deciding failed) */ notReady: 0,
  /** @type {number | null} when the last update came into force (performance.now()) */ updateInForceMs: null,
  /** @type {string | null} the last update check's outcome */ lastUpdateCheck: null,
  /** @type {number | null} */ updateCheckMs: null,
  /** @type {string | null} the last hash-list check's outcome */ lastHashCheck: null,
  /** Chromium: block domains a list update adds to the packed bundle, and those in dynamic rules */ updateDomains: 0,
  updateDomainsInRules: 0,
  /** Page text and search queries scored (text.js, search.js), posts judged and masked. */
  textChecks: 0, textChars: 0, textMs: 0, textOver: 0, textLastAt: 0,
  /** @type {object | null} the last page's main-thread cost, as its content script measured it */ textPerf: null,
  searchChecks: 0, searchStopped: 0, postChecks: 0, postsMasked: 0, textContinued: 0,
  /** @type {string[]} */ errors: [],
};

/** @type {{ready: Promise<void>, stats: typeof stats}} */
export const lachan = { ready: Promise.resolve(), stats };
/** @type {any} */ (globalThis).lachan = lachan;

/** Records the first verdict's time and counts every verdict.
 * @param {'allow' | 'warn' | 'block'} action */
export function countVerdict(action) {
  stats.firstVerdictMs ??= performance.now();
  stats.verdicts++;
  if (action === 'block') stats.blocked++;
  if (action === 'warn') stats.warned++;
}

/** @param {string} where @param {unknown} e */
export function recordError(where, e) {
  const msg = `${where}: ${/** @type {Error} */ (e)?.message ?? e}`;
  console.error('lachan:', msg);
  if (stats.errors.length < 20) stats.errors.push(msg);
}
