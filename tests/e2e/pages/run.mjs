#!/usr/bin/env node
// Lá Chắn browser e2e for the look of every page, child's and parent's:
//
//   node tests/e2e/pages/run.mjs [--browser chromium|firefox|all] [--lang vi|en|all] [--skip-wasm-build]
//
// In headless Chromium and Firefox ESR, in Vietnamese and English, at
// 360×740 (a phone) and 1280×800, with the e2e fixture registry and the
// real phrase lists built into target/e2e-pages/ (so a harmful test page
// gets the in-page overlay), one browser session per browser and language:
//   child pages (warning page block and warn, support, report, popup, the
//   overlay over a Vietnamese gambling page and over a self-harm page):
//   "Go back" and "Call 111"
//   inside the viewport without scrolling, 111 among the first two Tab
//   stops (document.activeElement after each Tab; inside the overlay's
//   closed shadow root through CDP in Chromium, by its focus ring in the
//   screenshot in Firefox, where nothing reaches in), both at least 44×44 px,
//   every button on the page too; the overlay's 111 text at contrast AA;
//   parent pages (options, self-check, welcome, start): rendered;
//   every page: axe-core 0 serious/critical, no horizontal scroll, and a
//   screenshot tests/e2e/artifacts/pages/<browser>-<lang>-<width>-<page>.png.
// Prints one line per check, then `N passed, M failed` (exit 1 on a failure).
import { copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from '../lib/chromium.mjs';
import { launchFirefox } from '../lib/firefox.mjs';
import { Report } from '../lib/report.mjs';
import { poll, sleep } from '../lib/checks.mjs';
import { axeCheck, buildInto, openExtensionPage } from '../lib/pages.mjs';
import { readPng } from '../lib/png.mjs';
import { startPages } from '../text/pages.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const OUT = join(ROOT, 'target/e2e-pages');
const ARTIFACTS = join(HERE, '../artifacts/pages');
const ids = JSON.parse(readFileSync(join(ROOT, 'extension/ids.json'), 'utf8'));

const USAGE = 'usage: node tests/e2e/pages/run.mjs [--browser chromium|firefox|all] [--lang vi|en|all] [--skip-wasm-build]';
/** @type {{browser: string, lang: string, 'skip-wasm-build': boolean}} */
let args;
try {
  args = /** @type {any} */ (parseArgs({ options: {
    browser: { type: 'string', default: 'all' }, lang: { type: 'string', default: 'all' },
    'skip-wasm-build': { type: 'boolean', default: false } } }).values);
} catch (e) {
  console.error(`${/** @type {Error} */ (e).message}\n${USAGE}`);
  process.exit(2);
}
if (!['chromium', 'firefox', 'all'].includes(args.browser) || !['vi', 'en', 'all'].includes(args.lang)) {
  console.error(USAGE);
  process.exit(2);
}
const BROWSERS = ['chromium', 'firefox'].filter((b) => args.browser === 'all' || args.browser === b);
const LANGS = /** @type {('vi' | 'en')[]} */ (['vi', 'en'].filter((l) => args.lang === 'all' || args.lang === l));
const SIZES = [[360, 740], [1280, 800]];
/** WCAG 2.5.5's target size, and what the pages promise for every button. */
const MIN_TARGET = 44;

/** @typedef {import('../lib/checks.mjs').Driver} Driver */
/** @typedef {{name: string, child: boolean, back?: string, call?: string, open: (d: Driver, page: any, port: number) => Promise<void>}} PageSpec */

/** An extension page, ready (body[data-ready]). @param {string} path @returns {PageSpec['open']} */
const ext = (path) => (d, page, port) => openExtensionPage(d, page, path, port);
const STOPPED = encodeURIComponent('http://casino.test/');

/** @type {PageSpec[]} */
const PAGES = [
  { name: 'warning-block', child: true, back: '#go-back', call: '#call', open: async (d, page, port) => {
    // A real stop: a listed host's navigation lands on the warning page.
    await d.navigate(page, `http://casino.test:${port}/pages`);
    await poll(async () => (await d.href(page)).startsWith(`${d.extBase}warning.html`)
      && d.evaluate(page, () => document.body?.dataset.ready === 'true'), 'the warning page');
  } },
  { name: 'warning-warn', child: true, back: '#go-back', call: '#call',
    open: ext(`warning.html?u=${encodeURIComponent('http://dating.test/')}&c=dating&a=warn`) },
  { name: 'support', child: true, back: '#go-back', call: '[data-testid="call-111"]', open: ext('support.html') },
  { name: 'report', child: true, back: '#go-back', call: '#call', open: ext(`report.html?u=${STOPPED}&c=gambling`) },
  // The popup closes itself to go back: 111 is its one action to check.
  { name: 'popup', child: true, call: '[data-testid="popup-call"]', open: ext('popup.html') },
  // The shield over a gambling page (warn) and over a self-harm page (support).
  ...[['overlay', '/gambling-vi'], ['overlay-support', '/self-harm']].map(([name, path]) => ({ name, child: true, back: '#go-back',
    call: '[data-testid="call-111"]', open: /** @type {PageSpec['open']} */ (async (d, page, port) => {
      await d.navigate(page, `http://text.test:${port}${path}`);
      await poll(() => d.evaluate(page, () => !!document.querySelector('lachan-shield')), 'the overlay', 10_000);
      await sleep(300); // the dialog's focus moves to "Go back"
    }) })),
  { name: 'options', child: false, open: ext('options.html') },
  { name: 'selfcheck', child: false, open: ext('selfcheck.html') },
  { name: 'welcome', child: false, open: ext('welcome.html') },
  // start.html marks no ready state: its filled heading is enough.
  { name: 'start', child: false, open: (d, page, port) => openExtensionPage(d, page, 'start.html', port,
    () => !!document.querySelector('h1')?.textContent) },
];

/** The geometry and focus of the two actions, read in a document or a
 * shadow root (`this` when called on one, else `document`). Runs in the page.
 * @this {any} @param {{back?: string, call?: string, min: number}} sel */
function readActions(sel) {
  const root = this && this.querySelector ? this : document;
  const box = (/** @type {string | undefined} */ s) => {
    const e = s ? root.querySelector(s) : null;
    if (!e) return null;
    const r = e.getBoundingClientRect();
    return { top: r.top, left: r.left, bottom: r.bottom, right: r.right, width: r.width, height: r.height };
  };
  const lum = (/** @type {string} */ c) => {
    const [r, g, b] = (c.match(/[\d.]+/g) ?? ['0', '0', '0']).slice(0, 3).map((x) => {
      const v = Number(x) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  /** The lowest contrast of any text inside `s` against the nearest opaque background. */
  const contrast = (/** @type {string | undefined} */ s) => {
    const e = s ? root.querySelector(s) : null;
    if (!e) return null;
    let worst = Infinity;
    for (const t of [e, ...e.querySelectorAll('*')]) {
      if (![...t.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()) || t.getAttribute('aria-hidden') === 'true') continue;
      let bg = t;
      while (bg && /rgba\(.*, 0\)|transparent/.test(getComputedStyle(bg).backgroundColor)) bg = bg.parentElement;
      const [a, b] = [lum(getComputedStyle(t).color), lum(bg ? getComputedStyle(bg).backgroundColor : 'rgb(255,255,255)')];
      worst = Math.min(worst, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
    }
    return worst === Infinity ? null : Math.round(worst * 100) / 100;
  };
  const a = root.activeElement;
  const active = a ? (a.matches?.(sel.call ?? '\u0000') ? 'call' : a.matches?.(sel.back ?? '\u0000') ? 'back'
    : `${a.localName}${a.id ? `#${a.id}` : ''}${a.dataset?.testid ? `[${a.dataset.testid}]` : ''}`) : 'none';
  // Every visible button (and link styled as one) of the page, by size.
  const small = [...root.querySelectorAll('button, a.call, a.button, summary, [role="button"]')].filter((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && (r.width < sel.min || r.height < sel.min);
  }).map((e) => {
    const r = e.getBoundingClientRect();
    return `${e.localName}${e.id ? `#${e.id}` : ''} ${Math.round(r.width)}×${Math.round(r.height)}`;
  });
  const doc = this && this.host ? this.host.ownerDocument : document;
  return { back: box(sel.back), call: box(sel.call), callContrast: contrast(sel.call), active, small,
    vw: innerWidth, vh: innerHeight, scrollY, scrollWidth: doc.documentElement.scrollWidth, lang: doc.documentElement.lang };
}

/** Chromium: runs `readActions` inside the overlay's closed shadow root
 * (CDP reaches every node; a page script cannot).
 * @param {any} page @param {{back?: string, call?: string, min: number}} sel */
async function readInShadow(page, sel) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    /** @type {any} */
    let shadow = null;
    (function walk(/** @type {any} */ n) {
      if (shadow) return;
      if (n.localName === 'lachan-shield' && n.shadowRoots?.length) shadow = n.shadowRoots[0];
      for (const c of n.children ?? []) walk(c);
    })(root);
    if (!shadow) throw new Error('no shadow root on <lachan-shield>');
    const { object } = await cdp.send('DOM.resolveNode', { backendNodeId: shadow.backendNodeId });
    const { result, exceptionDetails } = await cdp.send('Runtime.callFunctionOn', { objectId: object.objectId,
      functionDeclaration: readActions.toString(), arguments: [{ value: sel }], returnByValue: true });
    if (exceptionDetails) throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** The pages' focus ring (outline #f59e0b) in a screenshot: the box it
 * surrounds (the ring is 3 px, 2 px away from the element), the colour that
 * fills most of that box and the lightest colour in it (the text).
 * @param {import('../lib/png.mjs').Picture} pic */
function focusRing(pic) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < pic.height; y++) {
    for (let x = 0; x < pic.width; x++) {
      const [r, g, b] = pic.at(x, y);
      if (Math.abs(r - 245) < 20 && Math.abs(g - 158) < 20 && b < 50) {
        x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const box = { left: x0 + 5, top: y0 + 5, right: x1 - 4, bottom: y1 - 4 };
  /** @type {Map<string, {n: number, rgb: number[]}>} */
  const hist = new Map();
  for (let y = box.top; y < box.bottom; y++) {
    for (let x = box.left; x < box.right; x++) {
      const rgb = pic.at(x, y);
      const k = rgb.map((v) => v >> 3).join();
      const e = hist.get(k) ?? { n: 0, rgb };
      e.n++;
      hist.set(k, e);
    }
  }
  const all = [...hist.values()].sort((a, b) => b.n - a.n);
  const total = all.reduce((n, e) => n + e.n, 0);
  const lum = (/** @type {number[]} */ c) => 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  const light = all.filter((e) => e.n > total * 0.02).sort((a, b) => lum(b.rgb) - lum(a.rgb))[0];
  const [a, b] = [lum(all[0].rgb), lum(light.rgb)];
  return { box: { ...box, width: box.right - box.left, height: box.bottom - box.top }, fill: all[0].rgb,
    contrast: Math.round(((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)) * 100) / 100 };
}
/** sRGB channel → linear light. @param {number} v */
const lin = (v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
/** Which of the two actions a fill colour is: "Go back" blue #1d4ed8, "Call 111" green #047857.
 * @param {number[]} c */
const actionOf = (c) => (Math.hypot(c[0] - 29, c[1] - 78, c[2] - 216) < 40 ? 'back'
  : Math.hypot(c[0] - 4, c[1] - 120, c[2] - 87) < 40 ? 'call' : `rgb(${c.join(',')})`);

/** Firefox: the overlay as it is seen. The focus ring shows which action has
 * the focus and where it is, before and after each Tab (no script reaches
 * into the closed shadow root over WebDriver BiDi).
 * @param {Driver} d @param {any} page @param {string} file */
async function seeOverlay(d, page, file) {
  const look = async () => {
    await sleep(150);
    await page.screenshot({ path: file });
    const ring = focusRing(readPng(readFileSync(file)));
    return ring && { ...ring, action: actionOf(ring.fill) };
  };
  const seen = [await look()];
  for (let i = 0; i < 2 && seen.at(-1)?.action !== 'call'; i++) {
    await page.keyboard.press('Tab');
    seen.push(await look());
  }
  const vp = await d.evaluate(page, () => ({ vw: innerWidth, vh: innerHeight, scrollY }));
  return { seen, ...vp };
}

/**
 * Every page at every size in one launched browser.
 * @param {Report} report @param {Driver} d @param {'vi' | 'en'} lang @param {number} port
 */
async function checkPages(report, d, lang, port) {
  const b = d.name;
  for (const [w, h] of SIZES) {
    for (const spec of PAGES) {
      const label = `${lang} ${w}×${h} ${spec.name}`;
      const page = await d.newPage();
      try {
        await d.setViewport(page, w, h);
        const opened = await report.check(b, `${label}: opens`, async () => {
          await spec.open(d, page, port);
          await d.evaluate(page, () => document.fonts?.ready.then(() => true)).catch(() => {});
          const file = join(ARTIFACTS, `${b}-${lang}-${w}-${spec.name}.png`);
          await page.screenshot({ path: file });
          const l = await d.evaluate(page, () => document.documentElement.lang);
          if (!spec.name.startsWith('overlay') && l !== lang) throw new Error(`<html lang="${l}">, want ${lang}`);
          return `screenshot ${file.split('/').slice(-2).join('/')}`;
        });
        if (!opened) continue;
        const inShadow = spec.name.startsWith('overlay');
        if (spec.child && inShadow && b !== 'chromium') {
          const file = join(ARTIFACTS, `${b}-${lang}-${w}-${spec.name}-focus.png`);
          /** @type {Awaited<ReturnType<typeof seeOverlay>> | null} */
          let v = null;
          await report.check(b, `${label}: Go back and 111 inside the viewport without scrolling, ≥ ${MIN_TARGET}×${MIN_TARGET} px (seen by their focus ring)`, async () => {
            v = await seeOverlay(d, page, file);
            if (v.scrollY !== 0) throw new Error(`the page scrolled to ${v.scrollY}`);
            const out = [];
            for (const what of ['back', 'call']) {
              const r = v.seen.find((x) => x?.action === what)?.box;
              if (!r) throw new Error(`no focus ring around ${what} (rings: ${v.seen.map((x) => x?.action ?? 'none').join(', ')})`);
              const where = `${r.width}×${r.height} at ${r.left},${r.top}`;
              if (r.left < 0 || r.top < 0 || r.right > v.vw || r.bottom > v.vh) throw new Error(`${what} ${where} is outside the viewport`);
              if (r.width < MIN_TARGET || r.height < MIN_TARGET) throw new Error(`${what} is ${where}: under ${MIN_TARGET} px`);
              out.push(`${what === 'back' ? 'Go back' : '111'} ${where}`);
            }
            const call = /** @type {any} */ (v.seen.find((x) => x?.action === 'call'));
            if (call.contrast < 4.5) throw new Error(`111's text contrast ${call.contrast} < 4.5 (pixels)`);
            return `${out.join('; ')}; 111 text/background ${call.contrast}:1 in the pixels`;
          });
          await report.check(b, `${label}: 111 among the first two Tab stops (seen by the focus ring)`, async () => {
            if (!v) throw new Error('not seen (the check above failed)');
            const stops = v.seen.slice(1).map((x) => x?.action ?? 'none');
            if (!stops.includes('call')) throw new Error(`at open: ${v.seen[0]?.action ?? 'none'}; Tab stops: ${stops.join(' → ')}`);
            return `at open: ${v.seen[0]?.action}; Tab → ${stops.join(' → ')}`;
          });
        } else if (spec.child) {
          const sel = { back: spec.back, call: spec.call, min: MIN_TARGET };
          const read = () => (inShadow ? readInShadow(page, sel) : d.evaluate(page, readActions, sel));
          await report.check(b, `${label}: ${spec.back ? 'Go back and ' : ''}111 inside the viewport without scrolling, ≥ ${MIN_TARGET}×${MIN_TARGET} px`, async () => {
            const s = await read();
            if (s.scrollY !== 0) throw new Error(`the page scrolled to ${s.scrollY}`);
            const out = [];
            for (const [what, r] of /** @type {[string, any][]} */ ([['111', s.call], ...(spec.back ? [['Go back', s.back]] : [])])) {
              if (!r) throw new Error(`no ${what} (${what === '111' ? spec.call : spec.back})`);
              const where = `${Math.round(r.width)}×${Math.round(r.height)} at ${Math.round(r.left)},${Math.round(r.top)}`;
              if (r.top < 0 || r.left < 0 || r.bottom > s.vh || r.right > s.vw) throw new Error(`${what} ${where} is outside the ${s.vw}×${s.vh} viewport`);
              if (r.width < MIN_TARGET || r.height < MIN_TARGET) throw new Error(`${what} is ${where}: under ${MIN_TARGET} px`);
              out.push(`${what} ${where}`);
            }
            if (s.small.length) throw new Error(`buttons under ${MIN_TARGET} px: ${s.small.join(', ')}`);
            if (inShadow && !(s.callContrast >= 4.5)) throw new Error(`111's text contrast ${s.callContrast} < 4.5`);
            return `${out.join('; ')}${inShadow ? `; 111 text contrast ${s.callContrast}:1` : ''}; every button ≥ ${MIN_TARGET} px`;
          });
          await report.check(b, `${label}: 111 among the first two Tab stops`, async () => {
            const stops = [];
            for (let i = 0; i < 2; i++) {
              await page.keyboard.press('Tab');
              await sleep(50);
              stops.push((await read()).active);
              if (stops[i] === 'call') break;
            }
            if (!stops.includes('call')) throw new Error(`Tab stops: ${stops.join(' → ')}`);
            return `Tab → ${stops.join(' → ')}`;
          });
        }
        await report.check(b, `${label}: axe-core 0 serious/critical, no horizontal scroll`, async () => {
          const sw = await d.evaluate(page, () => document.documentElement.scrollWidth);
          if (sw > w) throw new Error(`horizontal scroll: ${sw} px wide`);
          return (await axeCheck(d, page)).replace(/, minor\/moderate.*/, '');
        });
        // The pages whose "Go back" is wired by shared/go-back.js: it leaves the page.
        if (w === SIZES[0][0] && (spec.name === 'report' || spec.name === 'support')) {
          await report.check(b, `${label}: "Go back" leaves the page`, async () => {
            const from = await d.href(page);
            await d.click(page, '#go-back');
            const to = await poll(async () => { const h = await d.href(page).catch(() => ''); return h && h !== from ? h : null; }, 'another page');
            return `→ ${to.replace(d.extBase, 'EXT/').replace(/:\d+\//, ':PORT/').slice(0, 60)}`;
          });
        }
      } finally {
        await d.close(page);
      }
    }
  }
}

// ---- build, serve, run ---------------------------------------------------------------------

const report = new Report();
const t0 = performance.now();
rmSync(ARTIFACTS, { recursive: true, force: true });
mkdirSync(ARTIFACTS, { recursive: true });
try {
  // The fixture registry plus the real phrase lists (as text/build.mjs), so
  // the gambling test page gets the overlay; reg/ sits three levels below the
  // root like the fixture registry, so its relative list paths resolve the same.
  const reg = join(OUT, 'reg');
  rmSync(reg, { recursive: true, force: true });
  mkdirSync(reg, { recursive: true });
  copyFileSync(join(ROOT, 'tests/e2e/fixtures/registry.toml'), join(reg, 'registry.toml'));
  for (const [name, to] of [['lists', 'tests/e2e/fixtures/lists'], ['phrases', 'lists/phrases'], ['context', 'tests/e2e/fixtures/context']]) {
    symlinkSync(join(ROOT, to), join(reg, name));
  }
  buildInto(ROOT, OUT, { skipWasm: args['skip-wasm-build'], registry: join(reg, 'registry.toml') });
} catch (e) {
  console.error(`build failed: ${/** @type {any} */ (e).stderr ?? /** @type {Error} */ (e).message}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
const server = await startPages();
console.log(`test pages on port ${server.port}; ${BROWSERS.join(', ')} × ${LANGS.join(', ')} × ${SIZES.map((s) => s.join('×')).join(', ')}`);

for (const b of BROWSERS) {
  for (const lang of LANGS) {
    /** @type {Driver | null} */
    let d = null;
    await report.check(b, `launch with the extension (${lang})`, async () => {
      d = b === 'chromium'
        ? await launchChromium({ extDir: join(OUT, 'chromium'), extensionId: ids.chromium, lang })
        : await launchFirefox({ extDir: join(OUT, 'firefox'), geckoId: ids.gecko, port: server.port, lang });
      return `${Math.round(/** @type {any} */ (d).launchMs)} ms`;
    });
    if (!d) continue;
    const drv = /** @type {Driver} */ (d);
    try {
      await checkPages(report, drv, lang, server.port);
    } finally {
      await drv.shutdown().catch(() => {});
    }
  }
}

await server.close();
console.log(`\nscreenshots: ${ARTIFACTS}; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(report.summary() ? 1 : 0);
