#!/usr/bin/env node
// Lá Chắn browser e2e for the filter's own state:
//
//   node tests/e2e/updates/run.mjs [--browser chromium|firefox|all] [--lang vi|en] [--skip-wasm-build]
//
// Fail closed: the extension is built into target/e2e-updates/, then copied
// with its packed bundle corrupted (bytes in the middle flipped). In each
// browser a page the lists allow (allowed.test) must land on notready.html,
// not on the page; the self-check page reports the engine as missing with
// the reason; "Try again" keeps the not-ready page while the bundle still
// does not open. Requests that reached the server for the host are counted
// (Firefox: 0, the blocking listener redirects before the request leaves).
//
// List updates (docs/updates.md), against a second local server on
// 127.0.0.1 that serves the published files: version 2 of the fixture
// bundle adds update-blocked.test (gambling); a managed policy file
// (listUpdateUrl, listPublicKey; moved aside and restored like
// tests/e2e/policy/run.mjs) points at it. Without reinstalling, the host
// must land on the warning page, with the seconds from the worker's start to
// the update in force (target ≤ 10 s) and the requests that reached the
// server for it (target 0; Chromium: within the dynamic-rule limit). Then a
// corrupt version 3 (bundle bytes changed after signing) is refused and
// version 2 stays; the update server down leaves version 2 too; and a
// ~4 MB version 4 is verified and opened in the worker (ms printed; target
// ≤ 200 ms). Published with `lachan publish` (keys from `lachan keygen`);
// with a CLI that has no publish command, with tests/e2e/lib/publish.mjs.
// Prints one line per check, then `N passed, M failed` (exit 1 on a failure).
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { keygen, publish } from '../lib/publish.mjs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../lib/chromium.mjs';
import { launchFirefox } from '../lib/firefox.mjs';
import { Report } from '../lib/report.mjs';
import { startServer } from '../lib/server.mjs';
import { poll } from '../lib/checks.mjs';
import { buildInto, openExtensionPage, runnerOptions } from '../lib/pages.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const OUT = join(ROOT, 'target/e2e-updates');
const CORRUPT = join(OUT, 'corrupt');
const { want, lang, skipWasm } = runnerOptions('tests/e2e/updates/run.mjs');
const ids = JSON.parse(readFileSync(join(ROOT, 'extension/ids.json'), 'utf8'));

/** Copies both builds with the packed bundle's middle bytes flipped. */
function corruptCopies() {
  rmSync(CORRUPT, { recursive: true, force: true });
  for (const b of ['chromium', 'firefox']) {
    cpSync(join(OUT, b), join(CORRUPT, b), { recursive: true });
    const file = join(CORRUPT, b, 'lachan.lcb');
    const bytes = readFileSync(file);
    for (let i = 0; i < 64; i++) bytes[i] ^= 0xff; // the header: no bundle opens from this
    writeFileSync(file, bytes);
  }
}

/** The not-ready page's state, from its DOM. */
const READ_NOT_READY = () => ({
  href: location.href,
  ready: document.body?.dataset.ready === 'true',
  answer: document.body?.dataset.answer ?? '',
  h1: document.querySelector('h1')?.textContent?.trim() ?? '',
  tel: !!document.querySelector('a[href="tel:111"]'),
  retry: document.querySelector('[data-testid="nr-retry"]')?.textContent?.trim() ?? '',
  host: document.querySelector('[data-testid="nr-host"]')?.textContent?.trim() ?? '',
  status: document.querySelector('[data-testid="nr-status"]')?.textContent?.trim() ?? '',
  lang: document.documentElement.lang,
});

/**
 * @param {Report} report @param {import('../lib/checks.mjs').Driver} d
 * @param {Awaited<ReturnType<typeof startServer>>} server
 */
