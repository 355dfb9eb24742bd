#!/usr/bin/env node
// Page-text overlay, typing guard and search checks in real browsers:
//
//   node tests/e2e/text/run.mjs [--browser chromium|firefox|all] [--no-big] [--lang vi|en] [--skip-wasm-build]
//
// Builds target/e2e-text/ (build.mjs: the e2e fixture registry + the real
// phrase lists), starts the fixture server (pages.mjs), launches each browser
// with the extension through tests/e2e/lib/{chromium,firefox}.mjs, runs
// `runTextChecks` and prints `N passed, M failed` (exit 1 on failures).
// Hook into the main run: `import { runTextChecks } from './text/run.mjs'`
// and call it with a launched driver, a Report and a pages server (see the
// bottom of this file), or run this file after tests/e2e/run.mjs.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AXE_PATH, poll, sleep } from '../lib/checks.mjs';
import { runTextSession } from './session.mjs';
/** @typedef {import('../lib/report.mjs').Report} Report */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const ARTIFACTS = join(HERE, '../artifacts/text'); // git-ignored (/tests/e2e/artifacts)

/** Page-world view of the shield: host attributes and whether it covers the viewport. */
const READ_SHIELD = () => {
  const h = /** @type {HTMLElement | null} */ (document.querySelector('lachan-shield'));
  if (!h) return null;
  const pts = [[innerWidth / 2, innerHeight / 2], [5, 5], [innerWidth - 5, innerHeight - 5]];
  return {
    kind: h.dataset.kind,
    category: h.dataset.category,
    covers: pts.every(([x, y]) => document.elementFromPoint(x, y) === h),
    underHtml: h.parentNode === document.documentElement,
    blur: /blur/.test(getComputedStyle(h).backdropFilter || getComputedStyle(h).getPropertyValue('-webkit-backdrop-filter'))
      && /blur/.test(getComputedStyle(document.body).filter),
    // A closed shadow root is invisible to the page.
    shadowHidden: h.shadowRoot === null,
    count: document.querySelectorAll('lachan-shield').length,
  };
};

/**
 * Every text check against one launched browser.
 * @param {{driver: import('../lib/checks.mjs').Driver, report: Report, port: number, big?: boolean, artifacts?: string,
 *   hits?: {host: string, path: string}[]}} o  hits: the pages server's request log (to prove a stopped search never left)
 */
