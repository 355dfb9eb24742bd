// Hardening self-check: the pure status logic (extension/src/selfcheck/status.js),
// the private-window notice's keys (shared/private-notice.js, also on the
// options page), and that every message key they name exists in both locales.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ITEM_IDS, SCHOOL_ONLY, defaultView, evaluate, isNoPolicyError, managedFact, summarise } from '../src/selfcheck/status.js';
import { privateNoticeKeys } from '../src/shared/private-notice.js';

const locales = Object.fromEntries(['vi', 'en'].map((l) => [l,
  JSON.parse(readFileSync(new URL(`../_locales/${l}/messages.json`, import.meta.url), 'utf8'))]));

/** @param {any} items */
const byId = (items) => Object.fromEntries(items.map((/** @type {any} */ i) => [i.id, i]));

/** @type {import('../src/selfcheck/status.js').Facts} */
const unpacked = { browser: 'chromium', incognitoAllowed: false, installType: 'development', managed: { state: 'empty', keys: [] },
  pin: { set: false, optionsPage: true }, engine: { ready: true, detail: '' } };

test('school view, unpacked, non-force-installed Chromium: incognito, force-install and policy missing; DevTools and dev mode unknown', () => {
  const it = byId(evaluate(unpacked, 'school'));
  assert.deepEqual(Object.keys(it), [...ITEM_IDS]);
  assert.equal(it.browser.status, 'ok');
  assert.equal(it.browser.detail, 'Chromium');
  assert.equal(it.incognito.status, 'missing');
  assert.equal(it.forceInstalled.status, 'missing');
  assert.equal(it.forceInstalled.detail, 'development');
  assert.equal(it.policy.status, 'missing');
  assert.equal(it.policy.detail, '', 'no policy: no "settings received" line');
  assert.equal(it.devtools.status, 'unknown');
  assert.equal(it.pin.status, 'missing');
  assert.equal(it.devMode.status, 'unknown');
  assert.equal(it.engine.status, 'ok');
  assert.deepEqual(summarise(Object.values(it)), { ok: 2, missing: 4, unknown: 2, optional: 0 });
});

test('home view: no school policy and no locked install are optional, not missing; the rest is unchanged', () => {
  assert.equal(defaultView(unpacked), 'home');
  const home = byId(evaluate(unpacked));
  assert.equal(home.policy.status, 'optional');
  assert.equal(home.forceInstalled.status, 'optional');
  assert.equal(home.incognito.status, 'missing', 'private windows matter at home too');
  assert.equal(home.pin.status, 'missing');
  assert.deepEqual(summarise(Object.values(home)), { ok: 2, missing: 2, unknown: 2, optional: 2 });
  assert.deepEqual([...SCHOOL_ONLY].sort(), ['forceInstalled', 'policy']);
  // A home that did lock its install sees it in place.
  assert.equal(byId(evaluate({ ...unpacked, installType: 'admin' }, 'home')).forceInstalled.status, 'ok');
  // Unknown stays unknown: optional only replaces a red mark.
  assert.equal(byId(evaluate({ ...unpacked, managed: null }, 'home')).policy.status, 'unknown');
});

test('a managed policy opens the school view', () => {
  /** @type {import('../src/selfcheck/status.js').Facts} */
  const managed = { ...unpacked, managed: { state: 'present', keys: ['ageBand'] } };
  assert.equal(defaultView(managed), 'school');
  assert.equal(byId(evaluate(managed)).forceInstalled.status, 'missing');
  assert.equal(defaultView({ ...unpacked, managed: { state: 'timeout', keys: [] } }), 'home');
});

test('no bundle open: the engine item is missing and says why; no answer from the worker is unknown', () => {
  const it = byId(evaluate({ ...unpacked, engine: { ready: false, detail: 'bad bundle magic' } }));
  assert.equal(it.engine.status, 'missing');
  assert.equal(it.engine.detail, 'bad bundle magic');
  assert.ok(it.engine.fixParent && it.engine.fixSchool);
  assert.equal(byId(evaluate({ ...unpacked, engine: null })).engine.status, 'unknown');
  assert.equal(ITEM_IDS[0], 'engine', 'the engine item comes first');
});

test('fully hardened school install: everything detectable is ok', () => {
  const it = byId(evaluate({ browser: 'chromium', incognitoAllowed: true, installType: 'admin',
    managed: { state: 'present', keys: ['ageBand', 'schoolName'] } }));
  assert.equal(it.incognito.status, 'ok');
  assert.equal(it.forceInstalled.status, 'ok');
  assert.equal(it.policy.status, 'ok');
  assert.equal(it.policy.detail, 'ageBand, schoolName');
  assert.equal(it.devtools.status, 'unknown', 'DevTools availability is never detectable');
  assert.equal(it.devMode.status, 'unknown', 'developer mode is never detectable');
});

test('parent PIN: set is ok; none is missing, unless the school closes the options page; no answer is unknown', () => {
  assert.equal(byId(evaluate({ ...unpacked, pin: { set: true, optionsPage: true } })).pin.status, 'ok');
  assert.equal(byId(evaluate({ ...unpacked, pin: { set: false, optionsPage: true } })).pin.status, 'missing');
  assert.equal(byId(evaluate({ ...unpacked, pin: { set: false, optionsPage: false } })).pin.status, 'ok');
  assert.equal(byId(evaluate({ ...unpacked, pin: null })).pin.status, 'unknown');
});

