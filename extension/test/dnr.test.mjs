// Chromium's static rules (tools/dnr.mjs) and the check-page hops
// (src/background/hop-rules.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockedAtEveryAge, makeRulesets, priority, rank, urlFilterProblem, urlFilters, worstCase } from '../tools/dnr.mjs';
import { ALLOW_TYPES, FRAME_TYPES, PRIORITY, SUB_TYPES } from '../src/background/rule-shapes.js';
import { oddPathHop, wrapperHop, WRAPPER_HOPS } from '../src/background/hop-rules.js';

const ID = 'ihgnfjccoooeebgmnkiolbaiikejdlnm';
const BANDS = ['under-6', '6-10', '11-14', '15-17'];
const every = (/** @type {string} */ a) => Object.fromEntries(BANDS.map((b) => [b, a]));
/** The default policy's shape: adult/drugs blocked at every age, dating warns for 15-17. */
const TABLE = { adult: every('block'), drugs: every('block'), dating: { ...every('block'), '15-17': 'warn' }, shortener: every('warn') };
/** @type {{name: string, category: string, kind: 'allow' | 'block'}[]} */
const SOURCES = [
  { name: 'a', category: 'adult', kind: 'block' },
  { name: 'd', category: 'drugs', kind: 'block' },
  { name: 'g', category: 'dating', kind: 'block' },
  { name: 's', category: 'shortener', kind: 'block' },
  { name: 'ok', category: 'safe', kind: 'allow' },
];
const RULES = [
  { rule: 'adult.test', is_url: false, sources: [0] },
  { rule: 'ok.adult.test', is_url: false, sources: [4] },
  { rule: 'allowed.test/shop/pills', is_url: true, sources: [1] },
  { rule: 'allowed.test/shop/pills/ok/', is_url: true, sources: [4] },
  { rule: 'dating.test', is_url: false, sources: [2] },
  { rule: 'short.test', is_url: false, sources: [3] },
  { rule: 'home.example/a^^b', is_url: true, sources: [0] },
];
const built = makeRulesets({ rules: RULES, sources: SOURCES, extensionId: ID, band: '6-10', table: TABLE });
const byId = Object.fromEntries(built.rulesets.map((r) => [r.meta.id, r]));

test('every block category has a warn twin with the same rules; the band decides which is on', () => {
  for (const cat of ['adult', 'drugs', 'dating', 'shortener']) {
    const block = byId[`block_${cat}`];
    const warn = byId[`block_${cat}_warn`];
    assert.ok(block && warn, cat);
    assert.equal(block.rules.length, warn.rules.length, cat);
    assert.deepEqual(warn.rules.map((r) => r.condition), block.rules.map((r) => r.condition), cat);
    for (const r of warn.rules) if (r.action.type === 'redirect') assert.match(JSON.stringify(r.action), /a=warn/);
  }
  assert.equal(byId.block_adult.meta.enabled, true);
  assert.equal(byId.block_adult_warn.meta.enabled, false);
  assert.equal(byId.block_shortener.meta.enabled, false);
  assert.equal(byId.block_shortener_warn.meta.enabled, true);
});

test('sub-resource sets only for the categories blocked at every age, for every other request type', () => {
  assert.ok(byId.sub_adult && byId.sub_drugs);
  assert.equal(byId.sub_dating, undefined, 'dating warns for 15-17');
  assert.equal(byId.sub_shortener, undefined);
  for (const r of byId.sub_adult.rules) {
    assert.deepEqual(r.action, { type: 'block' });
    assert.deepEqual(r.condition.resourceTypes, SUB_TYPES);
  }
  assert.ok(!SUB_TYPES.some((t) => FRAME_TYPES.includes(t)));
  assert.equal(blockedAtEveryAge(TABLE, 'adult'), true);
  assert.equal(blockedAtEveryAge(TABLE, 'dating'), false);
  assert.equal(blockedAtEveryAge(TABLE, 'unlisted'), true, 'a category the policy never names is blocked');
});

test('pages, frames and <object>/<embed> are redirected; allow-lists lift every request type', () => {
  const domain = byId.block_adult.rules.find((r) => r.condition.requestDomains);
  assert.deepEqual(domain.condition.resourceTypes, FRAME_TYPES);
  assert.ok(/** @type {readonly string[]} */ (FRAME_TYPES).includes('object'));
  assert.equal(domain.condition.regexFilter, '^.+$');
  assert.equal(domain.action.redirect.regexSubstitution, `chrome-extension://${ID}/warning.html?c=adult&a=block&u=\\0`);
  for (const r of byId.allow.rules) assert.deepEqual(r.condition.resourceTypes, ALLOW_TYPES);
});

