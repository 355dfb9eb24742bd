// Every message between the extension's parts: one constructor per type and
// one guard, so the background's router dispatches on a known `type` and
// never trusts a shape it did not check. The content scripts import these
// builders too (build.mjs bundles them), so no shape is written by hand.

/**
 * @typedef {{type: 'navCheck', url: string}} NavCheck
 *   guard → background: may this frame show `url`? → {@link NavAnswer}
 * @typedef {{type: 'verdict', url: string}} VerdictRequest
 *   warning page → background: the full verdict for `url` → {@link VerdictAnswer}
 * @typedef {{type: 'askGrownUp', url: string, category: string}} AskGrownUp
 *   warning page or in-page shield → background: record a local unblock
 *   request (from a web page, for the address the browser reports) → {ok, count}
 * @typedef {{type: 'textContinued', category: string}} TextContinued
 *   in-page shield → background: the child pressed "continue" after the
 *   countdown (counted, no URL) → {ok}
 * @typedef {{type: 'allowSession', url: string}} AllowSession
 *   warning page → background: the child chose "continue" on a warn-level
 *   page → {ok}; refused (ok: false) for block-level verdicts; ok for
 *   pages that are allowed anyway
 * @typedef {{type: 'stats'}} StatsRequest
 *   tests and diagnostics → background: counters and timings (no URLs)
 * @typedef {NavCheck | VerdictRequest | AskGrownUp | AllowSession | StatsRequest | ImageCheck | OpenReport | EvidenceCapture | ImageStatsRequest
 *   | PageText | Posts | TextContinued | LeavePage | WarningShown | SupportShown | WaitingRequests | OptionsMessage | HopCheck | BlockedNavigation
 *   | RetryEngine | EngineState | UpdateMessage} Message
 *
 * @typedef {{action: 'allow'} | {action: 'warn' | 'block', redirect: string}} NavAnswer
 * @typedef {{action: 'allow' | 'warn' | 'block', category: string | null, source: string | null,
 *   rule: string | null, match_kind: string, band: string, matched_url: string | null,
 *   allow_override: boolean, reason: string, score?: number, sessionAllowed: boolean,
 *   override: null | 'paused' | 'approved'}} VerdictAnswer
 */

/** @param {string} url @returns {NavCheck} */
export const navCheck = (url) => ({ type: 'navCheck', url });
/** @param {string} url @returns {VerdictRequest} */
export const verdictRequest = (url) => ({ type: 'verdict', url });
/** @param {string} url @param {string} category @returns {AskGrownUp} */
export const askGrownUp = (url, category) => ({ type: 'askGrownUp', url, category });
/** @param {string} url @returns {AllowSession} */
export const allowSession = (url) => ({ type: 'allowSession', url });
/** @returns {StatsRequest} */
export const statsRequest = () => ({ type: 'stats' });

/**
 * Image check and report flow (src/background/images.js):
 * @typedef {{type: 'imageCheck', src: string}} ImageCheck
 *   image content script → background: fetch, PDQ-hash and look up `src`
 *   → {ok, matched, quality, lowQuality, hash, fetchMs, decodeMs, hashMs[, contacts]} | {ok: false, error}
 * @typedef {{type: 'openReport', url: string, category?: string | null,
 *   image?: {hash: string, source?: string | null, id?: string | null, distance?: number | null} | null,
 *   evidence?: boolean, words?: string[]}} OpenReport
 *   in-page image note / popup → background: open report.html in a new tab → {ok};
 *   with `evidence` (warning page, in-page shield) report.html also offers to
 *   keep evidence of the sender's tab, its matched `words` with it
 * @typedef {{type: 'evidenceCapture', token: string, tabId: number, category: string, hash?: string | null}} EvidenceCapture
 *   report.html (PIN unlocked) → background: a PNG of tab `tabId` as it is
 *   shown, only where shared/evidence.js allows a picture → {ok, dataUrl} | {ok: false, error}
 * @typedef {{type: 'imageStats'}} ImageStatsRequest
 *   tests and diagnostics → background: image-check counters and timings (no URLs)
 */
