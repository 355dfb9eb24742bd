// First run belongs to the grown-up: a new install opens the welcome page
// (src/welcome), where a parent sets the PIN and the child's age band and
// reads about private windows and removal. Until a PIN exists the router
// refuses every parent-only message (parent.setupRefusal).
import { api } from '../shared/platform.js';

/** The welcome page, at the extension root (build.mjs). */
export const WELCOME_PAGE = 'welcome.html';

/** runtime.onInstalled: a fresh install opens the welcome page in a tab;
 * an update or a browser update opens nothing (a PIN may well exist, and
 * the popup points to the page while it does not).
 * @param {{reason?: string} | undefined} details @returns {Promise<boolean>} whether a tab was opened */
export async function onInstalled(details) {
  if (details?.reason !== 'install') return false;
  await api.tabs.create({ url: api.runtime.getURL(WELCOME_PAGE) });
  return true;
}
