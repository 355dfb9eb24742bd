#!/usr/bin/env node
// Lá Chắn browser e2e for the first run: the welcome page belongs to the grown-up.
//
//   node tests/e2e/welcome/run.mjs [--browser chromium|firefox|all] [--lang vi|en] [--skip-wasm-build]
//
// In headless Chromium and Firefox ESR, each with a fresh profile (a real
// install), with the e2e fixture bundle built into target/e2e-welcome/:
//   the install opens welcome.html in a tab by itself, in the browser's
//   language; before a PIN exists, pause, approvals, always-allow, allow
//   lists, weaker categories and an older band are refused by the background
//   even with a live unlock token, the child's request stays waiting and a
//   listed site stays blocked; the popup says a grown-up needs to finish the
//   setup and its button opens the welcome page; the options page shows only
//   the PIN setup; a school that closes the options page gets the school's
//   notice instead (no PIN asked, no popup notice); the parent sets the PIN
//   (easy PIN refused, recovery code shown once, only a hash stored) and the
//   age band on the welcome page, which ends on "done"; the popup notice is
//   gone; the settings link opens the options page unlocked in the same tab
//   and it works as before (band shown, pause and resume reach the engine);
//   a welcome page opened later says a PIN exists and offers no PIN form.
//   axe-core: 0 serious/critical on the welcome page (before and after the
//   setup); no horizontal scroll at 360 px. The self-check page's PIN item
//   reads missing before the PIN and ok after.
// Without --lang the vi session runs every check and an en session checks
// the language, axe and the screenshots. Screenshots:
// tests/e2e/artifacts/welcome-<browser>-<lang>-<setup|done>-<width>.png.
// Prints one line per check, then `N passed, M failed` (exit 1 on a failure).
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../lib/chromium.mjs';
import { launchFirefox } from '../lib/firefox.mjs';
import { Report } from '../lib/report.mjs';
import { MARKER, startServer } from '../lib/server.mjs';
import { poll, sleep } from '../lib/checks.mjs';
import { axeCheck, buildInto, openExtensionPage, runnerOptions } from '../lib/pages.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const OUT = join(ROOT, 'target/e2e-welcome');
const ARTIFACTS = join(HERE, '../artifacts');

const { want, lang: langArg, skipWasm } = runnerOptions('tests/e2e/welcome/run.mjs');
const LANGS = process.argv.includes('--lang') ? [langArg] : /** @type {const} */ (['vi', 'en']);
const ids = JSON.parse(readFileSync(join(ROOT, 'extension/ids.json'), 'utf8'));
const PIN = '482913';
/** A token as the background issues them (32 hex digits), planted as live. */
const FORGED = 'a1'.repeat(16);

/** @typedef {import('../lib/checks.mjs').Driver} Driver */

/** The welcome page as the tests read it (DOM contract in src/welcome/welcome.js). */
const READ = () => {
  const q = (/** @type {string} */ s) => /** @type {HTMLElement | null} */ (document.querySelector(s));
  const visible = (/** @type {string} */ s) => { const e = q(s); return !!e && !e.hidden && !e.closest('[hidden]'); };
  return {
    href: location.href,
    ready: document.body?.dataset.ready === 'true',
    lang: document.documentElement.lang,
    h1: q('h1')?.textContent?.trim() ?? '',
    status: q('[data-testid="welcome-status"]')?.dataset.state ?? '',
    statusText: q('[data-testid="welcome-status"]')?.textContent?.trim() ?? '',
    pinForm: visible('[data-testid="welcome-pin-form"]'),
    pinNote: visible('[data-testid="welcome-pin-note"]') ? q('[data-testid="welcome-pin-note"]')?.textContent ?? '' : '',
    setupError: q('[data-testid="setup-error"]')?.textContent ?? '',
    recovery: visible('[data-testid="recovery"]') ? q('[data-testid="recovery-code"]')?.textContent ?? '' : '',
    school: visible('[data-testid="welcome-school"]'),
    bandForm: visible('#band-form'),
    bandEnabled: !(/** @type {HTMLFieldSetElement | null} */ (q('#bands'))?.disabled ?? true),
    band: /** @type {HTMLInputElement | null} */ (q('input[name="band"]:checked'))?.value ?? '',
    bandNote: visible('[data-testid="welcome-band-note"]') ? q('[data-testid="welcome-band-note"]')?.textContent ?? '' : '',
    privateState: q('[data-testid="welcome-private-state"]')?.dataset.state ?? '',
    privateText: q('[data-testid="welcome-private-state"]')?.textContent ?? '',
    removal: q('[data-testid="welcome-removal"]')?.textContent ?? '',
    done: visible('[data-testid="welcome-done"]'),
    optionsLink: /** @type {HTMLAnchorElement | null} */ (q('[data-testid="welcome-options-link"]'))?.getAttribute('href') ?? '',
    untranslated: [...document.querySelectorAll('[data-i18n]')].filter((e) => !e.textContent?.trim()).map((e) => /** @type {HTMLElement} */ (e).dataset.i18n),
    scrollWidth: document.documentElement.scrollWidth,
  };
};

