#!/usr/bin/env node
// The shipped extension (dist/, the real bundle) in the real browsers:
// figures, no assertions.
//
//   node bench/browsers.mjs [--starts 5] [--images 300] [--dist dist]   (--starts 0: no browser starts)
//
// 1. Browser start: a kept profile, an install start, then `--starts`
//    starts whose first tabs (opened the moment DevTools answers in
//    Chromium, on the command line in Firefox) are a listed domain, a
//    URL-prefix rule and a translate.goog form of the domain, all taken from
//    the bundle. Prints, per start, the ms from the process start to the
//    first tab and how many requests reached the local server for each.
// 2. Cost of the sub-resource rules: a page with `--images` distinct
//    pictures from allowed hosts, its load event time with and without the
//    extension (3 runs each; median).
// 3. Cost of Chromium's check page on an allowed wrapper URL: the time to
//    a loaded translate.goog page (through check.html) against the same
//    page on its own host (8 runs each; median).
// Every host name is mapped to one local server. Needs `make extension`
// and `cd tests/e2e && npm ci` (the browser drivers).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromiumStarts, firefoxStarts, rawChromium } from '../tests/e2e/bypass/startup.mjs';
import { launchFirefox } from '../tests/e2e/lib/firefox.mjs';
import { sleep } from '../tests/e2e/lib/checks.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({ options: { starts: { type: 'string', default: '5' }, images: { type: 'string', default: '300' },
  dist: { type: 'string', default: 'dist' } } });
const DIST = resolve(ROOT, String(opt.dist));
if (!existsSync(join(DIST, 'chromium/manifest.json'))) throw new Error(`${DIST}/chromium is missing: run make extension`);
const ids = JSON.parse(readFileSync(join(ROOT, 'extension/ids.json'), 'utf8'));
const puppeteer = createRequire(join(ROOT, 'tests/e2e/package.json'))('puppeteer-core');

// The test URLs, from the bundle itself.
const wasm = await import(pathToFileURL(join(DIST, 'chromium/wasm/lachan.js')).href);
wasm.initSync({ module: readFileSync(join(DIST, 'chromium/wasm/lachan_bg.wasm')) });
const engine = wasm.Engine.open(new Uint8Array(readFileSync(join(DIST, 'lachan.lcb'))));
const info = JSON.parse(engine.info());
/** @type {{rule: string, is_url: boolean, sources: number[]}[]} */
const rules = JSON.parse(engine.exportRules());
const adult = (/** @type {{sources: number[]}} */ r) => r.sources.some((s) => info.sources[s].category === 'adult' && info.sources[s].kind === 'block');
const domain = rules.find((r) => !r.is_url && adult(r) && /^[a-z0-9-]+\.[a-z]+$/.test(r.rule))?.rule ?? '';
const prefix = rules.find((r) => r.is_url && adult(r) && /^[a-z0-9.-]+\/[a-z0-9/_-]+$/.test(r.rule))?.rule ?? '';
const wrapped = `${domain.replace(/-/g, '--').replace(/\./g, '-')}.translate.goog`;
for (const [what, url] of [['domain', `http://${domain}/`], ['prefix', `http://${prefix}`], ['wrapper', `http://${wrapped}/`]]) {
  if ((engine.checkCode(url, 255) & 3) !== 2) throw new Error(`the bundle does not block its own ${what} ${url}`);
}
const hostOf = (/** @type {string} */ u) => new URL(u).hostname;

/** @type {{host: string, path: string}[]} */
const hits = [];
const server = createServer((req, res) => {
  hits.push({ host: String(req.headers.host ?? '').replace(/:\d+$/, ''), path: req.url ?? '/' });
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname.endsWith('.png')) {
    res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' });
    res.end('<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8" fill="#c33"/></svg>');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  if (url.pathname === '/gallery') {
    const n = Number(url.searchParams.get('n') ?? 300);
    const imgs = Array.from({ length: n }, (_, i) => `<img src="http://img${i % 10}.example.org${url.port ? `:${url.port}` : ''}/p${i}.png" width="8" height="8">`);
    res.end(`<!doctype html><title>gallery</title><body>${imgs.join('')}</body>`);
    return;
  }
  res.end('<!doctype html><title>page</title><body>page</body>');
});
await new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(undefined)));
const P = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`real bundle: ${info.keys} keys; test URLs: an adult domain, one of its URL prefixes, its translate.goog form; server on ${P}`);

/** @param {string[]} urls @param {number} mark */
const reached = (urls, mark) => urls.map((u) => hits.slice(mark).filter((h) => h.host === hostOf(u) && (u.includes(prefix) ? h.path.startsWith(`/${prefix.split('/').slice(1).join('/')}`) : true)).length);

