// What an age band does, from the shipped policy the background sends
// (`optionsState.defaults`: category -> band -> action) with the parent's
// and the school's own choices on top, so the preview shows what would
// really happen. Pure: the options page turns it into words.

/** @typedef {'allow' | 'warn' | 'block'} Action */
/** @typedef {{defaults: Record<string, Record<string, Action>>, categories: string[],
 *   parent?: Record<string, Action | null | undefined>, school?: Record<string, Action | undefined>}} Policy */

/** A category's action in a band: the school's, else the parent's, else the
 * shipped default (a category the policy does not name is blocked, as in
 * lists/policy/default.toml). @param {Policy} p @param {string} cat @param {string} band @returns {Action} */
export function actionFor(p, cat, band) {
  return p.school?.[cat] ?? p.parent?.[cat] ?? p.defaults[cat]?.[band] ?? 'block';
}

/** The categories per action for one band, in the page's category order.
 * @param {Policy} p @param {string} band @returns {Record<Action, string[]>} */
export function bandPreview(p, band) {
  /** @type {Record<Action, string[]>} */
  const out = { block: [], warn: [], allow: [] };
  for (const cat of p.categories) out[actionFor(p, cat, band)].push(cat);
  return out;
}

/** What changes from one band to another.
 * @param {Policy} p @param {string} from @param {string} to
 * @returns {{category: string, from: Action, to: Action}[]} */
export function bandChanges(p, from, to) {
  return p.categories
    .map((category) => ({ category, from: actionFor(p, category, from), to: actionFor(p, category, to) }))
    .filter((c) => c.from !== c.to);
}
