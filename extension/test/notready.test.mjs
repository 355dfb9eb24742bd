// node --test extension/test/ : fail closed. With a bundle that does not
// open (the stub engine's `open` throws, as the real one does on a corrupt
// bundle), every web navigation the Firefox listener sees is redirected to
// notready.html (an <object> gets the static note), the guard's and the
// check page's question is answered with that page, never "allow"; the
// not-ready page's retry opens the bundle again and, once it opens (or a
// list update opened), lets
// an allowed page through and sends a blocked one to the warning page.
// The browser API is an in-memory fake (the real browsers: tests/e2e/updates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stubWasm } from '../tools/wasm-stub.mjs';

const STUB = `export default async function init() {}
export function __wbg_reset_state() {}
export class Engine {
  static open(bytes) {
    if (globalThis.openFails && bytes[0] !== 1) throw new Error('bundle: bad magic'); // the packed bytes are zeros; an update starts with 1
    return new Engine();
  }
  setPolicy() { return '[]'; }
  checkCode(url) { return url.includes('blocked.example') ? 2 : 0; }
  check(url) { return JSON.stringify({ action: 'block', category: 'adult', source: 't', rule: 'blocked.example', match_kind: 'domain', band: '', matched_url: null, allow_override: false, reason: '' }); }
  policyBand() { return '6-10'; }
  policyTable() { return '{}'; }
}`;
stubWasm(STUB);

function area() {
  /** @type {Record<string, unknown>} */
  const data = {};
  return {
    async get(/** @type {any} */ keys) {
      if (keys == null) return structuredClone(data);
      const list = typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys);
      return structuredClone(Object.fromEntries(list.filter((k) => k in data).map((k) => [k, data[k]])));
    },
    async set(/** @type {Record<string, unknown>} */ obj) { Object.assign(data, structuredClone(obj)); },
    async remove(/** @type {string | string[]} */ keys) { for (const k of [keys].flat()) delete data[k]; },
  };
}
const BASE = 'moz-extension://unit-test/';
/** @type {Function[]} */
const requestListeners = [];
const listeners = { addListener() {}, removeListener() {} };
/** @type {any} */ (globalThis).openFails = true;
/** @type {any} */ (globalThis).browser = {
  runtime: { id: 'lachan@lachan.vn', getURL: (/** @type {string} */ p) => `${BASE}${p}`, onMessage: listeners },
  storage: { local: area(), session: area(), managed: { get: async () => ({}) }, onChanged: listeners },
  tabs: { update: async () => ({}), query: async () => [] },
  i18n: { getMessage: () => '' },
  alarms: { create: async () => {}, clear: async () => true, get: async () => undefined, onAlarm: listeners },
  webNavigation: { onHistoryStateUpdated: listeners, onBeforeNavigate: listeners },
  webRequest: { onBeforeRequest: { addListener: (/** @type {Function} */ f) => requestListeners.push(f) } },
  declarativeNetRequest: { updateSessionRules: async () => {}, getSessionRules: async () => [] },
};
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = String(input);
  if (url === `${BASE}lachan.lcb`) return new Response(new ArrayBuffer(16));
  if (url.startsWith(`${BASE}data/`)) return new Response('[]');
  return realFetch(input, init);
};
const err = console.error;
console.error = () => {}; // the failed opens are logged by recordError

const { registerNavigation } = await import('../src/background/navigation.js');
const { route } = await import('../src/background/router.js');
registerNavigation();
const onBeforeRequest = requestListeners[0];

const FROM_PAGE = { id: 'lachan@lachan.vn', url: `${BASE}notready.html?u=x`, frameId: 0, tab: { id: 1 } };
const FROM_TAB = { id: 'lachan@lachan.vn', url: 'https://ok.example/', frameId: 0, tab: { id: 1 } };
/** @param {any} message @param {any} sender @returns {Promise<any>} */
const send = (message, sender) => new Promise((ok) => route(message, sender, ok));

test('no bundle opens: a page, a frame and an object are never let through', async () => {
  const page = await onBeforeRequest({ url: 'https://ok.example/a?b=1', type: 'main_frame' });
  assert.equal(page.redirectUrl, `${BASE}notready.html?u=${encodeURIComponent('https://ok.example/a?b=1')}`);
  const frame = await onBeforeRequest({ url: 'https://ok.example/f', type: 'sub_frame' });
  assert.match(frame.redirectUrl, /notready\.html\?u=/);
  const object = await onBeforeRequest({ url: 'https://ok.example/o', type: 'object' });
  assert.match(object.redirectUrl, /^data:text\/html/);
});

test('the guard\'s question gets the not-ready page; the self-check hears why', async () => {
  const answer = await send({ type: 'navCheck', url: 'https://ok.example/' }, FROM_TAB);
  assert.deepEqual(answer, { action: 'block', redirect: `${BASE}notready.html?u=${encodeURIComponent('https://ok.example/')}` });
  const state = await send({ type: 'engineState' }, FROM_PAGE);
  assert.equal(state.ready, false);
  assert.match(state.error, /bad magic/);
});

test('retry while the bundle still fails: not ready; a web page cannot ask for it', async () => {
  const answer = await send({ type: 'retryEngine', url: 'https://ok.example/' }, FROM_PAGE);
  assert.equal(answer.ready, false);
  assert.match(answer.error, /bad magic/);
  assert.deepEqual(await send({ type: 'retryEngine', url: 'https://ok.example/' }, FROM_TAB), { ready: false, error: 'notAllowed' });
});

test('a list update that opens ends the not-ready state while the packed bundle still fails', async () => {
  const { switchEngine, openEngine, engineState } = await import('../src/background/engine.js');
  assert.equal(engineState().ready, false);
  const engine = openEngine(new Uint8Array([1, 2, 3]));
  await switchEngine(engine, { version: 5, time: 1, source: 'https://lists.example/manifest.json', created: '', sha256: '' });
  assert.equal(engineState().ready, true);
  assert.equal(engineState().bundle.version, 5);
  assert.deepEqual(await onBeforeRequest({ url: 'https://ok.example/', type: 'main_frame' }), {});
  assert.match((await onBeforeRequest({ url: 'https://blocked.example/', type: 'main_frame' })).redirectUrl, /warning\.html/);
});

test('retry once the bundle opens: the allowed page opens, a blocked one goes to the warning page', async () => {
  /** @type {any} */ (globalThis).openFails = false;
  assert.deepEqual(await send({ type: 'retryEngine', url: 'https://ok.example/' }, FROM_PAGE), { ready: true, action: 'allow' });
  const blocked = await send({ type: 'retryEngine', url: 'https://blocked.example/' }, FROM_PAGE);
  assert.equal(blocked.ready, true);
  assert.match(blocked.redirect, /warning\.html\?u=/);
  assert.deepEqual(await onBeforeRequest({ url: 'https://ok.example/', type: 'main_frame' }), {});
  assert.equal((await send({ type: 'engineState' }, FROM_PAGE)).ready, true);
  console.error = err;
});