/**
 * @typedef {{hash: string, source: string | null, id: string | null, distance: number}} ImageMatch
 * @typedef {{ok: true, matched: ImageMatch | null, fetchMs?: number, decodeMs?: number, hashMs?: number,
 *   contacts?: {hotline?: {tel?: string}, channel?: {id: string, name: string, url: string, verified: boolean}[]}}
 *   | {ok: false, error: string}} ImageCheckAnswer
 *
 * The other way, background → the top frame's content script:
 * @typedef {{type: 'evidenceReveal', on: boolean}} EvidenceReveal
 *   lift the in-page shield for the moment of an evidence picture (on), or put it back → {ok, shield}
 */
/** @param {boolean} on @returns {EvidenceReveal} */
export const evidenceReveal = (on) => ({ type: 'evidenceReveal', on });
/** @param {unknown} m @returns {m is EvidenceReveal} */
export const isEvidenceReveal = (m) => typeof m === 'object' && m !== null
  && /** @type {{type?: unknown}} */ (m).type === 'evidenceReveal' && typeof (/** @type {{on?: unknown}} */ (m).on) === 'boolean';
/** @param {string} src @returns {ImageCheck} */
export const imageCheck = (src) => ({ type: 'imageCheck', src });
/** @param {string} url @param {string | null} [category] @param {OpenReport['image']} [image] @returns {OpenReport} */
export const openReport = (url, category = null, image = null) => ({ type: 'openReport', url, category, image });
/** @param {string} url @param {string | null} category @param {string[]} [words] @returns {OpenReport} */
export const openEvidence = (url, category, words = []) => ({ type: 'openReport', url, category, image: null, evidence: true, words });
/** @returns {ImageStatsRequest} */
export const imageStatsRequest = () => ({ type: 'imageStats' });

/**
 * Page text and search (src/background/text.js, src/content/page.js):
 * @typedef {{type: 'pageText', text: string, union?: boolean, article?: boolean, perf?: object}} PageText
 *   page content script → background: score `text` (the page's first 256 KiB
 *   as one union, later 64 KiB batches alone) → {action, category, support,
 *   score, limit, band[, help: {tel, channels}][, redirect]}
 * @typedef {{type: 'posts', texts: string[]}} Posts
 *   page content script → background: judge each post on its own (posts.js)
 *   → {masks: boolean[], hide (under 11: hide, else blur)}
 *   or {error}
 * @typedef {{type: 'leavePage'}} LeavePage
 *   in-page shield's "Go back" with no history → background: the tab opens start.html → {ok}
 *
 * @typedef {{tel?: string, channels?: {id: string, name: string, url: string, verified: boolean}[]}} HelpData
 *   111 and its channels, for the in-page shield
 * @typedef {{action: 'allow' | 'warn' | 'block', category: string | null, support: boolean,
 *   score?: number, limit?: number, band?: string, continuable?: boolean,
 *   redirect?: string, help?: HelpData, words?: string[], error?: undefined} | {error: string, action?: undefined}} PageTextAnswer
 * @typedef {{masks: boolean[], hide: boolean, error?: undefined} | {error: string, masks?: undefined}} PostsAnswer
 */
/**
 * What the background answers the content scripts (the router's handlers
 * are typed by it, so an answer cannot drift from what its reader expects):
 * @typedef {{navCheck: NavAnswer, pageText: PageTextAnswer, posts: PostsAnswer, imageCheck: ImageCheckAnswer}} Answers
 */
/** @param {string} text @param {boolean} [union] @param {{article?: boolean, perf?: object}} [more]
 * the page marks itself up as an article; the scan's main-thread cost (diagnostics)
 * @returns {PageText} */
export const pageText = (text, union = false, more = {}) => ({ type: 'pageText', text, union, ...more });
/** @param {string[]} texts @returns {Posts} */
export const postsCheck = (texts) => ({ type: 'posts', texts });
/** @param {string} category @returns {TextContinued} */
export const textContinued = (category) => ({ type: 'textContinued', category });
/** @returns {LeavePage} */
export const leavePage = () => ({ type: 'leavePage' });

