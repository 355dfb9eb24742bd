// Chromium (Debian package) driven by playwright-core, with the unpacked
// extension loaded (--load-extension works in Debian's Chromium; branded
// Chrome 137+ dropped it). Test hosts are mapped to the local server by
// --host-resolver-rules; URLs carry the server's port.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.LACHAN_CHROMIUM ?? '/usr/lib/chromium/chromium';

/** The --host-resolver-rules value: every test host (and its trailing-dot
 * form) is the local server; with `port`, the port too (so URLs need none).
 * @param {string[]} hosts @param {number} [port] */
export function hostRules(hosts, port) {
  const to = port ? `127.0.0.1:${port}` : '127.0.0.1';
  return hosts.flatMap((h) => [`MAP ${h} ${to}`, `MAP ${h}. ${to}`]).join(', ');
}
/** The hosts every runner maps. */
export const TEST_HOSTS = ['*.test', '*.translate.goog'];

/**
 * @param {{extDir: string, extensionId: string, lang: 'vi' | 'en', port?: number, hosts?: string[], notReady?: boolean}} o
 *   `port`: map the port too; `hosts`: more names for the server (wrapper hosts);
 *   `notReady`: the build's bundle does not open (wait for the worker's attempt, not its success)
 * @returns {Promise<import('./checks.mjs').Driver>}
 */
export async function launchChromium({ extDir, extensionId, lang, port, hosts = [], notReady = false }) {
  const profile = mkdtempSync(join(tmpdir(), 'lachan-chromium-'));
  const t0 = performance.now();
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false, // with --headless=new below: the new headless mode runs extensions
    viewport: { width: 1280, height: 800 },
    locale: lang === 'vi' ? 'vi-VN' : 'en-US',
    args: [
      '--headless=new', `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`,
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', `--lang=${lang === 'vi' ? 'vi' : 'en-US'}`,
      // Every test host (and its trailing-dot form) is the local server.
      `--host-resolver-rules=${hostRules([...TEST_HOSTS, ...hosts], port)}`,
    ],
    env: { ...process.env, LANGUAGE: lang === 'vi' ? 'vi' : 'en_US', LANG: lang === 'vi' ? 'vi_VN.UTF-8' : 'en_US.UTF-8' },
  });
  const mine = (/** @type {import('playwright-core').Worker} */ w) => w.url().startsWith(`chrome-extension://${extensionId}/`);

  /** Wakes the service worker the way any event would (a message from an
   * extension page) and returns Playwright's handle to it. */
  async function wake() {
    const page = await ctx.newPage();
    try {
      await page.goto(`chrome-extension://${extensionId}/start.html`, { timeout: 5000 }).catch(() => {});
      await page.evaluate(() => chrome.runtime.sendMessage({ type: 'stats' })).catch(() => {});
    } finally {
      await page.close().catch(() => {});
    }
    return ctx.serviceWorkers().find(mine) ?? ctx.waitForEvent('serviceworker', { predicate: mine, timeout: 5000 });
  }

  /** Evaluates `fn(arg)` in the extension's service worker. A restarted
   * worker keeps its CDP target, so Playwright's handle usually stays valid;
   * when it does not (or the worker is stopped), wake it and retry.
   * @param {Function} fn @param {any} [arg] */
  async function inWorker(fn, arg) {
    let last;
    for (let i = 0; i < 3; i++) {
      try {
        const w = ctx.serviceWorkers().find(mine) ?? await wake();
        return await Promise.race([w.evaluate(/** @type {any} */ (fn), arg),
          new Promise((_, no) => setTimeout(() => no(new Error('worker evaluate timed out')), 3000))]);
      } catch (e) {
        last = e;
        await wake().catch(() => {});
      }
    }
    throw last;
  }
  try {
    if (!ctx.serviceWorkers().some(mine)) await ctx.waitForEvent('serviceworker', { predicate: mine, timeout: 10_000 });
    await inWorker((/** @type {boolean} */ nr) => (nr ? /** @type {any} */ (self).lachan.ready.catch(() => {}) : /** @type {any} */ (self).lachan.ready), notReady);
  } catch (e) {
    await ctx.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const launchMs = performance.now() - t0;

  return {
    name: 'chromium',
    extBase: `chrome-extension://${extensionId}/`,
    launchMs,
    newPage: () => ctx.newPage(),
    pages: async () => ctx.pages(),
    // goto throws ERR_ABORTED (or "interrupted by another navigation") on a redirect: poll instead.
    navigate: async (page, url) => { await page.goto(url, { timeout: 8000 }).catch(() => {}); },
    href: (page) => page.evaluate(() => location.href),
    evaluate: (page, fn, arg) => page.evaluate(/** @type {any} */ (fn), arg),
    addScript: async (page, path) => { await page.addScriptTag({ path }); },
    click: (page, sel) => page.click(sel, { timeout: 5000 }),
    frames: async (page) => Promise.all(page.frames().filter((f) => f !== page.mainFrame()).map(async (f) => ({
      url: f.url(),
      text: await f.evaluate(() => document.body?.innerText ?? '').catch(() => ''),
    }))),
    setViewport: (page, width, height) => page.setViewportSize({ width, height }),
    screenshot: async (page, path) => { await page.screenshot({ path, fullPage: true }); },
    close: (page) => page.close().catch(() => {}),
    stats: () => inWorker(() => ({ ...(/** @type {any} */ (self).lachan.stats), timeOrigin: performance.timeOrigin })),
    storage: (op, arg) => inWorker(([o, a]) => {
      const s = chrome.storage.local;
      return o === 'get' ? s.get(a) : o === 'set' ? s.set(a) : s.remove(a);
    }, /** @type {[string, any]} */ ([op, arg])),
    policyApplied: () => inWorker(() => /** @type {any} */ (self).lachan.ready),
    inBackground: (fn, arg) => inWorker(fn, arg),
    stopWorker: async () => {
      const page = ctx.pages()[0] ?? await ctx.newPage();
      const cdp = await ctx.newCDPSession(page);
      /** @type {Map<string, string>} versionId → runningStatus of the extension's worker versions */
      const status = new Map();
      cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
        for (const v of versions) if (v.scriptURL.startsWith(`chrome-extension://${extensionId}/`)) status.set(v.versionId, v.runningStatus);
      });
      await cdp.send('ServiceWorker.enable');
      const t = performance.now();
      await cdp.send('ServiceWorker.stopAllWorkers');
      const end = Date.now() + 5000;
      while (Date.now() < end && !(status.size && [...status.values()].every((s) => s === 'stopped'))) {
        await new Promise((ok) => setTimeout(ok, 20));
      }
      const ms = performance.now() - t;
      await cdp.detach().catch(() => {});
      const states = [...status.values()].join(',');
      if (!status.size || states.split(',').some((s) => s !== 'stopped')) throw new Error(`the service worker did not stop (${states || 'no status'})`);
      return `CDP ServiceWorker.stopAllWorkers: runningStatus stopped after ${ms.toFixed(0)} ms`;
    },
    shutdown: async () => {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
