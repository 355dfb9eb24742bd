#!/usr/bin/env node
// Lá Chắn browser e2e for image-hash matching and the report flow:
//
//   node tests/e2e/images/run.mjs [--browser chromium|firefox|all] [--skip-wasm-build]
//
// Needs ../shared/data/pdq (the public PDQ test images; read at test time,
// never copied into the repository), the lachan CLI (built if missing), and
// the e2e node modules (`cd tests/e2e && npm ci`). Steps:
//   1. Test registry in target/e2e-images/registry/: the e2e fixture lists
//      plus hashes/test-vectors.txt = crate/pdq/testdata/pdq-vectors.txt
//      WITHOUT labelme q2821 (our "unlisted" picture). Bundle + extension
//      into target/e2e-images/list/; a second build from the plain fixture
//      bundle (no hash list) into target/e2e-images/nolist/.
//   2. A local server (this file) for the test pages and the images; every
//      *.test host lands on it, and it counts every request.
//   3. Chromium (playwright-core) and Firefox ESR (puppeteer-core), reusing
//      tests/e2e/lib/{chromium,firefox}.mjs: listed images hidden with the
//      in-page note, unlisted and small ones shown, the report flow on the
//      warning page / report.html / popup, no request leaving during it,
//      and no work at all without a list.
// Prints one line per check, the figures, then `N passed, M failed`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from '../lib/chromium.mjs';
import { launchFirefox } from '../lib/firefox.mjs';
import { Report } from '../lib/report.mjs';
import { AXE_PATH, poll as pollWithin, sleep } from '../lib/checks.mjs';

const AXE_SRC = readFileSync(AXE_PATH, 'utf8');
/** axe-core on a page (evaluated with its source: extension pages refuse script tags).
 * @param {import('../lib/checks.mjs').Driver} d @param {any} page @returns {Promise<{passes: number, v: {id: string, impact: string, n: number}[]}>} */
async function axe(d, page) {
  return JSON.parse(await d.evaluate(page, `${AXE_SRC}\n;(async () => { const r = await axe.run(document); `
    + `return JSON.stringify({ passes: r.passes.length, v: r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length })) }); })()`));
}
/** @param {{passes: number, v: {id: string, impact: string, n: number}[]}} out */
function axeVerdict(out) {
  if (!out.passes) throw new Error('axe ran no passing rule');
  const bad = out.v.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) throw new Error(`axe: ${bad.map((v) => `${v.id}:${v.impact}×${v.n}`).join(', ')}`);
  return `axe ${out.passes} rules passed, minor/moderate: ${out.v.map((v) => `${v.id}:${v.impact}`).join(', ') || 'none'}`;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const DATA = resolve(process.env.LACHAN_PDQ_DATA ?? join(ROOT, '../shared/data/pdq'));
const OUT = join(ROOT, 'target/e2e-images');
const ARTIFACTS = join(HERE, '../artifacts');

const { values: opt } = parseArgs({
  options: { browser: { type: 'string', default: 'all' }, 'skip-wasm-build': { type: 'boolean', default: false } },
});
const want = (/** @type {string} */ b) => opt.browser === 'all' || opt.browser === b;
/** Polls `fn` until truthy; images take longer to settle than pages. @template T @param {() => Promise<T>} fn @param {string} what @returns {Promise<T>} */
const poll = (fn, what, timeout = 15_000) => pollWithin(fn, what, timeout);

// ---- 1. build ---------------------------------------------------------------
const LISTED = 'bridge-mods/aaa-orig.jpg';
const ROTATED = 'reg-test-input/dih/bridge-2-rotate-90.jpg';
const UNLISTED = 'reg-test-input/labelme-subset/q2821.jpg';
const UNLISTED2 = 'reg-test-input/pen-and-coaster.png';
const TINY = 'misc-images/wee.jpg'; // listed hash, but 34×42: under the size threshold

