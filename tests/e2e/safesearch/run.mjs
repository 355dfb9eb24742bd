#!/usr/bin/env node
// SafeSearch and YouTube restricted mode in real browsers:
//
//   node tests/e2e/safesearch/run.mjs [--browser chromium|firefox|all] [--rebuild]
//
// The real engine host names (www.google.com, www.google.com.vn, www.bing.com,
// duckduckgo.com, www.youtube.com, youtubei.googleapis.com, ...) are mapped
// to a local HTTPS server (self-signed certificate made here with openssl;
// HTTPS because these hosts are HSTS-preloaded, so http:// would be upgraded):
// Chromium by --host-resolver-rules (tests/e2e/lib/chromium.mjs maps only
// *.test, so Chromium is launched here with the same flags plus `MAP *`),
// Firefox by network.dns.forceResolve (URLs carry the port; DNR matches
// host names on any port). The server logs every request with its headers,
// so each check observes what actually left the browser: the rewritten query
// (safe=active, adlt=strict, kp=1), the absence of the original URL, and the
// YouTube-Restrict: Strict header. Prints `N passed, M failed`; exit 1 on failure.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { buildAll } from '../lib/build.mjs';
import { poll, sleep } from '../lib/checks.mjs';
import { CHROMIUM } from '../lib/chromium.mjs';
import { FIREFOX, IDLE_MS } from '../lib/firefox.mjs';
import { hostFromHeader } from '../lib/server.mjs';
import { Report } from '../lib/report.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');

/** @typedef {{host: string, path: string, headers: Record<string, any>, n: number}} Hit */

/** A self-signed certificate for the mapped hosts (any name: the browsers are told to accept it). */
function makeCert() {
  const dir = mkdtempSync(join(tmpdir(), 'lachan-ss-cert-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=lachan-e2e',
    '-addext', 'subjectAltName=DNS:*.google.com,DNS:google.com,DNS:*.youtube.com,DNS:localhost',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const out = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  rmSync(dir, { recursive: true, force: true });
  return out;
}

async function startServer() {
  /** @type {Hit[]} */
  const hits = [];
  let n = 0;
  const server = createServer(makeCert(), (req, res) => {
    const host = hostFromHeader(req.headers.host);
    hits.push({ host, path: req.url ?? '/', headers: req.headers, n: n++ });
    const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': '*' };
    if (req.method === 'OPTIONS') { res.writeHead(204, cors).end(); return; }
    if ((req.url ?? '').startsWith('/favicon')) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...cors });
    res.end(`<!doctype html><html lang="en"><head><title>ok ${host}</title></head><body><h1>SAFESEARCH-TEST ${host}</h1></body></html>`);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return { port, hits, close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok(undefined)); }) };
}

/**
 * @typedef {{name: string, open: (url: string) => Promise<any>, close: (page: any) => Promise<void>,
 *   ext: (fn: Function, arg?: any) => Promise<any>, shutdown: () => Promise<void>, stopWorker: () => Promise<string>}} Driver
 */