/** Sends a message from an extension page. @param {any} m */
const SEND = (m) => (/** @type {any} */ (globalThis).browser ?? chrome).runtime.sendMessage(m);

/** @param {Driver} d @param {any} page @param {string} sel @param {string} value */
const fill = (d, page, sel, value) => d.evaluate(page, ([s, v]) => {
  const e = /** @type {HTMLInputElement} */ (document.querySelector(s));
  e.value = v;
  e.dispatchEvent(new Event('input', { bubbles: true }));
}, [sel, value]);

/** @param {Driver} d @param {any} page @returns {Promise<ReturnType<typeof READ>>} */
const read = (d, page) => d.evaluate(page, READ);

/** Waits for `pred` on the welcome page's state. @param {Driver} d @param {any} page
 * @param {(s: ReturnType<typeof READ>) => boolean} pred @param {string} what */
const until = (d, page, pred, what, timeout = 10_000) => poll(async () => {
  const s = await read(d, page);
  return s.ready && pred(s) ? s : null;
}, what, timeout);

/** The open tabs showing an extension page `path`. @param {Driver} d @param {string} path */
async function tabsAt(d, path) {
  const out = [];
  for (const p of await d.pages()) {
    const href = await d.href(p).catch(() => '');
    if (href.startsWith(`${d.extBase}${path}`)) out.push(p);
  }
  return out;
}

/** The popup's notice, read from popup.html opened as a page. @param {Driver} d @param {number} port */
async function popupNotice(d, port) {
  const popup = await d.newPage();
  try {
    await openExtensionPage(d, popup, 'popup.html', port);
    return await d.evaluate(popup, () => {
      const e = /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="setup-needed"]'));
      return { shown: !!e && !e.hidden, text: e?.textContent?.trim() ?? '',
        button: document.querySelector('[data-testid="open-welcome"]')?.textContent?.trim() ?? '' };
    });
  } finally {
    await d.close(popup);
  }
}

/** The self-check page's PIN item status. @param {Driver} d @param {number} port */
async function selfcheckPin(d, port) {
  const page = await d.newPage();
  try {
    await openExtensionPage(d, page, 'selfcheck.html', port);
    return await poll(() => d.evaluate(page, () => /** @type {HTMLElement | null} */ (document.querySelector('[data-testid="sc-item"][data-item="pin"]'))?.dataset.status ?? ''), 'the PIN item', 15_000);
  } finally {
    await d.close(page);
  }
}

/** Where a navigation to `url` lands: 'page' (the site's marker), or
 * 'warning:<block|warn>'. @param {Driver} d @param {any} page @param {string} url @param {string} host */