/** @param {string} cmd @param {string[]} args */
function run(cmd, args) {
  const t0 = performance.now();
  const out = execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  console.log(`$ ${cmd} ${args.join(' ')}\n  ${out.trim().split('\n').pop()} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return out;
}

function build() {
  if (!existsSync(join(DATA, LISTED))) throw new Error(`PDQ test images not found in ${DATA} (set LACHAN_PDQ_DATA)`);
  const cli = join(ROOT, 'target/release/lachan');
  if (!existsSync(cli)) run('cargo', ['build', '--quiet', '--release', '--bin', 'lachan']);
  const reg = join(OUT, 'registry');
  rmSync(reg, { recursive: true, force: true });
  mkdirSync(join(reg, 'hashes'), { recursive: true });
  cpSync(join(ROOT, 'tests/e2e/fixtures/lists'), join(reg, 'lists'), { recursive: true });
  // The fixture registry, with its relative paths to lists/ made absolute.
  const registry = readFileSync(join(ROOT, 'tests/e2e/fixtures/registry.toml'), 'utf8')
    .replaceAll('"../../../lists/', `"${join(ROOT, 'lists')}/`);
  writeFileSync(join(reg, 'registry.toml'), registry);
  // The benign test list, without the picture that must stay unlisted.
  const vectors = readFileSync(join(ROOT, 'crate/pdq/testdata/pdq-vectors.txt'), 'utf8').split('\n')
    .filter((l) => !l.includes('q2821')).join('\n');
  writeFileSync(join(reg, 'hashes/test-vectors.txt'), vectors);
  run(cli, ['build', '--quiet', '--offline', '--strict', '--registry', join(reg, 'registry.toml'), '--out', join(OUT, 'list.lcb')]);
  // The same lists without hashes/ (the default: no image work).
  const plain = join(OUT, 'registry-plain');
  rmSync(plain, { recursive: true, force: true });
  mkdirSync(plain, { recursive: true });
  cpSync(join(reg, 'lists'), join(plain, 'lists'), { recursive: true });
  writeFileSync(join(plain, 'registry.toml'), registry);
  run(cli, ['build', '--quiet', '--offline', '--strict', '--registry', join(plain, 'registry.toml'), '--out', join(OUT, 'nolist.lcb')]);
  const skip = opt['skip-wasm-build'] ? ['--skip-wasm-build'] : [];
  run('node', [join(ROOT, 'extension/build.mjs'), '--bundle', join(OUT, 'list.lcb'), '--out', join(OUT, 'list'), ...skip]);
  run('node', [join(ROOT, 'extension/build.mjs'), '--bundle', join(OUT, 'nolist.lcb'), '--out', join(OUT, 'nolist'), '--skip-wasm-build']);
  return JSON.parse(readFileSync(join(ROOT, 'extension/ids.json'), 'utf8'));
}

// ---- 2. server ----------------------------------------------------------------
/** @typedef {{host: string, path: string, time: number}} Hit */
/** @type {Hit[]} */
const hits = [];
let PORT = 0;
const TYPES = /** @type {Record<string, string>} */ ({ '.jpg': 'image/jpeg', '.png': 'image/png' });
const esc = (/** @type {string} */ s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** `load` handlers record whether the picture was already hidden when it loaded. */
const PROBE = `<script>window.__vis = {}; function probe(img) { window.__vis[img.id] = getComputedStyle(img).visibility; }</script>`;

/** @param {string} path */
function testPage(path) {
  const cdn = `http://img-cdn.test:${PORT}`;
  const img = (/** @type {string} */ id, /** @type {string} */ src, /** @type {string} */ size) =>
    `<img id="${id}" src="${esc(src)}" ${size} alt="${id}" onload="probe(this)">`;
  if (path === '/page.html') {
    return `<!doctype html><html lang="en"><head><title>images</title>${PROBE}</head><body>
<h1 id="marker">image test page</h1>
<p>${img('listed', `/img/${LISTED}`, 'width="320" height="201"')}</p>
<p>${img('rotated', `${cdn}/img/${ROTATED}`, 'width="201" height="320"')}</p>
<p>${img('unlisted', `/img/${UNLISTED}`, 'width="256" height="256"')}</p>
<p>${img('unlisted2', `${cdn}/img/${UNLISTED2}`, 'width="231" height="184"')}</p>
<p>${img('tiny', `/img/${TINY}`, '')}</p>
<p>${img('thumb', `/img/${LISTED}?thumb`, 'width="48" height="30"')}</p>
</body></html>`;
  }
  if (path === '/many.html') {
    // 24 distinct unlisted pictures (distinct URLs): the budget at work.
    const imgs = Array.from({ length: 24 }, (_, i) => img(`m${i}`, `${i % 2 ? cdn : ''}/img/${i % 3 ? UNLISTED : UNLISTED2}?n=${i}`,
      'width="160" height="160"')).join('\n');
    return `<!doctype html><html lang="en"><head><title>many</title>${PROBE}</head><body><h1>many</h1>${imgs}</body></html>`;
  }
  return `<!doctype html><html lang="en"><head><title>ok</title></head><body><h1 id="marker">LACHAN-TEST-PAGE</h1></body></html>`;
}

const server = createServer((req, res) => {
  const host = (req.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  hits.push({ host, path: req.url ?? '/', time: Date.now() });
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname.startsWith('/img/')) {
    const rel = decodeURIComponent(url.pathname.slice(5));
    const file = resolve(DATA, rel);
    if (!file.startsWith(`${DATA}/`) || !existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'public, max-age=3600' });
    res.end(readFileSync(file));
    return;
  }
  if (url.pathname === '/favicon.ico') { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(testPage(url.pathname));
});

// ---- 3. checks ----------------------------------------------------------------
const report = new Report();

/** Runs `fn(arg)` on an extension page (reached as a child reaches it: a
 * blocked URL lands on warning.html), e.g. to message the background.
 * @param {import('../lib/checks.mjs').Driver} d @param {Function} fn @param {any} [arg] */
async function inExtension(d, fn, arg) {
  const page = await d.newPage();
  try {
    await d.navigate(page, `http://adult-site.test:${PORT}/__ext`);
    await poll(async () => (await d.href(page)).startsWith(d.extBase), 'the warning page');
    await poll(() => d.evaluate(page, () => document.body?.dataset.ready === 'true'), 'warning page ready');
    return await d.evaluate(page, fn, arg);
  } finally {
    await d.close(page);
  }
}

/** @param {import('../lib/checks.mjs').Driver} d */
const imageStats = (d) => inExtension(d, () => (/** @type {any} */ (globalThis).browser ?? chrome).runtime.sendMessage({ type: 'imageStats' }));

/** Reads the test page's image states and the in-page note. */
const READ_PAGE = () => {
  /** @type {Record<string, any>} */
  const imgs = {};
  for (const img of /** @type {NodeListOf<HTMLImageElement>} */ (document.querySelectorAll('img'))) {
    imgs[img.id] = { state: img.getAttribute('data-lachan-img'), visibility: getComputedStyle(img).visibility,
      atLoad: /** @type {any} */ (window).__vis?.[img.id] ?? null, waitMs: img.dataset.lachanWaitMs ?? null,
      ms: img.dataset.lachanMs ?? null, hash: img.dataset.lachanHash ?? null, natural: `${img.naturalWidth}x${img.naturalHeight}` };
  }
  const host = document.querySelector('[data-lachan-warning]');
  const root = host?.shadowRoot;
  const q = (/** @type {string} */ s) => root?.querySelector(s);
  return {
    imgs,
    note: root ? {
      title: q('[data-testid=image-warning-title]')?.textContent ?? '',
      call: q('[data-testid=image-call-111]')?.getAttribute('href') ?? '',
      channels: [...(root.querySelectorAll('[data-testid=image-channels] li') ?? [])].map((li) => /** @type {HTMLElement} */ (li).dataset.testid),
      report: Boolean(q('[data-testid=image-report]')),
      count: q('[data-testid=image-count]')?.textContent ?? '',
    } : null,
  };
};

/** Reads a report flow (warning page, report.html, popup). */
const READ_REPORT = () => {
  const box = /** @type {HTMLTextAreaElement | null} */ (document.querySelector('[data-testid=report-text]'));
  const status = /** @type {HTMLElement | null} */ (document.querySelector('[data-testid=report-status]'));
  return {
    text: box?.value ?? null,
    copied: status?.dataset.copied ?? null,
    call: document.querySelector('[data-testid=report-call]')?.getAttribute('href') ?? null,
    channels: [...document.querySelectorAll('[data-testid=report-channels] li')].map((li) => ({
      id: /** @type {HTMLElement} */ (li).dataset.testid, link: li.querySelector('a')?.getAttribute('href') ?? null })),
    lang: document.documentElement.lang,
  };
};

/** The web requests a page makes (http/https only; extension resources excluded).
 * @param {any} page */
function watchRequests(page) {
  /** @type {string[]} */
  const seen = [];
  page.on('request', (/** @type {any} */ r) => { const u = r.url(); if (/^https?:/i.test(u)) seen.push(u); });
  return seen;
}

/** Checks the channels of a report flow: website linked, Zalo and vn-cop by name only.
 * @param {ReturnType<typeof READ_REPORT>} r */
function checkChannels(r) {
  const byId = Object.fromEntries(r.channels.map((c) => [c.id, c.link]));
  if (byId['report-web-111'] !== 'https://tongdai111.vn/') throw new Error(`website channel ${JSON.stringify(byId)}`);
  if (!('report-zalo-111' in byId) || byId['report-zalo-111'] !== null) throw new Error(`zalo must be a name only: ${JSON.stringify(byId)}`);
  if (!('report-vn-cop' in byId) || byId['report-vn-cop'] !== null) throw new Error(`vn-cop must be a name only: ${JSON.stringify(byId)}`);
  if (r.call !== 'tel:111') throw new Error(`call link ${r.call}`);
}

/** The new tab whose URL starts with `prefix` (report.html, popup.html).
 * @param {import('../lib/checks.mjs').Driver} d @param {any} opener @param {string} prefix */
async function findTab(d, opener, prefix) {
  const pages = () => (d.name === 'chromium' ? opener.context().pages() : opener.browser().pages());
  return poll(async () => {
    for (const p of await pages()) {
      const href = await d.evaluate(p, () => location.href).catch(() => '');
      if (href.startsWith(prefix)) return p;
    }
    return null;
  }, `a tab at ${prefix}`);
}

/** @param {import('../lib/checks.mjs').Driver} d @param {string} b */
async function checksWithList(d, b) {
  const P = PORT;
  let stats0 = /** @type {any} */ (null);
  await report.check(b, 'image script registered (bundle has a hash list)', async () => {
    stats0 = await poll(async () => { const s = await imageStats(d); return s?.registered ? s : null; }, 'registration');
    if (stats0.listHashes !== 14) throw new Error(`listHashes ${stats0.listHashes}, expected 14`);
    return `${stats0.listHashes} hashes in the bundle`;
  });

  let page = /** @type {any} */ (null);
  let state = /** @type {any} */ (null);
  const mark = hits.length;
  await report.check(b, 'listed image hidden, rotated listed image hidden, unlisted shown', async () => {
    page = await d.newPage();
    await d.navigate(page, `http://img-page.test:${P}/page.html`);
    let seen = /** @type {any} */ (null);
    state = await poll(async () => {
      const s = seen = await d.evaluate(page, READ_PAGE);
      const done = ['listed', 'rotated', 'unlisted', 'unlisted2', 'tiny'].every((id) => s.imgs[id]?.state);
      return done ? s : null;
    }, 'every image classified', 20_000).catch((e) => {
      throw new Error(`${e.message}; states ${JSON.stringify(Object.fromEntries(Object.entries(seen?.imgs ?? {}).map(([k, v]) => [k, `${v.state}/${v.natural}`])))}`);
    });
    // Lazy: the last picture is below the viewport (+300 px margin), so it waits, unchecked and hidden.
    const lazy = state.imgs.thumb.state === null && state.imgs.thumb.visibility === 'hidden';
    if (!lazy) throw new Error(`the off-screen picture was not left pending: ${JSON.stringify(state.imgs.thumb)}`);
    await d.evaluate(page, () => window.scrollTo(0, document.body.scrollHeight));
    state = await poll(async () => { const s = await d.evaluate(page, READ_PAGE); return s.imgs.thumb.state ? s : null; }, 'the scrolled-to picture');
    const want = { listed: 'blocked', rotated: 'blocked', unlisted: 'ok', unlisted2: 'ok', tiny: 'small', thumb: 'small' };
    const bad = Object.entries(want).filter(([id, s]) => state.imgs[id].state !== s);
    if (bad.length) throw new Error(`states ${JSON.stringify(Object.fromEntries(Object.entries(state.imgs).map(([k, v]) => [k, v.state])))}`);
    for (const id of ['listed', 'rotated']) if (state.imgs[id].visibility !== 'hidden') throw new Error(`${id} is visible`);
    for (const id of ['unlisted', 'unlisted2', 'tiny', 'thumb']) if (state.imgs[id].visibility !== 'visible') throw new Error(`${id} is ${state.imgs[id].visibility}`);
    // Hidden already when the picture finished loading (the CSS rule from document_start).
    for (const id of ['listed', 'rotated']) if (state.imgs[id].atLoad !== 'hidden') throw new Error(`${id} was ${state.imgs[id].atLoad} at its load event`);
    return `listed ${state.imgs.listed.hash?.slice(0, 12)}…, states ${Object.values(state.imgs).map((i) => i.state).join('/')}; `
      + `hidden at load: ${['listed', 'rotated'].map((id) => state.imgs[id].atLoad).join('/')}; off-screen one pending until scrolled to`;
  });

  await report.check(b, 'in-page note: kind words, 111, channels, report offer', async () => {
    if (!state?.note) throw new Error('no in-page note');
    const n = state.note;
    if (!n.title) throw new Error('note has no title');
    if (n.call !== 'tel:111') throw new Error(`call link ${n.call}`);
    if (!n.channels.includes('web-111') || !n.channels.includes('vn-cop')) throw new Error(`channels ${n.channels}`);
    if (!n.report) throw new Error('no report button');
    if (n.count !== '2') throw new Error(`count ${n.count}`);
    await d.screenshot(page, join(ARTIFACTS, `images-${b}-page.png`)).catch(() => {});
    const a11y = axeVerdict(await axe(d, page));
    return `"${n.title}"; channels ${n.channels.join(',')}; ${n.count} covered; ${a11y}`;
  });

  await report.check(b, 'no third-party request: image re-fetches go to the page\'s own hosts', async () => {
    const mine = hits.slice(mark);
    const hosts = [...new Set(mine.map((h) => h.host))].sort();
    if (hosts.some((h) => !['img-page.test', 'img-cdn.test'].includes(h))) throw new Error(`hosts ${hosts}`);
    const imgHits = mine.filter((h) => h.path.startsWith('/img/'));
    const byPath = /** @type {Record<string, number>} */ ({});
    for (const h of imgHits) byPath[h.path] = (byPath[h.path] ?? 0) + 1;
    const twice = Object.values(byPath).filter((n) => n > 1).length;
    report.figure(b, 'image requests on page.html (page + extension re-fetch)', `${imgHits.length} for ${Object.keys(byPath).length} URLs (${twice} fetched twice)`);
    return `hosts ${hosts.join(', ')}; ${imgHits.length} image requests for ${Object.keys(byPath).length} URLs`;
  });

  await report.check(b, 'report from the in-page note: report.html with the image hash', async () => {
    await d.evaluate(page, () => /** @type {HTMLElement} */ (document.querySelector('[data-lachan-warning]')?.shadowRoot?.querySelector('[data-testid=image-report]')).click());
    const tab = await findTab(d, page, `${d.extBase}report.html`);
    const r = await poll(async () => { const x = await d.evaluate(tab, READ_REPORT); return x.text ? x : null; }, 'report text');
    // Evidence of a hash match never keeps the picture: the address, the time and the hash only.
    const plan = await d.evaluate(tab, () => /** @type {HTMLElement | null} */ (document.querySelector('[data-testid=evidence]'))?.dataset.plan ?? null);
    await d.close(tab);
    if (plan !== 'no-picture') throw new Error(`evidence plan ${plan} for a hash match`);
    const text = /** @type {string} */ (r.text);
    if (text.includes('image_match')) throw new Error(`the category key in ${JSON.stringify(text)}`);
    for (const want of [`http://img-page.test:${P}/page.html`, 'threatexchange-pdq-test-vectors', 'PDQ ']) {
      if (!text.includes(want)) throw new Error(`report lacks ${want}: ${JSON.stringify(text)}`);
    }
    const hash = /PDQ ([0-9a-f]{64})/.exec(text)?.[1];
    if (!hash || ![state.imgs.listed.hash, state.imgs.rotated.hash].includes(hash)) throw new Error(`hash ${hash}`);
    checkChannels(r);
    return `${text.split('\n').length} lines, lang ${r.lang}, ${text.split('\n').find((l) => l.includes('/ '))}`;
  });
  await d.close(page);

  await report.check(b, 'report flow on the warning page: text prepared, copied, no request', async () => {
    const wp = await d.newPage();
    try {
      await d.navigate(wp, `http://adult-site.test:${P}/some/page?x=1`);
      await poll(async () => (await d.href(wp)).startsWith(`${d.extBase}warning.html`), 'warning page');
      await poll(() => d.evaluate(wp, () => document.body?.dataset.ready === 'true'), 'warning ready');
      const seen = watchRequests(wp);
      const before = hits.length;
      // The report for 111 is in the grown-ups' part (the details).
      await d.evaluate(wp, () => { /** @type {HTMLDetailsElement} */ (document.getElementById('grownups')).open = true; });
      await d.click(wp, '#report-page');
      const r0 = await poll(async () => { const x = await d.evaluate(wp, READ_REPORT); return x.text ? x : null; }, 'report text');
      await d.click(wp, '#report-copy');
      const r = await poll(async () => { const x = await d.evaluate(wp, READ_REPORT); return x.copied ? x : null; }, 'copy status');
      // What is on the clipboard (if the browser lets the page read it back;
      // Chromium needs the permission granted to the extension origin).
      if (d.name === 'chromium') {
        await wp.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: d.extBase.replace(/\/$/, '') }).catch(() => {});
        await wp.bringToFront().catch(() => {});
      }
      let clip = await d.evaluate(wp, () => navigator.clipboard.readText().catch((e) => `unreadable: ${e.message}`)).catch((/** @type {Error} */ e) => `unreadable: ${e.message}`);
      if (String(clip).startsWith('unreadable') && d.name === 'chromium') {
        // Paste (a trusted Ctrl+V) into a scratch box instead of reading.
        await d.evaluate(wp, () => { const t = document.createElement('textarea'); t.id = 'paste-probe'; document.body.append(t); t.focus(); });
        await wp.keyboard.press('Control+V');
        const pasted = await d.evaluate(wp, () => { const t = /** @type {HTMLTextAreaElement} */ (document.getElementById('paste-probe')); const v = t.value; t.remove(); return v; });
        if (pasted) clip = pasted;
      }
      await sleep(300);
      const text = /** @type {string} */ (r0.text);
      if (!text.includes(`http://adult-site.test:${P}/some/page?x=1`) || text.includes('(adult)') || !/Nội dung người lớn|Grown-up content/.test(text)) throw new Error(`text ${JSON.stringify(text)}`);
      checkChannels(r);
      if (seen.length) throw new Error(`requests: ${seen.join(', ')}`);
      if (hits.length !== before) throw new Error(`${hits.length - before} requests reached the test server`);
      await d.screenshot(wp, join(ARTIFACTS, `images-${b}-report.png`)).catch(() => {});
      const a11y = axeVerdict(await axe(d, wp));
      if (!String(clip).startsWith('unreadable') && clip !== text) throw new Error(`clipboard holds ${JSON.stringify(String(clip).slice(0, 200))}`);
      const onClip = clip === text ? 'clipboard holds the report' : `clipboard: ${String(clip).slice(0, 120)}`;
      return `copied via ${r.copied}; ${onClip}; 0 requests; ${a11y}`;
    } finally { await d.close(wp); }
  });

  await report.check(b, 'toolbar popup: "Report this page" for the current tab', async () => {
    const web = await d.newPage();
    try {
      await d.navigate(web, `http://img-page.test:${P}/plain.html`);
      await poll(() => d.evaluate(web, () => document.getElementById('marker') !== null), 'plain page');
      const tabId = await inExtension(d, async (/** @type {string} */ u) => {
        const api = /** @type {any} */ (globalThis).browser ?? chrome;
        const tab = (await api.tabs.query({})).find((/** @type {any} */ x) => x.url === u);
        await api.tabs.create({ url: api.runtime.getURL(`popup.html?tabId=${tab.id}`) });
        return tab.id;
      }, `http://img-page.test:${P}/plain.html`);
      const pop = await findTab(d, web, `${d.extBase}popup.html`);
      await poll(() => d.evaluate(pop, () => document.body?.dataset.ready === 'true'), 'popup ready');
      await d.click(pop, '#report-open');
      const r = await poll(async () => { const x = await d.evaluate(pop, READ_REPORT); return x.text ? x : null; }, 'popup report');
      await d.close(pop);
      if (!r.text?.includes(`http://img-page.test:${P}/plain.html`)) throw new Error(`text ${JSON.stringify(r.text)}`);
      checkChannels(r);
      return `tab ${tabId}; ${r.text?.split('\n')[1]}`;
    } finally { await d.close(web); }
  });

  await report.check(b, '24 unlisted pictures: all shown, within the budget', async () => {
    const mp = await d.newPage();
    try {
      const t0 = performance.now();
      await d.navigate(mp, `http://img-page.test:${P}/many.html`);
      const s = await poll(async () => {
        const x = await d.evaluate(mp, READ_PAGE);
        return Object.keys(x.imgs).length === 24 && Object.values(x.imgs).every((i) => i.state) ? x : null;
      }, 'all 24 classified', 30_000);
      const wall = performance.now() - t0;
      const states = Object.values(s.imgs).map((i) => i.state);
      if (states.some((st) => st !== 'ok')) throw new Error(`states ${states.join(',')}`);
      const waits = Object.values(s.imgs).map((i) => Number(i.waitMs)).sort((a, z) => a - z);
      report.figure(b, 'many.html (24 pictures) all shown after', `${Math.round(wall)} ms; hold-back median ${waits[12]} ms, max ${waits[23]} ms`);
      return `${Math.round(wall)} ms to all 24 shown`;
    } finally { await d.close(mp); }
  });

  await report.check(b, 'hashing cost per image (background)', async () => {
    const s = await imageStats(d);
    const r = /** @type {any[]} */ (s.recent);
    if (!r.length) throw new Error('no timings');
    const med = (/** @type {number[]} */ a) => { const x = [...a].sort((p, q) => p - q); return x[Math.floor(x.length / 2)]; };
    /** @type {Record<string, any[]>} */
    const bySize = {};
    for (const x of r) (bySize[x.drawn] ??= []).push(x);
    const rows = Object.entries(bySize).map(([size, xs]) => `${size}: fetch ${med(xs.map((x) => x.fetchMs)).toFixed(1)}, `
      + `decode+draw ${med(xs.map((x) => x.decodeMs)).toFixed(1)}, PDQ+lookup ${med(xs.map((x) => x.hashMs)).toFixed(1)} ms (n=${xs.length})`);
    report.figure(b, 'per image (median)', rows.join(' | '));
    report.figure(b, 'totals', `checked ${s.checked}, matched ${s.matched}, cache hits ${s.cacheHits}, failed ${s.failed}, `
      + `hash ${s.hashMs.toFixed(0)} ms, decode ${s.decodeMs.toFixed(0)} ms, fetch ${s.fetchMs.toFixed(0)} ms`);
    if (s.failed) throw new Error(`${s.failed} checks failed`);
    return rows.join(' | ');
  });
  await report.check(b, 'background stopped, then woken by the page: listed image still hidden', async () => {
    const how = await d.stopWorker();
    const pg = await d.newPage();
    try {
      await d.navigate(pg, `http://img-page.test:${P}/page.html?again`);
      const s = await poll(async () => { const x = await d.evaluate(pg, READ_PAGE); return x.imgs.listed?.state && x.imgs.unlisted?.state ? x : null; }, 'classified after restart');
      if (s.imgs.listed.state !== 'blocked' || s.imgs.unlisted.state !== 'ok') throw new Error(`states ${s.imgs.listed.state}/${s.imgs.unlisted.state}`);
      return `${how}; listed ${s.imgs.listed.state}, unlisted ${s.imgs.unlisted.state} (held back ${s.imgs.unlisted.waitMs} ms)`;
    } finally { await d.close(pg); }
  }, 60_000);
  if (state) {
    report.figure(b, 'unlisted picture held back after load', `${state.imgs.unlisted.waitMs} ms (q2821 256²), ${state.imgs.unlisted2.waitMs} ms (924×735 PNG, cross-origin)`);
  }
}