/**
 * The options page (src/background/parent.js). Accepted from the
 * extension's own pages only; those with `token` need a parent PIN to exist
 * (else {ok: false, error: 'setupNeeded'}, or {ok: false, refused:
 * ['optionsPage']} when a school closes the page) and the live unlock token
 * (from pinSetup, unlock or pinRecover; else {ok: false, error: 'locked'}).
 * @typedef {{type: 'warningShown', category: string, action: string, url?: string}}
 *   WarningShown warning page → background: count it in the local activity,
 *   once per visit (the URL tells a visit; only the category and a count are kept)
 * @typedef {{type: 'supportShown'}}
 *   SupportShown support page → background: count it (a number per day, nothing else)
 * @typedef {{type: 'waitingRequests'}}
 *   WaitingRequests popup → background: the child's waiting requests and the
 *   categories blocked at every age → {requests, strict: string[]}
 * @typedef {{type: 'optionsState', token?: string}
 *   | {type: 'pinSetup', pin: string} | {type: 'unlock', pin: string}
 *   | {type: 'pinRecover', code: string, pin: string} | {type: 'pinChange', token: string, pin: string}
 *   | {type: 'lock', token: string} | {type: 'settingsUpdate', token: string, patch: object}
 *   | {type: 'decideRequest', token: string, url: string, decision: 'hour' | 'always' | 'deny'}
 *   | {type: 'revokeApproval', token: string, host: string}
 *   | {type: 'pause', token: string, minutes: number} | {type: 'clearHistory', token: string}} OptionsMessage
 */
/** @param {string} category @param {string} action @param {string} [url] @returns {WarningShown} */
export const warningShown = (category, action, url = '') => ({ type: 'warningShown', category, action, url });
/** @returns {SupportShown} */
export const supportShown = () => ({ type: 'supportShown' });
/** @returns {WaitingRequests} */
export const waitingRequests = () => ({ type: 'waitingRequests' });

/** Whether a warning page's load is a new stop for the parents' summary: a
 * reload or a return through history shows the same stop again.
 * @param {string | undefined} navigationType PerformanceNavigationTiming.type */
export const isNewStop = (navigationType) => navigationType !== 'reload' && navigationType !== 'back_forward';

/**
 * Chromium's static rules (background/hop-rules.js, tools/dnr.mjs):
 * @typedef {{type: 'hopCheck', url: string}} HopCheck
 *   check.html → background: may this frame open `url` (a wrapper URL or an
 *   odd spelling the rules sent here first)? → {@link NavAnswer}
 * @typedef {{type: 'blockedNavigation'}} BlockedNavigation
 *   warning page reached by a urlFilter rule (no `u=`) → background: the URL
 *   this frame was opening → {url} ('' when unknown)
 */
/** @param {string} url @returns {HopCheck} */
export const hopCheck = (url) => ({ type: 'hopCheck', url });
/** @returns {BlockedNavigation} */
export const blockedNavigationRequest = () => ({ type: 'blockedNavigation' });

/**
 * The filter's own state (background/engine.js, background/updates.js):
 * @typedef {{type: 'retryEngine', url: string}} RetryEngine
 *   notready.html → background: open the bundle again and decide `url`
 *   → {ready: true, action: 'allow'} | {ready: true, action, redirect} | {ready: false, error}
 * @typedef {{type: 'engineState'}} EngineState
 *   self-check and options pages → background: {ready, error, bundle: {version, source, time} | null,
 *   update: the update status (background/updates.js)}
 * @typedef {{type: 'updateCheck', token: string} | {type: 'updateSource', token: string, url: string, key: string}} UpdateMessage
 *   options page (PIN) → background: fetch the family's update now; set
 *   (or, both empty, clear) the family's update address and key → {ok, error?}
 */
/** @param {string} url @returns {RetryEngine} */
export const retryEngine = (url) => ({ type: 'retryEngine', url });
/** @returns {EngineState} */
export const engineStateRequest = () => ({ type: 'engineState' });

