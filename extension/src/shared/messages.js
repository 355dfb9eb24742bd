// Every message between the extension's parts: one constructor per type and
// one guard, so the background's router dispatches on a known `type` and
// never trusts a shape it did not check.
//
// The content-script guard (src/content/guard.js) is a classic script and
// cannot import this module; it builds the `navCheck` shape by hand: keep
// the two in step.

/**
 * @typedef {{type: 'navCheck', url: string}} NavCheck
 *   guard → background: may this frame show `url`? → {@link NavAnswer}
 * @typedef {{type: 'verdict', url: string}} VerdictRequest
 *   warning page → background: the full verdict for `url` → {@link VerdictAnswer}
 * @typedef {{type: 'askGrownUp', url: string, category: string}} AskGrownUp
 *   warning page → background: record a local unblock request → {ok, count}
 * @typedef {{type: 'allowSession', url: string}} AllowSession
 *   warning page → background: the child chose "continue" on a warn-level
 *   page → {ok}; refused (ok: false) for block-level verdicts; ok for
 *   pages that are allowed anyway
 * @typedef {{type: 'stats'}} StatsRequest
 *   tests and diagnostics → background: counters and timings (no URLs)
 * @typedef {NavCheck | VerdictRequest | AskGrownUp | AllowSession | StatsRequest} Message
 *
 * @typedef {{action: 'allow'} | {action: 'warn' | 'block', redirect: string}} NavAnswer
 * @typedef {{action: 'allow' | 'warn' | 'block', category: string | null, source: string | null,
 *   rule: string | null, match_kind: string, band: string, matched_url: string | null,
 *   allow_override: boolean, reason: string, sessionAllowed: boolean}} VerdictAnswer
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

/** Field checks per message type: each returns true when the shape is right. */
const SHAPES = {
  navCheck: (/** @type {any} */ m) => typeof m.url === 'string',
  verdict: (/** @type {any} */ m) => typeof m.url === 'string',
  askGrownUp: (/** @type {any} */ m) => typeof m.url === 'string' && typeof m.category === 'string',
  allowSession: (/** @type {any} */ m) => typeof m.url === 'string',
  stats: () => true,
};

/** @param {unknown} m @returns {m is Message} */
export function isMessage(m) {
  if (typeof m !== 'object' || m === null) return false;
  const type = /** @type {any} */ (m).type;
  return Object.hasOwn(SHAPES, type) && SHAPES[/** @type {keyof SHAPES} */ (type)](m);
}

/** @template {Message['type']} T @param {unknown} m @param {T} type
 * @returns {m is Extract<Message, {type: T}>} */
export function isMessageOf(m, type) {
  return isMessage(m) && m.type === type;
}
