// SafeSearch / YouTube restricted mode: the data file and the DNR rules made
// from it (src/background/safesearch-rules.js). Browser behaviour:
// tests/e2e/safesearch/run.mjs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseToml } from '../tools/toml.mjs';
import {
  ALL_TYPES, checkSafeSearch, HEADER_PRIORITY, makeSafeSearchRules, resultsRegex, safeSearchOn, safeSearchRedirect,
  SAFESEARCH_ID_BASE, SAFESEARCH_ID_END, SEARCH_PRIORITY,
} from '../src/background/safesearch-rules.js';

const FILE = new URL('../../lists/curated/safesearch.toml', import.meta.url);
const engines = checkSafeSearch(parseToml(readFileSync(FILE, 'utf8')));
const rules = makeSafeSearchRules(engines);
const byId = Object.fromEntries(engines.map((e, i) => [e.id, e]));
/** @param {string} id */
const ruleFor = (id) => {
  const i = engines.filter((e) => e.kind !== 'none').findIndex((e) => e.id === id);
  return /** @type {any} */ (rules[i]);
};
/** RE2 subset used here is also valid JS RegExp syntax. @param {any} rule @param {string} url */
const matches = (rule, url) => new RegExp(rule.condition.regexFilter).test(url)
  && rule.condition.requestDomains.some((/** @type {string} */ d) => {
    const h = new URL(url).hostname;
    return h === d || h.endsWith(`.${d}`);
  });

test('the data file: every engine has a reason and a source; Cốc Cốc is documented as unsupported', () => {
  assert.deepEqual(engines.map((e) => e.id), ['google', 'bing', 'duckduckgo', 'coccoc', 'youtube']);
  for (const e of engines) assert.ok(e.reason && e.source, e.id);
  assert.equal(byId.coccoc.kind, 'none');
  assert.ok(byId.google.domains.includes('google.com.vn'));
});

test('one rule per enforceable engine, ids in the reserved session range, valid DNR shapes', () => {
  assert.equal(rules.length, 4);
  const ids = rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.ok(id >= SAFESEARCH_ID_BASE && id < SAFESEARCH_ID_END && id < 1_000_000);
  assert.deepEqual(ruleFor('google').action,
    { type: 'redirect', redirect: { transform: { queryTransform: { addOrReplaceParams: [{ key: 'safe', value: 'active' }] } } } });
  assert.deepEqual(ruleFor('bing').action.redirect.transform.queryTransform.addOrReplaceParams, [{ key: 'adlt', value: 'strict' }]);
  assert.deepEqual(ruleFor('duckduckgo').action.redirect.transform.queryTransform.addOrReplaceParams, [{ key: 'kp', value: '1' }]);
  for (const id of ['google', 'bing', 'duckduckgo']) {
    assert.equal(ruleFor(id).priority, SEARCH_PRIORITY);
    assert.deepEqual(ruleFor(id).condition.resourceTypes, ['main_frame', 'sub_frame']);
  }
  const yt = ruleFor('youtube');
  assert.deepEqual(yt.action, { type: 'modifyHeaders', requestHeaders: [{ header: 'YouTube-Restrict', operation: 'set', value: 'Strict' }] });
  assert.equal(yt.priority, HEADER_PRIORITY);
  assert.ok(yt.condition.resourceTypes.includes('main_frame') && yt.condition.resourceTypes.includes('xmlhttprequest'));
  assert.deepEqual(yt.condition.resourceTypes, ALL_TYPES);
  for (const d of ['youtube.com', 'm.youtube.com', 'youtubei.googleapis.com', 'youtube.googleapis.com', 'www.youtube-nocookie.com']) {
    assert.ok(yt.condition.requestDomains.includes(d), d);
  }
  // Above the parent/school allow rule (5000) and session allows (10 000) in dnr.js.
  assert.ok(SEARCH_PRIORITY > 5_000 && SEARCH_PRIORITY < 6_000 && HEADER_PRIORITY > 10_000);
});

