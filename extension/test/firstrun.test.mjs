// node --test extension/test/ : first run belongs to the grown-up. The real
// background router (src/background/router.js) answers every message type
// with no parent PIN stored: each parent-only message is refused, whatever
// token it carries, and storage is left as it was; the child's own steps
// still work. The browser API is an in-memory fake and the WASM module a
// stub engine (a unit test; the real browsers are in tests/e2e/welcome).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stubWasm } from '../tools/wasm-stub.mjs';

// ---- a stub for ../wasm/lachan.js (a build output, absent from src/) ------------
const STUB = `export default async function init() {}
export function initSync() {}
export function __wbg_reset_state() {}
export class Engine {
  static open() { return new Engine(); }
  setPolicy() { return '[]'; }
  validatePolicy() { return '[]'; }
  checkCode() { return 0; }
  policyBand() { return '6-10'; }
  policyTable() { return '{}'; }
  defaultTable() { return '{}'; }
  categories() { return '[]'; }
  verify() {}
}`;
stubWasm(STUB);

// ---- an in-memory browser API -----------------------------------------------
/** A storage area with the extension API's get/set/remove. */
function area() {
  /** @type {Record<string, unknown>} */
  let data = {};
  return {
    dump: () => structuredClone(data),
    reset: (/** @type {Record<string, unknown>} */ d = {}) => { data = structuredClone(d); },
    async get(/** @type {any} */ keys) {
      if (keys == null) return structuredClone(data);
      const list = typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys);
      return structuredClone(Object.fromEntries(list.filter((k) => k in data).map((k) => [k, data[k]])));
    },
    async set(/** @type {Record<string, unknown>} */ obj) { Object.assign(data, structuredClone(obj)); },
    async remove(/** @type {string | string[]} */ keys) { for (const k of [keys].flat()) delete data[k]; },
  };
}
const ID = 'lachan-unit-test';
const BASE = `chrome-extension://${ID}/`;
const local = area();
const session = area();
/** @type {Record<string, unknown>} */
let managed = {};
/** @type {{url: string}[]} */
const tabsCreated = [];
const listeners = { addListener() {}, removeListener() {} };
/** @type {any} */ (globalThis).chrome = {
  runtime: { id: ID, getURL: (/** @type {string} */ p) => `${BASE}${p}`, onMessage: listeners },
  storage: { local, session, managed: { get: async () => structuredClone(managed) }, onChanged: listeners },
  tabs: { create: async (/** @type {{url: string}} */ o) => { tabsCreated.push(o); return { id: 7, ...o }; }, update: async () => ({}) },
  i18n: { getMessage: () => '' },
  alarms: { create: async () => {}, clear: async () => true, get: async () => undefined, onAlarm: listeners },
  declarativeNetRequest: { updateSessionRules: async () => {}, getSessionRules: async () => [] },
};
// The bundle and data files the background fetches from its own origin.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = String(input);
  if (url === `${BASE}lachan.lcb`) return new Response(new ArrayBuffer(16));
  if (url.startsWith(`${BASE}data/`)) return new Response('[]');
  return realFetch(input, init);
};

const { route } = await import('../src/background/router.js');
const { MESSAGE_TYPES, isMessage } = await import('../src/shared/messages.js');
const { onInstalled, WELCOME_PAGE } = await import('../src/background/firstrun.js');

/** The options page as the sender. */
const PAGE = { id: ID, url: `${BASE}options.html` };
/** A content script in a web tab. */
const TAB = { id: ID, url: 'https://example.com/', tab: { id: 3 }, frameId: 0 };

/** Sends one message through the router as the browser would.
 * @param {any} message @param {any} [sender] @returns {Promise<any>} */
function send(message, sender = PAGE) {
  return new Promise((resolve, reject) => {
    const async = route(message, sender, resolve);
    if (!async) reject(new Error(`route did not take ${JSON.stringify(message)}`));
  });
}

/** A live unlock token planted in session storage, as if one had been issued:
 * the gate must not rely on the token being missing. */
const TOKEN = 'f'.repeat(32);
const liveToken = () => session.set({ unlock: { token: TOKEN, until: Date.now() + 600_000 } });

