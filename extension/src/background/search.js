// Search queries (Google, Bing, DuckDuckGo, Cốc Cốc, YouTube) are scored as
// text when a tab navigates to a results page: a harmful query goes to the
// warning page (always `a=block`: a "continue" would only search again), a
// self-harm query to the support page (support.html: kind words, 111), not
// a wall. Called from navigation.js (Firefox: blocking webRequest, before the
// request leaves; Chromium: onBeforeNavigate + the document_start guard's
// navCheck) and, for in-page searches that only change the history state
// (YouTube), from navigation.js's webNavigation.onHistoryStateUpdated.
import { api } from '../shared/platform.js';
import { stats } from './stats.js';
import { scoreText } from './text.js';
import { warningUrl } from './verdict.js';
import { searchQuery } from './search-match.js';

export { ENGINES, searchQuery } from './search-match.js';

/** Where a search must go instead (warning or support page), or null when
 * `url` is not a search or the query is fine. @param {string} url */
export async function searchRedirect(url) {
  const s = searchQuery(url);
  if (!s) return null;
  stats.searchChecks++;
  const v = await scoreText(s.query);
  if (v.action === 'allow') return null;
  stats.searchStopped++;
  if (v.support) return `${api.runtime.getURL('support.html')}?from=search`;
  return warningUrl(url, /** @type {any} */ ({ action: 'block', category: v.category ?? 'other', source: `search:${s.engine}`,
    rule: null, matched_url: null }));
}