const str = (/** @type {unknown} */ x) => typeof x === 'string';

/** Field checks per message type: each returns true when the shape is right.
 * Exactly one per type of {@link Message} (tsc checks both ways); `m` is
 * whatever arrived, so the checks read it as `any`. */
const SHAPES = /** @satisfies {Record<Message['type'], (m: any) => boolean>} */ ({
  navCheck: (/** @type {any} */ m) => typeof m.url === 'string',
  verdict: (/** @type {any} */ m) => typeof m.url === 'string',
  askGrownUp: (/** @type {any} */ m) => typeof m.url === 'string' && typeof m.category === 'string',
  allowSession: (/** @type {any} */ m) => typeof m.url === 'string',
  stats: () => true,
  imageCheck: (/** @type {any} */ m) => typeof m.src === 'string',
  openReport: (/** @type {any} */ m) => typeof m.url === 'string'
    && (m.category == null || typeof m.category === 'string')
    && (m.image == null || (typeof m.image === 'object' && typeof m.image.hash === 'string'))
    && (m.words == null || (Array.isArray(m.words) && m.words.every(str))),
  evidenceCapture: (/** @type {any} */ m) => str(m.token) && Number.isInteger(m.tabId) && str(m.category)
    && (m.hash == null || str(m.hash)),
  imageStats: () => true,
  pageText: (/** @type {any} */ m) => typeof m.text === 'string',
  textContinued: (/** @type {any} */ m) => typeof m.category === 'string',
  posts: (/** @type {any} */ m) => Array.isArray(m.texts) && m.texts.length > 0 && m.texts.every((/** @type {unknown} */ t) => typeof t === 'string'),
  leavePage: () => true,
  warningShown: (/** @type {any} */ m) => str(m.category) && str(m.action) && (m.url === undefined || str(m.url)),
  supportShown: () => true,
  waitingRequests: () => true,
  optionsState: (/** @type {any} */ m) => m.token === undefined || str(m.token),
  pinSetup: (/** @type {any} */ m) => str(m.pin),
  unlock: (/** @type {any} */ m) => str(m.pin),
  pinRecover: (/** @type {any} */ m) => str(m.code) && str(m.pin),
  pinChange: (/** @type {any} */ m) => str(m.token) && str(m.pin),
  lock: (/** @type {any} */ m) => str(m.token),
  settingsUpdate: (/** @type {any} */ m) => str(m.token) && typeof m.patch === 'object' && m.patch !== null && !Array.isArray(m.patch),
  decideRequest: (/** @type {any} */ m) => str(m.token) && str(m.url) && ['hour', 'always', 'deny'].includes(m.decision),
  revokeApproval: (/** @type {any} */ m) => str(m.token) && str(m.host),
  pause: (/** @type {any} */ m) => str(m.token) && Number.isInteger(m.minutes),
  clearHistory: (/** @type {any} */ m) => str(m.token),
  hopCheck: (/** @type {any} */ m) => str(m.url),
  blockedNavigation: () => true,
  retryEngine: (/** @type {any} */ m) => str(m.url),
  engineState: () => true,
  updateCheck: (/** @type {any} */ m) => str(m.token),
  updateSource: (/** @type {any} */ m) => str(m.token) && str(m.url) && str(m.key),
});

/** Every message type the background answers. */
export const MESSAGE_TYPES = /* @__PURE__ */ Object.freeze(/* @__PURE__ */ Object.keys(SHAPES));

/** @param {unknown} m @returns {m is Message} */
export function isMessage(m) {
  if (typeof m !== 'object' || m === null) return false;
  const type = /** @type {any} */ (m).type;
  return Object.hasOwn(SHAPES, type) && SHAPES[/** @type {keyof typeof SHAPES} */ (type)](m);
}

/** @template {Message['type']} T @param {unknown} m @param {T} type
 * @returns {m is Extract<Message, {type: T}>} */
export function isMessageOf(m, type) {
  return isMessage(m) && m.type === type;
}
