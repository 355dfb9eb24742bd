// What Chromium's declarativeNetRequest rules are made of, shared by the
// build (tools/dnr.mjs writes the static rulesets) and the worker (dnr.js,
// overrides.js switch them and add dynamic and session rules), and which
// categories are stopped for every request type (subresources.js in
// Firefox, the `sub_` rulesets in Chromium).

/** Requests that show a document: they get the warning page. */
export const FRAME_TYPES = /** @type {chrome.declarativeNetRequest.ResourceType[]} */ (/** @type {any} */ (
  ['main_frame', 'sub_frame', 'object']));
/** Every other request type: blocked for the categories blocked at every age. */
export const SUB_TYPES = /** @type {chrome.declarativeNetRequest.ResourceType[]} */ (/** @type {any} */ (
  ['stylesheet', 'script', 'image', 'font', 'xmlhttprequest', 'ping', 'csp_report', 'media', 'websocket', 'webtransport', 'webbundle', 'other']));
/** What an allow rule lifts: everything, so an allowed site's pictures and
 * scripts load even when a listed parent domain blocks sub-resources. */
export const ALLOW_TYPES = [...FRAME_TYPES, ...SUB_TYPES];

/**
 * Priorities, lowest first: static rules (3 × half the rule length,
 * +1, +2 for an allow-list; at most ~790) < the parent's allow < the parent's block < the
 * school's allow < the check-page hop < a parent's pause or approval <
 * the school's block < a child's "continue" on a warn page.
 */
export const PRIORITY = {
  parentAllow: 5_000,
  parentBlock: 5_200,
  schoolAllow: 5_300,
  hop: 5_400,
  override: 5_500,
  schoolBlock: 6_000,
  sessionAllow: 10_000,
};

const BANDS = ['under-6', '6-10', '11-14', '15-17'];

/** Whether an action table blocks `category` in every age band: only such
 * categories are stopped for sub-resources (a category some band may see
 * must not break that band's pages).
 * @param {Record<string, Record<string, string>>} table @param {string} category */
export const blockedAtEveryAge = (table, category) => BANDS.every((b) => (table[category]?.[b] ?? 'block') === 'block');

/** Why a URL-prefix rule (`host/path`, as the bundle spells it) cannot be a
 * static urlFilter rule, or '' when it can: those stay with the worker.
 * @param {string} rule */
export function urlFilterProblem(rule) {
  if (/[*^|]/.test(rule)) return 'has a urlFilter wildcard (* ^ |)';
  if (/[^\x21-\x7e]/.test(rule)) return 'not printable ASCII';
  if (rule.split('/')[0].includes(':')) return 'IPv6 host';
  return '';
}
