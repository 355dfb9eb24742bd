// The checks, written once against a small driver interface and run in
// both browsers (lib/chromium.mjs: playwright-core; lib/firefox.mjs:
// puppeteer-core over WebDriver BiDi).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MARKER, PAINTED_PATH } from './server.mjs';

/**
 * @typedef {object} Driver
 * @property {'chromium' | 'firefox'} name
 * @property {string} extBase         extension origin + '/'
 * @property {number} launchMs
 * @property {() => Promise<any>} newPage
 * @property {() => Promise<any[]>} pages                             every open tab (also those the extension opened)
 * @property {(page: any, url: string) => Promise<void>} navigate   starts a navigation; never throws
 * @property {(page: any) => Promise<string>} href                   the document's location.href
 * @property {(page: any, fn: Function | string, arg?: any) => Promise<any>} evaluate
 * @property {(page: any, path: string) => Promise<void>} addScript
 * @property {(page: any, selector: string) => Promise<void>} click
 * @property {(page: any) => Promise<{url: string, text: string}[]>} frames   child frames
 * @property {(page: any, width: number, height: number) => Promise<void>} setViewport
 * @property {(page: any, path: string) => Promise<void>} screenshot
 * @property {(page: any) => Promise<void>} close
 * @property {() => Promise<any>} stats                               self.lachan.stats
 * @property {(op: 'get' | 'set' | 'remove', arg: any) => Promise<any>} storage   storage.local
 * @property {() => Promise<void>} policyApplied
 * @property {(fn: Function, arg?: any) => Promise<any>} [inBackground]   Chromium: evaluate in the service worker
 * @property {() => Promise<string>} stopWorker
 * @property {() => Promise<void>} shutdown
 */

const require = createRequire(import.meta.url);
export const AXE_PATH = require.resolve('axe-core/axe.min.js');
const AXE_SRC = readFileSync(AXE_PATH, 'utf8');
const AXE_VERSION = JSON.parse(readFileSync(require.resolve('axe-core/package.json'), 'utf8')).version;

/** @param {number} ms */
export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Polls `fn` until it returns a truthy value.
 * @template T @param {() => Promise<T>} fn @param {string} what @param {number} [timeout] @returns {Promise<T>} */
