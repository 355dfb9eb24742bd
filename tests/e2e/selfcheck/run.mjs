#!/usr/bin/env node
// Lá Chắn browser e2e for the hardening self-check page:
//
//   node tests/e2e/selfcheck/run.mjs [--browser chromium|firefox|all] [--lang vi|en] [--skip-wasm-build]
//
// 1. Builds the e2e fixture bundle and the extension into target/e2e-selfcheck/
//    (its own folder: other runners may build target/e2e-dist at the same time).
// 2. Opens selfcheck.html in headless Chromium (playwright-core, unpacked
//    extension: install type "development") and Firefox ESR (puppeteer-core,
//    temporary add-on; WebDriver BiDi cannot open moz-extension:// URLs, so the
//    page is reached from the warning page of a blocked test host, the way
//    tests/e2e/lib/firefox.mjs reaches extension pages), reusing
//    tests/e2e/lib/*: every item is rendered with the status this install
//    must give (not allowed in incognito/private windows: missing; DevTools
//    and developer mode: unknown). The page opens in the home view unless the
//    machine has a policy file for the extension: there "not force-installed"
//    and "no policy" are optional (neutral, not counted missing); the school
//    toggle makes them missing. The install type is shown in words, the guide
//    link opens the guide page inside the extension in the page's language,
//    the start page links to the self-check, and axe-core finds 0
//    serious/critical violations on both pages.
//    Screenshots: tests/e2e/artifacts/selfcheck-<browser>-<lang>.png.
// Prints one line per check, then `N passed, M failed` (exit 1 on a failure).
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../lib/chromium.mjs';
import { launchFirefox } from '../lib/firefox.mjs';
import { Report } from '../lib/report.mjs';
import { startServer } from '../lib/server.mjs';
import { poll } from '../lib/checks.mjs';
import { axeCheck, buildInto, runnerOptions } from '../lib/pages.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const OUT = join(ROOT, 'target/e2e-selfcheck');
const ARTIFACTS = join(HERE, '../artifacts');
const { want, lang, skipWasm } = runnerOptions('tests/e2e/selfcheck/run.mjs');
const ids = JSON.parse(readFileSync(join(ROOT, 'extension/ids.json'), 'utf8'));

/** Whether this machine has a managed policy for the extension (then the
 * "policy" item must be ok instead of missing). Reads only the policy files.
 * @param {string[]} dirs @param {(j: any) => unknown} pick */
function policyPresent(dirs, pick) {
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((n) => n.endsWith('.json'))) {
      try {
        const v = pick(JSON.parse(readFileSync(join(d, f), 'utf8')));
        if (v && typeof v === 'object' && Object.keys(v).length) return true;
      } catch { /* unreadable or not JSON: the browser ignores it too */ }
    }
  }
  return false;
}
const CHROMIUM_POLICY = policyPresent(['/etc/chromium/policies/managed'], (j) => j?.['3rdparty']?.extensions?.[ids.chromium]);
const FIREFOX_POLICY = policyPresent(['/etc/firefox/policies', '/usr/lib/firefox-esr/distribution'],
  (j) => j?.policies?.['3rdparty']?.Extensions?.[ids.gecko]);

/** The page's items, read from its DOM (contract in src/selfcheck/selfcheck.js). */
const READ = () => {
  const items = [...document.querySelectorAll('[data-testid="sc-item"]')].map((li) => {
    const e = /** @type {HTMLElement} */ (li);
    const q = (/** @type {string} */ s) => e.querySelector(s)?.textContent?.trim() ?? '';
    return { id: e.dataset.item, status: e.dataset.status, badge: q('[data-testid="sc-status"]'), detail: q('[data-testid="sc-detail"]'),
      why: q('[data-testid="sc-why"]'), fixParent: q('[data-testid="sc-fix-parent"]'), fixSchool: q('[data-testid="sc-fix-school"]'),
      title: q('h2 > span') };
  });
  const s = /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="sc-summary"]'));
  return { href: location.href, ready: document.body?.dataset.ready === 'true', lang: document.documentElement.lang, title: document.title,
    h1: document.querySelector('h1')?.textContent?.trim() ?? '', items,
    summary: { text: s?.textContent?.trim() ?? '', ok: s?.dataset.ok, missing: s?.dataset.missing, unknown: s?.dataset.unknown,
      optional: s?.dataset.optional, view: s?.dataset.view },
    docs: document.querySelector('[data-testid="sc-docs"]')?.getAttribute('href') ?? '', scrollWidth: document.documentElement.scrollWidth };
};

