// node --test extension/test/ : list updates (src/background/updates.js,
// src/shared/update-source.js). A real Ed25519 key pair and a real
// published directory (tests/e2e/lib/publish.mjs, the update format),
// served by a fake fetch that records every request: a good update is
// taken; a tampered manifest, bundle or signature, a wrong key, a rollback,
// a bundle the engine cannot open, a too-new minimum version and a server
// that is down are each refused with their own code; a 304 is "unchanged";
// requests carry no cookies, no cache and no query.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keygen, publish } from '../../tests/e2e/lib/publish.mjs';

/** @type {any} */ (globalThis).chrome = { runtime: { getManifest: () => ({ version: '0.1.0' }) }, storage: { local: { get: async () => ({}) } } };
const { fetchUpdate, compareVersions, parseManifest } = await import('../src/background/updates.js');
const { policySources, familySource, urlProblem } = await import('../src/shared/update-source.js');

const URL_ = 'https://lists.example/lachan/manifest.json';
const BUNDLE = new TextEncoder().encode('LACHAN-test-bundle '.repeat(100));
const key = keygen();
/** @type {{url: string, init: any}[]} */
let requests = [];
/** Serves `files` under the manifest's folder; `etag` answers If-None-Match with 304. @param {Record<string, Buffer> | null} files */
function serve(files, etag = '"v"') {
  requests = [];
  globalThis.fetch = /** @type {any} */ (async (/** @type {string} */ url, /** @type {any} */ init) => {
    requests.push({ url, init });
    if (!files) throw new TypeError('fetch failed');
    if (init.headers?.['If-None-Match'] === etag) return new Response(null, { status: 304 });
    const name = url.slice(url.lastIndexOf('/') + 1);
    const body = files[name];
    return body ? new Response(new Uint8Array(body), { headers: { ETag: etag } }) : new Response('no', { status: 404 });
  });
}
const opts = (/** @type {any} */ o = {}) => ({ current: 0, etag: null, extensionVersion: '0.1.0', kind: 'bundle',
  open: (/** @type {Uint8Array} */ b) => ({ opened: b.length }), ...o });
/** @param {Promise<unknown>} p @param {string} code */
const refused = async (p, code) => { await assert.rejects(p, (/** @type {any} */ e) => e.code === code, code); };

test('a good update is verified and opened; every request is bare', async () => {
  serve(publish(key, BUNDLE, { version: 2 }));
  const r = /** @type {any} */ (await fetchUpdate({ url: URL_, key: key.pub }, opts()));
  assert.equal(r.status, 'new');
  assert.equal(r.manifest.version, 2);
  assert.deepEqual(r.opened, { opened: BUNDLE.length });
  assert.equal(r.etag, '"v"');
  assert.deepEqual(requests.map((q) => q.url), [URL_, `${URL_}.sig`, 'https://lists.example/lachan/lachan.lcb', 'https://lists.example/lachan/lachan.lcb.sig']);
  for (const q of requests) {
    assert.equal(q.init.credentials, 'omit');
    assert.equal(q.init.cache, 'no-store');
    assert.ok(!q.url.includes('?'));
  }
});

test('If-None-Match: a 304 is unchanged and fetches nothing else; the version in force is unchanged too', async () => {
  serve(publish(key, BUNDLE, { version: 2 }));
  assert.equal((await fetchUpdate({ url: URL_, key: key.pub }, opts({ etag: '"v"' }))).status, 'unchanged');
  assert.equal(requests.length, 1);
  assert.equal(requests[0].init.headers['If-None-Match'], '"v"');
  serve(publish(key, BUNDLE, { version: 2 }));
  assert.equal((await fetchUpdate({ url: URL_, key: key.pub }, opts({ current: 2 }))).status, 'unchanged');
  assert.equal(requests.length, 2, 'the bundle is not fetched for the version in force');
});