// 1. Browser starts.
const starts = Number(opt.starts);
for (const browser of starts > 0 ? ['chromium', 'firefox'] : []) {
  const urls = browser === 'chromium'
    ? [`http://${domain}/s`, `http://${prefix}/s`, `http://${wrapped}/s`]
    : [`http://${domain}:${P}/s`, `http://${prefix.replace('/', `:${P}/`)}/s`, `http://${wrapped}:${P}/s`];
  let mark = hits.length;
  const t0 = performance.now();
  const after = (/** @type {number} */ run, /** @type {string[]} */ tabs, /** @type {number} */ ms) => {
    const [d, p, w] = reached(urls, mark);
    const where = tabs.length ? `; tabs: ${tabs.map((t) => (t.includes('warning.html') ? 'warning' : t.includes('check.html') ? 'check' : t.slice(0, 20))).join(', ')}` : '';
    console.log(`${browser} start ${run}: ${ms ? `first tab ${Math.round(ms)} ms after the process started; ` : ''}requests reached: domain ${d}, prefix ${p}, wrapper ${w}${where}`);
    mark = hits.length;
  };
  const list = Array.from({ length: starts }, () => urls);
  if (browser === 'chromium') await chromiumStarts({ extDir: join(DIST, 'chromium'), port: P, lang: 'vi', urls: list, hosts: ['*'] }, after);
  else await firefoxStarts({ xpi: join(DIST, 'lachan-firefox.zip'), geckoId: ids.gecko, lang: 'vi', urls: list }, after);
  console.log(`${browser}: ${starts} starts + install in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

// 2. The sub-resource rules' cost on a page of pictures.
const n = Number(opt.images);
for (const withExt of [false, true]) {
  const cms = [];
  for (let i = 0; i < 3; i++) {
    const profile = mkdtempSync(join(tmpdir(), 'lachan-bench-'));
    const c = await rawChromium({ extDir: withExt ? join(DIST, 'chromium') : '', port: P, lang: 'vi', profile, hosts: ['*'] });
    try {
      await sleep(1500); // the extension's start
      const page = await c.browser.newPage();
      await page.goto(`http://news.example.org/gallery?n=${n}&r=${i}`, { waitUntil: 'load', timeout: 30_000 });
      cms.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].duration));
    } finally {
      await c.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
  console.log(`chromium, ${n} pictures, ${withExt ? 'with' : 'without'} the extension: load ${median(cms).toFixed(0)} ms (runs ${cms.map((x) => x.toFixed(0)).join(', ')})`);
}
for (const withExt of [false, true]) {
  const fms = [];
  for (let i = 0; i < 3; i++) {
    const d = withExt ? await launchFirefox({ extDir: join(DIST, 'firefox'), geckoId: ids.gecko, port: P, lang: 'vi' }) : null;
    const b = d ? null : await puppeteer.launch({
      browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, extraPrefsFirefox: { 'network.dns.forceResolve': '127.0.0.1' } });
    try {
      const page = d ? await d.newPage() : await /** @type {any} */ (b).newPage();
      await page.goto(`http://news.example.org:${P}/gallery?n=${n}&r=${i}`, { waitUntil: 'load', timeout: 30_000 });
      fms.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0].duration));
    } finally {
      if (d) await d.shutdown();
      else await /** @type {any} */ (b).close();
    }
  }
  console.log(`firefox, ${n} pictures, ${withExt ? 'with' : 'without'} the extension: load ${median(fms).toFixed(0)} ms (runs ${fms.map((x) => x.toFixed(0)).join(', ')})`);
}
// 3. The check page's cost (Chromium).
{
  const profile = mkdtempSync(join(tmpdir(), 'lachan-bench-'));
  const c = await rawChromium({ extDir: join(DIST, 'chromium'), port: P, lang: 'vi', profile, hosts: ['*'] });
  try {
    await sleep(1500);
    /** @type {Record<string, number[]>} */
    const t = { direct: [], hop: [] };
    for (let i = 0; i < 8; i++) {
      for (const [k, url] of [['direct', `http://news.example.org/d${i}`], ['hop', `http://news-example-org.translate.goog/h${i}`]]) {
        const page = await c.browser.newPage();
        const t0 = performance.now();
        await page.goto(url, { waitUntil: 'load', timeout: 15_000 }).catch(() => {});
        // The hop replaces check.html with the page: poll the final document.
        const end = Date.now() + 15_000;
        while (!(await page.evaluate(() => document.readyState === 'complete' && document.body?.innerText === 'page').catch(() => false))) {
          if (Date.now() > end) throw new Error(`${url} did not load (at ${await page.evaluate(() => `${location.href} ${document.body?.innerText.slice(0, 80)}`).catch((e) => e.message)})`);
          await sleep(10);
        }
        t[k].push(performance.now() - t0);
        await page.close();
      }
    }
    console.log(`chromium, an allowed page: ${median(t.direct).toFixed(0)} ms on its own host, ${median(t.hop).toFixed(0)} ms as a translate.goog URL `
      + `through the check page (runs ${t.direct.map((x) => x.toFixed(0)).join(', ')} / ${t.hop.map((x) => x.toFixed(0)).join(', ')})`);
  } finally {
    await c.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
server.close();