export async function poll(fn, what, timeout = 10_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = /** @type {Error} */ (e).message;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 200)})`);
}

/** The warning page's state, read from its DOM (the e2e contract). */
export const READ_WARNING = () => {
  const q = (/** @type {string} */ s) => /** @type {HTMLElement | null} */ (document.querySelector(s));
  const cont = /** @type {HTMLButtonElement | null} */ (q('#continue'));
  const p = new URLSearchParams(location.search);
  return {
    href: location.href,
    ready: document.body?.dataset.ready === 'true',
    paramA: p.get('a') ?? '',
    paramC: p.get('c') ?? '',
    paramU: p.get('u') ?? '',
    categoryKey: q('[data-testid="category"]')?.dataset.categoryKey ?? '',
    categoryText: q('[data-testid="category"]')?.textContent?.trim() ?? '',
    tip: q('[data-testid="tip"]')?.textContent?.trim() ?? '',
    lang: document.documentElement.lang,
    uiLang: /** @type {any} */ (globalThis).chrome?.i18n?.getUILanguage?.() ?? /** @type {any} */ (globalThis).browser?.i18n?.getUILanguage?.() ?? '',
    h1: q('h1')?.textContent?.trim() ?? '',
    tel: !!q('a[href="tel:111"]'),
    zalo: q('[data-testid="zalo-111"]')?.textContent?.trim() ?? null,
    web: q('[data-testid="web-111"]')?.textContent?.trim() ?? null,
    app: q('[data-testid="app-111"]')?.textContent?.trim() ?? null,
    goBack: !!q('#go-back'),
    ask: !!q('#ask-grownup'),
    askDone: !!q('[data-testid="ask-done"]'),
    hasContinue: !!cont,
    continueDisabled: cont?.disabled ?? null,
    countdown: q('[data-testid="countdown"]')?.textContent?.trim() ?? '',
    marker: document.body?.innerText.includes('LACHAN-TEST-PAGE') ?? false,
    scrollWidth: document.documentElement.scrollWidth,
  };
};

/**
 * @param {Driver} d
 * @param {import('./report.mjs').Report} report
 * @param {Awaited<ReturnType<typeof import('./server.mjs').startServer>>} server
 * @param {{artifacts: string, lang: 'vi' | 'en', full: boolean}} o
 */
export async function runChecks(d, report, server, o) {
  const P = server.port;
  const B = d.name;
  const W = d.extBase;
  const check = (/** @type {string} */ name, /** @type {() => Promise<string | void>} */ fn) => report.check(B, name, fn);
  const painted = (/** @type {number} */ mark, /** @type {string} */ host) =>
    server.hits.slice(mark).some((h) => h.host === host && h.path === PAINTED_PATH);

  /** Opens `url` in a fresh page and waits for the rendered warning page.
   * @param {string} url @param {any} [page] */
  async function expectWarning(url, page) {
    page ??= await d.newPage();
    await d.navigate(page, url);
    const state = await poll(async () => {
      const href = await d.href(page);
      if (!href.startsWith(`${W}warning.html`)) return null;
      const s = await d.evaluate(page, READ_WARNING);
      return s.ready ? s : null;
    }, `the warning page for ${url}`);
    return { page, state };
  }

  /** Opens `url` and waits for the marker of `host`'s test page.
   * @param {string} url @param {string} host @param {any} [page] */
  async function expectPage(url, host, page) {
    page ??= await d.newPage();
    await d.navigate(page, url);
    await poll(async () => {
      const text = await d.evaluate(page, () => document.readyState === 'complete' && document.body?.innerText);
      return typeof text === 'string' && text.includes(`${MARKER} ${host}`);
    }, `the marker of ${host} (${url})`);
    return page;
  }

  /** A blocked-URL check: the warning page with the expected category and
   * action; the requests that reached the server for `host` are recorded
   * (and printed), never a failure by themselves.
   * @param {string} name @param {string} url @param {string} host @param {string} category
   * @param {{action?: string, allowNetwork?: boolean}} [opt] */
  async function blocked(name, url, host, category, opt = {}) {
    const action = opt.action ?? 'block';
    await check(`${name} (${url.replace(`:${P}`, ':PORT')} → ${category})`, async () => {
      const mark = server.hits.length;
      const { page, state } = await expectWarning(url);
      await sleep(250); // late requests or paint reports
      const requests = server.count(host, mark);
      report.reached(B, name, host, requests);
      await d.close(page);
      if (state.categoryKey !== category) throw new Error(`data-category-key="${state.categoryKey}", expected ${category}`);
      if (state.paramA !== action) throw new Error(`a=${state.paramA}, expected ${action}`);
      if (state.marker) throw new Error('the warning page shows the test page marker');
      if (painted(mark, host)) throw new Error(`the blocked page of ${host} was painted`);
      return `${requests} request(s) reached the server; not painted`;
    });
  }

  // --- navigation -----------------------------------------------------------
  await check('allowed page loads (allowed.test, news.test: marker visible)', async () => {
    const mark = server.hits.length;
    for (const h of ['allowed.test', 'news.test']) {
      const page = await expectPage(`http://${h}:${P}/`, h);
      await poll(async () => painted(mark, h), `the paint report of ${h}`, 5000);
      await d.close(page);
    }
    return 'both loaded; the paint probe reported (so "not painted" below means something)';
  });
  await blocked('listed domain blocked', `http://casino.test:${P}/`, 'casino.test', 'gambling');
  await blocked('listed domain blocked', `http://adult-site.test:${P}/`, 'adult-site.test', 'adult');
  await blocked('listed subdomain blocked', `http://www.casino.test:${P}/page`, 'www.casino.test', 'gambling');
  await check('allow-list exception loads (ok.blocked-parent.test)', async () => {
    const mark = server.hits.length;
    await d.close(await expectPage(`http://ok.blocked-parent.test:${P}/`, 'ok.blocked-parent.test'));
    return `${server.count('ok.blocked-parent.test', mark)} request(s)`;
  });
  await blocked('allow-list parent still blocked', `http://blocked-parent.test:${P}/`, 'blocked-parent.test', 'gambling');
  await blocked('upper-case host blocked', `http://CASINO.TEST:${P}/`, 'casino.test', 'gambling');
  await blocked('trailing-dot host blocked', `http://casino.test.:${P}/`, 'casino.test', 'gambling');
  await blocked('IP-literal host blocked', `http://127.0.0.2:${P}/`, '127.0.0.2', 'gambling');
  await blocked('userinfo trick blocked', `http://allowed.test@casino.test:${P}/`, 'casino.test', 'gambling');
  await blocked('translate.goog wrapper blocked', `http://casino-test.translate.goog:${P}/`, 'casino-test.translate.goog', 'gambling');
  await blocked('URL-prefix rule blocked', `http://allowed.test:${P}/shop/pills/1`, 'allowed.test', 'drugs');

  await check('blocked inside an iframe of an allowed page (news.test/frame.html → casino.test)', async () => {
    const mark = server.hits.length;
    const page = await d.newPage();
    await d.navigate(page, `http://news.test:${P}/frame.html`);
    await poll(async () => (await d.evaluate(page, () => document.body?.innerText ?? '')).includes(`${MARKER} news.test`), 'the framing page');
    const frames = await poll(async () => {
      const f = await d.frames(page);
      return f.length && f.every((x) => x.url && x.url !== 'about:blank') ? f : null;
    }, 'the frame to settle', 8000);
    await sleep(500);
    const fr = await d.frames(page);
    const requests = server.count('casino.test', mark);
    report.reached(B, 'blocked iframe', 'casino.test', requests);
    await d.close(page);
    const shown = fr.some((f) => f.text.includes(`${MARKER} casino.test`));
    if (shown) throw new Error(`the frame shows the casino page (${fr.map((f) => f.url).join(', ')})`);
    if (painted(mark, 'casino.test')) throw new Error('the casino page was painted in the frame');
    const url = fr[0]?.url ?? frames[0]?.url ?? '';
    const where = url.startsWith(W) ? `warning page ${url.slice(W.length, W.length + 20)}…` : url;
    return `frame → ${where}; casino content absent; ${requests} request(s) reached the server`;
  });

  // --- warning page --------------------------------------------------------
  await check('"Go back" returns to the previous page', async () => {
    const page = await expectPage(`http://allowed.test:${P}/before`, 'allowed.test');
    await expectWarning(`http://casino.test:${P}/back`, page);
    await d.click(page, '#go-back');
    const href = await poll(async () => {
      const h = await d.href(page).catch(() => '');
      return h.startsWith(`http://allowed.test:${P}/before`) ? h : null;
    }, 'the previous page after "Go back"');
    await d.close(page);
    return `back at ${href.replace(`:${P}`, ':PORT')}`;
  });

  if (o.full) {
    await check('"Go back" without history leaves the warning page', async () => {
      const { page } = await expectWarning(`http://casino.test:${P}/nohistory`);
      await d.click(page, '#go-back');
      const href = await poll(async () => {
        const h = await d.href(page).catch(() => '');
        return h && !h.startsWith(`${W}warning.html`) ? h : null;
      }, 'a page other than the warning page');
      await d.close(page);
      return `went to ${href}`;
    });
  }

  await check('111 call link present (tel:111, Zalo, website, app)', async () => {
    const { page, state } = await expectWarning(`http://adult-site.test:${P}/help`);
    await d.close(page);
    const missing = [['a[href="tel:111"]', state.tel], ['zalo-111', state.zalo != null], ['web-111', state.web != null],
      ['app-111', state.app != null]].filter(([, ok]) => !ok).map(([n]) => n);
    if (missing.length) throw new Error(`missing: ${missing.join(', ')}`);
    if (!state.tip) throw new Error('empty [data-testid="tip"]');
    return `tel:111; zalo "${state.zalo?.slice(0, 40)}"; web "${state.web?.slice(0, 40)}"`;
  });

  if (o.full) {
    await check('"Ask a grown-up" records a local request', async () => {
      const url = `http://casino.test:${P}/ask`;
      const { page } = await expectWarning(url);
      await d.click(page, '#ask-grownup');
      await poll(async () => (await d.evaluate(page, READ_WARNING)).askDone, '[data-testid="ask-done"]');
      await d.close(page);
      const { askRequests = [] } = await d.storage('get', 'askRequests');
      const r = askRequests.find((/** @type {any} */ x) => x.url === url);
      if (!r) throw new Error(`no request stored (${JSON.stringify(askRequests).slice(0, 200)})`);
      if (r.category !== 'gambling') throw new Error(JSON.stringify(r));
      return `askRequests: {host: ${r.host}, category: ${r.category}}`;
    });

    await check('block-level page has no #continue', async () => {
      const { page, state } = await expectWarning(`http://casino.test:${P}/nocontinue`);
      await d.close(page);
      if (state.hasContinue) throw new Error('#continue exists on a block page');
    });

    await check('warn level (dating.test, band 15-17): #continue disabled 10 s, then loads the site', async () => {
      await d.storage('set', { settings: { parentPolicy: { age_band: '15-17' } } });
      try {
        await d.policyApplied();
        // The policy change is applied asynchronously: retry until dating.test warns.
        /** @type {any} */
        let w = null;
        await poll(async () => {
          if (w) await d.close(w.page);
          w = await expectWarning(`http://dating.test:${P}/x${Date.now()}`);
          return w.state.paramA === 'warn';
        }, 'a warn-level verdict for dating.test after setting the 15-17 band', 15_000);
        const { page, state } = w;
        if (state.categoryKey !== 'dating') throw new Error(`category ${state.categoryKey}`);
        if (!state.hasContinue || state.continueDisabled !== true) throw new Error(`#continue should exist and be disabled (${state.hasContinue}, ${state.continueDisabled})`);
        if (!state.countdown) throw new Error('no countdown text');
        mkdirSync(o.artifacts, { recursive: true });
        await d.screenshot(page, join(o.artifacts, `${B}-${o.lang}-warn-1280.png`)).catch(() => {});
        const t0 = Date.now();
        await poll(async () => (await d.evaluate(page, READ_WARNING)).continueDisabled === false, '#continue to be enabled', 15_000);
        const waited = Date.now() - t0;
        if (waited < 8000) throw new Error(`#continue enabled after ${waited} ms`);
        const mark = server.hits.length;
        await d.click(page, '#continue');
        await poll(async () => (await d.evaluate(page, () => document.body?.innerText ?? '')).includes(`${MARKER} dating.test`),
          'dating.test after continue');
        await d.close(page);
        // Allowed for the session: a second visit goes straight through.
        await d.close(await expectPage(`http://dating.test:${P}/again`, 'dating.test'));
        return `countdown "${state.countdown.slice(0, 30)}…"; enabled after ${(waited / 1000).toFixed(1)} s; `
          + `continue loaded the site (${server.count('dating.test', mark)} request(s)); second visit allowed`;
      } finally {
        await d.storage('remove', 'settings');
      }
    });
  }

  // --- accessibility, language, screenshots ---------------------------------
  for (const [w, h] of o.full ? [[1280, 800], [360, 740]] : []) {
    await check(`axe-core: 0 serious/critical violations on the warning page at ${w}×${h}`, async () => {
      const { page } = await expectWarning(`http://adult-site.test:${P}/axe`);
      await d.setViewport(page, w, h);
      let how = 'addScriptTag';
      try {
        await d.addScript(page, AXE_PATH);
      } catch { /* refused: see below */ }
      /** @type {{passes: number, v: any[]}} */
      let out;
      if (await d.evaluate(page, () => typeof (/** @type {any} */ (window)).axe === 'object')) {
        out = await d.evaluate(page, async () => {
          // @ts-ignore injected above
          const r = await axe.run(document);
          return { passes: r.passes.length, v: r.violations.map((/** @type {any} */ v) => ({ id: v.id, impact: v.impact, n: v.nodes.length })) };
        });
      } else {
        // The extension page's CSP (script-src 'self') refuses an inline <script>:
        // evaluate axe's source and the run in one script instead.
        how = 'evaluate (the page CSP refused the script tag)';
        out = JSON.parse(await d.evaluate(page, `${AXE_SRC}\n;(async () => { const r = await axe.run(document); `
          + `return JSON.stringify({ passes: r.passes.length, v: r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length })) }); })()`));
      }
      const state = await d.evaluate(page, READ_WARNING);
      await d.close(page);
      const res = out.v;
      if (!out.passes) throw new Error('axe ran no passing rule: it did not really run');
      const bad = res.filter((/** @type {any} */ v) => v.impact === 'serious' || v.impact === 'critical');
      if (bad.length) throw new Error(JSON.stringify(bad));
      if (state.scrollWidth > w) throw new Error(`horizontal scroll: ${state.scrollWidth} px wide`);
      return `axe ${AXE_VERSION} via ${how}: ${out.passes} rules passed, ${res.length} minor/moderate (${res.map((/** @type {any} */ v) => `${v.id}:${v.impact}`).join(', ') || 'none'}); no horizontal scroll`;
    });
  }

  await check(`warning page language (requested ${o.lang}) + screenshots 1280×800 and 360×740`, async () => {
    mkdirSync(o.artifacts, { recursive: true });
    const { page, state } = await expectWarning(`http://casino.test:${P}/shot`);
    const files = [];
    for (const [w, h] of [[1280, 800], [360, 740]]) {
      await d.setViewport(page, w, h);
      await sleep(200);
      const file = join(o.artifacts, `${B}-${o.lang}-${w}.png`);
      await d.screenshot(page, file);
      files.push(file);
    }
    await d.close(page);
    const expected = state.uiLang.toLowerCase().startsWith('vi') ? 'vi' : 'en';
    if (state.lang !== expected) throw new Error(`<html lang="${state.lang}"> but the browser UI language is ${state.uiLang}`);
    const note = state.lang === o.lang ? '' : ` — NOTE: requested ${o.lang} but the browser UI language is ${state.uiLang} (no ${o.lang} language pack)`;
    report.figure(B, `lang(${o.lang})`, `${state.lang} ("${state.h1}")`);
    return `<html lang="${state.lang}">, UI ${state.uiLang}, h1 "${state.h1}"${note}; ${files.map((f) => f.split('/').pop()).join(', ')}`;
  });
}