test('each bad update is refused with its own reason', async () => {
  const src = { url: URL_, key: key.pub };
  serve(publish(key, BUNDLE, { version: 3, tamper: 'manifest' }));
  await refused(fetchUpdate(src, opts()), 'signature');
  serve(publish(key, BUNDLE, { version: 3, tamper: 'bundle' }));
  await refused(fetchUpdate(src, opts()), 'checksum');
  serve(publish(key, BUNDLE, { version: 3, tamper: 'bundleSig' }));
  await refused(fetchUpdate(src, opts()), 'bundleSignature');
  serve(publish(key, BUNDLE, { version: 3, tamper: 'size' }));
  await refused(fetchUpdate(src, opts()), 'size');
  serve(publish(keygen(), BUNDLE, { version: 3 }));
  await refused(fetchUpdate(src, opts()), 'signature');
  serve(publish(key, BUNDLE, { version: 1 }));
  await refused(fetchUpdate(src, opts({ current: 2 })), 'rollback');
  serve(publish(key, BUNDLE, { version: 2 }));
  await refused(fetchUpdate(src, opts({ current: 0, floor: 3 })), 'rollback'); // 3 was taken once, even if its copy is gone
  serve(publish(key, BUNDLE, { version: 3, minExtensionVersion: '0.2.0' }));
  await refused(fetchUpdate(src, opts()), 'tooNew');
  serve(publish(key, BUNDLE, { version: 3, kind: 'hashes' }));
  await refused(fetchUpdate(src, opts()), 'manifest');
  serve(publish(key, BUNDLE, { version: 3 }));
  await refused(fetchUpdate(src, opts({ open: () => { throw new Error('bad magic'); } })), 'open');
  serve(null);
  await refused(fetchUpdate(src, opts()), 'network');
  serve({});
  await refused(fetchUpdate(src, opts()), 'http');
  await refused(fetchUpdate({ url: URL_, key: 'AAAA' }, opts()), 'key');
});

test('manifest fields and versions', () => {
  assert.throws(() => parseManifest('{"format":2}'), /format 2/);
  assert.throws(() => parseManifest('[]'), /kind|format/);
  assert.equal(compareVersions('0.1.10', '0.1.9'), 1);
  assert.equal(compareVersions('0.1', '0.1.0'), 0);
  assert.equal(compareVersions('0.1.0', '0.2.0'), -1);
});

test('sources: the school\'s policy, bad values reported and ignored; the family\'s opt-in', () => {
  const good = policySources({ listUpdateUrl: URL_, listPublicKey: key.pub });
  assert.deepEqual(good.bundle, { url: URL_, key: key.pub, from: 'policy' });
  assert.deepEqual(good.problems, []);
  const bad = policySources({ listUpdateUrl: `${URL_}?child=1`, listPublicKey: 'short', hashListUrl: 'ftp://x/' , hashListPublicKey: key.pub });
  assert.equal(bad.bundle, null);
  assert.equal(bad.hashes, null);
  assert.deepEqual(bad.problems, ['listUpdateUrl: carries a query or fragment', 'listPublicKey: not a 32-byte public key in base64', 'hashListUrl: not http(s)']);
  assert.equal(policySources({}).bundle, null);
  assert.equal(urlProblem('https://u:p@x.example/m.json'), 'carries a user name or password');
  assert.deepEqual(familySource({ url: URL_, key: key.pub }), { url: URL_, key: key.pub, from: 'family' });
  assert.equal(familySource({ url: URL_, key: '' }), null);
  assert.equal(familySource(undefined), null);
});

test('the update words exist in vi and en for every state and failure code', async () => {
  const { readFileSync } = await import('node:fs');
  const { ERROR_CODES, errorKey, updateLines } = await import('../src/shared/update-text.js');
  const read = (/** @type {string} */ p) => readFileSync(new URL(p, import.meta.url), 'utf8');
  const keys = new Set(ERROR_CODES.map(errorKey));
  for (const file of ['../src/shared/update-text.js', '../src/options/options.js', '../src/notready/notready.js']) {
    for (const m of read(file).matchAll(/\bt\('([A-Za-z0-9_]+)'/g)) keys.add(m[1]);
  }
  for (const r of ['updated', 'unchanged', 'none', 'failed']) keys.add(`updResult_${r}`);
  keys.add('updBadUrl'); keys.add('updBadKey');
  for (const lang of ['vi', 'en']) {
    const messages = JSON.parse(read(`../_locales/${lang}/messages.json`));
    assert.deepEqual([...keys].filter((k) => !messages[k]?.message), [], `${lang} lacks messages`);
  }
  // The lines name the version, its time and its source, and the failure in plain words.
  const t = (/** @type {string} */ k, /** @type {any} */ subs) => `${k}(${[subs ?? []].flat().join('|')})`;
  const l = updateLines({ bundle: { version: 2, time: 5, source: 'https://x/m.json' }, source: { url: 'https://x/m.json', from: 'policy' },
    update: { lastError: { code: 'checksum', detail: 'd', time: 6 }, problems: [] } }, t, (ms) => `@${ms}`);
  assert.equal(l.inForce, 'updInForce(2|@5|https://x/m.json)');
  assert.equal(l.error, 'updLastError(@6|upd_checksum()|d)');
  assert.equal(updateLines({ bundle: { version: 0 } }, t, String).inForce, 'updInForcePacked()');
});