export async function runTextChecks({ driver: d, report, port, big = true, artifacts = ARTIFACTS, hits }) {
  const b = d.name;
  const url = (/** @type {string} */ path, host = 'text.test') => `http://${host}:${port}${path}`;
  mkdirSync(artifacts, { recursive: true });

  /** Opens `path` in a fresh page and returns it. @param {string} path @param {string} [host] */
  async function open(path, host) {
    const page = await d.newPage();
    await d.navigate(page, url(path, host));
    await poll(async () => (await d.href(page)).includes(path) && d.evaluate(page, () => document.readyState === 'complete'), `${path} loaded`);
    return page;
  }
  /** @param {any} page @param {number} [timeout] */
  const shieldOf = (page, timeout = 8000) => poll(() => d.evaluate(page, READ_SHIELD), 'the shield', timeout);
  /** @param {any} page @param {number} ms */
  async function noShield(page, ms) {
    await sleep(ms);
    const s = await d.evaluate(page, READ_SHIELD);
    if (s) throw new Error(`a shield appeared: ${JSON.stringify(s)}`);
  }
  /** @param {any} s @param {string} kind @param {string} category */
  function expectShield(s, kind, category) {
    if (s.kind !== kind || s.category !== category) throw new Error(`shield ${s.kind}/${s.category}, expected ${kind}/${category}`);
    if (!s.covers) throw new Error('the shield does not cover the viewport (elementFromPoint)');
    if (!s.underHtml || !s.shadowHidden || !s.blur) throw new Error(`shield state ${JSON.stringify(s)}`);
  }

  // ---- page text ---------------------------------------------------------------
  for (const [path, what] of [['/gambling-vi', 'with diacritics'], ['/gambling-novi', 'without diacritics']]) {
    await report.check(b, `overlay: Vietnamese gambling page ${what}`, async () => {
      const page = await open(path);
      const t0 = Date.now();
      const s = await shieldOf(page);
      expectShield(s, 'warn', 'gambling');
      if (path === '/gambling-vi') await d.screenshot(page, join(artifacts, `${b}-overlay-gambling.png`)).catch(() => {});
      await d.close(page);
      return `warn/gambling, covers the viewport, closed shadow root, backdrop blur (${Date.now() - t0} ms after load)`;
    });
  }

  if (b !== 'chromium') {
    // WebDriver BiDi has no way into a closed shadow root: the Firefox run checks the
    // shield by its effects (covers, blur, Go back by keyboard) and by its screenshot.
    report.skip(b, 'overlay: content (kind words, category, tip, 111)', 'no DOM access into closed shadow roots over BiDi; see tests/e2e/artifacts/text/firefox-overlay-*.png');
  } else await report.check(b, 'overlay: content (kind words, category, tip, 111)', async () => {
    const page = await open('/gambling-vi');
    await shieldOf(page);
    const cdp = await page.context().newCDPSession(page);
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    /** @type {string[]} */ const texts = [];
    /** @type {string[][]} */ const attrs = [];
    let closed = 0;
    (function walk(/** @type {any} */ n) {
      if (n.nodeType === 3) texts.push(n.nodeValue);
      if (n.attributes) attrs.push(n.attributes);
      if (n.shadowRootType === 'closed') closed++;
      for (const c of [...(n.children ?? []), ...(n.shadowRoots ?? [])]) walk(c);
    })(root);
    await cdp.detach();
    const all = texts.join(' | ');
    const need = ['Cờ bạc', '111', 'Quay lại'];
    const en = ['Gambling', '111', 'Go back'];
    const lang = all.includes('Quay lại') ? 'vi' : 'en';
    for (const w of lang === 'vi' ? need : en) if (!all.includes(w)) throw new Error(`"${w}" not in the shield (${all.slice(-300)})`);
    const tel = attrs.some((a) => a.includes('href') && a[a.indexOf('href') + 1] === 'tel:111');
    if (!tel) throw new Error('no tel:111 link in the shield');
    if (!closed) throw new Error('no closed shadow root');
    await d.close(page);
    return `${lang} text, category name, tel:111, closed shadow root`;
  });

  await report.check(b, 'no overlay: sex-education / child-protection news page', async () => {
    const page = await open('/sex-ed');
    await noShield(page, 2500);
    await d.close(page);
    return 'no shield after 2.5 s';
  });

  await report.check(b, 'page context: a news site\'s article on gambling\'s harm is not covered; the same words elsewhere, or off its article, are', async () => {
    const page = await open('/reportage', 'bao.test');
    await noShield(page, 2500);
    await d.close(page);
    const other = await open('/reportage', 'text.test');
    expectShield(await shieldOf(other), 'warn', 'gambling');
    await d.close(other);
    const plain = await open('/reportage-plain', 'bao.test');
    expectShield(await shieldOf(plain), 'warn', 'gambling');
    await d.close(plain);
    return 'article on bao.test: no shield after 2.5 s; same article on text.test and the page without article markup on bao.test: gambling shield';
  });

  await report.check(b, 'comment page: only the insulting comments are masked (hidden at 6-10), the page is not covered, a comment loaded later too', async () => {
    const page = await open('/comments', 'video.test');
    const want = ['c2', 'c4', 'c7'];
    /** @type {any} */
    let got = null;
    await poll(async () => {
      got = await d.evaluate(page, () => ({
        masked: [...document.querySelectorAll('[data-lachan-masked]')].map((e) => `${e.id}:${e.getAttribute('data-lachan-masked')}`),
        shown: [...document.querySelectorAll('.comment')].filter((e) => getComputedStyle(e).display !== 'none').map((e) => e.id),
        notes: document.querySelectorAll('lachan-post').length,
      }));
      return got.masked.length >= want.length;
    }, 'three masked comments', 8000).catch(() => {});
    if (!got) throw new Error('could not read the page');
    const masked = got.masked.map((/** @type {string} */ m) => m.split(':')[0]).sort();
    if (masked.join() !== want.join()) throw new Error(`masked ${got.masked.join(', ') || 'nothing'}; expected ${want.join(', ')}`);
    if (got.masked.some((/** @type {string} */ m) => !m.endsWith(':hidden'))) throw new Error(`not hidden at 6-10: ${got.masked.join(', ')}`);
    if (got.shown.join() !== 'c1,c3,c5,c6') throw new Error(`visible comments ${got.shown.join()}`);
    if (got.notes !== 3) throw new Error(`${got.notes} notes in place of the hidden comments`);
    await noShield(page, 1000);
    await d.close(page);
    return `masked ${got.masked.join(', ')}; visible ${got.shown.join(', ')}; ${got.notes} notes; no shield`;
  });

  await report.check(b, 'no overlay: gambling text only in display:none, <template> and <script>', async () => {
    const page = await open('/hidden');
    await noShield(page, 2000);
    await d.close(page);
    return 'no shield after 2 s';
  });

  await report.check(b, 'overlay: text added by a page script later (MutationObserver)', async () => {
    const page = await open('/dynamic');
    const s = await shieldOf(page);
    expectShield(s, 'warn', 'gambling');
    await d.close(page);
    return 'shield after the DOM change';
  });

  await report.check(b, 'support overlay: self-harm page (kind words + 111, not a wall)', async () => {
    const page = await open('/self-harm');
    const s = await shieldOf(page);
    expectShield(s, 'support', 'self_harm');
    await d.screenshot(page, join(artifacts, `${b}-overlay-support.png`)).catch(() => {});
    await d.close(page);
    return 'support kind';
  });

  await report.check(b, 'overlay survives removal and tampering by a page script', async () => {
    const page = await open('/gambling-vi');
    await shieldOf(page);
    const steps = [
      () => document.querySelector('lachan-shield')?.remove(),
      () => { const h = /** @type {HTMLElement} */ (document.querySelector('lachan-shield')); h.style.display = 'none'; },
      () => { const h = /** @type {HTMLElement} */ (document.querySelector('lachan-shield')); document.body.append(h); },
      () => { document.documentElement.replaceChildren(document.head, document.body); },
      () => { document.body.style.filter = 'none'; },
    ];
    const out = [];
    for (const step of steps) {
      await d.evaluate(page, step);
      const t0 = Date.now();
      const s = await poll(async () => {
        const v = await d.evaluate(page, READ_SHIELD);
        return v && v.covers && v.underHtml && v.blur && v.count === 1 ? v : null;
      }, 'the shield back', 3000);
      expectShield(s, 'warn', 'gambling');
      out.push(`${Date.now() - t0} ms`);
    }
    await d.close(page);
    return `removed / display:none / moved / replaceChildren / body filter removed: back after ${out.join(', ')}`;
  });

  await report.check(b, '"Go back" on the overlay returns to the previous page', async () => {
    const page = await open('/news');
    await d.navigate(page, url('/gambling-vi'));
    await poll(async () => (await d.href(page)).includes('/gambling-vi'), 'the gambling page');
    await shieldOf(page);
    await page.keyboard.press('Enter'); // "Go back" has the focus
    const href = await poll(async () => { const h = await d.href(page); return h.endsWith('/news') ? h : null; }, 'back on /news');
    await d.close(page);
    return `Enter on the focused "Go back" → ${href.replace(String(port), 'PORT')}`;
  });

  await report.check(b, '"Go back" with no page to go back to leaves the page', async () => {
    const page = await open('/gambling-novi');
    await shieldOf(page);
    await page.keyboard.press('Enter');
    const href = await poll(async () => { const h = await d.href(page).catch(() => ''); return h && !h.includes('/gambling-novi') ? h : null; }, 'left the page');
    await d.close(page);
    return `→ ${href.replace(d.extBase, 'EXT/')}`;
  });

  // ---- typing guard --------------------------------------------------------------
  await report.check(b, 'typing guard: phone number in a textarea → reminder, nothing blocked', async () => {
    const page = await open('/chat');
    await page.focus('#msg');
    await page.keyboard.type('hôm nay vui quá ');
    await sleep(700);
    if (await d.evaluate(page, () => document.querySelector('lachan-reminder'))) throw new Error('reminder for harmless text');
    await page.keyboard.type('số mình là 0912 345 678');
    const kinds = await poll(() => d.evaluate(page, () => /** @type {HTMLElement | null} */ (document.querySelector('lachan-reminder'))?.dataset.kinds ?? null), 'the reminder', 5000);
    if (!String(kinds).includes('phone')) throw new Error(`kinds ${kinds}`);
    const value = await d.evaluate(page, () => /** @type {HTMLTextAreaElement} */ (document.querySelector('#msg')).value);
    if (!value.endsWith('0912 345 678')) throw new Error(`the textarea holds ${JSON.stringify(value)}`);
    const shield = await d.evaluate(page, READ_SHIELD);
    if (shield) throw new Error('a shield on the chat page');
    await d.screenshot(page, join(artifacts, `${b}-typing-guard.png`)).catch(() => {});
    await d.close(page);
    return `reminder kinds=${kinds}; the text stays in the box`;
  });

  await report.check(b, 'typing guard: school name in a contenteditable box; not on a form phone field', async () => {
    const page = await open('/chat');
    await page.focus('#tel');
    await page.keyboard.type('0912345678');
    await sleep(800);
    if (await d.evaluate(page, () => document.querySelector('lachan-reminder'))) throw new Error('reminder on a form phone field');
    await page.focus('#post');
    await page.keyboard.type('em học trường THCS Nguyễn Du');
    const kinds = await poll(() => d.evaluate(page, () => /** @type {HTMLElement | null} */ (document.querySelector('lachan-reminder'))?.dataset.kinds ?? null), 'the reminder', 5000);
    if (!String(kinds).includes('school')) throw new Error(`kinds ${kinds}`);
    await d.close(page);
    return `no reminder on input[name=phone]; contenteditable → kinds=${kinds}`;
  });

  // ---- search ----------------------------------------------------------------------
  // Real engine hosts with the server's port: the worker decides on the URL
  // before any request (Firefox: blocking webRequest; Chromium:
  // onBeforeNavigate), so it does not matter whether the host resolves.
  const searches = [
    ['google', `http://www.google.com:${port}/search?q=${encodeURIComponent('nhà cái uy tín cá cược bóng đá')}`, 'warning', 'gambling'],
    ['bing', `http://www.bing.com:${port}/search?q=${encodeURIComponent('cách tự tử không đau')}`, 'support', 'self_harm'],
    ['duckduckgo', `http://duckduckgo.com:${port}/?q=${encodeURIComponent('nha cai uy tin')}`, 'warning', 'gambling'],
    ['coccoc', `http://coccoc.com:${port}/search?query=${encodeURIComponent('game bài đổi thưởng nổ hũ')}`, 'warning', 'gambling'],
    ['youtube', `http://www.youtube.com:${port}/results?search_query=${encodeURIComponent('cach tu tu')}`, 'support', 'self_harm'],
  ];
  for (const [engine, u, want, category] of searches) {
    await report.check(b, `search: ${engine} ${want === 'support' ? 'self-harm query → support page' : 'gambling query → warning page'}`, async () => {
      const page = await d.newPage();
      const mark = hits?.length ?? 0;
      await d.navigate(page, u);
      const href = await poll(async () => {
        const h = await d.href(page).catch(() => '');
        return h.startsWith(d.extBase) ? h : null;
      }, 'an extension page', 10_000);
      const p = new URL(href);
      if (want === 'support') {
        if (!p.pathname.endsWith('/support.html')) throw new Error(`went to ${p.pathname}, expected support.html`);
        const s = await poll(() => d.evaluate(page, () => document.body?.dataset.ready === 'true' && ({
          tel: !!document.querySelector('a[href="tel:111"][data-testid="call-111"]'),
          h1: document.querySelector('[data-testid="support-heading"]')?.textContent ?? '',
          back: !!document.querySelector('#go-back'),
          noQuery: !location.href.includes('t%E1%BB%AD') && !location.href.includes('tu+tu') && !location.href.includes('tu%20tu'),
        })), 'support page ready');
        if (!s.tel || !s.h1 || !s.back || !s.noQuery) throw new Error(`support page ${JSON.stringify(s)}`);
        let axe = '';
        if (engine === 'bing') {
          await d.screenshot(page, join(artifacts, `${b}-support-page.png`)).catch(() => {});
          // axe-core through evaluate (the extension page's CSP refuses a script tag).
          const r = JSON.parse(await d.evaluate(page, `${readFileSync(AXE_PATH, 'utf8')}\n;(async () => { const r = await axe.run(document); `
            + 'return JSON.stringify({ passes: r.passes.length, v: r.violations.map((v) => ({ id: v.id, impact: v.impact })) }); })()'));
          const bad = r.v.filter((/** @type {any} */ v) => v.impact === 'serious' || v.impact === 'critical');
          if (bad.length) throw new Error(`axe: ${JSON.stringify(bad)}`);
          axe = `; axe-core: ${r.passes} rules passed, ${r.v.length} minor/moderate`;
        }
        await d.close(page);
        return `support.html: "${s.h1}", tel:111, Go back; the query is not in its URL${axe}`;
      }
      if (!p.pathname.endsWith('/warning.html')) throw new Error(`went to ${p.pathname}, expected warning.html`);
      if (p.searchParams.get('a') !== 'block' || p.searchParams.get('c') !== category) throw new Error(`a=${p.searchParams.get('a')} c=${p.searchParams.get('c')}`);
      await d.close(page);
      // Firefox resolves every host to the test server: count what reached it.
      const reached = b === 'firefox' && hits ? hits.slice(mark).filter((h) => u.includes(h.path) && h.path.length > 2).length : null;
      if (reached) throw new Error(`${reached} request(s) for the stopped search reached the server`);
      return `warning.html a=block c=${category}${reached === 0 ? '; 0 requests reached the server' : ''}`;
    });
  }
  if (b === 'firefox') {
    // (youtube.com is HSTS-preloaded in Firefox, so its http test page cannot load; google.com's can.)
    await report.check(b, 'search: in-page search (history.pushState, as YouTube does) → support page', async () => {
      const page = await d.newPage();
      await d.navigate(page, `http://www.google.com:${port}/`);
      await poll(async () => (await d.href(page)).startsWith(`http://www.google.com:${port}/`)
        && d.evaluate(page, () => document.readyState === 'complete'), 'the google.com test page');
      await d.evaluate(page, () => history.pushState({}, '', '/search?q=c%C3%A1ch+t%E1%BB%B1+t%E1%BB%AD'));
      const href = await poll(async () => { const h = await d.href(page).catch(() => ''); return h.startsWith(d.extBase) ? h : null; }, 'support.html');
      if (!href.includes('/support.html')) throw new Error(`went to ${href}`);
      await d.close(page);
      return 'webNavigation.onHistoryStateUpdated → support.html';
    });
  } else {
    report.skip(b, 'search: in-page search (history.pushState)', 'tests/e2e/lib/chromium.mjs maps only *.test hosts, so no search-engine page can load here');
  }
  for (const [engine, u] of [
    ['google', `http://www.google.com:${port}/search?q=${encodeURIComponent('bài tập toán lớp 5')}`],
    ['google', `http://www.google.com:${port}/search?q=${encodeURIComponent('giáo dục giới tính cho trẻ em')}`],
  ]) {
    await report.check(b, `search: harmless ${engine} query is not stopped (${decodeURIComponent(u.split('q=')[1])})`, async () => {
      const page = await d.newPage();
      await d.navigate(page, u);
      await sleep(1500);
      const h = await d.href(page).catch(() => '');
      if (h.startsWith(d.extBase)) throw new Error(`stopped: ${h}`);
      await d.close(page);
      return `stays off the extension pages (${h.slice(0, 40) || 'no document'})`;
    });
  }

  // ---- cost on a 5 MB page ---------------------------------------------------------
  if (big) {
    await report.check(b, 'cost: 5 MB page, gambling ad in the last paragraph → overlay', async () => {
      const before = await d.stats();
      const page = await d.newPage();
      const t0 = Date.now();
      await d.navigate(page, url('/big?mb=5&harm=1'));
      await poll(async () => (await d.href(page)).includes('/big'), 'the big page');
      const loaded = await poll(() => d.evaluate(page, () => document.readyState === 'complete' && performance.now()), 'load', 30_000);
      await shieldOf(page, 60_000);
      const shownMs = Date.now() - t0;
      const info = await d.evaluate(page, () => ({
        html: document.documentElement.outerHTML.length,
        text: document.body.innerText.length,
        elements: document.getElementsByTagName('*').length,
        longtasks: /** @type {any} */ (window).__longtasks ?? [],
        loadMs: performance.getEntriesByType('navigation')[0]?.duration ?? 0,
      }));
      const after = await d.stats();
      const perf = after.textPerf ?? {};
      const workerMs = after.textMs - before.textMs;
      const lt = info.longtasks;
      const ltMax = lt.length ? Math.max(...lt.map((/** @type {any} */ x) => x.ms)) : 0;
      const fig = {
        htmlMB: +(info.html / 1048576).toFixed(2), textMB: +(info.text / 1048576).toFixed(2), elements: info.elements,
        loadMs: Math.round(info.loadMs), overlayAfterNavMs: shownMs,
        scanMs: Math.round(perf.scanMs), slices: perf.slices, maxSliceMs: +Number(perf.maxSliceMs).toFixed(1),
        batches: perf.batches, sentMB: +(perf.chars / 1048576).toFixed(2), nodes: perf.nodes,
        workerScoreMs: Math.round(workerMs), workerChecks: after.textChecks - before.textChecks,
        longTasks: b === 'chromium' ? `${lt.length} (max ${Math.round(ltMax)} ms, incl. the page's own parse/layout)` : 'n/a (Firefox has no longtask entries)',
      };
      report.figure(b, 'big page', fig);
      await d.close(page);
      void loaded;
      return JSON.stringify(fig);
    }, 90_000);
  }
}

// ---- standalone --------------------------------------------------------------------
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: opt } = parseArgs({ options: { browser: { type: 'string', default: 'all' }, 'no-big': { type: 'boolean', default: false },
    lang: { type: 'string', default: 'vi' }, 'skip-wasm-build': { type: 'boolean', default: false } } });
  const lang = opt.lang === 'en' ? 'en' : 'vi';
  const want = (/** @type {string} */ x) => opt.browser === 'all' || opt.browser === x;
  await runTextSession({
    root: ROOT, title: 'text e2e', artifacts: ARTIFACTS, skipWasm: Boolean(opt['skip-wasm-build']), lang, want,
    checks: (driver, report, server) => runTextChecks({ driver, report, port: server.port, big: !opt['no-big'], hits: server.hits }),
  });
}