/** Cold-worker check: stop the worker, then a blocked navigation must still
 * show the warning page; the new worker's stats give the time to its first
 * verdict.
 * @param {Driver} d @param {import('./report.mjs').Report} report
 * @param {Awaited<ReturnType<typeof import('./server.mjs').startServer>>} server */
export async function runColdChecks(d, report, server) {
  const P = server.port;
  const B = d.name;
  const W = d.extBase;
  for (const [label, url, host, category] of [
    ['listed domain', `http://casino.test:${P}/cold`, 'casino.test', 'gambling'],
    ['translate.goog wrapper', `http://casino-test.translate.goog:${P}/cold`, 'casino-test.translate.goog', 'gambling'],
  ]) {
    await report.check(B, `worker stopped, then ${label} still blocked (${host})`, async () => {
      const before = await d.stats();
      const how = await d.stopWorker();
      const mark = server.hits.length;
      const page = await d.newPage();
      const t0 = performance.now();
      await d.navigate(page, url);
      const state = await poll(async () => (await d.href(page)).startsWith(`${W}warning.html`)
        && (await d.evaluate(page, READ_WARNING)), 'the warning page');
      await poll(async () => (await d.evaluate(page, READ_WARNING)).ready, 'the warning page to be ready');
      const wallMs = performance.now() - t0;
      await sleep(250);
      const requests = server.count(host, mark);
      report.reached(B, `cold worker: ${label}`, host, requests);
      const key = (await d.evaluate(page, READ_WARNING)).categoryKey;
      await d.close(page);
      if (key !== category) throw new Error(`data-category-key="${key}", expected ${category} (${state.href})`);
      const s = await d.stats();
      const fresh = s.timeOrigin != null ? s.timeOrigin !== before.timeOrigin : s.verdicts < before.verdicts;
      const f = (/** @type {number | null | undefined} */ x) => (x == null ? 'n/a' : `${x.toFixed(1)} ms`);
      if (label === 'listed domain') {
        report.figure(B, 'cold worker → first verdict', fresh ? f(s.firstVerdictMs) : 'worker not restarted');
        report.figure(B, 'cold worker → engine ready', fresh ? f(s.engineReadyMs) : 'n/a');
        report.figure(B, 'cold navigation → warning page ready (wall)', `${wallMs.toFixed(0)} ms`);
      }
      return `${how}; ${fresh ? 'new worker instance' : 'NOTE: same worker instance (it was not stopped)'}: `
        + `script start ${f(s.swStartMs)}, engine ready ${f(s.engineReadyMs)}, first verdict ${f(s.firstVerdictMs)} `
        + `(from the worker's time origin); warning page ready ${wallMs.toFixed(0)} ms after navigation; ${requests} request(s)`;
    });
  }
}
