// Navigations that Chromium's static rules send to check.html first (the
// "hop"): an extension page, so no request reaches the web until the
// worker has decided. Two kinds:
//
// - Wrapper URLs (translation proxies, the Google AMP viewer and AMP cache,
//   web caches, archives) show another site's page under their own address;
//   no static rule can list every host they may carry, but a regexFilter can
//   say their shape.
// - On a host that carries URL-prefix rules, a URL the rules' urlFilter
//   cannot see as the list spells it: an explicit port, a trailing-dot host,
//   doubled slashes, or percent-escapes of unreserved characters (servers
//   answer `/%66r` and `//fr` as `/fr`).
//
// Used by tools/dnr.mjs (the `hop` ruleset) and by navigation.js (so the
// second layer leaves such navigations to the hop). Every regex must mean
// the same in RE2 (Chromium's regexFilter, case-insensitive by default) and
// in JavaScript (flag `i`); the e2e asks Chromium's isRegexSupported about
// each one. `domains` narrows a rule like DNR's requestDomains (the host or
// a subdomain); `path` is matched from the start of the URL.

/** Userinfo, port and a trailing dot as a browser may spell a host. */
const AUTH = '([^/?#@]*@)?';
const PORT = '\\.?(:[0-9]+)?';
/** A Google-style country TLD: `com`, `vn`, `com.vn`, `co.uk`. */
const TLD = '[a-z]{2,3}(\\.[a-z]{2,3})?';

/** @typedef {{name: string, domains?: string[], path: string}} Hop */

/** @type {Hop[]} */
export const WRAPPER_HOPS = [
  { name: 'translate.goog', domains: ['translate.goog'], path: 'https?://' },
  { name: 'AMP cache', domains: ['cdn.ampproject.org'], path: 'https?://' },
  { name: 'Google AMP viewer', path: `https?://${AUTH}(www\\.)?google\\.${TLD}${PORT}/amp/` },
  { name: 'Google cache and Translate', domains: ['webcache.googleusercontent.com', 'translate.googleusercontent.com'], path: 'https?://' },
  { name: 'Google Translate', path: `https?://${AUTH}translate\\.google\\.${TLD}${PORT}/` },
  { name: 'Wayback Machine', domains: ['archive.org'], path: 'https?://[^/?#]+/(web|wayback)/' },
  { name: 'archive.today', domains: ['archive.ph', 'archive.today', 'archive.is', 'archive.li', 'archive.vn', 'archive.md', 'archive.fo'],
    path: 'https?://[^/?#]+/[^?#]' },
  { name: 'Yandex Translate', path: `https?://${AUTH}translate\\.yandex\\.${TLD}${PORT}/` },
  { name: 'Yandex Turbo pages', domains: ['translated.turbopages.org'], path: 'https?://' },
  { name: 'Microsoft Translator', domains: ['translatetheweb.com', 'microsofttranslator.com'], path: 'https?://' },
];

/** URL-prefix hosts: spellings their urlFilter rules cannot match. The
 * escapes are those of unreserved characters (`-`, `.`, digits, letters,
 * `_`, `~`), which servers decode. */
export const ODD_PATH = 'https?://[^/?#]*((:[0-9]+|\\.)([/?#]|$)|[^?#]*(//|%(2[de]|3[0-9]|[46][1-9a-f]|[57][0-9a]|5f|7e)))';

/** The regexFilter of a hop: the whole URL, so `\0` is the whole URL.
 * @param {string} path */
export const hopRegex = (path) => `^${path}.*`;

/** @param {string} host @param {string[]} domains */
const inDomains = (host, domains) => domains.some((d) => host === d || host.endsWith(`.${d}`));

/** @param {string} url */
function hostOf(url) {
  try {
    return new URL(url).hostname.replace(/\.$/, '');
  } catch {
    return '';
  }
}

/** Whether a wrapper hop catches this URL (as the static rule would).
 * @param {string} url */
export function wrapperHop(url) {
  const host = hostOf(url);
  return WRAPPER_HOPS.some((h) => (!h.domains || inDomains(host, h.domains)) && new RegExp(hopRegex(h.path), 'i').test(url));
}

/** Whether the odd-spelling hop catches this URL on a URL-prefix host.
 * @param {string} url @param {string} ruleHost the host of the URL-prefix rule */
export function oddPathHop(url, ruleHost) {
  return inDomains(hostOf(url), [ruleHost]) && new RegExp(hopRegex(ODD_PATH), 'i').test(url);
}