const URL_ = 'https://adult-site.example/homework';
/** One well-formed message of every type. */
const SAMPLES = {
  navCheck: { url: URL_ },
  hopCheck: { url: URL_ },
  blockedNavigation: {},
  verdict: { url: URL_ },
  askGrownUp: { url: URL_, category: 'adult' },
  allowSession: { url: URL_ },
  stats: {},
  imageCheck: { src: 'https://example.com/a.png' },
  openReport: { url: URL_ },
  evidenceCapture: { token: TOKEN, tabId: 1, category: 'bullying' },
  imageStats: {},
  pageText: { text: 'hello' },
  posts: { texts: ['hello'] },
  textContinued: { category: 'dating' },
  leavePage: {},
  warningShown: { category: 'adult', action: 'block' },
  supportShown: {},
  waitingRequests: {}, // the child's own requests: the child may see them too
  optionsState: {},
  pinSetup: { pin: '12' }, // a refused PIN: setting one here would end the "no PIN" state
  unlock: { pin: '482913' },
  pinRecover: { code: 'ABCD-EFGH-JKMN-PQRS', pin: '482913' },
  pinChange: { token: TOKEN, pin: '790315' },
  lock: { token: TOKEN },
  settingsUpdate: { token: TOKEN, patch: { age_band: '15-17' } },
  decideRequest: { token: TOKEN, url: URL_, decision: 'always' },
  revokeApproval: { token: TOKEN, host: 'example.com' },
  pause: { token: TOKEN, minutes: 60 },
  clearHistory: { token: TOKEN },
  retryEngine: { url: URL_ },
  engineState: {},
  updateCheck: { token: TOKEN },
  updateSource: { token: TOKEN, url: 'https://lists.example/manifest.json', key: `${'A'.repeat(43)}=` },
};
/** What is refused before a PIN: everything a parent decides. */
const PARENT_ONLY = ['pinChange', 'lock', 'settingsUpdate', 'decideRequest', 'revokeApproval', 'pause', 'clearHistory',
  'updateCheck', 'updateSource', 'evidenceCapture'];
/** Storage as a fresh install has it, plus a waiting request and an approval to lift. */
const FRESH = {
  managedCache: {},
  askRequests: [{ url: URL_, host: 'adult-site.example', category: 'adult', time: 1 }],
  approvals: { 'example.com': Date.now() + 600_000 },
};
/** @param {string} type */
const message = (type) => ({ type, .../** @type {any} */ (SAMPLES)[type] });
/** @param {string} type */
const senderFor = (type) => (type === 'pageText' || type === 'posts' || type === 'textContinued' || type === 'imageCheck' ? TAB : PAGE);

/** Runs `fn` with console.error silenced (the stub engine makes some open
 * messages fail; the router logs that). @template T @param {() => Promise<T>} fn */
async function quietly(fn) {
  const err = console.error;
  console.error = () => {};
  try { return await fn(); } finally { console.error = err; }
}

test('every message type has a sample here, and each sample is well-formed', () => {
  assert.deepEqual(Object.keys(SAMPLES).sort(), [...MESSAGE_TYPES].sort(),
    'a new message type needs a decision: add it to SAMPLES (and to PARENT_ONLY if a parent decides it)');
  for (const type of MESSAGE_TYPES) assert.ok(isMessage(message(type)), type);
});

test('without a PIN every parent-only message is refused, even with a live token, and nothing changes', async () => {
  for (const type of PARENT_ONLY) {
    local.reset(FRESH);
    session.reset();
    await liveToken();
    const before = local.dump();
    const answer = await send(message(type));
    assert.deepEqual(answer, { ok: false, error: 'setupNeeded' }, type);
    assert.deepEqual(local.dump(), before, `${type} changed storage.local`);
  }
});

test('without a PIN exactly the parent-only messages are refused; the child\'s own steps are not', async () => {
  /** @type {string[]} */
  const refused = [];
  await quietly(async () => {
    for (const type of MESSAGE_TYPES) {
      local.reset(FRESH);
      session.reset();
      await liveToken();
      const answer = await send(message(type), senderFor(type));
      if (answer?.error === 'setupNeeded') refused.push(type);
    }
  });
  assert.deepEqual(refused.sort(), [...PARENT_ONLY].sort());
});

test('without a PIN: pause, approvals, always-allow, allow lists, weaker categories and an older band are all refused', async () => {
  local.reset(FRESH);
  session.reset();
  await liveToken();
  const before = local.dump();
  const attempts = [
    { type: 'pause', token: TOKEN, minutes: 180 },
    { type: 'decideRequest', token: TOKEN, url: URL_, decision: 'hour' },
    { type: 'decideRequest', token: TOKEN, url: URL_, decision: 'always' },
    { type: 'settingsUpdate', token: TOKEN, patch: { allow: ['adult-site.example'] } },
    { type: 'settingsUpdate', token: TOKEN, patch: { categories: { adult: 'allow', gambling: 'warn' } } },
    { type: 'settingsUpdate', token: TOKEN, patch: { age_band: '15-17' } },
    { type: 'settingsUpdate', token: TOKEN, patch: { safeSearch: false } },
    { type: 'pause', minutes: 60 }, // no token at all
  ];
  for (const m of attempts) {
    const answer = await send(m).catch((e) => ({ thrown: String(e) }));
    // A message without its token fails the shape check and is not taken at all.
    if ('thrown' in answer) assert.ok(!isMessage(m), JSON.stringify(m));
    else assert.deepEqual(answer, { ok: false, error: 'setupNeeded' }, JSON.stringify(m));
  }
  assert.deepEqual(local.dump(), before);
});