async function landing(d, page, url, host) {
  await d.navigate(page, url);
  return poll(async () => {
    const href = await d.href(page).catch(() => '');
    if (href.startsWith(`${d.extBase}warning.html`)) return `warning:${new URL(href).searchParams.get('a') ?? '?'}`;
    const text = await d.evaluate(page, () => document.body?.innerText ?? '').catch(() => '');
    return text.includes(`${MARKER} ${host}`) ? 'page' : null;
  }, `${url} to settle`);
}

/** Screenshots at 1280 and 360 px, each checked for horizontal scroll.
 * @param {Driver} d @param {any} page @param {string} name */
async function shots(d, page, name) {
  const paths = [];
  for (const width of [1280, 360]) {
    await d.setViewport(page, width, 900);
    await sleep(150);
    const s = await read(d, page);
    if (s.scrollWidth > width + 1) throw new Error(`horizontal scroll at ${width}px: ${s.scrollWidth}`);
    const path = join(ARTIFACTS, `${name}-${width}.png`);
    await d.screenshot(page, path);
    paths.push(path.slice(ROOT.length + 1));
  }
  await d.setViewport(page, 1280, 900);
  return paths.join(', ');
}

/**
 * @param {Report} report @param {Driver} d @param {{port: number}} server
 * @param {'vi' | 'en'} lang @param {boolean} full every check, or language, axe and screenshots only
 */
