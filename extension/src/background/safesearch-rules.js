// SafeSearch / YouTube restricted mode: the pure part (no browser API), so
// build.mjs can check lists/curated/safesearch.toml and node --test can check
// the rules. The data file's format is described at its top.

/** @typedef {{id: string, name: string, kind: 'param' | 'header' | 'none', domains: string[], paths?: string[],
 *   query?: string, param?: string, header?: string, value?: string, reason: string, source: string}} SafeEngine */

/** Session rule ids [BASE, END): below the session allows (dnr.js, ids from 1 000 000). */
export const SAFESEARCH_ID_BASE = 900_000;
export const SAFESEARCH_ID_END = 901_000;
/** Above the parent/school allow rule (5000): an allow-listed engine keeps
 * SafeSearch. Below the parent/school block rules (6000) and session allows. */
export const SEARCH_PRIORITY = 5_500;
/** Above every allow rule (session allows are 10 000): in DNR a higher
 * `allow` cancels lower modifyHeaders rules, and an allowed YouTube must
 * still be restricted. A header never stops a block or redirect. */
export const HEADER_PRIORITY = 20_000;

/** Every resource type (DNR's default leaves out main_frame). */
export const ALL_TYPES = ['main_frame', 'sub_frame', 'stylesheet', 'script', 'image', 'font', 'object',
  'xmlhttprequest', 'ping', 'media', 'websocket', 'other'];

const DOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const TOKEN = /^[A-Za-z0-9_-]+$/;

/** A space-separated string (the TOML) or an array (the built JSON). @param {unknown} v */
const words = (v) => (typeof v === 'string' ? v.split(/\s+/).filter(Boolean)
  : Array.isArray(v) ? v.filter((x) => typeof x === 'string' && x) : []);

/**
 * Checks the parsed TOML (`{engine: [...]}`) and returns the engines with
 * `domains`/`paths` as arrays. Throws one message listing every problem.
 * @param {any} data @param {string} [file] @returns {SafeEngine[]}
 */
export function checkSafeSearch(data, file = 'safesearch.toml') {
  const engines = Array.isArray(data?.engine) ? data.engine : [];
  const problems = [];
  if (!engines.length) problems.push('no [[engine]] entries');
  const ids = new Set();
  /** @type {SafeEngine[]} */
  const out = [];
  for (const [i, e] of engines.entries()) {
    const at = `[[engine]] #${i + 1}${e?.id ? ` (${e.id})` : ''}`;
    if (!e.id || !TOKEN.test(e.id)) problems.push(`${at}: id must be letters, digits, - or _`);
    else if (ids.has(e.id)) problems.push(`${at}: id used twice`);
    ids.add(e.id);
    if (!e.name) problems.push(`${at}: needs name`);
    if (!e.reason || !e.source) problems.push(`${at}: needs reason and source`);
    const domains = words(e.domains).map((d) => d.toLowerCase());
    if (!domains.length) problems.push(`${at}: needs domains`);
    for (const d of domains) if (!DOMAIN.test(d)) problems.push(`${at}: bad domain ${d}`);
    const paths = words(e.paths);
    if (e.kind === 'param') {
      if (!paths.length) problems.push(`${at}: kind param needs paths`);
      for (const p of paths) if (!/^\/[A-Za-z0-9/_.-]*$/.test(p)) problems.push(`${at}: bad path ${p}`);
      if (!e.param || !TOKEN.test(e.param)) problems.push(`${at}: kind param needs param`);
      if (e.query !== undefined && !TOKEN.test(e.query)) problems.push(`${at}: bad query ${e.query}`);
      if (typeof e.value !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(e.value)) problems.push(`${at}: needs value (letters, digits)`);
    } else if (e.kind === 'header') {
      if (!e.header || !TOKEN.test(e.header)) problems.push(`${at}: kind header needs header`);
      if (typeof e.value !== 'string' || !e.value || /[\r\n]/.test(e.value)) problems.push(`${at}: needs value`);
    } else if (e.kind !== 'none') {
      problems.push(`${at}: kind must be param, header or none`);
    }
    out.push({ ...e, domains, paths });
  }
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  return out;
}