test('results pages match (any port, any Google country domain); other pages and sites do not', () => {
  const g = ruleFor('google');
  for (const u of ['https://www.google.com/search?q=cats', 'https://www.google.com.vn/search?q=m%C3%A8o&hl=vi',
    'http://www.google.com:8443/search?hl=vi&q=x', 'https://google.co.uk/search?q=x&safe=off']) assert.ok(matches(g, u), u);
  for (const u of ['https://www.google.com/maps?q=hanoi', 'https://www.google.com/searchbyimage?q=x',
    'https://www.example.com/search?q=x', 'https://google.evil.com/search?q=x', 'https://www.google.com/search/about',
    'https://www.google.com/search?hl=vi']) assert.ok(!matches(g, u), u);
  const b = ruleFor('bing');
  for (const u of ['https://www.bing.com/search?q=x', 'https://www.bing.com/images/search?q=x&adlt=off', 'https://www.bing.com/videos/search?form=a&q=x']) {
    assert.ok(matches(b, u), u);
  }
  assert.ok(!matches(b, 'https://www.bing.com/maps?q=x'));
  const d = ruleFor('duckduckgo');
  for (const u of ['https://duckduckgo.com/?q=x', 'https://duckduckgo.com/?t=h_&q=x', 'https://html.duckduckgo.com/html/?q=x',
    'https://lite.duckduckgo.com/lite/?q=x&kp=-2']) assert.ok(matches(d, u), u);
  for (const u of ['https://duckduckgo.com/', 'https://duckduckgo.com/about?q=x', 'https://duckduckgo.com/?x=1&qq=2']) assert.ok(!matches(d, u), u);
  assert.equal(resultsRegex(byId.bing), '^https?://[^/?#]+(?:/search|/images/search|/videos/search)\\?(?:[^#]*&)?q=');
});

test('the setting: on by default; the school policy wins over the parent', () => {
  assert.equal(safeSearchOn({}, {}), true);
  assert.equal(safeSearchOn({ safeSearch: false }, {}), false);
  assert.equal(safeSearchOn({ safeSearch: false }, { safeSearch: true }), true);
  assert.equal(safeSearchOn({ safeSearch: true }, { safeSearch: false }), false);
  assert.equal(safeSearchOn({ safeSearch: 'no' }, { safeSearch: 0 }), true); // not a boolean: ignored
});

test('the checker refuses bad entries with every problem named, and accepts the built JSON (arrays)', () => {
  assert.throws(() => checkSafeSearch({ engine: [{ id: 'x', name: 'X', kind: 'param', domains: 'bad_domain', paths: 'search',
    param: 'p', value: 'v', reason: 'r' }] }), /needs reason and source.*bad domain bad_domain.*bad path search/);
  assert.throws(() => checkSafeSearch({ engine: [{ id: 'y', name: 'Y', kind: 'cookie', domains: 'a.com', reason: 'r', source: 's' }] }),
    /kind must be param, header or none/);
  assert.throws(() => checkSafeSearch({ engine: [{ id: 'h', name: 'H', kind: 'header', domains: 'a.com', header: 'X-A',
    value: 'a\r\nb', reason: 'r', source: 's' }] }), /needs value/);
  assert.throws(() => checkSafeSearch({}), /no \[\[engine\]\]/);
  const again = checkSafeSearch(JSON.parse(JSON.stringify({ engine: engines })));
  assert.deepEqual(makeSafeSearchRules(again), rules);
});

test('Firefox redirect (webRequest): the same result as addOrReplaceParams, null when nothing changes', () => {
  const to = (/** @type {string} */ u) => safeSearchRedirect(engines, u);
  assert.equal(to('https://www.google.com/search?q=cats'), 'https://www.google.com/search?q=cats&safe=active');
  assert.equal(to('https://www.google.com.vn:8443/search?q=m%C3%A8o&hl=vi'), 'https://www.google.com.vn:8443/search?q=m%C3%A8o&hl=vi&safe=active');
  assert.equal(to('https://www.google.com/search?safe=off&q=a+b&safe=images'), 'https://www.google.com/search?safe=active&q=a+b');
  assert.equal(to('https://www.google.com/search?q=x&safe=active'), null);
  assert.equal(to('https://www.google.com/search?q=x#frag'), 'https://www.google.com/search?q=x&safe=active#frag');
  assert.equal(to('https://www.bing.com/images/search?q=x&adlt=off'), 'https://www.bing.com/images/search?q=x&adlt=strict');
  assert.equal(to('https://html.duckduckgo.com/html/?q=x&kp=-2'), 'https://html.duckduckgo.com/html/?q=x&kp=1');
  for (const u of ['https://www.google.com/maps?q=x', 'https://www.example.com/search?q=x', 'https://coccoc.com/search?query=x',
    'https://www.youtube.com/results?search_query=x', 'not a url']) assert.equal(to(u), null, u);
});

test('params: false (Firefox) leaves only the header rule', () => {
  const fx = makeSafeSearchRules(engines, { params: false });
  assert.equal(fx.length, 1);
  assert.equal(fx[0].action.type, 'modifyHeaders');
});

test('exclude (Chromium): domains the filter stops are left out of the redirect rules only', () => {
  const ex = makeSafeSearchRules(engines, { exclude: ['bing.com'] });
  for (const r of ex.filter((x) => x.action.type === 'redirect')) assert.deepEqual(r.condition.excludedRequestDomains, ['bing.com']);
  const headers = ex.find((x) => x.action.type === 'modifyHeaders');
  assert.ok(headers, 'a modifyHeaders rule');
  assert.equal(headers.condition.excludedRequestDomains, undefined);
  assert.equal(rules[0].condition.excludedRequestDomains, undefined);
});