/** @param {import('../lib/checks.mjs').Driver} d @param {string} b */
async function checksWithoutList(d, b) {
  await report.check(b, 'no hash list: no image script, pictures untouched', async () => {
    const s = await poll(async () => { const x = await imageStats(d); return x?.registered === false ? x : null; }, 'registered=false');
    const page = await d.newPage();
    try {
      const before = hits.length;
      await d.navigate(page, `http://img-page.test:${PORT}/page.html`);
      await poll(() => d.evaluate(page, () => Object.keys(/** @type {any} */ (window).__vis ?? {}).length >= 6), 'images loaded');
      await sleep(500);
      const st = await d.evaluate(page, READ_PAGE);
      const touched = Object.entries(st.imgs).filter(([, i]) => i.state || i.visibility !== 'visible');
      if (touched.length) throw new Error(`touched: ${touched.map(([k]) => k)}`);
      if (st.note) throw new Error('a note appeared');
      const imgHits = hits.slice(before).filter((h) => h.path.startsWith('/img/')).length;
      if (imgHits !== 6) throw new Error(`${imgHits} image requests (the page alone makes 6)`);
      return `listHashes ${s.listHashes}; 6 pictures visible, ${imgHits} image requests (no re-fetch)`;
    } finally { await d.close(page); }
  });
}