/** @param {string} s */
const reEscape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The RE2 filter for a `param` engine's results pages (any host: the host
 * is restricted by `requestDomains`, which also matches on any port).
 * @param {SafeEngine} e */
export function resultsRegex(e) {
  const paths = `(?:${(e.paths ?? []).map(reEscape).join('|')})`;
  const tail = e.query ? `\\?(?:[^#]*&)?${reEscape(e.query)}=` : '(?:[?#]|$)';
  return `^https?://[^/?#]+${paths}${tail}`;
}

/**
 * DNR rules (session or dynamic) for the engines: one redirect per `param`
 * engine (unless `params` is false: Firefox, see safesearch.js), one
 * modifyHeaders per `header` engine; `none` gives nothing.
 * `exclude`: domains the filter stops (their results page is not redirected,
 * so the redirect cannot outrank a category block rule).
 * @param {SafeEngine[]} engines @param {{base?: number, params?: boolean, exclude?: string[]}} [o]
 * @returns {chrome.declarativeNetRequest.Rule[]}
 */
export function makeSafeSearchRules(engines, { base = SAFESEARCH_ID_BASE, params = true, exclude = [] } = {}) {
  /** @type {any[]} */
  const rules = [];
  let id = base;
  for (const e of engines) {
    if (e.kind === 'param' && params) {
      rules.push({
        id: id++,
        priority: SEARCH_PRIORITY,
        action: { type: 'redirect', redirect: { transform: { queryTransform: {
          addOrReplaceParams: [{ key: /** @type {string} */ (e.param), value: /** @type {string} */ (e.value) }] } } } },
        condition: { regexFilter: resultsRegex(e), requestDomains: e.domains, resourceTypes: ['main_frame', 'sub_frame'],
          ...(exclude.length ? { excludedRequestDomains: exclude } : {}) },
      });
    } else if (e.kind === 'header') {
      rules.push({
        id: id++,
        priority: HEADER_PRIORITY,
        action: { type: 'modifyHeaders', requestHeaders: [{ header: /** @type {string} */ (e.header), operation: 'set', value: e.value }] },
        condition: { requestDomains: e.domains, resourceTypes: ALL_TYPES },
      });
    }
  }
  if (id > SAFESEARCH_ID_END) throw new Error('too many SafeSearch rules');
  return rules;
}

/** Whether SafeSearch is on: a school policy's boolean `safeSearch` wins,
 * then the parent's `settings.safeSearch`, else on (the default for every band).
 * @param {{safeSearch?: unknown}} settings @param {{safeSearch?: unknown}} managed */
export function safeSearchOn(settings, managed) {
  if (typeof managed?.safeSearch === 'boolean') return managed.safeSearch;
  if (typeof settings?.safeSearch === 'boolean') return settings.safeSearch;
  return true;
}

/** @param {string} host @param {string[]} domains */
const underAny = (host, domains) => domains.some((d) => host === d || host.endsWith(`.${d}`));

/**
 * The URL a `param` engine's results page must be redirected to (the same
 * as DNR's addOrReplaceParams: the parameter set once, other parameters and
 * their order kept), or null when it needs no change. Firefox uses this from
 * blocking webRequest.
 * @param {SafeEngine[]} engines @param {string} url @returns {string | null}
 */
export function safeSearchRedirect(engines, url) {
  let u;
  try { u = new URL(url); } catch { return null; }
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  for (const e of engines) {
    if (e.kind !== 'param' || !underAny(host, e.domains) || !new RegExp(resultsRegex(e)).test(url)) continue;
    const key = /** @type {string} */ (e.param);
    const value = /** @type {string} */ (e.value);
    const all = u.searchParams.getAll(key);
    if (all.length === 1 && all[0] === value) return null;
    if (all.length) {
      // Replace in place: the first occurrence takes the value, the others go.
      let seen = false;
      const parts = u.search.slice(1).split('&').flatMap((part) => {
        if (decodeURIComponent(part.split('=')[0].replace(/\+/g, ' ')) !== key) return [part];
        if (seen) return [];
        seen = true;
        return [`${key}=${value}`];
      });
      u.search = parts.join('&');
    } else {
      u.search = u.search ? `${u.search.slice(1)}&${key}=${value}` : `${key}=${value}`;
    }
    return u.href;
  }
  return null;
}
