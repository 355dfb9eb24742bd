// Firefox ESR driven by puppeteer-core over WebDriver BiDi (no geckodriver),
// the extension installed as a temporary add-on. Every host name resolves
// to 127.0.0.1 (network.dns.forceResolve has no port mapping, so URLs carry
// the server's port).
import puppeteer from 'puppeteer-core';

export const FIREFOX = process.env.LACHAN_FIREFOX ?? '/usr/bin/firefox-esr';
/** A fixed moz-extension UUID for the add-on, so the tests know its origin. */
const UUID = '6c1f3f40-1a2b-4c3d-9e8f-1a1c4a5e1111';
/** Idle time after which Firefox suspends the event page (default 30 s):
 * short here, so the "worker stopped" check sees a real suspension. */
export const IDLE_MS = 2000;

/**
 * @param {{extDir: string, geckoId: string, port: number, lang: 'vi' | 'en'}} o
 * @returns {Promise<import('./checks.mjs').Driver>}
 */
export async function launchFirefox({ extDir, geckoId, port, lang }) {
  const t0 = performance.now();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    defaultViewport: { width: 1280, height: 800 },
    extraPrefsFirefox: {
      'network.dns.forceResolve': '127.0.0.1',
      'network.proxy.type': 0,
      'dom.security.https_first': false,
      'dom.security.https_only_mode': false,
      'browser.fixup.alternate.enabled': false,
      // The userinfo trick (http://a@b/) must not stop at a confirmation prompt.
      'network.http.phishy-userpass-length': 255,
      'intl.locale.requested': lang === 'vi' ? 'vi' : 'en-US',
      'intl.accept_languages': lang === 'vi' ? 'vi-VN, vi' : 'en-US, en',
      'extensions.webextensions.uuids': JSON.stringify({ [geckoId]: UUID }),
      'extensions.background.idle.timeout': IDLE_MS,
    },
  });
  try {
    const id = await browser.installExtension(extDir);
    if (id !== geckoId) throw new Error(`installed as ${id}, expected ${geckoId}`);
  } catch (e) {
    await browser.close().catch(() => {});
    throw e;
  }
  const extBase = `moz-extension://${UUID}/`;

  /** Runs `fn(arg)` in an extension page (which has the `browser` API).
   * WebDriver BiDi refuses to navigate to moz-extension:// URLs, so the page
   * is reached the way a child reaches it: a blocked URL (never sent: the
   * blocking webRequest listener redirects it) lands on warning.html.
   * @param {Function} fn @param {any} [arg] */
  async function inExtension(fn, arg) {
    const page = await browser.newPage();
    try {
      page.goto(`http://adult-site.test:${port}/__extension-page`, { timeout: 8000 }).catch(() => {});
      const end = Date.now() + 10_000;
      for (;;) {
        const ok = await page.evaluate(() => location.href.startsWith('moz-extension:') && typeof (/** @type {any} */ (globalThis).browser) === 'object')
          .catch(() => false);
        if (ok) break;
        if (Date.now() > end) throw new Error('no extension page (warning.html) to run in');
        await new Promise((r) => setTimeout(r, 100));
      }
      return await page.evaluate(/** @type {any} */ (fn), arg);
    } finally {
      await page.close().catch(() => {});
    }
  }
  const stats = () => inExtension(() => /** @type {any} */ (globalThis).browser.runtime.sendMessage({ type: 'stats' }));
  // The background is ready when it answers a verdict request.
  await inExtension(() => /** @type {any} */ (globalThis).browser.runtime.sendMessage({ type: 'verdict', url: 'http://allowed.test/' }))
    .catch(async (e) => { await browser.close().catch(() => {}); throw e; });
  const launchMs = performance.now() - t0;

  return {
    name: 'firefox',
    extBase,
    launchMs,
    newPage: () => browser.newPage(),
    pages: () => browser.pages(),
    // goto does not settle after an extension redirect (and page.url() lags): start it, then poll location.href.
    navigate: async (page, url) => {
      page.goto(url, { timeout: 8000 }).catch(() => {});
      await new Promise((ok) => setTimeout(ok, 150));
    },
    href: (page) => page.evaluate(() => location.href),
    evaluate: (page, fn, arg) => page.evaluate(/** @type {any} */ (fn), arg),
    addScript: async (page, path) => { await page.addScriptTag({ path }); },
    click: (page, sel) => page.click(sel),
    frames: async (page) => Promise.all(page.frames().filter((f) => f !== page.mainFrame()).map(async (f) => ({
      url: await f.evaluate(() => location.href).catch(() => f.url()),
      text: await f.evaluate(() => document.body?.innerText ?? '').catch(() => ''),
    }))),
    setViewport: (page, width, height) => page.setViewport({ width, height }),
    screenshot: async (page, path) => { await page.screenshot({ path, fullPage: true }); },
    close: (page) => page.close().catch(() => {}),
    stats,
    storage: (op, arg) => inExtension(([o, a]) => {
      const s = /** @type {any} */ (globalThis).browser.storage.local;
      return o === 'get' ? s.get(a) : o === 'set' ? s.set(a) : s.remove(a);
    }, [op, arg]),
    policyApplied: async () => {},
    stopWorker: async () => {
      // No API stops a Firefox event page; it suspends itself after the idle
      // timeout once no extension page is open. Wait for that.
      await new Promise((ok) => setTimeout(ok, IDLE_MS + 3000));
      return `waited ${IDLE_MS + 3000} ms idle (extensions.background.idle.timeout=${IDLE_MS})`;
    },
    shutdown: () => browser.close(),
  };
}
