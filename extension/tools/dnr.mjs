// Generates Chromium's static declarativeNetRequest rulesets from the
// bundle's host and URL-prefix rules (Engine.exportRules), so both layers
// use the same data and a listed page is stopped before any request leaves,
// even before the worker has started.
//
// Rulesets (src/background/dnr.js switches them to follow the policy):
// - `block_<category>` and its `block_<category>_warn` twin for every block
//   category (any policy can switch any category to warn): the same rules,
//   redirecting pages, frames and <object>/<embed> to the warning page with
//   `a=block` or `a=warn`. Sources limited to some bands get their own pair
//   (`_b<band indexes>`).
// - `sub_<category>` for the categories the default policy blocks at every
//   age: the same hosts and URL prefixes, `block` for every other request
//   type (fetch/XHR, images, media, scripts, styles, fonts, websockets…).
// - `allow`: the allow-lists, for every request type.
// - `hop`: navigations check.html must see first (background/hop-rules.js):
//   wrapper URLs, and odd spellings on hosts with URL-prefix rules.
//
// Domains go into `requestDomains` chunks; a URL-prefix rule becomes a
// `urlFilter` (`||host/path^` and `||host/path.`: the core's boundaries
// after a prefix are `/?#&;.=` or the end; `^` stands for any separator,
// so a few more characters end a prefix here than in the core). A rule's
// priority is 3 × (half the length of its text) + 1, + 2 for allow-lists: a
// more specific entry wins, and at the same length the allow-list wins: the
// core's rule ("an allow entry wins at the same or a less specific level");
// see rank(). The + 0 step is the block twin below.
//
// Block rules on domains redirect with `regexSubstitution` (`\0` is the
// whole URL, appended raw as `u`, last). A urlFilter rule cannot carry the
// URL, so its redirect is `extensionPath` (`warning.html?c=&a=`) and the
// warning page asks the worker for the URL the tab was opening. Static
// rules cannot call chrome.runtime.getURL, so the extension id (fixed by
// the manifest `key`) is written into them. A copy running under another
// id (another store, another key) must still stop the host: every such
// redirect has a plain `block` twin one step lower (same domains, same
// rank, still above any less specific allow entry), used when Chromium
// drops the redirect; when it does not, the redirect to the absent id
// fails closed as well (measured: an error page, no request). Either way
// the worker's navigation layer then opens this copy's own warning page.
import { hopRegex, ODD_PATH, WRAPPER_HOPS } from '../src/background/hop-rules.js';
import { ALLOW_TYPES, blockedAtEveryAge, FRAME_TYPES, PRIORITY, SUB_TYPES, urlFilterProblem } from '../src/background/rule-shapes.js';

export { blockedAtEveryAge, urlFilterProblem };

/** Domains per rule. Chromium indexes rules, not domains; big chunks keep
 * the rule count (and the regex-rule count) low. */
export const CHUNK = 5000;
const BANDS = ['under-6', '6-10', '11-14', '15-17'];
const HOP_PRIORITY = PRIORITY.hop;

/** Chromium's static limits (declarativeNetRequest docs). */
export const LIMITS = { rulesets: 100, enabledRulesets: 50, enabledRules: 30_000, enabledRegexRules: 1000 };

/** The urlFilters of a URL-prefix rule (`host/path`, lower case). @param {string} rule */
export const urlFilters = (rule) => (rule.endsWith('/') ? [`||${rule}`] : [`||${rule}^`, `||${rule}.`]);

/** The core ranks rules by the length of their text (host, or host +
 * path): a subdomain is at least two characters longer than its parent, so
 * halving the length keeps every parent below its subdomains and lets
 * chunks of neighbouring lengths share a rule (the regex-rule count stays
 * far below Chromium's 1000). @param {string} text */
export const rank = (text) => Math.floor(text.length / 2);
/** Steps within a rank: the block twin < the rule < an allow entry. */
const STEP = { twin: 0, rule: 1, allow: 2 };
/** @param {string} text @param {keyof typeof STEP} [step] */
export const priority = (text, step = 'rule') => 3 * rank(text) + STEP[step];

