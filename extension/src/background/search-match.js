// Which URLs are search results pages, and their query (pure: no browser
// API, unit-tested by extension/test/search.test.mjs). Used by search.js.

/** host pattern, results path, query parameter. */
export const ENGINES = Object.freeze([
  { name: 'google', host: /(^|\.)google\.(com?\.)?[a-z]{2,3}$/, path: /^\/search\/?$/, param: 'q' },
  { name: 'bing', host: /(^|\.)bing\.com$/, path: /^\/(images\/|videos\/)?search\/?$/, param: 'q' },
  { name: 'duckduckgo', host: /(^|\.)duckduckgo\.com$/, path: /^\/(html\/?|lite\/?)?$/, param: 'q' },
  { name: 'coccoc', host: /(^|\.)coccoc\.com$/, path: /^\/search\/?$/, param: 'query' },
  { name: 'youtube', host: /(^|\.)youtube\.com$/, path: /^\/results\/?$/, param: 'search_query' },
]);

/** Longest query scored (search engines cut queries far shorter). */
export const MAX_QUERY = 2048;

/** The search engine and query of a results-page URL, or null.
 * @param {string} url @returns {{engine: string, query: string} | null} */
export function searchQuery(url) {
  let u;
  try { u = new URL(url); } catch { return null; }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  for (const e of ENGINES) {
    if (!e.host.test(host) || !e.path.test(u.pathname)) continue;
    const q = u.searchParams.get(e.param);
    return q && q.trim() ? { engine: e.name, query: q.slice(0, MAX_QUERY) } : null;
  }
  return null;
}
