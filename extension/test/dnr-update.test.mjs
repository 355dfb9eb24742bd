// node --test extension/test/ : Chromium before the network for a list
// update (src/background/dnr.js). After the engine switches to an update,
// the block domains the packed bundle lacks (the static rulesets'
// requestDomains) become dynamic redirect rules in chunks of 5000 domains,
// with the action the policy's band gives their category, up to the
// browser's rule limit; the rest are listed as left to the navigation layer.
// The WASM module is a stub engine whose lists depend on the bytes it opens;
// the browser API is an in-memory fake (the real browser: tests/e2e/updates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stubWasm } from '../tools/wasm-stub.mjs';

const STUB = `export default async function init() {}
export function __wbg_reset_state() {}
const big = (n) => Array.from({ length: n }, (_, i) => ({ rule: 'big-' + i + '.test', is_url: false, sources: [0] }));
export class Engine {
  static open(bytes) { const e = new Engine(); e.kind = bytes[0]; return e; }
  setPolicy() { return '[]'; }
  policyBand() { return '6-10'; }
  policyTable() { return JSON.stringify({ gambling: { '6-10': 'block' }, shortener: { '6-10': 'warn' }, safe: { '6-10': 'allow' } }); }
  info() { return JSON.stringify({ sources: [{ category: 'gambling', kind: 'block' }, { category: 'shortener', kind: 'block' }, { category: 'safe', kind: 'allow' }] }); }
  exportRules() {
    const packed = [{ rule: 'old.test', is_url: false, sources: [0] }];
    if (this.kind === 1) return JSON.stringify(packed);
    return JSON.stringify([...packed, { rule: 'new.test', is_url: false, sources: [0] }, { rule: 'new.test/path', is_url: true, sources: [0] },
      { rule: 'short.test', is_url: false, sources: [1] }, { rule: 'fine.test', is_url: false, sources: [2] }, ...(this.kind === 3 ? big(16000) : [])]);
  }
  checkCode() { return 0; }
}`;
stubWasm(STUB);

const ID = 'ihgnfjccoooeebgmnkiolbaiikejdlnm';
const BASE = `chrome-extension://${ID}/`;
const empty = { get: async () => ({}), set: async () => {}, remove: async () => {} };
/** @type {any[]} */
let dynamic = [];
const listeners = { addListener() {}, removeListener() {} };
/** @type {any} */ (globalThis).chrome = {
  runtime: { id: ID, getURL: (/** @type {string} */ p) => `${BASE}${p}`, onMessage: listeners },
  storage: { local: empty, session: empty, managed: empty, onChanged: listeners },
  declarativeNetRequest: {
    MAX_NUMBER_OF_DYNAMIC_RULES: 5000,
    getEnabledRulesets: async () => ['block_gambling'],
    updateEnabledRulesets: async () => {},
    getDynamicRules: async () => dynamic,
    updateDynamicRules: async (/** @type {any} */ o) => { dynamic = dynamic.filter((r) => !o.removeRuleIds.includes(r.id)).concat(o.addRules); },
  },
};
globalThis.fetch = /** @type {any} */ (async (/** @type {string} */ url) => {
  if (url === `${BASE}lachan.lcb`) return new Response(new Uint8Array([1]));
  if (url === `${BASE}data/dnr.json`) return Response.json({ extensionId: ID, rulesets: [{ id: 'block_gambling', kind: 'block', category: 'gambling', action: 'block', bands: null }] });
  if (url === `${BASE}rules/block_gambling.json`) return Response.json([{ id: 1, condition: { requestDomains: ['old.test'] } }]);
  return new Response('[]');
});

const { engineReady, openEngine, switchEngine } = await import('../src/background/engine.js');
const { syncRulesets, updateRules } = await import('../src/background/dnr.js');
const hosts = { parentAllow: [], parentBlock: [], schoolAllow: [], schoolBlock: [] };
const meta = (/** @type {number} */ version) => ({ version, time: 1, source: 'https://lists.example/manifest.json', created: '', sha256: '' });
const updateRulesNow = () => dynamic.filter((r) => r.id >= 1000);

test('the packed bundle alone: no update rules', async () => {
  await syncRulesets((await engineReady()).engine, hosts);
  assert.deepEqual(updateRulesNow(), []);
  assert.equal(updateRules.version, 0);
});

test('an update: its new block domains redirect before the network, with their band\'s action; packed, URL and allow entries are not added', async () => {
  const engine = openEngine(new Uint8Array([2]));
  await switchEngine(engine, meta(2));
  await syncRulesets(engine, hosts);
  const rules = updateRulesNow();
  const byAction = Object.fromEntries(rules.map((r) => [new URL(r.action.redirect.regexSubstitution.replace('\\0', '')).searchParams.get('a'), r]));
  assert.deepEqual(byAction.block.condition.requestDomains, ['new.test']);
  assert.deepEqual(byAction.warn.condition.requestDomains, ['short.test']);
  assert.match(byAction.block.action.redirect.regexSubstitution, /warning\.html\?c=gambling&a=block&u=\\0$/);
  assert.deepEqual(byAction.block.condition.resourceTypes, ['main_frame', 'sub_frame', 'object']);
  assert.equal(rules.length, 2);
  assert.deepEqual([...updateRules.added].sort(), ['new.test', 'short.test']);
  assert.equal(updateRules.covered.size, 2);
  assert.equal(updateRules.version, 2);
});

test('beyond the rule limit the rest is left to the navigation layer, never dropped silently', async () => {
  /** @type {any} */ (globalThis).chrome.declarativeNetRequest.MAX_NUMBER_OF_DYNAMIC_RULES = 3;
  const engine = openEngine(new Uint8Array([3]));
  await switchEngine(engine, meta(3));
  await syncRulesets(engine, hosts);
  const rules = updateRulesNow();
  assert.equal(rules.length, 3, 'the limit');
  assert.ok(rules.every((r) => r.condition.requestDomains.length <= 5000));
  assert.equal(updateRules.added.size, 16002);
  assert.equal(updateRules.covered.size, rules.reduce((n, r) => n + r.condition.requestDomains.length, 0));
  assert.ok(updateRules.covered.size < updateRules.added.size);
});
