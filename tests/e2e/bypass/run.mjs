#!/usr/bin/env node
// Lá Chắn browser e2e: the tricks a page or a browser start can play on the
// filter, each counted at the local test server (requests per Host header;
// for URL prefixes, per path) and checked for paint:
//
//   node tests/e2e/bypass/run.mjs [--browser chromium|firefox|all] [--lang vi|en] [--skip-wasm-build]
//
// Builds the e2e fixture bundle and the extension into target/e2e-bypass/,
// then in headless Chromium (ports mapped, so URLs carry none, as on the
// web) and Firefox ESR runs one check per finding, named after it:
//   fetched_html_from_blocked_host_is_not_shown     fetch/XHR/websocket/beacon from a benign page
//   hotlinked_image_from_adult_host_is_not_shown    <img>, srcset, <video>, CSS, <script> from an adult host
//   object_embed_blocked_host_gets_warning          <object>/<embed> of a blocked host
//   pushstate_to_blocked_prefix_is_checked          history.pushState/replaceState onto a URL-prefix rule
//   private_window_notice_is_shown                  options and self-check pages
//   wrapped_url_zero_requests_in_chromium           translate.goog, AMP viewer and cache, Wayback, archive.today
//   url_prefix_rule_zero_requests_in_chromium       urlFilter rules and the odd-spelling hop
//   warn_switched_category_zero_requests            a parent switches categories to warn
//   cold_worker_zero_requests                       worker stopped, then a wrapper / prefix / domain
//   prerendered_page_zero_requests                  speculation rules prerender/prefetch, <link rel=prefetch>
//   first_tab_at_start_zero_requests                the browser started with a blocked page
// A request that reaches the server for a blocked host, or a paint, fails
// the check, except where a line says the browser cannot be asked for it
// (then the count is reported, with the reason). Prints one line per check,
// the table of requests that reached the server, then `N passed, M failed`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../lib/chromium.mjs';
import { launchFirefox } from '../lib/firefox.mjs';
import { Report } from '../lib/report.mjs';
import { MARKER, PAINTED_PATH, startServer } from '../lib/server.mjs';
import { poll, READ_WARNING, sleep } from '../lib/checks.mjs';
import { buildInto, openExtensionPage, runnerOptions } from '../lib/pages.mjs';
import { routes } from './pages.mjs';
import { chromiumStarts, firefoxStarts, rawChromium } from './startup.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const OUT = join(ROOT, 'target/e2e-bypass');
const ARTIFACTS = join(HERE, '../artifacts');
const { want, lang, skipWasm } = runnerOptions('tests/e2e/bypass/run.mjs');
const ids = JSON.parse(readFileSync(join(ROOT, 'extension/ids.json'), 'utf8'));
const messages = JSON.parse(readFileSync(join(ROOT, `extension/_locales/${lang}/messages.json`), 'utf8'));
/** Wrapper hosts the Chromium runs map to the server (Firefox resolves every name to it). */
const WRAPPER_HOSTS = ['*.cdn.ampproject.org', 'www.google.com.vn', 'web.archive.org', 'archive.ph'];
const START_RUNS = 3;

/** @typedef {import('../lib/checks.mjs').Driver} Driver */

