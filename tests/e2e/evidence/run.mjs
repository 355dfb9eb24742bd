#!/usr/bin/env node
// Lá Chắn browser e2e for reporting and evidence:
//
//   node tests/e2e/evidence/run.mjs [--browser chromium|firefox|all] [--lang vi|en] [--skip-wasm-build]
//
// In headless Chromium and Firefox ESR, with the text e2e build (the fixture
// lists plus the real phrase lists, tests/e2e/text/build.mjs):
//   - the warning page gives the child "Tell a grown-up" and the 111 call,
//     with no report in the child's part; the grown-ups' part has the
//     report for 111 (local time, the category in words) and "blocked by
//     mistake" (host, list, time, version);
//   - a bullying page (page text, in-page shield): "Keep evidence" opens
//     report.html, the PIN unlocks it, the file saved holds the URL, the
//     matched words and an inline PNG of the tab, and the shield is back;
//   - an adult page: the warning page offers no evidence button, report.html
//     offers a file without a picture (and says why), and the worker refuses
//     a picture for it even with the PIN.
// Screenshots: tests/e2e/artifacts/evidence/<browser>-<lang>-*.png.
// Prints one line per check, then `N passed, M failed` (exit 1 on a failure).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { poll } from '../lib/checks.mjs';
import { axeCheck, openExtensionPage, runnerOptions } from '../lib/pages.mjs';
import { runTextSession } from '../text/session.mjs';
/** @typedef {import('../lib/report.mjs').Report} Report */

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const ARTIFACTS = join(HERE, '../artifacts/evidence'); // git-ignored (/tests/e2e/artifacts)
const PIN = '482913';

const { want, lang, skipWasm } = runnerOptions('tests/e2e/evidence/run.mjs');

/** @typedef {import('../lib/checks.mjs').Driver} Driver */

/** The warning page's report parts as the tests read them. */
const READ_WARNING_PARTS = () => {
  const q = (/** @type {string} */ s) => /** @type {HTMLElement | null} */ (document.querySelector(s));
  const shown = (/** @type {string} */ s) => { const e = q(s); return !!e && !e.hidden && !e.closest('[hidden]'); };
  return {
    ready: document.body?.dataset.ready === 'true',
    tell: shown('[data-testid=tell]'),
    tellCall: q('[data-testid=tell-call]')?.getAttribute('href') ?? null,
    tellText: q('[data-testid=tell]')?.textContent ?? '',
    // Nothing of the report in the child's part: it lives in the grown-ups' details.
    reportOutsideDetails: [...document.querySelectorAll('[data-testid=report-open], [data-testid=report-text]')]
      .some((e) => !e.closest('details')),
    evidenceButton: shown('[data-testid=evidence-open]'),
    reportText: /** @type {HTMLTextAreaElement | null} */ (q('[data-testid=report-text]'))?.value ?? '',
    mistakeText: /** @type {HTMLTextAreaElement | null} */ (q('[data-testid=mistake-text]'))?.value ?? '',
    mistakeIssues: q('[data-testid=mistake-issues]')?.getAttribute('href') ?? null,
  };
};

/** report.html's evidence section and the file it saved (read back from its blob: URL). */
const READ_EVIDENCE = async () => {
  const q = (/** @type {string} */ s) => /** @type {HTMLElement | null} */ (document.querySelector(s));
  const file = /** @type {HTMLAnchorElement | null} */ (q('[data-testid=evidence-file]'));
  return {
    ready: document.body?.dataset.ready === 'true',
    plan: q('[data-testid=evidence]')?.dataset.plan ?? null,
    intro: q('[data-testid=evidence-intro]')?.textContent ?? '',
    save: !!q('#evidence-save') && !q('#evidence-save')?.hidden,
    status: q('[data-testid=evidence-status]')?.textContent ?? '',
    name: file?.download ?? '',
    html: file ? await fetch(file.href).then((r) => r.text()) : '',
  };
};

/** Types the PIN into report.html's evidence form and presses save.
 * @param {Driver} d @param {any} page */
async function unlockAndSave(d, page) {
  await d.evaluate(page, (pin) => {
    /** @type {HTMLInputElement} */ (document.getElementById('evidence-pin')).value = pin;
    /** @type {HTMLFormElement} */ (document.querySelector('[data-testid=evidence-unlock]')).requestSubmit();
  }, PIN);
  await poll(async () => (await d.evaluate(page, READ_EVIDENCE)).save, 'the save button after the PIN');
  await d.click(page, '#evidence-save');
  return poll(async () => { const r = await d.evaluate(page, READ_EVIDENCE); return r.html ? r : null; }, 'the evidence file', 15_000);
}