test('every install type other than admin is "not force-installed"', () => {
  for (const installType of ['normal', 'development', 'sideload', 'other']) {
    assert.equal(byId(evaluate({ ...unpacked, installType }, 'school'))['forceInstalled'].status, 'missing', installType);
  }
  assert.equal(byId(evaluate({ ...unpacked, installType: 'admin' }))['forceInstalled'].status, 'ok');
});

test('facts the browser would not give are unknown, never ok or missing', () => {
  const it = byId(evaluate({ browser: 'chromium', incognitoAllowed: null, installType: null, managed: null }));
  assert.equal(it.incognito.status, 'unknown');
  assert.equal(it.forceInstalled.status, 'unknown');
  assert.equal(it.policy.status, 'unknown');
  for (const state of /** @type {const} */ (['error', 'timeout'])) {
    assert.equal(byId(evaluate({ ...unpacked, managed: { state, keys: [] } }))['policy'].status, 'unknown', state);
  }
});

test('managed storage: {} is no policy; Firefox\'s "manifest not found" is no policy; other errors and timeouts are unknown', () => {
  assert.deepEqual(managedFact({ value: {} }), { state: 'empty', keys: [] });
  assert.deepEqual(managedFact({ value: undefined }), { state: 'empty', keys: [] });
  assert.deepEqual(managedFact({ value: { schoolName: 'X', ageBand: '6-10' } }), { state: 'present', keys: ['ageBand', 'schoolName'] });
  assert.ok(isNoPolicyError('Managed storage manifest not found'));
  assert.deepEqual(managedFact({ error: 'Managed storage manifest not found' }), { state: 'empty', keys: [] });
  assert.deepEqual(managedFact({ error: 'Something else broke' }), { state: 'error', keys: [] });
  assert.deepEqual(managedFact({ timedOut: true }), { state: 'timeout', keys: [] });
  assert.deepEqual(managedFact({ value: ['not', 'an', 'object'] }), { state: 'empty', keys: [] });
});

test('Firefox: private-window wording and Firefox fixes', () => {
  const it = byId(evaluate({ ...unpacked, browser: 'firefox', incognitoAllowed: true, installType: 'temporary' }));
  assert.equal(it.browser.detail, 'Firefox');
  assert.equal(it.incognito.status, 'ok');
  assert.equal(it.incognito.why, 'scWhyPrivate');
  assert.equal(it.incognito.fixSchool, 'scFixSchoolPrivate');
  assert.equal(it.forceInstalled.fixSchool, 'scFixSchoolForceFirefox');
  assert.equal(it.policy.fixSchool, 'scFixSchoolPolicyFirefox');
  assert.equal(it.devtools.fixSchool, 'scFixSchoolDevtoolsFirefox');
});

test('every message key the page can use exists in vi and en, with the same $n substitutions', () => {
  const keys = new Set(['scLink', 'scTitle', 'scHeading', 'scIntro', 'scChecking', 'scRecheck', 'scSummary', 'scDocsHeading',
    'scDocsBody', 'scFixParentHeading', 'scFixSchoolHeading', 'scStatus_ok', 'scStatus_missing', 'scStatus_unknown', 'scStatus_optional',
    'scSummaryHome', 'scViewLegend', 'scView_home', 'scView_school']);
  for (const browser of ['chromium', 'firefox']) {
    for (const incognitoAllowed of [true, false, null]) {
      for (const item of evaluate(/** @type {any} */ ({ ...unpacked, browser, incognitoAllowed }))) {
        keys.add(`scTitle_${item.id}`);
        if (item.detail) keys.add(`scDetail_${item.id}`);
        for (const k of [item.why, item.fixParent, item.fixSchool]) if (k) keys.add(k);
      }
    }
  }
  for (const k of keys) {
    for (const l of ['vi', 'en']) assert.ok(locales[l][k]?.message, `${l}: missing ${k}`);
    const subs = (/** @type {string} */ m) => (m.match(/\$\d/g) ?? []).sort().join();
    assert.equal(subs(locales.vi[k].message), subs(locales.en[k].message), `${k}: substitutions differ`);
  }
});

test('private-window notice: a plain "not protected" with both fixes unless allowed; every key exists', () => {
  for (const browser of /** @type {const} */ (['chromium', 'firefox'])) {
    for (const allowed of [false, null, true]) {
      const k = privateNoticeKeys(allowed, browser);
      for (const key of Object.values(k).filter(Boolean)) for (const m of Object.values(locales)) assert.ok(m[key], `${key} (${browser}, ${allowed})`);
      assert.equal(Boolean(k.parent && k.school), allowed !== true);
    }
  }
  assert.equal(privateNoticeKeys(false, 'chromium').title, 'privateOffTitle');
  assert.equal(privateNoticeKeys(false, 'firefox').parent, 'scFixParentPrivate');
  assert.equal(privateNoticeKeys(false, 'chromium').parent, 'scFixParentIncognito');
  assert.equal(privateNoticeKeys(null, 'chromium').title, 'privateUnknownTitle');
});