const report = new Report();
try {
  buildInto(ROOT, OUT, { skipWasm });
} catch (e) {
  console.error(`build failed: ${/** @type {any} */ (e).stderr ?? /** @type {Error} */ (e).message}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
mkdirSync(ARTIFACTS, { recursive: true });
const server = await startServer({ routes });
const P = server.port;
console.log(`test server on port ${P}`);

/** The body's visible text and dataset, read in the page. */
const READ_PAGE = () => ({ text: document.body?.innerText ?? '', done: document.body?.dataset.done === '1', href: location.href });

/** A test URL as this browser reaches the server (Firefox: with the port;
 * Chromium maps it). @param {Driver} d */
const urlsFor = (d) => (/** @type {string} */ host, /** @type {string} */ path) =>
  (d.name === 'chromium' ? `http://${host}${path}` : `http://${host}:${P}${path}`);

/** Opens `url` in a fresh page and waits for the rendered warning page
 * (its state, plus the host it shows). @param {Driver} d @param {string} url */
async function warningFor(d, url) {
  const page = await d.newPage();
  await d.navigate(page, url);
  const state = await poll(async () => {
    if (!(await d.href(page)).startsWith(`${d.extBase}warning.html`)) return null;
    const s = await d.evaluate(page, READ_WARNING);
    return s.ready ? { ...s, host: await d.evaluate(page, () => document.getElementById('host')?.textContent ?? '') } : null;
  }, `the warning page for ${url}`);
  return { page, state };
}

/**
 * The checks for one browser session.
 * @param {Driver} d
 */
async function checks(d) {
  const B = d.name;
  const W = `${d.extBase}warning.html`;
  const at = urlsFor(d);
  const check = (/** @type {string} */ name, /** @type {() => Promise<string | void>} */ fn) => report.check(B, name, fn);
  const painted = (/** @type {number} */ mark, /** @type {string} */ host) => server.hits.slice(mark).some((h) => h.host === host && h.path === PAINTED_PATH);

  /** A navigation the filter must stop: the warning page with `category`
   * and `action`, 0 requests for `host` (under `prefix`), nothing painted.
   * `leak` names why a request may reach the server here (then it is
   * reported, not failed).
   * @param {string} finding @param {string} label @param {string} url @param {string} host @param {string} category
   * @param {{action?: string, prefix?: string, leak?: string, showsHost?: string, shownBefore?: boolean}} [o]
   *   `shownBefore`: the URL's host showed an allowed page first (pushState), so only the prefix counts */
  async function stopped(finding, label, url, host, category, o = {}) {
    await check(`${finding}: ${label}`, async () => {
      const mark = server.hits.length;
      const { page, state } = await warningFor(d, url);
      await sleep(300); // late requests or paint reports
      const requests = server.count(host, mark, o.prefix ?? '');
      report.reached(B, `${finding}: ${label}`, `${host}${o.prefix ?? ''}`, requests);
      await d.close(page);
      if (state.categoryKey !== category) throw new Error(`data-category-key="${state.categoryKey}", expected ${category}`);
      if (state.paramA !== (o.action ?? 'block')) throw new Error(`a=${state.paramA}, expected ${o.action ?? 'block'}`);
      if (state.marker || (!o.shownBefore && painted(mark, host))) throw new Error(`the page of ${host} was shown or painted`);
      if (o.showsHost && state.host !== o.showsHost) throw new Error(`the warning page shows "${state.host}", expected ${o.showsHost}`);
      if (requests && !o.leak) throw new Error(`${requests} request(s) reached the server for ${host}${o.prefix ?? ''}`);
      return `${requests} request(s)${requests ? ` (${o.leak})` : ''}; not painted; warning page shows "${state.host}"`;
    });
  }

  /** A page that must load (a control): its marker, and the requests. @param {string} url @param {string} host */
  async function loads(url, host) {
    const mark = server.hits.length;
    const page = await d.newPage();
    await d.navigate(page, url);
    await poll(async () => (await d.evaluate(page, READ_PAGE)).text.includes(`${MARKER} `) && (await d.href(page)).includes(host), `${url} to load`);
    // Its own paint report, so that it is not counted against the next check of the same host.
    await poll(async () => painted(mark, host), `${url} to report its paint`, 3000).catch(() => {});
    await d.close(page);
  }

  /** Opens a trick page and waits for body[data-done]. @param {string} url */
  async function trick(url) {
    const page = await d.newPage();
    await d.navigate(page, url);
    await poll(async () => (await d.evaluate(page, READ_PAGE)).done, `body[data-done] on ${url}`, 15_000);
    return page;
  }

  // --- sub-resources --------------------------------------------------------
  await check('fetched_html_from_blocked_host_is_not_shown (fetch, XHR, websocket, beacon from news.test)', async () => {
    const mark = server.hits.length;
    const page = await trick(at('news.test', '/fetch-inject'));
    await sleep(300);
    const got = await d.evaluate(page, () => [...document.querySelectorAll('#out > div')].map((e) => `${/** @type {HTMLElement} */ (e).dataset.what}:${e.textContent}`));
    await d.close(page);
    const casino = server.count('casino.test', mark);
    const adult = server.count('adult-site.test', mark);
    report.reached(B, 'fetched_html_from_blocked_host_is_not_shown', 'casino.test', casino);
    report.reached(B, 'fetched_html_from_blocked_host_is_not_shown', 'adult-site.test', adult);
    if (!got.some((g) => g === 'control:LACHAN-FRAGMENT allowed.test')) throw new Error(`the control fetch from allowed.test did not work: ${JSON.stringify(got)}`);
    const shown = got.filter((g) => !g.startsWith('control:'));
    if (shown.length) throw new Error(`shown from a blocked host: ${JSON.stringify(shown)}`);
    if (casino || adult) throw new Error(`${casino} request(s) reached casino.test, ${adult} adult-site.test`);
    return 'control fragment injected; nothing from casino.test (fetch, websocket, beacon) or adult-site.test (XHR); 0 requests';
  });

  await check('hotlinked_image_from_adult_host_is_not_shown (<img>, srcset, <video>, CSS background, stylesheet, script)', async () => {
    const mark = server.hits.length;
    const page = await trick(at('news.test', '/hotlink'));
    const r = await d.evaluate(page, () => {
      const img = (/** @type {string} */ id) => /** @type {HTMLImageElement} */ (document.getElementById(id)).naturalWidth;
      return { good: img('good'), bad: img('bad'), srcset: img('bad-srcset'), script: /** @type {any} */ (window).lachanScript ?? null,
        outline: getComputedStyle(/** @type {HTMLElement} */ (document.getElementById('styled'))).outlineStyle };
    });
    await d.close(page);
    await sleep(300);
    const adult = server.count('adult-site.test', mark);
    report.reached(B, 'hotlinked_image_from_adult_host_is_not_shown', 'adult-site.test', adult);
    if (r.good !== 16) throw new Error(`the control picture from allowed.test did not load (naturalWidth ${r.good})`);
    if (r.bad || r.srcset) throw new Error(`the adult host's picture was shown (naturalWidth ${r.bad}, srcset ${r.srcset})`);
    if (r.script) throw new Error(`the adult host's script ran (${r.script})`);
    if (r.outline === 'solid') throw new Error('the adult host\'s stylesheet applied');
    if (adult) throw new Error(`${adult} request(s) reached adult-site.test`);
    return `control 16 px wide; adult picture, srcset, video, background, stylesheet, script: nothing; 0 requests`;
  });

  await check('object_embed_blocked_host_gets_warning (<object data>, <embed src> of casino.test)', async () => {
    const mark = server.hits.length;
    // Chromium: the warning page reports itself from inside each box
    // (stats.warningFrames). Firefox's note is a data: document nobody can
    // read, and its event page idles out after 2 s here (counters reset), so
    // there the boxes must hold two documents (a refused load holds none).
    const notes = async () => ((await d.stats()).warningFrames ?? 0);
    const before = B === 'chromium' ? await notes() : 0;
    const page = await trick(at('news.test', '/object'));
    const shown = B === 'chromium'
      ? await poll(async () => { const n = (await notes()) - before; return n >= 2 ? n : 0; }, 'the warning in the <object> and the <embed>', 8000).catch(() => 0)
      : null;
    const boxes = await d.evaluate(page, () => ({ windows: window.length,
      widths: ['o', 'e'].map((id) => Math.round(/** @type {HTMLElement} */ (document.getElementById(id)).getBoundingClientRect().width)) }));
    const frames = await d.frames(page);
    await d.screenshot(page, join(ARTIFACTS, `bypass-${B}-object.png`)).catch(() => {});
    await sleep(300);
    await d.close(page);
    const casino = server.count('casino.test', mark);
    report.reached(B, 'object_embed_blocked_host_gets_warning', 'casino.test', casino);
    if (frames.some((f) => f.text.includes(`${MARKER} casino.test`)) || painted(mark, 'casino.test')) throw new Error('the casino page was shown or painted');
    if (casino) throw new Error(`${casino} request(s) reached casino.test`);
    if (shown !== null && shown < 2) throw new Error(`the warning page showed in ${shown} of the 2 boxes`);
    if (boxes.windows < 2 || boxes.widths.some((w) => w < 100)) throw new Error(`the boxes hold nothing to see: ${JSON.stringify(boxes)}`);
    const listed = frames.filter((f) => f.url.startsWith(W)).map((f) => new URL(f.url).searchParams.get('c'));
    return `${B === 'firefox' ? 'the static note' : 'the warning page'} in both boxes (${boxes.widths.join(' and ')} px wide${listed.length ? `; ${listed.join(', ')}` : ''}); `
      + `0 requests; not painted; bypass-${B}-object.png`;
  });

  // --- same-document navigations --------------------------------------------
  for (const [label, path, expectHost] of [
    ['pushState', '/spa?go=push', 'allowed.test'],
    ['replaceState', '/spa?go=replace', 'allowed.test'],
  ]) {
    await stopped('pushstate_to_blocked_prefix_is_checked', `${label} onto allowed.test/shop/pills (the route's fetch too)`,
      at('allowed.test', path), 'allowed.test', 'drugs', { prefix: '/shop/pills', showsHost: expectHost, shownBefore: true });
  }
  await check('pushstate_to_blocked_prefix_is_checked: pushState inside a frame (news.test frames allowed.test/spa)', async () => {
    const mark = server.hits.length;
    const page = await d.newPage();
    await d.navigate(page, at('news.test', '/spa-frame'));
    const frames = await poll(async () => {
      const f = await d.frames(page);
      return f.some((x) => x.url.startsWith(W)) ? f : null;
    }, 'the frame on the warning page', 10_000);
    await d.close(page);
    const requests = server.count('allowed.test', mark, '/shop/pills');
    report.reached(B, 'pushstate_to_blocked_prefix_is_checked: in a frame', 'allowed.test/shop/pills', requests);
    if (requests) throw new Error(`${requests} request(s) under allowed.test/shop/pills`);
    return `frame → ${frames.find((x) => x.url.startsWith(W))?.url.slice(W.length, W.length + 40)}…; 0 requests under the prefix`;
  });
  await check('pushstate_to_blocked_prefix_is_checked: control (pushState to an allowed route keeps the page)', async () => {
    const page = await trick(at('allowed.test', '/spa?go=push&to=/fine/route'));
    await sleep(800);
    const r = await d.evaluate(page, READ_PAGE);
    await d.close(page);
    if (!r.href.includes('/fine/route') || !r.text.includes('LACHAN-FRAGMENT allowed.test')) throw new Error(`${r.href}: ${r.text.slice(0, 120)}`);
    return 'route content shown';
  });

  // --- private windows --------------------------------------------------------
  for (const path of ['options.html', 'selfcheck.html']) {
    await check(`private_window_notice_is_shown (${path})`, async () => {
      const page = await d.newPage();
      await openExtensionPage(d, page, path, P);
      const n = await poll(() => d.evaluate(page, () => {
        const box = /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="private-notice"]'));
        const q = (/** @type {string} */ s) => box?.querySelector(s)?.textContent?.trim() ?? '';
        return box && !box.hidden && box.dataset.allowed
          ? { allowed: box.dataset.allowed, title: q('[data-testid="private-title"]'), body: q('[data-testid="private-body"]'),
            parent: q('[data-testid="private-fix-parent"]'), school: q('[data-testid="private-fix-school"]'),
            visible: box.getBoundingClientRect().height > 0 }
          : null;
      }), 'the private-window notice');
      await d.close(page);
      if (n.allowed !== 'false') throw new Error(`data-allowed=${n.allowed}; a fresh test install is not allowed in private windows`);
      if (n.title !== messages.privateOffTitle.message) throw new Error(`title "${n.title}"`);
      if (!n.visible) throw new Error('the notice takes no space');
      const how = B === 'firefox' ? 'about:addons' : 'chrome://extensions';
      if (!n.parent.includes(how)) throw new Error(`the parent's fix does not say ${how}: "${n.parent}"`);
      if (!n.school) throw new Error('no school fix');
      return `"${n.title}"; ${n.parent.slice(0, 60)}…; ${n.school.slice(0, 40)}…`;
    });
  }

  // --- wrappers -----------------------------------------------------------------
  if (d.inBackground) {
    await check('wrapped_url_zero_requests_in_chromium: every static regexFilter compiles in Chromium (isRegexSupported), the rulesets match the policy', async () => {
      const r = await /** @type {any} */ (d).inBackground(async () => {
        const meta = await (await fetch(chrome.runtime.getURL('data/dnr.json'))).json();
        const regexes = new Set();
        for (const rs of meta.rulesets) {
          for (const rule of await (await fetch(chrome.runtime.getURL(`rules/${rs.id}.json`))).json()) {
            if (rule.condition.regexFilter) regexes.add(rule.condition.regexFilter);
          }
        }
        const bad = [];
        for (const regex of regexes) {
          const v = await chrome.declarativeNetRequest.isRegexSupported({ regex, requireCapturing: false });
          if (!v.isSupported) bad.push(`${regex}: ${v.reason}`);
        }
        const enabled = (await chrome.declarativeNetRequest.getEnabledRulesets()).sort();
        return { regexes: regexes.size, bad, enabled, available: await chrome.declarativeNetRequest.getAvailableStaticRuleCount() };
      });
      if (r.bad.length) throw new Error(`unsupported: ${r.bad.join('; ')}`);
      for (const id of ['hop', 'allow', 'block_gambling', 'sub_gambling', 'block_drugs', 'sub_drugs', 'block_shortener_warn']) {
        if (!r.enabled.includes(id)) throw new Error(`${id} is off (on: ${r.enabled.join(', ')})`);
      }
      if (r.enabled.includes('block_gambling_warn') || r.enabled.includes('block_shortener')) throw new Error(`both twins on: ${r.enabled.join(', ')}`);
      return `${r.regexes} distinct regexFilters, all supported; ${r.enabled.length} rulesets on; ${r.available} static rules still available`;
    });
  }
  const wrapped = /** @type {const} */ ([
    ['translate.goog', at('casino-test.translate.goog', '/x?_x_tr_sl=auto&_x_tr_tl=vi'), 'casino-test.translate.goog'],
    ['translate.goog, a subdomain of the listed host', at('www-casino-test.translate.goog', '/x'), 'www-casino-test.translate.goog'],
    ['Google AMP viewer', at('www.google.com.vn', '/amp/s/casino.test/x'), 'www.google.com.vn'],
    ['AMP cache', at('casino-test.cdn.ampproject.org', '/c/s/casino.test/x'), 'casino-test.cdn.ampproject.org'],
    ['Wayback Machine', at('web.archive.org', '/web/2020/http://casino.test/'), 'web.archive.org'],
    ['archive.today /newest/', at('archive.ph', '/newest/http://casino.test/'), 'archive.ph'],
  ]);
  for (const [label, url, host] of wrapped) {
    await stopped('wrapped_url_zero_requests_in_chromium', label, url, host, 'gambling', { showsHost: host });
  }
  if (B === 'chromium') {
    await stopped('wrapped_url_zero_requests_in_chromium', 'translate.goog with an explicit port', `http://casino-test.translate.goog:${P}/p`,
      'casino-test.translate.goog', 'gambling');
  }
  // A POST is not hopped (it would become a GET): Chromium's guard stops the page after the request.
  await stopped('wrapped_url_zero_requests_in_chromium', 'a form POST to translate.goog', at('news.test', '/post-form'),
    'casino-test.translate.goog', 'gambling', { leak: B === 'chromium' ? 'a POST is not sent to the check page; the guard stops it before paint' : '' });
  await check('wrapped_url_zero_requests_in_chromium: control (an allowed translate.goog page opens, through the check page)', async () => {
    const mark = server.hits.length;
    const before = await d.stats().catch(() => ({}));
    await loads(at('news-test.translate.goog', '/ok'), 'news-test.translate.goog');
    const after = await d.stats().catch(() => ({}));
    const n = server.count('news-test.translate.goog', mark);
    if (n < 1) throw new Error('no request reached the server');
    const hops = (after.hopChecks ?? 0) - (before.hopChecks ?? 0);
    if (B === 'chromium' && hops < 1) throw new Error(`the check page was not used (hopChecks +${hops})`);
    return `${n} request(s)${B === 'chromium' ? `; check page verdicts +${hops}` : ''}`;
  });

  // --- URL-prefix rules -----------------------------------------------------------
  const prefix = /** @type {const} */ ([
    ['under the prefix', at('allowed.test', '/shop/pills/1?x=2')],
    ['the prefix itself', at('allowed.test', '/shop/pills')],
    ['prefix + ".html"', at('allowed.test', '/shop/pills.html')],
    ['a subdomain', at('www.allowed.test', '/shop/pills/2')],
    ['upper case', at('ALLOWED.TEST', '/Shop/Pills/3')],
    ['userinfo', at('kid@allowed.test', '/shop/pills/4')],
    ...(B === 'chromium' ? /** @type {const} */ ([['an explicit port', `http://allowed.test:${P}/shop/pills/5`], ['a trailing-dot host', 'http://allowed.test./shop/pills/6']]) : []),
  ]);
  for (const [label, url] of prefix) {
    const host = new URL(url).hostname.replace(/\.$/, '');
    await stopped('url_prefix_rule_zero_requests_in_chromium', label, url, host, 'drugs', { prefix: '/', showsHost: host });
  }
  await check('url_prefix_rule_zero_requests_in_chromium: control (allowed.test/shop/pillsbury is not under the prefix)', async () => {
    const mark = server.hits.length;
    await loads(at('allowed.test', '/shop/pillsbury'), 'allowed.test');
    return `${server.count('allowed.test', mark)} request(s)`;
  });
  // Spellings servers resolve to the prefix: the core compares paths in that
  // form, and Chromium's odd-spelling hop sends them to the check page first.
  for (const [label, path] of [['a percent-escaped letter', '/%73hop/pills/7'], ['a doubled slash', '//shop/pills/8']]) {
    await stopped('url_prefix_rule_zero_requests_in_chromium', label, at('allowed.test', path), 'allowed.test', 'drugs', { prefix: '/', showsHost: 'allowed.test' });
  }

  // --- speculative loads -------------------------------------------------------------
  await check('prerendered_page_zero_requests (speculation rules prerender/prefetch, <link rel=prefetch>, then the link)', async () => {
    const mark = server.hits.length;
    /** @type {string} */
    let landed;
    if (B === 'chromium') {
      // Playwright's page instrumentation turns prerendering off: a process
      // of our own, nothing attached to the page.
      const profile = mkdtempSync(join(tmpdir(), 'lachan-prerender-'));
      const c = await rawChromium({ extDir: join(OUT, 'chromium'), port: P, lang, profile });
      try {
        await c.open(at('allowed.test', '/speculate'));
        landed = await poll(async () => (await c.tabs()).find((t) => t.startsWith(W)) ?? '', 'the warning page after the link', 12_000);
      } finally {
        await c.close();
        rmSync(profile, { recursive: true, force: true });
      }
    } else {
      const page = await d.newPage();
      await d.navigate(page, at('allowed.test', '/speculate'));
      landed = await poll(async () => {
        const h = await d.href(page);
        return h.startsWith(W) && (await d.evaluate(page, READ_WARNING)).ready ? h : '';
      }, 'the warning page after the link', 12_000);
      await d.close(page);
    }
    await sleep(300);
    const control = server.hits.slice(mark).filter((h) => h.path === '/fine-pre');
    const prefixN = server.count('allowed.test', mark, '/shop/pills');
    const casino = server.count('casino.test', mark);
    const wrapper = server.count('casino-test.translate.goog', mark);
    report.reached(B, 'prerendered_page_zero_requests', 'allowed.test/shop/pills', prefixN);
    report.reached(B, 'prerendered_page_zero_requests', 'casino.test', casino);
    report.reached(B, 'prerendered_page_zero_requests', 'casino-test.translate.goog', wrapper);
    if (new URL(landed).searchParams.get('c') !== 'drugs') throw new Error(`the link landed on ${landed}`);
    if (prefixN || casino || wrapper) throw new Error(`requests: prefix ${prefixN}, casino.test ${casino}, wrapper ${wrapper}`);
    const prerendered = control.some((h) => h.purpose.includes('prerender'));
    if (B === 'chromium' && !prerendered) throw new Error(`the control /fine-pre was not prerendered (${JSON.stringify(control)}), so the test proves nothing`);
    return `control ${prerendered ? 'prerendered' : `${control.length} request(s) (Firefox does not prerender)`}; 0 requests for the blocked ones; the link → warning page (drugs)`;
  });
}

/** Stops the worker (Chromium) or waits for the event page to suspend
 * (Firefox), then runs the cold-start checks.
 * @param {Driver} d */
async function coldChecks(d) {
  const B = d.name;
  const at = urlsFor(d);
  for (const [label, url, host, category, prefix] of /** @type {const} */ ([
    ['a wrapper (translate.goog)', at('casino-test.translate.goog', '/cold'), 'casino-test.translate.goog', 'gambling', ''],
    ['a URL prefix', at('allowed.test', '/shop/pills/cold'), 'allowed.test', 'drugs', '/shop/pills'],
    ['a wrapper (AMP viewer)', at('www.google.com.vn', '/amp/s/casino.test/cold'), 'www.google.com.vn', 'gambling', ''],
    ['a listed domain', at('casino.test', '/cold'), 'casino.test', 'gambling', ''],
  ])) {
    await report.check(B, `cold_worker_zero_requests: ${label}`, async () => {
      const before = await d.stats();
      const how = await d.stopWorker();
      const mark = server.hits.length;
      const { page, state } = await warningFor(d, url);
      await sleep(300);
      await d.close(page);
      const requests = server.count(host, mark, prefix);
      report.reached(B, `cold_worker_zero_requests: ${label}`, `${host}${prefix}`, requests);
      const s = await d.stats();
      const fresh = s.timeOrigin != null ? s.timeOrigin !== before.timeOrigin : s.verdicts < before.verdicts;
      if (state.categoryKey !== category) throw new Error(`category ${state.categoryKey}, expected ${category}`);
      if (!fresh) throw new Error('the worker was not restarted');
      if (requests) throw new Error(`${requests} request(s) reached the server`);
      return `${how}; new instance; 0 requests`;
    });
  }
}

/** A parent switches gambling and drugs to warn: the warn twins answer
 * before the network; the sub-resource rules follow the policy.
 * @param {Driver} d */
async function warnChecks(d) {
  const B = d.name;
  const at = urlsFor(d);
  /** @param {string} url */
  const actionOf = async (url) => {
    const { page, state } = await warningFor(d, url);
    await d.close(page);
    return state;
  };
  await d.storage('set', { settings: { parentPolicy: { categories: { gambling: 'warn', drugs: 'warn' } } } });
  try {
    await poll(async () => (await actionOf(at('casino.test', `/switch${Date.now()}`))).paramA === 'warn', 'gambling to warn', 20_000);
    for (const [label, url, host, category, prefix] of /** @type {const} */ ([
      ['listed domain (gambling → warn)', at('casino.test', '/w'), 'casino.test', 'gambling', ''],
      ['listed subdomain', at('www.casino.test', '/w'), 'www.casino.test', 'gambling', ''],
      ['URL prefix (drugs → warn)', at('allowed.test', '/shop/pills/w'), 'allowed.test', 'drugs', '/shop/pills'],
      ['wrapper (translate.goog)', at('casino-test.translate.goog', '/w'), 'casino-test.translate.goog', 'gambling', ''],
    ])) {
      await report.check(B, `warn_switched_category_zero_requests: ${label}`, async () => {
        const mark = server.hits.length;
        const s = await actionOf(url);
        await sleep(300);
        const requests = server.count(host, mark, prefix);
        report.reached(B, `warn_switched_category_zero_requests: ${label}`, `${host}${prefix}`, requests);
        if (s.paramA !== 'warn' || s.categoryKey !== category) throw new Error(`a=${s.paramA}, c=${s.categoryKey}`);
        if (!s.hasContinue) throw new Error('no #continue on a warn page');
        if (requests) throw new Error(`${requests} request(s) reached the server`);
        return '0 requests; a=warn with #continue';
      });
    }
    await report.check(B, 'warn_switched_category_zero_requests: sub-resources follow the policy (gambling is no longer blocked at every age)', async () => {
      const page = await d.newPage();
      await d.navigate(page, at('news.test', '/fetch-inject'));
      await poll(async () => (await d.evaluate(page, READ_PAGE)).done, 'body[data-done]', 15_000);
      const got = await d.evaluate(page, () => [...document.querySelectorAll('#out > div')].map((e) => /** @type {HTMLElement} */ (e).dataset.what));
      await d.close(page);
      if (!got.includes('fetch')) throw new Error(`the fetch from casino.test was still stopped (${got.join(', ')})`);
      if (got.includes('xhr')) throw new Error('the XHR to adult-site.test (still blocked at every age) went through');
      return `got ${got.join(', ')}`;
    });
  } finally {
    await d.storage('remove', 'settings');
  }
  await report.check(B, 'warn_switched_category_zero_requests: back to block once the parent removes it', async () => {
    await poll(async () => (await actionOf(at('casino.test', `/back${Date.now()}`))).paramA === 'block', 'gambling back to block', 20_000);
    const page = await d.newPage();
    await d.navigate(page, at('news.test', '/fetch-inject'));
    await poll(async () => (await d.evaluate(page, READ_PAGE)).done, 'body[data-done]', 15_000);
    const got = await d.evaluate(page, () => [...document.querySelectorAll('#out > div')].map((e) => /** @type {HTMLElement} */ (e).dataset.what));
    await d.close(page);
    if (got.includes('fetch')) throw new Error('the fetch from casino.test went through again');
    return 'a=block; casino.test fetch stopped again';
  });
}

/** The browser started with a blocked page as its first tab (its own
 * starts of a kept profile, after the session's checks). @param {'chromium' | 'firefox'} B */
async function startChecks(B) {
  const blocked = (/** @type {number} */ run) => (B === 'chromium' ? `http://casino.test/start${run}` : `http://casino.test:${P}/start${run}`);
  const control = (/** @type {number} */ run) => (B === 'chromium' ? `http://news.test/start${run}` : `http://news.test:${P}/start${run}`);
  /** @type {{run: number, requests: number, painted: boolean, control: number, tabs: string[], firstTabMs: number}[]} */
  const runs = [];
  let mark = server.hits.length;
  const after = (/** @type {number} */ run, /** @type {string[]} */ tabs, /** @type {number} */ firstTabMs) => {
    const hits = server.hits.slice(mark);
    runs.push({ run, tabs, firstTabMs, requests: hits.filter((h) => h.host === 'casino.test' && h.path.startsWith('/start')).length,
      painted: hits.some((h) => h.host === 'casino.test' && h.path === PAINTED_PATH),
      control: hits.filter((h) => h.host === 'news.test' && h.path.startsWith('/start')).length });
    mark = server.hits.length;
  };
  // Settled once the control page has arrived (a loaded machine starts slowly).
  const ready = () => server.hits.slice(mark).some((h) => h.host === 'news.test' && h.path.startsWith('/start'));
  const starts = B === 'chromium'
    ? (/** @type {number} */ n) => chromiumStarts({ extDir: join(OUT, 'chromium'), port: P, lang, urls: [[blocked(n), control(n)]], ready },
      (_, tabs, ms) => after(n, tabs, ms))
    : (/** @type {number} */ n) => firefoxStarts({ xpi: join(OUT, 'lachan-firefox.zip'), geckoId: ids.gecko, lang, urls: [[blocked(n), control(n)]], ready },
      (_, tabs, ms) => after(n, tabs, ms));
  for (let n = 1; n <= START_RUNS; n++) {
    await report.check(B, `first_tab_at_start_zero_requests: start ${n} of ${START_RUNS} (casino.test as the first tab)`, async () => {
      mark = server.hits.length;
      await starts(n);
      const r = runs[runs.length - 1];
      report.reached(B, 'first_tab_at_start_zero_requests', 'casino.test', r.requests);
      const where = `${r.firstTabMs ? `; first tab ${Math.round(r.firstTabMs)} ms after the process started` : ''}`
        + `${r.tabs.length ? `; tabs ${r.tabs.map((t) => t.replace(`chrome-extension://${ids.chromium}/`, 'ext:').slice(0, 50)).join(', ')}` : ''}`;
      if (!r.control) throw new Error(`the control tab never loaded: the start proves nothing${where}`);
      if (r.painted) throw new Error(`the casino page was painted${where}`);
      if (r.requests) throw new Error(`${r.requests} request(s) reached casino.test${where}`);
      return `0 requests; not painted; control loaded${where}`;
    }, 60_000);
  }
}

for (const name of /** @type {const} */ (['chromium', 'firefox'])) {
  if (!want(name)) continue;
  /** @type {Driver | null} */
  let d = null;
  await report.check(name, `launch with the extension (${lang})`, async () => {
    d = name === 'chromium'
      ? await launchChromium({ extDir: join(OUT, 'chromium'), extensionId: ids.chromium, lang, port: P, hosts: WRAPPER_HOSTS })
      : await launchFirefox({ extDir: join(OUT, 'firefox'), geckoId: ids.gecko, port: P, lang });
    return `${Math.round(/** @type {any} */ (d).launchMs)} ms`;
  });
  if (!d) continue;
  try {
    await checks(d);
    await warnChecks(d);
    await coldChecks(d);
  } finally {
    await /** @type {Driver} */ (d).shutdown().catch(() => {});
  }
  await startChecks(name);
}

await server.close();
report.printTables();
process.exit(report.summary() ? 1 : 0);