/**
 * @param {Report} report @param {import('../lib/checks.mjs').Driver} d
 * @param {(page: any) => Promise<void>} open   brings `page` to selfcheck.html
 * @param {{policy: boolean}} o
 */
async function checks(report, d, open, o) {
  const b = d.name;
  const page = await d.newPage();
  /** @type {ReturnType<typeof READ> | null} */
  let s = null;
  try {
    await report.check(b, 'self-check page renders every item (policy read may take ~5 s)', async () => {
      await open(page);
      s = await poll(async () => {
        const r = /** @type {ReturnType<typeof READ>} */ (await d.evaluate(page, READ));
        return r.ready ? r : null;
      }, 'body[data-ready] on selfcheck.html', 20_000);
      const got = s.items.map((i) => i.id).join(',');
      if (got !== 'engine,browser,incognito,forceInstalled,policy,pin,devtools,devMode') throw new Error(`items ${got}`);
      for (const i of s.items) {
        if (!i.badge || !i.why || !i.title) throw new Error(`item ${i.id} lacks text: ${JSON.stringify(i)}`);
        if (i.id !== 'browser' && (!i.fixParent || !i.fixSchool)) throw new Error(`item ${i.id} lacks a parent or school fix`);
        if (/^sc[A-Z]/.test(i.badge + i.why + i.title)) throw new Error(`untranslated key in ${i.id}: ${i.why}`);
      }
      if (s.lang !== lang) throw new Error(`<html lang> ${s.lang}, want ${lang}`);
      return `${s.items.length} items; "${s.h1}"; lang ${s.lang}; summary "${s.summary.text}"`;
    });
    if (!s) return;
    const st = Object.fromEntries(/** @type {any} */ (s).items.map((/** @type {any} */ i) => [i.id, i]));
    const expect = (/** @type {string} */ id, /** @type {string} */ status, /** @type {string} */ what) =>
      report.check(b, `${what}: ${status}`, async () => {
        if (st[id].status !== status) throw new Error(`status ${st[id].status} (${st[id].badge}; ${st[id].detail})`);
        return `"${st[id].badge}"${st[id].detail ? `; ${st[id].detail}` : ''}`;
      });
    await expect('engine', 'ok', 'the filter bundle is open');
    await expect('browser', 'ok', `browser detected as ${b === 'firefox' ? 'Firefox' : 'Chromium'}`);
    await report.check(b, 'browser item names the right browser', async () => {
      const name = b === 'firefox' ? 'Firefox' : 'Chromium';
      if (!st.browser.detail.includes(name)) throw new Error(st.browser.detail);
      return st.browser.detail;
    });
    await expect('incognito', 'missing', b === 'firefox' ? 'not allowed in private windows' : 'not allowed in incognito');
    const view = o.policy ? 'school' : 'home';
    await report.check(b, `opens in the ${view} view`, async () => {
      if (/** @type {any} */ (s).summary.view !== view) throw new Error(`view ${/** @type {any} */ (s).summary.view}`);
      return view;
    });
    await expect('forceInstalled', o.policy ? 'missing' : 'optional', 'not force-installed (install type "development")');
    await report.check(b, 'install type in words, not the raw "development"', async () => {
      const words = lang === 'vi' ? 'nạp từ một thư mục ở chế độ nhà phát triển' : 'loaded from a folder in developer mode';
      if (!st.forceInstalled.detail.includes(words) || /development/.test(st.forceInstalled.detail)) throw new Error(st.forceInstalled.detail);
      return st.forceInstalled.detail;
    });
    await expect('policy', o.policy ? 'ok' : 'optional', o.policy ? 'managed policy present (a policy file names the extension)' : 'no managed policy, not needed at home');
    if (!o.policy) {
      await report.check(b, 'home view: what a home does not need is neutral, never ✗, and not counted missing', async () => {
        for (const id of ['forceInstalled', 'policy']) {
          if (st[id].badge.includes('✗')) throw new Error(`${id}: ${st[id].badge}`);
        }
        const sm = /** @type {any} */ (s).summary;
        if (sm.optional !== '2') throw new Error(JSON.stringify(sm));
        const color = await d.evaluate(page, () => getComputedStyle(/** @type {Element} */ (document.querySelector('[data-item="policy"] .sc-badge'))).color);
        if (color === 'rgb(153, 27, 27)') throw new Error('the badge is red');
        return `"${st.policy.badge}", ${color}; summary "${sm.text}"`;
      });
    }
    await expect('pin', 'missing', 'no parent PIN yet (fresh profile)');
    await expect('devtools', 'unknown', 'DevTools availability not detectable');
    await expect('devMode', 'unknown', 'developer mode not detectable');
    await report.check(b, 'summary counts match the items; the guide is a page of the extension', async () => {
      const n = (/** @type {string} */ k) => String(s?.items.filter((i) => i.status === k).length);
      const sm = /** @type {any} */ (s).summary;
      if (sm.ok !== n('ok') || sm.missing !== n('missing') || sm.unknown !== n('unknown') || sm.optional !== n('optional')) throw new Error(JSON.stringify(sm));
      if (/** @type {any} */ (s).docs !== 'guide.html') throw new Error(`docs ${/** @type {any} */ (s).docs}`);
      return `ok ${sm.ok}, missing ${sm.missing}, unknown ${sm.unknown}, optional ${sm.optional}`;
    });
    await report.check(b, 'axe-core: 0 serious/critical violations on selfcheck.html (1280 and 360 wide)', async () => {
      const wide = await axeCheck(d, page);
      await d.screenshot(page, join(ARTIFACTS, `selfcheck-${b}-${lang}.png`));
      await d.setViewport(page, 360, 740);
      const narrow = await axeCheck(d, page);
      const sw = await d.evaluate(page, () => document.documentElement.scrollWidth);
      if (sw > 360) throw new Error(`horizontal scroll at 360 px: ${sw}`);
      await d.screenshot(page, join(ARTIFACTS, `selfcheck-${b}-${lang}-360.png`));
      return `${wide}; 360 px: ${narrow.split(',')[0]}; no horizontal scroll`;
    });
    await report.check(b, '"Check again" re-runs and gives the same statuses', async () => {
      await d.click(page, '#recheck');
      const again = await poll(async () => {
        const r = /** @type {ReturnType<typeof READ>} */ (await d.evaluate(page, READ));
        return r.ready && r.items.length ? r : null;
      }, 'ready after Check again');
      const a = again.items.map((i) => `${i.id}:${i.status}`).join(' ');
      const was = /** @type {any} */ (s).items.map((/** @type {any} */ i) => `${i.id}:${i.status}`).join(' ');
      if (a !== was) throw new Error(`${a} ≠ ${was}`);
      return a;
    });
    await report.check(b, `the ${o.policy ? 'home' : 'school'} toggle changes what a school-only item counts as`, async () => {
      await d.setViewport(page, 1280, 900);
      await d.click(page, `[data-testid="sc-view-${o.policy ? 'home' : 'school'}"]`);
      const r = await poll(async () => {
        const x = /** @type {ReturnType<typeof READ>} */ (await d.evaluate(page, READ));
        return x.summary.view === (o.policy ? 'home' : 'school') ? x : null;
      }, 'the other view');
      const by = Object.fromEntries(r.items.map((i) => [i.id, i]));
      const want = o.policy ? 'optional' : 'missing';
      if (by.forceInstalled.status !== want) throw new Error(`forceInstalled ${by.forceInstalled.status}`);
      if (!o.policy && (by.policy.status !== 'missing' || !by.policy.badge.includes('✗'))) throw new Error(`policy ${by.policy.status} ${by.policy.badge}`);
      if (r.summary.missing !== String(r.items.filter((i) => i.status === 'missing').length)) throw new Error(JSON.stringify(r.summary));
      return `"${r.summary.text}"`;
    });
    await report.check(b, 'the guide opens inside the extension, in the page language; axe-core 0 serious/critical', async () => {
      await d.click(page, '[data-testid="sc-docs"]');
      await poll(async () => (await d.href(page)).endsWith('/guide.html'), 'guide.html');
      const g = await poll(async () => {
        const x = /** @type {any} */ (await d.evaluate(page, () => {
          const shown = [...document.querySelectorAll('article[lang]')].filter((a) => !(/** @type {HTMLElement} */ (a).hidden));
          return { ready: document.body?.dataset.ready === 'true', shown: shown.map((a) => a.getAttribute('lang')),
            h1: shown[0]?.querySelector('h1')?.textContent ?? '', sections: shown[0]?.querySelectorAll('h2').length ?? 0, title: document.title };
        }));
        return x.ready ? x : null;
      }, 'the guide ready');
      if (g.shown.join() !== lang) throw new Error(`shown ${g.shown.join()}`);
      const h1 = lang === 'vi' ? 'Hướng dẫn cài đặt Lá Chắn' : 'Setting up Lá Chắn';
      if (g.h1 !== h1 || g.sections < 3) throw new Error(JSON.stringify(g));
      const axe = await axeCheck(d, page);
      await d.screenshot(page, join(ARTIFACTS, `guide-${b}-${lang}.png`));
      return `"${g.h1}", ${g.sections} sections; ${axe}`;
    });
  } finally {
    await d.close(page);
  }
}

