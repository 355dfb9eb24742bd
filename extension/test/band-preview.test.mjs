// node --test extension/test/ : the age band preview (options/band-preview.js)
// over the shipped policy, and durations in a parent's words (shared/duration.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { actionFor, bandChanges, bandPreview } from '../src/options/band-preview.js';
import { formatDuration } from '../src/shared/duration.js';

const BANDS = ['under-6', '6-10', '11-14', '15-17'];
/** The shipped policy as engine.defaultTable() gives it: every band spelled out. */
function shippedDefaults() {
  const text = readFileSync(new URL('../../lists/policy/default.toml', import.meta.url), 'utf8');
  const section = (text.split(/^\[categories\]$/m)[1] ?? '').split(/^\[/m)[0] ?? '';
  /** @param {string | undefined} v @returns {import('../src/options/band-preview.js').Action} */
  const action = (v) => {
    assert.ok(v === 'allow' || v === 'warn' || v === 'block', `not an action in default.toml: ${v}`);
    return v;
  };
  /** @type {Record<string, Record<string, import('../src/options/band-preview.js').Action>>} */
  const out = {};
  for (const [, cat = '', value = ''] of section.matchAll(/^([a-z_]+) = (.+)$/gm)) {
    const one = value.match(/^"(\w+)"$/);
    out[cat] = Object.fromEntries(BANDS.map((b) => [b, action(one ? one[1] : value.match(new RegExp(`"${b}" = "(\\w+)"`))?.[1])]));
  }
  assert.ok(Object.keys(out).length > 0, 'default.toml has categories');
  return out;
}
const defaults = shippedDefaults();
const categories = ['adult', 'gambling', 'mixed_adult', 'lingerie', 'dating', 'chat', 'social_networks', 'games', 'shortener', 'hacking', 'fakenews'];

test('6-10: social networks, chat and dating blocked; games allowed; shorteners warned', () => {
  const p = bandPreview({ defaults, categories }, '6-10');
  assert.deepEqual(p.allow, ['games']);
  assert.deepEqual(p.warn, ['shortener', 'fakenews']);
  assert.ok(p.block.includes('social_networks') && p.block.includes('chat') && p.block.includes('adult'));
});

test('from 6-10 to 15-17: what loosens, and adult and gambling never do', () => {
  const changes = bandChanges({ defaults, categories }, '6-10', '15-17');
  assert.deepEqual(changes, [
    { category: 'mixed_adult', from: 'block', to: 'warn' },
    { category: 'lingerie', from: 'block', to: 'allow' },
    { category: 'dating', from: 'block', to: 'warn' },
    { category: 'chat', from: 'block', to: 'warn' },
    { category: 'social_networks', from: 'block', to: 'allow' },
    { category: 'hacking', from: 'block', to: 'warn' },
  ]);
  assert.deepEqual(bandChanges({ defaults, categories }, '11-14', '11-14'), []);
});

test('the parent and the school override the shipped default, the school first', () => {
  /** @type {import('../src/options/band-preview.js').Policy} */
  const p = { defaults, categories, parent: { games: 'block', chat: null }, school: { chat: 'allow' } };
  assert.equal(actionFor(p, 'games', '15-17'), 'block');
  assert.equal(actionFor(p, 'chat', '6-10'), 'allow');
  assert.equal(actionFor(p, 'dating', '15-17'), 'warn');
  assert.equal(actionFor({ defaults, categories }, 'not_in_policy', '15-17'), 'block');
  assert.deepEqual(bandChanges(p, '6-10', '15-17').map((c) => c.category), ['mixed_adult', 'lingerie', 'dating', 'social_networks', 'hacking']);
});

const vi = JSON.parse(readFileSync(new URL('../_locales/vi/messages.json', import.meta.url), 'utf8'));
const en = JSON.parse(readFileSync(new URL('../_locales/en/messages.json', import.meta.url), 'utf8'));
/** chrome.i18n.getMessage's substitution, enough for $P1$/$P2$. @param {any} m */
const tOf = (m) => (/** @type {string} */ key, /** @type {string | string[]} */ subs = []) => {
  assert.ok(m[key], `no message ${key}`);
  const list = Array.isArray(subs) ? subs : [subs];
  return m[key].message.replace(/\$P(\d)\$/g, (/** @type {string} */ _, /** @type {string} */ n) => list[Number(n) - 1]);
};

test('durations: minutes under an hour, hours from an hour on', () => {
  const tv = tOf(vi);
  const te = tOf(en);
  assert.equal(formatDuration(15, tv), '15 phút');
  assert.equal(formatDuration(180, tv), '3 giờ');
  assert.equal(formatDuration(60, tv), '1 giờ');
  assert.equal(formatDuration(90, tv), '1 giờ 30 phút');
  assert.equal(formatDuration(180, te), '3 hours');
  assert.equal(formatDuration(60, te), '1 hour');
  assert.equal(formatDuration(1, te), '1 minute');
  assert.equal(formatDuration(45, te), '45 minutes');
});