/** @param {{extDir: string, extensionId: string, port: number}} o @returns {Promise<Driver>} */
async function launchChromium({ extDir, extensionId }) {
  const profile = mkdtempSync(join(tmpdir(), 'lachan-ss-chromium-'));
  // The same flags as tests/e2e/lib/chromium.mjs, but every host is mapped
  // (the real engines' names) and the test certificate is accepted.
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    ignoreHTTPSErrors: true,
    args: ['--headless=new', `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`,
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--ignore-certificate-errors',
      '--host-resolver-rules=MAP * 127.0.0.1, EXCLUDE localhost'],
  });
  const mine = (/** @type {import('playwright-core').Worker} */ w) => w.url().startsWith(`chrome-extension://${extensionId}/`);
  const worker = async () => ctx.serviceWorkers().find(mine) ?? ctx.waitForEvent('serviceworker', { predicate: mine, timeout: 10_000 });
  const d = {
    name: 'chromium',
    open: async (/** @type {string} */ url) => {
      const page = await ctx.newPage();
      await page.goto(url, { timeout: 8000 }).catch(() => {});
      return page;
    },
    close: async (/** @type {any} */ page) => { await page.close().catch(() => {}); },
    ext: async (/** @type {Function} */ fn, /** @type {any} */ arg) => (await worker()).evaluate(/** @type {any} */ (fn), arg),
    shutdown: async () => { await ctx.close(); rmSync(profile, { recursive: true, force: true }); },
    // CDP ServiceWorker.stopAllWorkers (the MV3 wake-up path): session rules must outlive the worker.
    stopWorker: async () => {
      const page = await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      await cdp.send('ServiceWorker.enable');
      await cdp.send('ServiceWorker.stopAllWorkers');
      await sleep(1000);
      await cdp.detach().catch(() => {});
      await page.close().catch(() => {});
      return 'CDP ServiceWorker.stopAllWorkers';
    },
  };
  await d.ext(() => /** @type {any} */ (self).lachanSafeSearchReady);
  return d;
}

/** @param {{extDir: string, geckoId: string, port: number}} o @returns {Promise<Driver>} */
async function launchFirefox({ extDir, geckoId, port }) {
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true, acceptInsecureCerts: true,
    extraPrefsFirefox: {
      'network.dns.forceResolve': '127.0.0.1', 'network.proxy.type': 0,
      'dom.security.https_first': false, 'dom.security.https_only_mode': false, 'browser.fixup.alternate.enabled': false,
      'extensions.background.idle.timeout': IDLE_MS, // so the suspension check sees a real suspension
    },
  });
  const id = await browser.installExtension(extDir).catch(async (e) => { await browser.close(); throw e; });
  if (id !== geckoId) { await browser.close(); throw new Error(`installed as ${id}, expected ${geckoId}`); }
  /** Runs fn in an extension page: WebDriver BiDi cannot open moz-extension://
   * URLs, so a blocked test host (the fixture bundle blocks adult-site.test)
   * brings the warning page, which has the `browser` API. */
  async function ext(/** @type {Function} */ fn, /** @type {any} */ arg) {
    const page = await browser.newPage();
    try {
      page.goto(`http://adult-site.test:${port}/__extension-page`, { timeout: 8000 }).catch(() => {});
      await poll(() => page.evaluate(() => location.href.startsWith('moz-extension:') && typeof (/** @type {any} */ (globalThis).browser) === 'object')
        .catch(() => false), 'an extension page (warning.html)');
      return await page.evaluate(/** @type {any} */ (fn), arg);
    } finally {
      await page.close().catch(() => {});
    }
  }
  return {
    name: 'firefox',
    open: async (url) => {
      const page = await browser.newPage();
      page.goto(url, { timeout: 8000 }).catch(() => {}); // does not settle after an extension redirect
      return page;
    },
    close: async (page) => { await page.close().catch(() => {}); },
    ext,
    shutdown: () => browser.close(),
    // No API stops a Firefox event page: it suspends itself once idle and no extension page is open.
    stopWorker: async () => { await sleep(IDLE_MS + 3000); return `waited ${IDLE_MS + 3000} ms idle`; },
  };
}