const report = new Report();
mkdirSync(ARTIFACTS, { recursive: true });
try {
  buildInto(ROOT, OUT, { skipWasm });
} catch (e) {
  console.error(`build failed: ${/** @type {any} */ (e).stderr ?? /** @type {Error} */ (e).message}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
const server = await startServer();
console.log(`test server on port ${server.port}; policy file for the extension: chromium ${CHROMIUM_POLICY}, firefox ${FIREFOX_POLICY}`);

if (want('chromium')) {
  /** @type {import('../lib/checks.mjs').Driver | null} */
  let d = null;
  await report.check('chromium', `launch with the extension (${lang})`, async () => {
    d = await launchChromium({ extDir: join(OUT, 'chromium'), extensionId: ids.chromium, lang });
    return `${Math.round(/** @type {any} */ (d).launchMs)} ms`;
  });
  if (d) {
    const drv = /** @type {import('../lib/checks.mjs').Driver} */ (d);
    try {
      await report.check('chromium', 'start page links to the self-check page', async () => {
        const page = await drv.newPage();
        try {
          await drv.navigate(page, `${drv.extBase}start.html`);
          await poll(() => drv.evaluate(page, () => !!document.querySelector('[data-testid="selfcheck-link"]')?.textContent), 'the link');
          await drv.click(page, '[data-testid="selfcheck-link"]');
          const href = await poll(async () => { const h = await drv.href(page); return h.endsWith('/selfcheck.html') ? h : ''; }, 'selfcheck.html');
          return href;
        } finally { await drv.close(page); }
      });
      await checks(report, drv, (page) => drv.navigate(page, `${drv.extBase}selfcheck.html`), { policy: CHROMIUM_POLICY });
    } finally {
      await drv.shutdown().catch(() => {});
    }
  }
}

if (want('firefox')) {
  /** @type {import('../lib/checks.mjs').Driver | null} */
  let d = null;
  await report.check('firefox', `launch with the extension (${lang})`, async () => {
    d = await launchFirefox({ extDir: join(OUT, 'firefox'), geckoId: ids.gecko, port: server.port, lang });
    return `${Math.round(/** @type {any} */ (d).launchMs)} ms`;
  });
  if (d) {
    const drv = /** @type {import('../lib/checks.mjs').Driver} */ (d);
    // A blocked test host lands on warning.html (an extension page); from
    // there the page itself navigates to selfcheck.html (same origin).
    const viaWarning = async (/** @type {any} */ page, /** @type {string} */ path) => {
      await drv.navigate(page, `http://adult-site.test:${server.port}/selfcheck-route`);
      await poll(async () => (await drv.href(page)).startsWith(drv.extBase), 'the warning page');
      await drv.evaluate(page, (p) => { location.href = /** @type {any} */ (globalThis).browser.runtime.getURL(p); }, path).catch(() => {});
      await poll(async () => (await drv.href(page)).endsWith(`/${path}`), path);
    };
    try {
      await report.check('firefox', 'start page links to the self-check page', async () => {
        const page = await drv.newPage();
        try {
          await viaWarning(page, 'start.html');
          await poll(() => drv.evaluate(page, () => !!document.querySelector('[data-testid="selfcheck-link"]')?.textContent), 'the link');
          await drv.click(page, '[data-testid="selfcheck-link"]');
          return await poll(async () => { const h = await drv.href(page); return h.endsWith('/selfcheck.html') ? h : ''; }, 'selfcheck.html');
        } finally { await drv.close(page); }
      });
      await checks(report, drv, (page) => viaWarning(page, 'selfcheck.html'), { policy: FIREFOX_POLICY });
    } finally {
      await drv.shutdown().catch(() => {});
    }
  }
}

await server.close();
process.exit(report.summary() ? 1 : 0);