async function notReadyChecks(report, d, server) {
  const b = d.name;
  const page = await d.newPage();
  try {
    await report.check(b, 'corrupt packed bundle: an allowed page lands on notready.html, never on the page', async () => {
      const mark = server.hits.length;
      await d.navigate(page, `http://allowed.test:${server.port}/homework?q=1`);
      const s = await poll(async () => {
        const r = /** @type {ReturnType<typeof READ_NOT_READY>} */ (await d.evaluate(page, READ_NOT_READY));
        return r.href.startsWith(`${d.extBase}notready.html`) && r.ready ? r : null;
      }, 'notready.html');
      if (!s.tel || !s.retry || !s.h1 || s.host !== 'allowed.test') throw new Error(JSON.stringify(s));
      if (/^nr[A-Z]/.test(s.h1 + s.retry)) throw new Error(`untranslated: ${s.h1}`);
      const reached = server.count('allowed.test', mark);
      if (b === 'firefox' && reached) throw new Error(`${reached} request(s) reached the server`);
      return `"${s.h1}"; 111 link; requests that reached the server: ${reached}`;
    });
    await report.check(b, '"Try again" while the bundle still does not open keeps the not-ready page', async () => {
      await d.click(page, '[data-testid="nr-retry"]');
      const s = await poll(async () => {
        const r = /** @type {ReturnType<typeof READ_NOT_READY>} */ (await d.evaluate(page, READ_NOT_READY));
        return r.answer ? r : null;
      }, 'an answer to the retry', 15_000);
      if (s.answer !== 'not-ready' || !s.href.includes('notready.html')) throw new Error(JSON.stringify(s));
      return `"${s.status}"`;
    });
    await report.check(b, 'self-check page: the engine item is missing and says why', async () => {
      await openExtensionPage(d, page, 'selfcheck.html', server.port);
      const item = await poll(() => d.evaluate(page, () => {
        const li = /** @type {HTMLElement | null} */ (document.querySelector('[data-item="engine"]'));
        return document.body.dataset.ready === 'true' && li
          ? { status: li.dataset.status, detail: li.querySelector('[data-testid="sc-detail"]')?.textContent ?? '' } : null;
      }), 'the engine item', 20_000);
      if (item.status !== 'missing' || !item.detail) throw new Error(JSON.stringify(item));
      return `${item.status}: ${item.detail}`;
    });
  } finally {
    await d.close(page);
  }
}

// --- published versions ------------------------------------------------------------

const NEW_HOST = 'update-blocked.test';
/** Builds a fixture bundle with `extra` lines added to the gambling list. @param {string} name @param {string} extra */
function fixtureBundle(name, extra) {
  const dir = join(OUT, `fixtures-${name}`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(ROOT, 'tests/e2e/fixtures'), dir, { recursive: true });
  const reg = readFileSync(join(dir, 'registry.toml'), 'utf8').replaceAll('"../../../lists/', `"${ROOT}/lists/`);
  writeFileSync(join(dir, 'registry.toml'), reg);
  writeFileSync(join(dir, 'lists/gambling.txt'), `${readFileSync(join(dir, 'lists/gambling.txt'), 'utf8')}\n${extra}\n`);
  return join(dir, 'registry.toml');
}

const CLI = join(ROOT, 'target/release/lachan');
/** Whether this CLI has `lachan publish`. */
function cliPublishes() {
  try { execFileSync(CLI, ['publish', '--help'], { stdio: 'ignore' }); return true; } catch { return false; }
}
/** @param {string} dir */
function readPublished(dir) {
  return Object.fromEntries(['lachan.lcb', 'lachan.lcb.sig', 'manifest.json', 'manifest.json.sig'].map((n) => [n, readFileSync(join(dir, n))]));
}

/** Publishes versions 2 (the new host), 3 (the same lists, its bundle then
 * changed after signing) and 4 (~4 MB) with `lachan publish`, or with the
 * test publisher. @returns {{key: string, tool: string, v2: Record<string, Buffer>, v3: Record<string, Buffer>, v4: Record<string, Buffer>, v4Bytes: number}} */