async function checks(report, d, server, lang, full) {
  const b = d.name;
  const P = server.port;
  const tag = `${b}-${lang}`;
  /** @type {any} */
  let welcome = null;
  const check = (/** @type {string} */ name, /** @type {() => Promise<string | void>} */ fn, ms = 40_000) => report.check(b, `${name} (${lang})`, fn, ms);
  const store = (/** @type {'get' | 'set' | 'remove'} */ op, /** @type {any} */ arg) => d.storage(op, arg);
  /** @param {any} m */
  const send = (m) => d.evaluate(welcome, SEND, m);

  await check('the install opens the welcome page in a tab by itself', async () => {
    const tabs = await poll(async () => { const t = await tabsAt(d, 'welcome.html'); return t.length ? t : null; }, 'a welcome.html tab', 15_000);
    if (tabs.length !== 1) throw new Error(`${tabs.length} welcome tabs`);
    welcome = tabs[0];
    const s = await until(d, welcome, () => true, 'the welcome page ready');
    return `${s.href.slice(d.extBase.length)}; status ${s.status}`;
  });
  if (!welcome) return;

  await check('in the browser\'s language, every text filled, and it asks a grown-up for a PIN', async () => {
    const s = await until(d, welcome, (x) => x.status === 'setup', 'the setup state');
    if (s.lang !== lang) throw new Error(`<html lang> ${s.lang}, want ${lang}`);
    const h1 = lang === 'vi' ? /Chào mừng/ : /Welcome/;
    if (!h1.test(s.h1)) throw new Error(`h1 "${s.h1}"`);
    if (s.untranslated.length) throw new Error(`empty texts: ${s.untranslated.join(', ')}`);
    if (!s.pinForm || s.bandEnabled || s.done) throw new Error(`pin form ${s.pinForm}, band enabled ${s.bandEnabled}, done ${s.done}`);
    if (!/(incognito|private|ẩn danh|riêng tư)/i.test(await d.evaluate(welcome, () => document.querySelector('[data-testid="welcome-private"]')?.textContent ?? ''))) {
      throw new Error('no word about incognito/private windows');
    }
    if (!(lang === 'vi' ? /gỡ/ : /remove/).test(s.removal)) throw new Error('no word about removal');
    return `"${s.h1}"; "${s.statusText}"; private windows: ${s.privateState} ("${s.privateText}")`;
  });

  await check('private windows: the page shows the browser\'s real answer (not allowed on a fresh install)', async () => {
    const s = await read(d, welcome);
    const allowed = await d.evaluate(welcome, () => (/** @type {any} */ (globalThis).browser ?? chrome).extension.isAllowedIncognitoAccess());
    const want = allowed === true ? 'ok' : allowed === false ? 'missing' : 'unknown';
    if (s.privateState !== want) throw new Error(`page says ${s.privateState}, browser says ${allowed}`);
    if (want !== 'missing') throw new Error(`a fresh install is allowed in private windows? (${allowed})`);
    return `isAllowedIncognitoAccess() = ${allowed} → "${s.privateText}"`;
  });

  await check('axe-core: 0 serious/critical on the welcome page before the setup; screenshots', async () => {
    const axe = await axeCheck(d, welcome);
    return `${axe}; ${await shots(d, welcome, `welcome-${tag}-setup`)}`;
  });

  if (!full) {
    await d.close(welcome);
    return;
  }

  await check('before the PIN the background refuses every lift of protection, even with a live token', async () => {
    const url = `http://adult-site.test:${P}/homework`;
    // A child's waiting request and a live unlock token, as if one had been issued.
    await store('set', { askRequests: [{ url, host: 'adult-site.test', category: 'adult', time: Date.now() }] });
    await d.evaluate(welcome, (tok) => (/** @type {any} */ (globalThis).browser ?? chrome).storage.session.set({ unlock: { token: tok, until: Date.now() + 600_000 } }), FORGED);
    const before = await store('get', ['settings', 'approvals', 'askRequests', 'pin']);
    const attempts = {
      pause: { type: 'pause', token: FORGED, minutes: 60 },
      'approve for an hour': { type: 'decideRequest', token: FORGED, url, decision: 'hour' },
      'always allow': { type: 'decideRequest', token: FORGED, url, decision: 'always' },
      'allow list': { type: 'settingsUpdate', token: FORGED, patch: { allow: ['adult-site.test'] } },
      'weaker category': { type: 'settingsUpdate', token: FORGED, patch: { categories: { adult: 'allow' } } },
      'older band': { type: 'settingsUpdate', token: FORGED, patch: { age_band: '15-17' } },
      'SafeSearch off': { type: 'settingsUpdate', token: FORGED, patch: { safeSearch: false } },
      'clear history': { type: 'clearHistory', token: FORGED },
    };
    const answers = [];
    for (const [name, m] of Object.entries(attempts)) {
      const a = await send(m);
      if (a?.ok !== false || a.error !== 'setupNeeded') throw new Error(`${name}: ${JSON.stringify(a)}`);
      answers.push(name);
    }
    const after = await store('get', ['settings', 'approvals', 'askRequests', 'pin']);
    if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`storage changed: ${JSON.stringify(after)}`);
    const child = await d.newPage();
    try {
      const l = await landing(d, child, url, 'adult-site.test');
      if (l !== 'warning:block') throw new Error(`adult-site.test: ${l}`);
    } finally {
      await d.close(child);
    }
    return `setupNeeded for ${answers.join(', ')}; storage unchanged; the request still waits; adult-site.test still blocked`;
  });

  await check('the popup says a grown-up needs to finish the setup; its button opens the welcome page', async () => {
    const n = await popupNotice(d, P);
    if (!n.shown) throw new Error('no notice in the popup');
    const popup = await d.newPage();
    try {
      await openExtensionPage(d, popup, 'popup.html', P);
      await d.click(popup, '[data-testid="open-welcome"]');
      await poll(async () => (await tabsAt(d, 'welcome.html')).length === 2, 'a second welcome tab');
    } finally {
      await d.close(popup);
    }
    for (const p of await tabsAt(d, 'welcome.html')) if (p !== welcome) await d.close(p);
    return `"${n.text}"`;
  });

  await check('the self-check page\'s PIN item says missing before the PIN', async () => {
    const status = await selfcheckPin(d, P);
    if (status !== 'missing') throw new Error(`PIN item ${status}`);
    return `pin: ${status}`;
  });

  await check('the options page without a PIN shows only the PIN setup', async () => {
    const opts = await d.newPage();
    try {
      await openExtensionPage(d, opts, 'options.html', P);
      const s = await d.evaluate(opts, () => {
        const shown = (/** @type {string} */ id) => !/** @type {HTMLElement} */ (document.querySelector(`[data-testid="${id}"]`)).hidden;
        return { setup: shown('pin-setup'), unlock: shown('unlock-form'), settings: shown('settings') };
      });
      if (!s.setup || s.unlock || s.settings) throw new Error(JSON.stringify(s));
      return 'PIN setup only';
    } finally {
      await d.close(opts);
    }
  });

  await check('a school that closes the options page: the welcome page says so, asks no PIN, no popup notice', async () => {
    // What the background caches from a managed policy (storage.managed is read-only to tests).
    await store('set', { managedCache: { optionsPage: false, schoolName: 'Trường Kim Đồng' } });
    try {
      const s = await until(d, welcome, (x) => x.status === 'school', 'the school state');
      if (s.pinForm || !s.school || !s.done || !s.statusText.includes('Trường Kim Đồng')) throw new Error(JSON.stringify(s));
      const n = await popupNotice(d, P);
      if (n.shown) throw new Error('the popup asks for a setup the school manages');
      const a = await send({ type: 'pause', token: FORGED, minutes: 15 });
      if (a?.refused?.[0] !== 'optionsPage') throw new Error(`pause: ${JSON.stringify(a)}`);
      return `"${s.statusText}"; pause refused: optionsPage`;
    } finally {
      await store('remove', 'managedCache');
      await until(d, welcome, (x) => x.status === 'setup', 'back to the setup state');
    }
  });

  await check('the parent sets the PIN on the welcome page: easy PIN refused, recovery code shown once, only a hash stored', async () => {
    await fill(d, welcome, '#pin-new', '123456');
    await fill(d, welcome, '#pin-confirm', '123456');
    await d.click(welcome, '[data-testid="pin-setup-submit"]');
    const easy = await until(d, welcome, (x) => !!x.setupError, 'the easy-PIN refusal');
    if ((await store('get', 'pin')).pin) throw new Error('an easy PIN was stored');
    await fill(d, welcome, '#pin-new', PIN);
    await fill(d, welcome, '#pin-confirm', PIN);
    await d.click(welcome, '[data-testid="pin-setup-submit"]');
    const s = await until(d, welcome, (x) => !!x.recovery, 'the recovery code', 15_000);
    if (!/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/.test(s.recovery)) throw new Error(`recovery code "${s.recovery}"`);
    if (s.status !== 'recovery' || s.bandEnabled) throw new Error(`status ${s.status}, band enabled ${s.bandEnabled}`);
    const { pin } = await store('get', 'pin');
    if (!pin?.pin?.hash || JSON.stringify(pin).includes(PIN)) throw new Error(`stored ${JSON.stringify(pin)}`);
    await d.click(welcome, '[data-testid="recovery-done"]');
    const after = await until(d, welcome, (x) => x.status === 'band' && x.bandEnabled, 'the band step');
    if (after.recovery) throw new Error('the recovery code is still on screen');
    return `"${easy.setupError}"; code ${s.recovery.slice(0, 4)}-…; PBKDF2 hash only; band step open (${after.band})`;
  });

  await check('the parent saves the age band: the page ends on "done", the engine uses the band', async () => {
    await d.click(welcome, 'input[name="band"][value="11-14"]');
    await d.click(welcome, '[data-testid="welcome-band-save"]');
    const s = await until(d, welcome, (x) => x.done && x.status === 'done', 'the done state');
    const { settings } = await store('get', 'settings');
    if (settings?.parentPolicy?.age_band !== '11-14') throw new Error(`settings ${JSON.stringify(settings)}`);
    const state = await poll(async () => { const x = await send({ type: 'optionsState' }); return x.effective.band === '11-14' ? x : null; }, 'the engine band 11-14');
    if (s.optionsLink !== 'options.html') throw new Error(`settings link ${s.optionsLink}`);
    return `"${s.statusText}"; "${s.bandNote}"; engine band ${state.effective.band}`;
  });

  await check('axe-core: 0 serious/critical on the finished welcome page; screenshots', async () => {
    const axe = await axeCheck(d, welcome);
    return `${axe}; ${await shots(d, welcome, `welcome-${tag}-done`)}`;
  });

  await check('after the setup: the popup notice is gone, a second PIN setup is refused, the self-check PIN item is ok', async () => {
    const n = await popupNotice(d, P);
    if (n.shown) throw new Error(`the popup still says "${n.text}"`);
    const again = await send({ type: 'pinSetup', pin: '790315' });
    if (again?.error !== 'pinExists') throw new Error(JSON.stringify(again));
    const status = await selfcheckPin(d, P);
    if (status !== 'ok') throw new Error(`self-check PIN item ${status}`);
    return `no notice; pinSetup → pinExists; self-check pin: ${status}`;
  });

  await check('the settings link opens the options page unlocked in the same tab, and it works as before', async () => {
    await d.click(welcome, '[data-testid="welcome-options-link"]');
    const opts = welcome;
    const s = await poll(() => d.evaluate(opts, () => {
      if (!location.href.includes('/options.html') || document.body?.dataset.ready !== 'true') return null;
      const settings = !/** @type {HTMLElement} */ (document.querySelector('[data-testid="settings"]')).hidden;
      return settings ? { band: /** @type {HTMLInputElement | null} */ (document.querySelector('input[name="band"]:checked'))?.value ?? '' } : null;
    }).catch(() => null), 'the unlocked settings');
    if (s.band !== '11-14') throw new Error(`band ${s.band}`);
    const child = await d.newPage();
    try {
      await d.click(opts, '[data-testid="pause-15"]');
      await poll(() => d.evaluate(opts, () => document.querySelector('[data-testid="protection"]')?.getAttribute('data-state') === 'paused'), 'paused');
      const paused = await landing(d, child, `http://adult-site.test:${P}/`, 'adult-site.test');
      if (paused !== 'page') throw new Error(`paused: adult-site.test ${paused}`);
      await d.click(opts, '[data-testid="resume"]');
      await poll(() => d.evaluate(opts, () => document.querySelector('[data-testid="protection"]')?.getAttribute('data-state') === 'on'), 'on again');
      const on = await landing(d, child, `http://adult-site.test:${P}/`, 'adult-site.test');
      if (on !== 'warning:block') throw new Error(`resumed: adult-site.test ${on}`);
      return `band ${s.band} shown; pause → adult-site.test ${paused}; resume → ${on}`;
    } finally {
      await d.close(child);
    }
  });

  await check('a welcome page opened later says a PIN exists and offers no PIN form', async () => {
    const later = await d.newPage();
    try {
      await openExtensionPage(d, later, 'welcome.html', P);
      const s = await until(d, later, (x) => x.status === 'existing', 'the existing state');
      if (s.pinForm || s.bandForm || !s.done || !s.pinNote) throw new Error(JSON.stringify(s));
      return `"${s.statusText}"; "${s.pinNote}"`;
    } finally {
      await d.close(later);
    }
  });
  await d.close(welcome);
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
console.log(`test server on port ${server.port}`);

for (const name of /** @type {const} */ (['chromium', 'firefox'])) {
  if (!want(name)) continue;
  for (const [i, lang] of LANGS.entries()) {
    /** @type {Driver | null} */
    let d = null;
    await report.check(name, `launch a fresh profile with the extension (${lang})`, async () => {
      d = name === 'chromium'
        ? await launchChromium({ extDir: join(OUT, 'chromium'), extensionId: ids.chromium, lang })
        : await launchFirefox({ extDir: join(OUT, 'firefox'), geckoId: ids.gecko, port: server.port, lang });
      return `${Math.round(/** @type {any} */ (d).launchMs)} ms`;
    });
    if (!d) continue;
    try {
      await checks(report, d, server, lang, i === 0);
    } finally {
      await /** @type {Driver} */ (d).shutdown().catch(() => {});
    }
  }
}

await server.close();
process.exit(report.summary() ? 1 : 0);