/** Session rules of ours, read in the extension. */
const SESSION_RULES = async () => {
  const a = /** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome;
  return (await a.declarativeNetRequest.getSessionRules()).filter((/** @type {any} */ r) => r.id >= 900_000 && r.id < 901_000)
    .map((/** @type {any} */ r) => r.action.type);
};
/** Sets `settings.safeSearch` (keeping the other settings) in the extension. */
const SET_SAFESEARCH = async (/** @type {boolean | null} */ on) => {
  const a = /** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome;
  const { settings = {} } = await a.storage.local.get('settings');
  if (on === null) delete settings.safeSearch; else settings.safeSearch = on;
  await a.storage.local.set({ settings });
};

/**
 * @param {Driver} d @param {Report} report @param {{port: number, hits: Hit[]}} server
 */
async function runChecks(d, report, { port, hits }) {
  const b = d.name;
  const at = (/** @type {string} */ host, /** @type {string} */ path) => `https://${host}:${port}${path}`;
  /** Opens the URL and waits until the server has seen a request for
   * host + pathname; returns every such request (after `mark`).
   * @param {string} host @param {string} path */
  async function visit(host, path, settle = 400) {
    const mark = hits.length;
    const pathname = path.split('?')[0];
    const page = await d.open(at(host, path));
    try {
      const mine = () => hits.slice(mark).filter((h) => h.host === host && h.path.split('?')[0] === pathname);
      await poll(async () => mine().length > 0, `a request for ${host}${pathname} at the server`, 8000);
      await sleep(settle); // a second (unrewritten or looping) request would show up here
      return { got: mine(), page };
    } catch (e) {
      await d.close(page);
      throw e;
    }
  }
  /** Checks that every request that reached the server carries `want` (and not `not`).
   * @param {string} host @param {string} path @param {string} param @param {string} value */
  async function expectParam(host, path, param, value) {
    const { got, page } = await visit(host, path);
    await d.close(page);
    const bad = got.filter((h) => new URL(h.path, 'https://x').searchParams.getAll(param).join(',') !== value);
    if (bad.length) throw new Error(`${bad.length}/${got.length} request(s) without ${param}=${value} reached the server: ${bad.map((h) => h.path).join(' ')}`);
    if (got.length > 1) throw new Error(`${got.length} requests (redirect loop?): ${got.map((h) => h.path).join(' ')}`);
    return `server saw ${got[0].path}`;
  }
  /** @param {string} host @param {string} path @param {string} param */
  async function expectUntouched(host, path, param) {
    const { got, page } = await visit(host, path);
    await d.close(page);
    const bad = got.filter((h) => new URL(h.path, 'https://x').searchParams.has(param));
    if (bad.length) throw new Error(`rewritten although it should not be: ${bad.map((h) => h.path).join(' ')}`);
    return `server saw ${got.map((h) => h.path).join(' ')}`;
  }
  /** @param {string} host @param {string} path @param {string | undefined} want */
  async function expectHeader(host, path, want) {
    const { got, page } = await visit(host, path);
    await d.close(page);
    const vals = got.map((h) => h.headers['youtube-restrict']);
    if (vals.some((v) => v !== want)) throw new Error(`YouTube-Restrict ${JSON.stringify(vals)}, expected ${JSON.stringify(want)}`);
    return `YouTube-Restrict: ${want ?? '(none)'} on ${got.length} request(s)`;
  }

  // Chromium: DNR for all (3 redirects + 1 header); Firefox: DNR for the
  // header, blocking webRequest for the parameters (safesearch.js explains why).
  const want = b === 'chromium' ? 4 : 1;
  await report.check(b, `session rules installed at start (${b === 'chromium' ? '3 redirects + 1 header' : '1 header; params by webRequest'})`, async () => {
    const types = await poll(async () => { const t = await d.ext(SESSION_RULES); return t.length === want && t; }, `${want} SafeSearch session rules`);
    return types.join(', ');
  });
  await report.check(b, 'Google www.google.com/search: safe=active added', () => expectParam('www.google.com', '/search?q=cats', 'safe', 'active'));
  await report.check(b, 'Google www.google.com.vn/search: safe=active added', () => expectParam('www.google.com.vn', '/search?q=m%C3%A8o&hl=vi', 'safe', 'active'));
  await report.check(b, 'Google safe=off replaced by safe=active', () => expectParam('www.google.com', '/search?q=dogs&safe=off', 'safe', 'active'));
  await report.check(b, 'Google already safe=active: one request, no loop', () => expectParam('www.google.com', '/search?q=birds&safe=active', 'safe', 'active'));
  await report.check(b, 'Google non-search page (/maps) untouched', () => expectUntouched('www.google.com', '/maps?q=hanoi', 'safe'));
  await report.check(b, 'Bing www.bing.com/search: adlt=strict added', () => expectParam('www.bing.com', '/search?q=cats', 'adlt', 'strict'));
  await report.check(b, 'Bing images: adlt=strict replaces adlt=off', () => expectParam('www.bing.com', '/images/search?q=cats&adlt=off', 'adlt', 'strict'));
  await report.check(b, 'DuckDuckGo duckduckgo.com/?q=: kp=1 added', () => expectParam('duckduckgo.com', '/?q=cats', 'kp', '1'));
  await report.check(b, 'DuckDuckGo html.duckduckgo.com/html/?q=: kp=-2 replaced by kp=1', () => expectParam('html.duckduckgo.com', '/html/?q=cats&kp=-2', 'kp', '1'));
  await report.check(b, 'other site /search?q= untouched', () => expectUntouched('www.example.com', '/search?q=cats', 'safe'));
  await report.check(b, 'YouTube www.youtube.com page: YouTube-Restrict: Strict', () => expectHeader('www.youtube.com', '/watch?v=abc', 'Strict'));
  await report.check(b, 'YouTube m.youtube.com page: YouTube-Restrict: Strict', () => expectHeader('m.youtube.com', '/results?search_query=cats', 'Strict'));
  await report.check(b, 'YouTube www.youtube-nocookie.com embed: YouTube-Restrict: Strict', () => expectHeader('www.youtube-nocookie.com', '/embed/abc', 'Strict'));
  await report.check(b, 'YouTube API youtubei.googleapis.com (fetch from the page): YouTube-Restrict: Strict', async () => {
    const mark = hits.length;
    const { page } = await visit('www.youtube.com', '/');
    try {
      const api = at('youtubei.googleapis.com', '/youtubei/v1/search?prettyPrint=false');
      const api2 = at('youtube.googleapis.com', '/v/abc');
      await page.evaluate((/** @type {string[]} */ urls) => Promise.all(urls.map((u) => fetch(u, { method: 'POST', body: '{}', mode: 'no-cors' }).catch(() => {}))), [api, api2]);
      const got = await poll(async () => {
        const g = hits.slice(mark).filter((h) => ['youtubei.googleapis.com', 'youtube.googleapis.com'].includes(h.host) && h.headers['youtube-restrict']);
        return g.length >= 2 && g;
      }, 'the API requests at the server', 8000);
      const bad = hits.slice(mark).filter((h) => h.host.endsWith('googleapis.com') && h.headers['youtube-restrict'] !== 'Strict');
      if (bad.length) throw new Error(`${bad.length} API request(s) without the header`);
      return `${got.length} API requests (xmlhttprequest) with YouTube-Restrict: Strict`;
    } finally { await d.close(page); }
  });
  await report.check(b, 'no YouTube-Restrict header on other sites', () => expectHeader('www.example.com', '/page', undefined));

  await report.check(b, 'background stopped (worker / event page suspended): SafeSearch and the header still apply', async () => {
    const how = await d.stopWorker();
    const a = await expectParam('www.google.com', '/search?q=after-stop', 'safe', 'active');
    await expectHeader('www.youtube.com', '/watch?v=after-stop', 'Strict');
    return `${how}; ${a}`;
  });

  // Precedence with the parent's lists (dnr.js: allow rule 5000, block rules
  // 6000): an allow-listed engine keeps SafeSearch and the header; a
  // block-listed one is still blocked before the network.
  await report.check(b, 'parent allow-list (google.com, youtube.com) keeps SafeSearch; block-list (bing.com) still blocks', async () => {
    await d.ext(async (/** @type {any} */ p) => {
      const a = /** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome;
      const { settings = {} } = await a.storage.local.get('settings');
      await a.storage.local.set({ settings: { ...settings, parentPolicy: p } });
    }, { allow: ['google.com', 'youtube.com'], block: ['bing.com'] });
    if (b === 'chromium') {
      await poll(async () => (await d.ext(async () => (await chrome.declarativeNetRequest.getDynamicRules()).length)) >= 2, 'the policy DNR rules');
      // safesearch.js leaves the stopped engine domain out of its redirect rules.
      await poll(async () => (await d.ext(async () => (await chrome.declarativeNetRequest.getSessionRules())
        .filter((r) => r.action.type === 'redirect' && r.condition.excludedRequestDomains?.includes('bing.com')).length)) === 3,
      'bing.com in excludedRequestDomains of the 3 redirect rules');
    } else await sleep(1500);
    const g = await expectParam('www.google.com', '/search?q=allowed-list', 'safe', 'active');
    await expectHeader('www.youtube.com', '/watch?v=allowed', 'Strict');
    const mark = hits.length;
    const page = await d.open(at('www.bing.com', '/search?q=blocked-list'));
    await sleep(2000);
    await d.close(page);
    const reached = hits.slice(mark).filter((h) => h.host === 'www.bing.com');
    if (reached.length) throw new Error(`${reached.length} request(s) for the block-listed www.bing.com reached the server: ${reached.map((h) => h.path).join(' ')}`);
    await d.ext(async () => {
      const a = /** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome;
      const { settings = {} } = await a.storage.local.get('settings');
      await a.storage.local.set({ settings: { ...settings, parentPolicy: null } });
    });
    return `${g}; bing.com: 0 requests`;
  });

  // The setting: off removes the rules (nothing rewritten), on puts them back.
  await report.check(b, 'setting safeSearch=false: rules removed, Google and YouTube untouched', async () => {
    await d.ext(SET_SAFESEARCH, false);
    await poll(async () => (await d.ext(SESSION_RULES)).length === 0, 'no SafeSearch session rules');
    const a = await expectUntouched('www.google.com', '/search?q=off-test', 'safe');
    await expectHeader('www.youtube.com', '/watch?v=off', undefined);
    return a;
  });
  await report.check(b, 'setting back to default (unset): on again', async () => {
    await d.ext(SET_SAFESEARCH, null);
    await poll(async () => (await d.ext(SESSION_RULES)).length === want, `${want} SafeSearch session rules`);
    return expectParam('www.google.com', '/search?q=on-again', 'safe', 'active');
  });
}

async function main() {
  const { values } = parseArgs({ options: { browser: { type: 'string', default: 'all' }, rebuild: { type: 'boolean', default: false } } });
  const browsers = values.browser === 'all' ? ['chromium', 'firefox'] : [String(values.browser)];
  for (const x of browsers) if (!['chromium', 'firefox'].includes(x)) throw new Error(`unknown browser ${x}`);
  // The shared e2e build (target/e2e-dist); its freshness check does not look
  // at lists/curated/safesearch.toml, so a newer data file forces a rebuild.
  const manifest = join(ROOT, 'target/e2e-dist/firefox/manifest.json');
  const dataNewer = !existsSync(manifest) || statSync(join(ROOT, 'lists/curated/safesearch.toml')).mtimeMs > statSync(manifest).mtimeMs;
  const built = buildAll(ROOT, { force: values.rebuild || dataNewer });
  const server = await startServer();
  const report = new Report();
  try {
    for (const name of browsers) {
      let d;
      const t0 = performance.now();
      try {
        d = name === 'chromium'
          ? await launchChromium({ extDir: built.chromium, extensionId: built.chromiumId, port: server.port })
          : await launchFirefox({ extDir: built.firefox, geckoId: built.geckoId, port: server.port });
      } catch (e) {
        await report.check(name, 'launch with the extension', async () => { throw e; });
        continue;
      }
      console.log(`${name}: launched in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      try {
        await runChecks(d, report, server);
      } finally {
        await d.shutdown().catch(() => {});
      }
    }
  } finally {
    await server.close();
  }
  const passed = report.results.filter((r) => r.ok).length;
  const failed = report.results.length - passed;
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`safesearch e2e: ${e?.stack ?? e}`);
  process.exit(1);
});