test('any id keeps blocking: every domain redirect has a plain block twin just below it, above any less specific allow', () => {
  // Under another id the redirect's chrome-extension:// target is not this
  // copy; the twin (no id in it) stops the host if Chromium drops the redirect.
  let twins = 0;
  for (const { meta, rules } of built.rulesets.filter((r) => r.meta.kind === 'block')) {
    const redirects = rules.filter((r) => r.action.redirect?.regexSubstitution);
    assert.equal(redirects.length > 0, meta.domains > 0, meta.id);
    for (const r of redirects) {
      const twin = rules.filter((t) => t.action.type === 'block' && JSON.stringify(t.condition.requestDomains) === JSON.stringify(r.condition.requestDomains));
      assert.equal(twin.length, 1, `${meta.id}: one twin for ${r.condition.requestDomains}`);
      assert.equal(twin[0].priority, r.priority - 1, meta.id);
      assert.deepEqual(twin[0].condition.resourceTypes, r.condition.resourceTypes, meta.id);
      assert.equal(twin[0].condition.regexFilter, undefined, 'twins cost no regex rule');
      assert.ok(!JSON.stringify(twin[0]).includes(ID), 'the twin names no extension id');
      twins++;
    }
    // urlFilter redirects use extensionPath (relative to whichever id runs): no twin needed.
    for (const r of rules.filter((x) => x.condition.urlFilter)) assert.ok(r.action.redirect.extensionPath, meta.id);
    assert.equal(meta.regexRules, redirects.length, `${meta.id}: the regex count is the redirects'`);
  }
  assert.equal(twins, 6, 'adult, dating, shortener: block and warn');
  // An allowed parent (ok.adult.test's parent shape) never outranks a blocked subdomain's twin.
  for (const [parent, sub] of [['a.b', 'c.a.b'], ['ab.cd', 'x.ab.cd'], ['abcd.ef', 'q.abcd.ef']]) {
    assert.ok(priority(sub, 'twin') > priority(parent, 'allow'), sub);
  }
  // At the same rank the allow entry still wins over both.
  assert.ok(priority('ok.test', 'allow') > priority('ok.test', 'rule') && priority('ok.test', 'rule') > priority('ok.test', 'twin'));
});

test('URL-prefix rules become urlFilter rules with the core\'s boundaries; the warning page gets the URL from the worker', () => {
  assert.deepEqual(urlFilters('a.test/x'), ['||a.test/x^', '||a.test/x.']);
  assert.deepEqual(urlFilters('a.test/x/'), ['||a.test/x/']);
  const url = byId.block_drugs.rules.filter((r) => r.condition.urlFilter);
  assert.deepEqual(url.map((r) => r.condition.urlFilter), ['||allowed.test/shop/pills^', '||allowed.test/shop/pills.']);
  for (const r of url) {
    assert.deepEqual(r.action, { type: 'redirect', redirect: { extensionPath: '/warning.html?c=drugs&a=block' } });
    assert.equal(r.condition.regexFilter, undefined, 'urlFilter rules use no regex (the 1000-regex budget)');
  }
  assert.deepEqual(byId.sub_drugs.rules.map((r) => r.condition.urlFilter), ['||allowed.test/shop/pills^', '||allowed.test/shop/pills.']);
  const allowUrl = byId.allow.rules.find((r) => r.condition.urlFilter);
  assert.equal(allowUrl.condition.urlFilter, '||allowed.test/shop/pills/ok/');
});

test('priorities follow the core: more specific text wins, the allow-list wins a tie', () => {
  const p = (/** @type {string} */ set, /** @type {(r: any) => boolean} */ f) => byId[set].rules.find(f).priority;
  const adult = p('block_adult', (r) => r.condition.requestDomains?.includes('adult.test'));
  const okAdult = p('allow', (r) => r.condition.requestDomains?.includes('ok.adult.test'));
  assert.ok(okAdult > adult, 'an allowed subdomain beats its blocked parent');
  const prefix = p('block_drugs', (r) => r.condition.urlFilter?.startsWith('||allowed.test/shop/pills'));
  const okPrefix = p('allow', (r) => r.condition.urlFilter === '||allowed.test/shop/pills/ok/');
  assert.ok(okPrefix > prefix, 'a longer allowed prefix beats the blocked one');
  assert.equal(prefix, 3 * rank('allowed.test/shop/pills') + 1);
  // A subdomain is at least two characters longer than its parent, so it always ranks higher.
  for (const [parent, sub] of [['a.b', 'c.a.b'], ['ab.cd', 'x.ab.cd'], ['abcd.ef', 'q.abcd.ef']]) assert.ok(rank(sub) > rank(parent), sub);
  const max = Math.max(...built.rulesets.filter((r) => r.meta.kind !== 'hop').flatMap((r) => r.rules.map((x) => x.priority)));
  assert.ok(max < PRIORITY.parentAllow, 'static rules stay below the parent\'s and school\'s dynamic rules');
});

