// A child's "ask a grown-up" requests as the parent's answer screens and the
// toolbar badge read them. Pure functions (no DOM, no browser API), so
// extension/test/requests.test.mjs runs them in Node.

/** @typedef {import('./settings.js').GrownUpRequest} GrownUpRequest */
/** @typedef {'hour' | 'always' | 'deny'} Decision */

/** A request waits this long for an answer. A week covers a parent who
 * opens Lá Chắn only at the weekend; an older request is about a page the
 * child has long moved on from, and would keep the badge lit for nothing. */
export const REQUEST_MS = 7 * 24 * 60 * 60 * 1000;

/** The badge's colour: the warning page's amber (readable white text). */
export const BADGE_COLOR = '#b45309';

/** Requests still waiting at `now` (malformed ones dropped).
 * @param {unknown} list @param {number} now @returns {GrownUpRequest[]} */
export function liveRequests(list, now) {
  if (!Array.isArray(list)) return [];
  return list.filter((r) => r && typeof r.url === 'string' && typeof r.time === 'number' && r.time + REQUEST_MS > now);
}

/** When the next waiting request expires, or 0 when none waits.
 * @param {GrownUpRequest[]} live */
export function nextRequestExpiry(live) {
  return live.length ? Math.min(...live.map((r) => r.time)) + REQUEST_MS : 0;
}

/** The toolbar badge's text for `count` waiting requests ('' clears it;
 * the badge has room for about four characters).
 * @param {number} count */
export const badgeText = (count) => (count <= 0 ? '' : count > 99 ? '99+' : String(count));

/** Categories the default policy blocks at every age band: no age makes
 * them fit, so the answer screen leads with "Not now".
 * @param {Record<string, Record<string, string>>} table category → band → action
 * @returns {Set<string>} */
export function strictCategories(table) {
  const out = new Set();
  for (const [category, bands] of Object.entries(table ?? {})) {
    const actions = Object.values(bands ?? {});
    if (actions.length && actions.every((a) => a === 'block')) out.add(category);
  }
  return out;
}

/** The answer buttons in order, the first one filled (primary): "Not now"
 * first for a category blocked at every age, else "Allow 1 hour" first.
 * @param {boolean} strict @returns {{decision: Decision, primary: boolean}[]} */
export function answerOrder(strict) {
  /** @type {Decision[]} */
  const order = strict ? ['deny', 'hour', 'always'] : ['hour', 'always', 'deny'];
  return order.map((decision, i) => ({ decision, primary: i === 0 }));
}