// ---- main -----------------------------------------------------------------------
const t0 = performance.now();
let ids;
try {
  ids = build();
} catch (e) {
  console.error(`build failed: ${/** @type {any} */ (e).stderr ?? /** @type {Error} */ (e).message}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
mkdirSync(ARTIFACTS, { recursive: true });
await new Promise((ok) => server.listen(0, '0.0.0.0', () => ok(undefined)));
PORT = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
console.log(`test server on 0.0.0.0:${PORT}; build ${((performance.now() - t0) / 1000).toFixed(1)} s`);

/** @param {string} b @param {string} label @param {() => Promise<any>} launch @param {(d: any) => Promise<void>} body */
async function session(b, label, launch, body) {
  let d = /** @type {any} */ (null);
  const ok = await report.check(b, `launch (${label})`, async () => { d = await launch(); return `${Math.round(d.launchMs)} ms`; });
  if (!ok || !d) return;
  try { await body(d); } finally { await d.shutdown().catch(() => {}); }
}

try {
  for (const b of ['chromium', 'firefox']) {
    if (!want(b)) continue;
    /** @param {string} dir */
    const launch = (dir) => (b === 'chromium'
      ? launchChromium({ extDir: join(OUT, dir, 'chromium'), extensionId: ids.chromium, lang: 'vi' })
      : launchFirefox({ extDir: join(OUT, dir, 'firefox'), geckoId: ids.gecko, port: PORT, lang: 'vi' }));
    await session(b, 'with the test hash list', () => launch('list'), (d) => checksWithList(d, b));
    await session(b, 'without a hash list', () => launch('nolist'), (d) => checksWithoutList(d, b));
  }
} finally {
  server.closeAllConnections?.();
  server.close();
}
report.printTables();
console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(report.summary() ? 1 : 0);