/** @param {string[]} list */
function chunks(list) {
  const out = [];
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK));
  return out;
}

/**
 * @typedef {{domains: Set<string>, urls: Set<string>}} Entries
 * @typedef {{id: string, kind: 'block' | 'sub' | 'allow' | 'hop', category: string, action: string,
 *   bands: string[] | null, enabled: boolean, rules: number, domains: number, urlRules: number, regexRules: number}} RulesetMeta
 */

/**
 * @param {{rules: {rule: string, is_url: boolean, sources: number[]}[],
 *   sources: {name: string, category: string, kind: 'block' | 'allow', bands?: string[] | null}[],
 *   extensionId: string, band: string, table: Record<string, Record<string, string>>}} input
 *   `table` is the default policy's action table (the manifest's defaults follow it)
 */
export function makeRulesets({ rules, sources, extensionId, band, table }) {
  /** @type {Map<string, {category: string, kind: 'block' | 'allow', bands: string[] | null, entries: Entries}>} */
  const sets = new Map();
  /** @type {{rule: string, why: string}[]} */
  const skipped = [];
  /** Hosts that carry URL-prefix rules (the odd-spelling hop). */
  const urlHosts = new Set();
  for (const r of rules) {
    const problem = r.is_url ? urlFilterProblem(r.rule) : '';
    if (problem) {
      skipped.push({ rule: r.rule, why: problem });
      continue;
    }
    if (r.is_url) urlHosts.add(r.rule.split('/')[0]);
    for (const sid of r.sources) {
      const src = sources[sid];
      const bands = src.kind === 'block' && src.bands?.length ? src.bands : null;
      const id = src.kind === 'allow' ? 'allow'
        : `${src.category}${bands ? `_b${bands.map((b) => BANDS.indexOf(b)).join('')}` : ''}`;
      let set = sets.get(id);
      if (!set) {
        set = { category: src.kind === 'allow' ? '*' : src.category, kind: src.kind, bands, entries: { domains: new Set(), urls: new Set() } };
        sets.set(id, set);
      }
      (r.is_url ? set.entries.urls : set.entries.domains).add(r.rule);
    }
  }
  const warning = `chrome-extension://${extensionId}/warning.html`;
  /** @type {{meta: RulesetMeta, rules: any[]}[]} */
  const out = [];
  /** @param {Omit<RulesetMeta, 'rules' | 'domains' | 'urlRules' | 'regexRules'>} meta @param {any[]} list @param {Entries} [e] */
  const push = (meta, list, e) => out.push({ meta: { ...meta, rules: list.length, domains: e?.domains.size ?? 0,
    urlRules: e?.urls.size ?? 0, regexRules: list.filter((x) => x.condition.regexFilter).length }, rules: list });

  for (const [key, set] of [...sets.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const domains = [...set.entries.domains].sort();
    const urls = [...set.entries.urls].sort();
    const onBand = !set.bands || set.bands.includes(band);
    if (set.kind === 'allow') {
      push({ id: 'allow', kind: 'allow', category: '*', action: 'allow', bands: null, enabled: true },
        ruleList(domains, urls, (d) => ({ priority: priority(d, 'allow'), action: { type: 'allow' }, condition: { resourceTypes: ALLOW_TYPES } })),
        set.entries);
      continue;
    }
    for (const action of ['block', 'warn']) {
      const dnrRules = ruleList(domains, urls, (d, isUrl) => ({
        priority: priority(d),
        action: isUrl
          ? { type: 'redirect', redirect: { extensionPath: `/warning.html?c=${set.category}&a=${action}` } }
          // `u` last and raw: DNR cannot URL-encode \0; warning.js reads
          // everything after `u=` (the warning-page URL contract).
          : { type: 'redirect', redirect: { regexSubstitution: `${warning}?c=${set.category}&a=${action}&u=\\0` } },
        condition: { ...(isUrl ? {} : { regexFilter: '^.+$' }), resourceTypes: FRAME_TYPES },
      // The id-free twin of a domain redirect (see the top of this file).
      }), (d) => ({ priority: priority(d, 'twin'), action: { type: 'block' }, condition: { resourceTypes: FRAME_TYPES } }));
      const enabled = onBand && (table[set.category]?.[band] ?? 'block') === action;
      push({ id: `block_${key}${action === 'warn' ? '_warn' : ''}`, kind: 'block', category: set.category, action, bands: set.bands, enabled },
        dnrRules, set.entries);
    }
    if (blockedAtEveryAge(table, set.category)) {
      push({ id: `sub_${key}`, kind: 'sub', category: set.category, action: 'block', bands: set.bands, enabled: onBand },
        ruleList(domains, urls, (d) => ({ priority: priority(d), action: { type: 'block' }, condition: { resourceTypes: SUB_TYPES } })),
        set.entries);
    }
  }
  push({ id: 'hop', kind: 'hop', category: '*', action: 'hop', bands: null, enabled: true }, hopRules(extensionId, [...urlHosts].sort()));
  return { rulesets: out, skipped, urlHosts: urlHosts.size };
}

/**
 * One rule per chunk of domains (and its `twin`, when given) and one per
 * urlFilter, numbered from 1.
 * @typedef {{priority: number, action: any, condition: any}} RuleBody
 * @param {string[]} domains @param {string[]} urls
 * @param {(text: string, isUrl: boolean) => RuleBody} make
 * @param {(text: string) => RuleBody} [twin]
 */
function ruleList(domains, urls, make, twin) {
  const list = [];
  // Chunks of equally ranked domains share a priority.
  /** @type {Map<number, string[]>} */
  const byRank = new Map();
  for (const d of domains) {
    const group = byRank.get(rank(d));
    if (group) group.push(d);
    else byRank.set(rank(d), [d]);
  }
  for (const [, group] of [...byRank.entries()].sort((a, b) => a[0] - b[0])) {
    for (const requestDomains of chunks(group)) {
      for (const r of twin ? [make(requestDomains[0], false), twin(requestDomains[0])] : [make(requestDomains[0], false)]) {
        list.push({ id: list.length + 1, ...r, condition: { ...r.condition, requestDomains } });
      }
    }
  }
  for (const u of urls) {
    for (const urlFilter of urlFilters(u)) {
      const r = make(u, true);
      list.push({ id: list.length + 1, ...r, condition: { ...r.condition, urlFilter } });
    }
  }
  return list;
}

/** The `hop` ruleset: every wrapper shape, and the odd-spelling rule for
 * the URL-prefix hosts, redirected to check.html with the raw URL. The
 * extension's own navigations (check.html opening an allowed URL) are
 * excluded; only GET navigations hop, so a form's POST is never turned
 * into a GET (the second layer checks those).
 * @param {string} extensionId @param {string[]} urlHosts */
function hopRules(extensionId, urlHosts) {
  const action = { type: 'redirect', redirect: { regexSubstitution: `chrome-extension://${extensionId}/check.html?u=\\0` } };
  const base = { resourceTypes: ['main_frame', 'sub_frame'], requestMethods: ['get'], excludedInitiatorDomains: [extensionId] };
  const list = WRAPPER_HOPS.map((h, i) => ({ id: i + 1, priority: HOP_PRIORITY, action,
    condition: { ...base, regexFilter: hopRegex(h.path), ...(h.domains ? { requestDomains: h.domains } : {}) } }));
  for (const requestDomains of chunks(urlHosts)) {
    list.push({ id: list.length + 1, priority: HOP_PRIORITY, action, condition: { ...base, regexFilter: hopRegex(ODD_PATH), requestDomains } });
  }
  return list;
}

/**
 * The most any one policy can switch on at once: every ruleset but one of
 * each block/warn pair (the twins hold the same rules). Build-time check
 * against LIMITS.
 * @param {RulesetMeta[]} metas
 */
export function worstCase(metas) {
  const on = metas.filter((m) => !(m.kind === 'block' && m.action === 'warn'));
  return { rulesets: on.length, rules: on.reduce((n, m) => n + m.rules, 0), regexRules: on.reduce((n, m) => n + m.regexRules, 0) };
}