test('rules the urlFilter syntax cannot say stay with the worker, named', () => {
  assert.deepEqual(built.skipped, [{ rule: 'home.example/a^^b', why: 'has a urlFilter wildcard (* ^ |)' }]);
  assert.equal(urlFilterProblem('::1/x'), 'IPv6 host');
  assert.equal(urlFilterProblem('host.test/ok'), '');
});

test('the hop ruleset: one rule per wrapper shape and the odd-spelling rule for URL-prefix hosts', () => {
  const hop = byId.hop;
  assert.equal(hop.meta.enabled, true);
  assert.equal(hop.rules.length, WRAPPER_HOPS.length + 1);
  for (const r of hop.rules) {
    assert.equal(r.priority, PRIORITY.hop);
    assert.deepEqual(r.condition.excludedInitiatorDomains, [ID], 'check.html\'s own navigation is not sent back');
    assert.deepEqual(r.condition.requestMethods, ['get'], 'a POST is never turned into a GET');
    assert.deepEqual(r.condition.resourceTypes, ['main_frame', 'sub_frame']);
    assert.match(r.condition.regexFilter, /^\^.*\.\*$/, 'the whole URL, for \\0');
    assert.equal(r.action.redirect.regexSubstitution, `chrome-extension://${ID}/check.html?u=\\0`);
  }
  assert.deepEqual(hop.rules.at(-1).condition.requestDomains, ['allowed.test'], 'the URL-prefix hosts (a skipped rule is not one)');
  assert.ok(PRIORITY.hop > PRIORITY.schoolAllow && PRIORITY.hop < PRIORITY.override && PRIORITY.hop < PRIORITY.schoolBlock);
});

test('the hop regexes catch the core\'s wrapper forms and leave ordinary pages alone', () => {
  const wrapped = [
    'https://www-bad-com.translate.goog/x?_x_tr_sl=auto', 'http://bad-com.translate.goog.:8080/',
    'https://www.google.com/amp/s/bad.com/x', 'https://google.com.vn/amp/bad.com', 'https://kid@www.google.co.uk/amp/s/bad.com',
    'https://bad-com.cdn.ampproject.org/c/s/bad.com/x', 'https://webcache.googleusercontent.com/search?q=cache:bad.com',
    'https://translate.google.com/translate?u=https://bad.com', 'https://translate.googleusercontent.com/translate_c?u=bad.com',
    'https://web.archive.org/web/20200101000000/http://bad.com/', 'https://archive.org/wayback/available?url=bad.com',
    'https://archive.ph/newest/http://bad.com', 'https://archive.is/2020.01.01-000000/bad.com', 'https://archive.today/submit/?url=bad.com',
    'https://translate.yandex.ru/translate?url=bad.com', 'https://translated.turbopages.org/proxy_u/en-ru.ru/https/bad.com/',
    'https://www.translatetheweb.com/?a=bad.com', 'https://www.microsofttranslator.com/bv.aspx?a=bad.com',
  ];
  for (const u of wrapped) assert.equal(wrapperHop(u), true, u);
  const plain = ['https://www.google.com/search?q=amp', 'https://www.google.com/', 'https://vnexpress.net/amp/s/x', 'https://archive.ph/',
    'https://www.youtube.com/watch?v=1', 'https://translate.goog.evil.test/', 'https://notgoogle.com/amp/s/bad.com', 'https://archive.org/details/x'];
  for (const u of plain) assert.equal(wrapperHop(u), false, u);
});

test('the odd-spelling hop: ports, trailing dots, doubled slashes and unreserved escapes on a URL-prefix host', () => {
  for (const u of ['http://a.test:8080/shop', 'http://a.test./shop', 'http://a.test//shop', 'http://a.test/%73hop', 'http://www.a.test/x/%2E%2e/y', 'http://a.test/~%7e'])
    assert.equal(oddPathHop(u, 'a.test'), true, u);
  for (const u of ['http://a.test/shop', 'http://a.test/%C3%A0', 'http://a.test/x?next=//y', 'http://b.test:8080/shop', 'http://a.test/%2F'])
    assert.equal(oddPathHop(u, 'a.test'), false, u);
});

test('worst case: at most one of each block/warn pair is on', () => {
  const w = worstCase(built.rulesets.map((r) => r.meta));
  const all = built.rulesets.length;
  const pairs = built.rulesets.filter((r) => r.meta.kind === 'block' && r.meta.action === 'warn').length;
  assert.equal(w.rulesets, all - pairs);
  assert.ok(w.regexRules <= built.rulesets.reduce((n, r) => n + r.meta.regexRules, 0));
});