/** The open tab whose location starts with `prefix`. @param {Driver} d @param {string} prefix */
function findTab(d, prefix) {
  return poll(async () => {
    for (const p of await d.pages()) {
      const href = await d.evaluate(p, () => location.href).catch(() => '');
      if (href.startsWith(prefix)) return p;
    }
    return null;
  }, `a tab at ${prefix}`);
}

/** @param {Driver} d @param {Report} report @param {number} port */
async function runEvidenceChecks(d, report, port) {
  const b = d.name;
  const shot = (/** @type {any} */ page, /** @type {string} */ what) => d.screenshot(page, join(ARTIFACTS, `${b}-${lang}-${what}.png`)).catch(() => {});
  // An extension page to set the PIN and find tabs from (the "helper").
  const helper = await d.newPage();
  await openExtensionPage(d, helper, 'support.html', port);
  /** @param {Function} fn @param {any} [arg] */
  const inExt = (fn, arg) => d.evaluate(helper, fn, arg);

  await report.check(b, 'a parent PIN is set (the grown-ups\' actions need it)', async () => {
    const r = await inExt((pin) => (/** @type {any} */ (globalThis).browser ?? chrome).runtime.sendMessage({ type: 'pinSetup', pin }), PIN);
    if (!r?.ok) throw new Error(`pinSetup ${JSON.stringify(r)}`);
    return 'pinSetup ok';
  });

  // ---- warning page: the child's part and the grown-ups' part ----------------------
  const adultUrl = `http://adult-site.test:${port}/some/page?x=1`;
  const wp = await d.newPage();
  await report.check(b, 'warning page: "Tell a grown-up" and 111 for the child, no report in the child\'s part', async () => {
    await d.navigate(wp, adultUrl);
    await poll(async () => (await d.href(wp)).startsWith(`${d.extBase}warning.html`), 'the warning page');
    await poll(async () => (await d.evaluate(wp, READ_WARNING_PARTS)).ready, 'warning page ready');
    await d.click(wp, '#tell-grownup');
    const r = await poll(async () => { const x = await d.evaluate(wp, READ_WARNING_PARTS); return x.tell ? x : null; }, 'the tell box');
    if (r.tellCall !== 'tel:111') throw new Error(`tell call ${r.tellCall}`);
    if (r.reportOutsideDetails) throw new Error('a report control is outside the grown-ups\' details');
    if (!(lang === 'vi' ? /người lớn/ : /grown-up/).test(r.tellText)) throw new Error(`tell text ${r.tellText}`);
    await shot(wp, 'warning-tell');
    return `tell box with tel:111; ${await axeCheck(d, wp)}`;
  });

  await report.check(b, 'warning page (adult): the report for 111 in the grown-ups\' part, in words, local time, no UTC offset', async () => {
    await d.evaluate(wp, () => { /** @type {HTMLDetailsElement} */ (document.getElementById('grownups')).open = true; });
    await d.click(wp, '#report-page');
    const r = await poll(async () => { const x = await d.evaluate(wp, READ_WARNING_PARTS); return x.reportText ? x : null; }, 'the report text');
    if (!r.reportText.includes(adultUrl)) throw new Error(`report ${JSON.stringify(r.reportText)}`);
    if (/\(adult\)|UTC/.test(r.reportText)) throw new Error(`a key or a UTC offset in ${JSON.stringify(r.reportText)}`);
    const now = new Date();
    const date = lang === 'vi'
      ? `${String(now.getDate()).padStart(2, '0')}/${String(now.getMonth() + 1).padStart(2, '0')}/${now.getFullYear()}`
      : `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    if (!r.reportText.includes(date)) throw new Error(`no local date ${date} in ${JSON.stringify(r.reportText)}`);
    return r.reportText.split('\n').slice(1, 4).join(' | ');
  });

  await report.check(b, 'warning page: "blocked by mistake" names the host, the list, the time and the version', async () => {
    await d.click(wp, '#mistake-open');
    const r = await poll(async () => { const x = await d.evaluate(wp, READ_WARNING_PARTS); return x.mistakeText ? x : null; }, 'the mistake text');
    const t = r.mistakeText;
    if (!t.includes('adult-site.test') || t.includes('/some/page')) throw new Error(`host only: ${JSON.stringify(t)}`);
    if (!t.includes('Lá Chắn e2e fixture (e2e-adult)')) throw new Error(`list: ${JSON.stringify(t)}`);
    if (!/\d+\.\d+\.\d+/.test(t)) throw new Error(`version: ${JSON.stringify(t)}`);
    // The fixture list has no report page: no link, and nothing opened by itself.
    if (r.mistakeIssues !== null) throw new Error(`link ${r.mistakeIssues}`);
    await shot(wp, 'warning-grownups');
    return `${t.split('\n').slice(1, 6).join(' | ')}; ${await axeCheck(d, wp)}`;
  });

  // ---- a bullying page: the shield, "Keep evidence", the PIN, the file ------------
  const chatUrl = `http://chat.test:${port}/bullying`;
  const chat = await d.newPage();
  let evidencePage = /** @type {any} */ (null);
  await report.check(b, 'bullying page: the shield offers "Keep evidence", which opens report.html', async () => {
    await d.navigate(chat, chatUrl);
    await poll(() => d.evaluate(chat, () => document.querySelector('lachan-shield')?.getAttribute('data-category') === 'bullying'),
      'the bullying shield', 10_000);
    // The shield's root is closed to the page; the extension's own isolated
    // world reaches it (as content scripts do), and clicks the real button.
    const clicked = await inExt(async (url) => {
      const api = /** @type {any} */ (globalThis).browser ?? chrome;
      const tab = (await api.tabs.query({})).find((/** @type {any} */ x) => String(x.url).startsWith(url));
      if (!tab) return 'no tab';
      const [res] = await api.scripting.executeScript({ target: { tabId: tab.id }, func: () => {
        const b = /** @type {any} */ (globalThis).lachanContent?.shieldRoot?.()?.querySelector('#keep-evidence');
        if (!b) return 'no button';
        b.click();
        return 'clicked';
      } });
      return res?.result;
    }, chatUrl);
    if (clicked !== 'clicked') throw new Error(`keep evidence: ${clicked}`);
    evidencePage = await findTab(d, `${d.extBase}report.html`);
    const r = await poll(async () => { const x = await d.evaluate(evidencePage, READ_EVIDENCE); return x.ready && x.plan ? x : null; }, 'report.html');
    if (r.plan !== 'capture') throw new Error(`plan ${r.plan}`);
    const href = await d.href(evidencePage);
    if (!href.includes('ev=') || !href.includes('w=')) throw new Error(`report.html without the tab or words: ${href}`);
    return `report.html plan ${r.plan}`;
  });

  await report.check(b, 'bullying evidence: after the PIN, one file with the URL, the matched words and an inline PNG', async () => {
    if (!evidencePage) throw new Error('no report.html');
    const r = await unlockAndSave(d, evidencePage);
    if (!r.html.includes(chatUrl)) throw new Error('the URL is missing');
    for (const w of ['đồ ngu', 'thằng ngu']) if (!r.html.includes(w)) throw new Error(`the word "${w}" is missing`);
    const png = /src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(r.html);
    if (!png) throw new Error('no inline PNG');
    const bytes = Buffer.from(png[1], 'base64');
    if (bytes.length < 2000 || bytes.subarray(1, 4).toString() !== 'PNG') throw new Error(`PNG of ${bytes.length} bytes`);
    if (/<script|src="http/i.test(r.html)) throw new Error('the file loads something');
    if (!/\.html$/.test(r.name)) throw new Error(`file name ${r.name}`);
    // Kept for a person to look at: the file and the picture in it.
    writeFileSync(join(ARTIFACTS, `${b}-${lang}-evidence.html`), r.html);
    writeFileSync(join(ARTIFACTS, `${b}-${lang}-evidence-capture.png`), bytes);
    await shot(evidencePage, 'report-evidence');
    return `${r.name}: ${r.html.length} chars, PNG ${bytes.length} bytes; ${await axeCheck(d, evidencePage)}`;
  }, 60_000);

  await report.check(b, 'bullying evidence: the shield is back over the page after the picture', async () => {
    const back = await poll(() => d.evaluate(chat, () => {
      const h = document.querySelector('lachan-shield');
      return h && document.elementFromPoint(innerWidth / 2, innerHeight / 2) === h ? h.getAttribute('data-category') : null;
    }), 'the shield again');
    return `shield ${back}`;
  });

  // ---- the shield's own actions: ask, why, continue ------------------------------------
  await report.check(b, 'warn-level shield: "Ask a grown-up" saves a request (badge), the grown-ups\' details say why, "Continue" after 10 s takes the shield away', async () => {
    const page = await d.newPage();
    await d.navigate(page, `http://chat2.test:${port}/bullying`);
    await poll(() => d.evaluate(page, () => document.querySelector('lachan-shield')?.getAttribute('data-category') === 'bullying'),
      'the bullying shield', 10_000);
    const before = Number(await inExt(() => (/** @type {any} */ (globalThis).browser ?? chrome).action.getBadgeText({})) || 0);
    /** In the extension's isolated world of the tab: the shield's closed root. @param {string} what */
    const inShield = (what) => inExt(async ([url, w]) => {
      const api = /** @type {any} */ (globalThis).browser ?? chrome;
      const tab = (await api.tabs.query({})).find((/** @type {any} */ x) => String(x.url).startsWith(url));
      if (!tab) return 'no tab';
      const [res] = await api.scripting.executeScript({ target: { tabId: tab.id }, args: [w], func: (/** @type {string} */ ww) => {
        const root = /** @type {any} */ (globalThis).lachanContent?.shieldRoot?.();
        if (!root) return 'no shield';
        if (ww === 'read') {
          return JSON.stringify({ why: root.querySelector('details.why')?.textContent ?? '', status: root.querySelector('p.status')?.textContent ?? '',
            cont: Boolean(root.querySelector('#continue')), wait: root.querySelector('#countdown')?.textContent ?? '' });
        }
        const el = root.querySelector(ww);
        if (!el) return `no ${ww}`;
        el.click();
        return 'clicked';
      } });
      return res?.result;
    }, [`http://chat2.test:${port}/bullying`, what]);
    const first = JSON.parse(await inShield('read'));
    if (first.cont) throw new Error('"Continue" before the countdown');
    if (!first.wait) throw new Error('no countdown');
    if (!/bullying|bắt nạt|Bắt nạt|Bullying/i.test(first.why) || !/\d/.test(first.why)) throw new Error(`details: ${first.why}`);
    if ((await inShield('#ask')) !== 'clicked') throw new Error('no "Ask a grown-up" on the shield');
    const asked = JSON.parse(await poll(async () => { const r = await inShield('read'); return JSON.parse(r).status ? r : null; }, 'the status after asking'));
    const after = Number(await poll(async () => {
      const n = Number(await inExt(() => (/** @type {any} */ (globalThis).browser ?? chrome).action.getBadgeText({})) || 0);
      return n > before ? n : null;
    }, 'the badge count to rise'));
    await poll(async () => JSON.parse(await inShield('read')).cont || null, '"Continue" after the countdown', 14_000);
    if ((await inShield('#continue')) !== 'clicked') throw new Error('could not press "Continue"');
    await poll(() => d.evaluate(page, () => !document.querySelector('lachan-shield')
      && [...document.documentElement.children].every((e) => !(/** @type {HTMLElement} */ (e).style?.filter))), 'the shield gone');
    await d.close(page);
    return `asked: "${asked.status.slice(0, 40)}…", badge ${before} → ${after}; details "${first.why.slice(0, 60)}…"; continue after the countdown: shield and blur gone`;
  }, 40_000);

  // ---- adult: no picture, ever ----------------------------------------------------
  await report.check(b, 'adult page: "Keep evidence" gives a file without a picture, says why; the worker refuses a picture', async () => {
    if (evidencePage) await d.close(evidencePage);
    evidencePage = null;
    await d.click(wp, '#evidence-open');
    const page = await findTab(d, `${d.extBase}report.html?u=${encodeURIComponent(adultUrl)}`);
    const tabId = Number(new URL(await d.href(page)).searchParams.get('ev'));
    await poll(async () => (await d.evaluate(page, READ_EVIDENCE)).ready, 'report.html ready');
    const r0 = await d.evaluate(page, READ_EVIDENCE);
    if (r0.plan !== 'no-picture') throw new Error(`plan ${r0.plan}`);
    const r = await unlockAndSave(d, page);
    if (/data:image|<img/i.test(r.html)) throw new Error('a picture in an adult page\'s file');
    if (!r.html.includes(adultUrl)) throw new Error('the URL is missing');
    if (!r.html.includes(lang === 'vi' ? 'Không lưu hình' : 'No picture is kept')) throw new Error('no words on why');
    // Even with the PIN's token, the worker takes no picture of such a page.
    const refused = await d.evaluate(page, async ([pin, tab]) => {
      const api = /** @type {any} */ (globalThis).browser ?? chrome;
      const { token } = await api.runtime.sendMessage({ type: 'unlock', pin });
      return api.runtime.sendMessage({ type: 'evidenceCapture', token, tabId: tab, category: 'adult' });
    }, [PIN, tabId]);
    if (refused?.ok !== false || refused.error !== 'noPicture') throw new Error(`capture answer ${JSON.stringify(refused)}`);
    await shot(page, 'report-adult');
    await d.close(page);
    return `file ${r.html.length} chars, no picture; capture refused (${refused.error})`;
  }, 60_000);

  for (const p of [wp, chat, evidencePage, helper]) if (p) await d.close(p);
}

mkdirSync(ARTIFACTS, { recursive: true });
await runTextSession({
  root: ROOT, title: 'evidence e2e', artifacts: ARTIFACTS, skipWasm, lang, want,
  checks: (driver, report, server) => runEvidenceChecks(driver, report, server.port),
});