test('a school that closes the options page is named in the refusal instead (no PIN needed there)', async () => {
  local.reset({ ...FRESH, managedCache: { optionsPage: false, schoolName: 'Kim Đồng' } });
  await liveToken();
  for (const type of PARENT_ONLY) {
    assert.deepEqual(await send(message(type)), { ok: false, refused: ['optionsPage'] }, type);
  }
});

test('once a PIN is set: the token is checked as before, and a parent\'s change goes through', async () => {
  local.reset(FRESH);
  session.reset();
  const setup = await send({ type: 'pinSetup', pin: '482913' });
  assert.equal(setup.ok, true);
  assert.match(setup.recovery, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
  assert.deepEqual(await send({ type: 'pause', token: 'wrong', minutes: 15 }), { ok: false, error: 'locked' });
  const paused = await send({ type: 'pause', token: setup.token, minutes: 15 });
  assert.equal(paused.ok, true);
  assert.ok((await local.get('settings')).settings.pausedUntil > Date.now());
  const saved = await send({ type: 'settingsUpdate', token: setup.token, patch: { age_band: '11-14' } });
  assert.equal(saved.ok, true);
  assert.equal((await local.get('settings')).settings.parentPolicy.age_band, '11-14');
  const decided = await send({ type: 'decideRequest', token: setup.token, url: URL_, decision: 'deny' });
  assert.deepEqual(decided, { ok: true, host: 'adult-site.example' });
  assert.deepEqual(await send({ type: 'pinSetup', pin: '790315' }), { ok: false, error: 'pinExists' });
});

test('a family\'s update source: set with the PIN, bad values refused by name, cleared with both fields empty', async () => {
  local.reset(FRESH);
  session.reset();
  const { token } = await send({ type: 'pinSetup', pin: '482913' });
  const key = `${'B'.repeat(43)}=`;
  assert.deepEqual(await send({ type: 'updateSource', token, url: 'https://lists.example/m.json?child=1', key }), { ok: false, error: 'updBadUrl' });
  assert.deepEqual(await send({ type: 'updateSource', token, url: 'https://lists.example/m.json', key: 'nope' }), { ok: false, error: 'updBadKey' });
  assert.equal((await local.get('updateSource')).updateSource, undefined, 'nothing stored from a refusal');
  assert.deepEqual(await send({ type: 'updateSource', token, url: ' https://lists.example/m.json ', key }), { ok: true });
  assert.deepEqual((await local.get('updateSource')).updateSource, { url: 'https://lists.example/m.json', key });
  assert.deepEqual(await send({ type: 'updateSource', token: 'wrong', url: '', key: '' }), { ok: false, error: 'locked' });
  assert.deepEqual(await send({ type: 'updateSource', token, url: '', key: '' }), { ok: true, cleared: true });
  assert.equal((await local.get('updateSource')).updateSource, undefined);
});

test('the install opens the welcome page; an update or a browser update opens nothing', async () => {
  tabsCreated.length = 0;
  assert.equal(await onInstalled({ reason: 'update' }), false);
  assert.equal(await onInstalled({ reason: 'chrome_update' }), false);
  assert.equal(await onInstalled(undefined), false);
  assert.equal(tabsCreated.length, 0);
  assert.equal(await onInstalled({ reason: 'install' }), true);
  assert.deepEqual(tabsCreated, [{ url: `${BASE}${WELCOME_PAGE}` }]);
});

test('every message the welcome page and the popup notice use exists in vi and en', async () => {
  const { readFileSync } = await import('node:fs');
  const read = (/** @type {string} */ p) => readFileSync(new URL(p, import.meta.url), 'utf8');
  const keys = new Set();
  for (const file of ['../src/welcome/welcome.js', '../src/popup/popup.js', '../src/options/pinform.js']) {
    for (const m of read(file).matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) keys.add(m[1]);
  }
  // Keys the welcome page builds from a state.
  for (const phase of ['setup', 'recovery', 'band', 'done', 'existing']) keys.add(`welStatus_${phase}`);
  for (const s of ['ok', 'missing', 'unknown']) keys.add(`welPrivate_${s}`);
  assert.ok(keys.size > 25, `${keys.size} keys found`);
  for (const lang of ['vi', 'en']) {
    const messages = JSON.parse(read(`../_locales/${lang}/messages.json`));
    const missing = [...keys].filter((k) => !messages[k]?.message);
    assert.deepEqual(missing, [], `${lang} lacks messages`);
  }
});
