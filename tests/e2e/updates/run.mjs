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
// Prints one line per check, then `N passed, M failed` (exit 1 on a failure).
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const report = new Report();
try {
  buildInto(ROOT, OUT, { skipWasm });
  corruptCopies();
} catch (e) {
  console.error(`build failed: ${/** @type {any} */ (e).stderr ?? /** @type {Error} */ (e).message}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
const server = await startServer();
console.log(`test server on port ${server.port}`);

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
report.printTables();
process.exit(report.summary() ? 1 : 0);