function publishAll() {
  const reg2 = fixtureBundle('v2', NEW_HOST);
  // ~4 MB: 440 000 more made-up gambling hosts.
  const many = Array.from({ length: 440_000 }, (_, i) => `big-${i.toString(36)}-${(i * 7919 % 100_003).toString(36)}.test`).join('\n');
  const reg4 = fixtureBundle('v4', `${NEW_HOST}\n${many}`);
  const pubDir = join(OUT, 'published');
  rmSync(pubDir, { recursive: true, force: true });
  if (cliPublishes()) {
    execFileSync(CLI, ['keygen', '--out', join(pubDir, 'keys')], { stdio: 'ignore' });
    const secret = join(pubDir, 'keys/lachan-update.key');
    /** @param {number} version @param {string} reg */
    const run = (version, reg) => {
      const dir = join(pubDir, `v${version}`);
      execFileSync(CLI, ['publish', '--key', secret, '--out', dir, '--version', String(version), '--registry', reg, '--offline', '--strict', '--quiet'],
        { stdio: ['ignore', 'ignore', 'pipe'] });
      return readPublished(dir);
    };
    const v3 = run(3, reg2);
    v3['lachan.lcb'][v3['lachan.lcb'].length >> 1] ^= 1; // changed after signing
    const v4 = run(4, reg4);
    // A separate image-hash list, its own key (another organisation publishes it).
    execFileSync(CLI, ['keygen', '--out', join(pubDir, 'hash-keys')], { stdio: 'ignore' });
    writeFileSync(join(pubDir, 'hashes.txt'), 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,e2e,1\n');
    execFileSync(CLI, ['publish', '--key', join(pubDir, 'hash-keys/lachan-update.key'), '--out', join(pubDir, 'hashes'), '--version', '1',
      '--hashes-only', '--hashes', join(pubDir, 'hashes.txt'), '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { key: readFileSync(join(pubDir, 'keys/lachan-update.pub'), 'utf8').trim(), tool: 'lachan publish',
      v2: run(2, reg2), v3, v4, v4Bytes: v4['lachan.lcb'].length,
      hashes: readPublished(join(pubDir, 'hashes')), hashKey: readFileSync(join(pubDir, 'hash-keys/lachan-update.pub'), 'utf8').trim() };
  }
  const key = keygen();
  /** @param {string} reg */
  const build = (reg) => {
    const out = join(pubDir, 'bundle.lcb');
    mkdirSync(pubDir, { recursive: true });
    execFileSync(CLI, ['build', '--quiet', '--offline', '--strict', '--registry', reg, '--out', out]);
    return readFileSync(out);
  };
  const b2 = build(reg2);
  const b4 = build(reg4);
  return { key: key.pub, tool: 'tests/e2e/lib/publish.mjs', v2: publish(key, b2, { version: 2 }), v3: publish(key, b2, { version: 3, tamper: 'bundle' }),
    v4: publish(key, b4, { version: 4 }), v4Bytes: b4.length };
}

/** The update server: serves `files` under /upd/; `down()` closes it. */
async function updateServer() {
  /** @type {Record<string, Buffer>} */
  let files = {};
  /** @type {Record<string, Buffer>} */
  let hashFiles = {};
  let hits = 0;
  /** @type {import('node:http').Server | null} */
  let srv = null;
  let port = 0;
  const listen = () => new Promise((ok) => {
    srv = createServer((req, res) => {
      hits++;
      const path = req.url ?? '';
      const body = path.startsWith('/hash/') ? hashFiles[path.slice(6)] : files[path.replace(/^\/upd\//, '')];
      const etag = `"${body ? createHash('sha256').update(body).digest('hex').slice(0, 16) : ''}"`;
      if (!body) { res.writeHead(404); res.end(); return; }
      if (req.headers['if-none-match'] === etag) { res.writeHead(304); res.end(); return; }
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', ETag: etag, 'Cache-Control': 'no-store' });
      res.end(body);
    });
    /** @type {any} */ (srv).listen(port, '127.0.0.1', () => { port = /** @type {any} */ (srv).address().port; ok(undefined); });
  });
  await listen();
  return {
    url: () => `http://127.0.0.1:${port}/upd/manifest.json`,
    set: (/** @type {Record<string, Buffer>} */ f) => { files = f; },
    hashUrl: () => `http://127.0.0.1:${port}/hash/manifest.json`,
    setHashes: (/** @type {Record<string, Buffer>} */ f) => { hashFiles = f; },
    hits: () => hits,
    down: () => new Promise((ok) => { /** @type {any} */ (srv).closeAllConnections?.(); /** @type {any} */ (srv).close(() => ok(undefined)); }),
    up: listen,
  };
}

// --- policy files: moved aside and put back (as tests/e2e/policy/run.mjs) ----------

const CHROMIUM_FILE = '/etc/chromium/policies/managed/lachan-e2e-updates.json';
const FIREFOX_FILE = '/etc/firefox/policies/policies.json';
/** file → its original's backup path ('' when there was none); folders made. */
const written = new Map();
/** @type {string[]} */
const madeDirs = [];
/** @param {string} file @param {any} doc */
function writePolicy(file, doc) {
  if (!written.has(file)) {
    let dir = dirname(file);
    /** @type {string[]} */
    const made = [];
    while (!existsSync(dir)) { made.unshift(dir); dir = dirname(dir); }
    for (const d of made) { mkdirSync(d); madeDirs.push(d); }
    const bak = `${file}.lachan-e2e-updates-backup`;
    if (existsSync(file)) renameSync(file, bak);
    written.set(file, existsSync(bak) ? bak : '');
  }
  writeFileSync(`${file}.tmp`, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}
/** @param {string} file */
function restorePolicy(file) {
  if (!written.has(file)) return;
  try { unlinkSync(file); } catch { /* gone */ }
  const bak = written.get(file);
  if (bak) renameSync(bak, file);
  written.delete(file);
  for (const d of [...madeDirs].reverse()) {
    try { if (!readdirSync(d).length) { rmdirSync(d); madeDirs.splice(madeDirs.indexOf(d), 1); } } catch { /* not empty */ }
  }
}
const restoreAll = () => { for (const f of [...written.keys()]) { try { restorePolicy(f); } catch (e) { console.error(`could not restore ${f}: ${e}`); } } };
process.on('exit', restoreAll);
for (const [sig, code] of /** @type {const} */ ([['SIGINT', 130], ['SIGTERM', 143]])) {
  process.on(sig, () => { restoreAll(); console.error(`\n${sig}: policy files restored`); process.exit(code); });
}

/** The filter's state, asked from an extension page. */
const ENGINE_STATE = () => (/** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome).runtime.sendMessage({ type: 'engineState' });
/** Fires the update alarm now (the 4-hourly one is put back after it). */
const FIRE_ALARM = () => (/** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome).alarms.create('lachan-list-update', { when: Date.now() + 50 });

/**
 * @param {Report} report @param {import('../lib/checks.mjs').Driver} d
 * @param {Awaited<ReturnType<typeof startServer>>} server @param {Awaited<ReturnType<typeof updateServer>>} upd
 * @param {{v3: Record<string, Buffer>, v4: Record<string, Buffer>, v4Bytes: number}} pub
 */
async function updateChecks(report, d, server, upd, pub) {
  const b = d.name;
  const ext = await d.newPage();
  const page = await d.newPage();
  try {
    await openExtensionPage(d, ext, 'selfcheck.html', server.port);
    const state = () => d.evaluate(ext, ENGINE_STATE);
    let ok = await report.check(b, 'version 2 from the policy\'s address is in force without reinstalling (target ≤ 10 s after the worker starts)', async () => {
      const s = await poll(async () => { const r = await state(); return r?.bundle?.version === 2 ? r : null; }, 'bundle version 2', 30_000);
      const st = await d.stats();
      const secs = (st.updateInForceMs - st.swStartMs) / 1000;
      if (!(secs <= 10)) throw new Error(`in force ${secs.toFixed(2)} s after the worker started`);
      return `in force ${secs.toFixed(2)} s after the worker started; source ${s.bundle.source}; verify+open ${Math.round(s.update.verifyMs)} ms`;
    });
    if (!ok) return;
    /** @param {string} what */
    const expectBlocked = (what) => report.check(b, `${what}: ${NEW_HOST} lands on the warning page; requests that reached the server counted`, async () => {
      const mark = server.hits.length;
      await d.navigate(page, `http://${NEW_HOST}:${server.port}/casino-${Date.now()}`);
      const href = await poll(async () => { const h = await d.href(page); return h.startsWith(`${d.extBase}warning.html`) ? h : ''; }, 'the warning page');
      await new Promise((r) => setTimeout(r, 300));
      const reached = server.count(NEW_HOST, mark);
      const st = await d.stats();
      if (b === 'firefox' && reached) throw new Error(`${reached} request(s) reached the server`);
      if (b === 'chromium' && st.updateDomainsInRules >= st.updateDomains && reached) throw new Error(`${reached} request(s) reached the server within the rule limit`);
      return `${new URL(href).searchParams.get('c')}; reached the server: ${reached}`
        + `${b === 'chromium' ? `; update domains in dynamic rules ${st.updateDomainsInRules}/${st.updateDomains}` : ''}`;
    });
    await expectBlocked('version 2');
    if (pub.hashes) {
      await report.check(b, 'a separate image-hash list (hashListUrl, its own key) is in force beside the bundle', async () => {
        const s = await poll(async () => { const r = await state(); return r?.hashList?.inForce?.version === 1 ? r : null; }, 'hash list version 1', 20_000);
        return `hash list version ${s.hashList.inForce.version} from ${s.hashList.inForce.source}; bundle version ${s.bundle.version}`;
      });
    } else report.skip(b, 'a separate image-hash list', 'this CLI has no `lachan publish --hashes-only`');
    await report.check(b, 'a corrupt version 3 (bundle changed after signing) is refused; version 2 stays in force', async () => {
      upd.set(pub.v3);
      await d.evaluate(ext, FIRE_ALARM);
      const s = await poll(async () => { const r = await state(); return r?.update?.lastError?.code === 'checksum' ? r : null; }, 'the checksum refusal', 20_000);
      if (s.bundle.version !== 2) throw new Error(`version ${s.bundle.version} in force`);
      return `refused: ${s.update.lastError.detail}; version ${s.bundle.version} in force`;
    });
    await expectBlocked('after the corrupt version 3');
    await report.check(b, 'the update server down: the check fails as "network"; version 2 stays in force', async () => {
      await upd.down();
      await d.evaluate(ext, FIRE_ALARM);
      const s = await poll(async () => { const r = await state(); return r?.update?.lastError?.code === 'network' ? r : null; }, 'the network failure', 20_000);
      if (s.bundle.version !== 2) throw new Error(`version ${s.bundle.version} in force`);
      return `version ${s.bundle.version} in force`;
    });
    await expectBlocked('with the server down');
    await report.check(b, 'self-check page shows the version in force, its source and the last failure', async () => {
      await d.evaluate(ext, () => { location.reload(); });
      await new Promise((r) => setTimeout(r, 500));
      const detail = await poll(() => d.evaluate(ext, () => (document.body.dataset.ready === 'true'
        ? document.querySelector('[data-item="engine"] [data-testid="sc-detail"]')?.textContent ?? '' : '')), 'the engine detail', 20_000);
      if (!detail.includes('2') || !detail.includes('127.0.0.1')) throw new Error(detail);
      return detail;
    });
    await report.check(b, `a ${(pub.v4Bytes / 1e6).toFixed(1)} MB version 4 is verified and opened in the worker (target ≤ 200 ms)`, async () => {
      await upd.up();
      upd.set(pub.v4);
      await d.evaluate(ext, FIRE_ALARM);
      const s = await poll(async () => { const r = await state(); return r?.bundle?.version === 4 ? r : null; }, 'bundle version 4', 35_000);
      const ms = s.update.verifyMs;
      if (!(ms <= 200)) throw new Error(`${Math.round(ms)} ms (size, sha256, signature, open)`);
      return `${Math.round(ms)} ms for size, sha256, Ed25519 and open`;
    });
    await expectBlocked('version 4');
  } finally {
    await d.close(page);
    await d.close(ext);
  }
}

const report = new Report();
/** @type {any} */
let pub = null;
try {
  buildInto(ROOT, OUT, { skipWasm });
  corruptCopies();
  pub = publishAll();
  console.log(`published with ${pub.tool}: v2 ${pub.v2['lachan.lcb'].length} bytes, v4 ${pub.v4Bytes} bytes`);
} catch (e) {
  console.error(`build failed: ${/** @type {any} */ (e).stderr ?? /** @type {Error} */ (e).message}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
const server = await startServer();
console.log(`test server on port ${server.port}`);

const upd = await updateServer();
const policy = { listUpdateUrl: upd.url(), listPublicKey: pub.key,
  ...(pub.hashes ? { hashListUrl: upd.hashUrl(), hashListPublicKey: pub.hashKey } : {}) };
if (pub.hashes) upd.setHashes(pub.hashes);

if (want('chromium')) {
  upd.set(pub.v2);
  try {
    writePolicy(CHROMIUM_FILE, { '3rdparty': { extensions: { [ids.chromium]: policy } } });
    /** @type {import('../lib/checks.mjs').Driver | null} */
    let d = null;
    await report.check('chromium', `launch with ${CHROMIUM_FILE} (listUpdateUrl ${upd.url()})`, async () => {
      d = await launchChromium({ extDir: join(OUT, 'chromium'), extensionId: ids.chromium, lang });
      return `${Math.round(/** @type {any} */ (d).launchMs)} ms`;
    });
    if (d) {
      const drv = /** @type {import('../lib/checks.mjs').Driver} */ (d);
      try { await updateChecks(report, drv, server, upd, pub); } finally { await drv.shutdown().catch(() => {}); }
    }
  } finally {
    restorePolicy(CHROMIUM_FILE);
    await upd.down().catch(() => {});
    await upd.up();
  }
}

if (want('firefox')) {
  upd.set(pub.v2);
  try {
    writePolicy(FIREFOX_FILE, { policies: { '3rdparty': { Extensions: { [ids.gecko]: policy } } } });
    /** @type {import('../lib/checks.mjs').Driver | null} */
    let d = null;
    await report.check('firefox', `launch with ${FIREFOX_FILE} (listUpdateUrl ${upd.url()})`, async () => {
      d = await launchFirefox({ extDir: join(OUT, 'firefox'), geckoId: ids.gecko, port: server.port, lang });
      return `${Math.round(/** @type {any} */ (d).launchMs)} ms`;
    });
    if (d) {
      const drv = /** @type {import('../lib/checks.mjs').Driver} */ (d);
      try { await updateChecks(report, drv, server, upd, pub); } finally { await drv.shutdown().catch(() => {}); }
    }
  } finally {
    restorePolicy(FIREFOX_FILE);
  }
}

if (want('chromium')) {
  /** @type {import('../lib/checks.mjs').Driver | null} */
  let d = null;
  await report.check('chromium', `launch the corrupt-bundle build (${lang})`, async () => {
    d = await launchChromium({ extDir: join(CORRUPT, 'chromium'), extensionId: ids.chromium, lang, notReady: true });
    return `${Math.round(/** @type {any} */ (d).launchMs)} ms`;
  });
  if (d) {
    const drv = /** @type {import('../lib/checks.mjs').Driver} */ (d);
    try { await notReadyChecks(report, drv, server); } finally { await drv.shutdown().catch(() => {}); }
  }
}

if (want('firefox')) {
  /** @type {import('../lib/checks.mjs').Driver | null} */
  let d = null;
  await report.check('firefox', `launch the corrupt-bundle build (${lang})`, async () => {
    d = await launchFirefox({ extDir: join(CORRUPT, 'firefox'), geckoId: ids.gecko, port: server.port, lang });
    return `${Math.round(/** @type {any} */ (d).launchMs)} ms`;
  });
  if (d) {
    const drv = /** @type {import('../lib/checks.mjs').Driver} */ (d);
    try { await notReadyChecks(report, drv, server); } finally { await drv.shutdown().catch(() => {}); }
  }
}

await server.close();
await upd.down().catch(() => {});
restoreAll();
report.printTables();
process.exit(report.summary() ? 1 : 0);
