// Browser start: the first tabs open while the browser is still loading the
// extension. Each run starts the browser binary itself on a kept profile
// (Playwright and Puppeteer refuse start URLs), opens the blocked URL and an
// allowed control page (its request proves the tabs really loaded) as the
// first tabs, waits, and quits the browser cleanly so the next start is an
// ordinary one. The first run only installs the extension into the profile.
//
// Chromium: the tabs are opened over CDP (Target.createTarget) the moment
// DevTools answers, a few hundred ms after the process starts. Start URLs on
// the command line cannot be used: headless Chromium takes only one, and
// with --load-extension it defers it until the extension has loaded in some
// starts and never opens it in others (measured with an empty extension
// too), which says nothing about an installed extension.
// Firefox: start tabs on the command line.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { CHROMIUM, hostRules, TEST_HOSTS } from '../lib/chromium.mjs';
import { FIREFOX } from '../lib/firefox.mjs';
import { sleep } from '../lib/checks.mjs';

const require = createRequire(import.meta.url);
const puppeteer = require('puppeteer-core');

/** How long a start is given before its tabs are read: until `ready()`
 * says so (the control page arrived), plus a little for late requests, or
 * at most READY_MS. */
const SETTLE_MS = 6000;
const READY_MS = 25_000;

/** @param {(() => boolean) | undefined} ready */
async function settle(ready) {
  if (!ready) return sleep(SETTLE_MS);
  const end = Date.now() + READY_MS;
  while (!ready() && Date.now() < end) await sleep(200);
  return sleep(1500);
}

/** @param {import('node:child_process').ChildProcess} child */
const exited = (child) => new Promise((ok) => { if (child.exitCode !== null || child.signalCode) ok(undefined); else child.once('exit', ok); });

/**
 * @param {import('node:child_process').ChildProcess} child @param {RegExp} re
 * @returns {Promise<string>} the first stderr match
 */
function waitForLine(child, re) {
  return new Promise((ok, no) => {
    let buf = '';
    const timer = setTimeout(() => no(new Error(`the browser did not print ${re}`)), 30_000);
    child.stderr?.on('data', (d) => {
      buf += d;
      const m = buf.match(re);
      if (m) { clearTimeout(timer); ok(m[0]); }
    });
    child.once('exit', () => { clearTimeout(timer); no(new Error(`the browser exited: ${buf.slice(-300)}`)); });
  });
}

/**
 * A Chromium process of our own on `profile` with the extension (none when
 * `extDir` is ''), nothing attached to its pages (Playwright's page
 * instrumentation turns prerendering off, so the prerender check needs this
 * too). Tabs are opened over the browser's CDP session only.
 * @param {{extDir: string, port: number, lang: string, profile: string, hosts?: string[]}} o
 *   `hosts`: the names mapped to the server (default: the test hosts)
 */
export async function rawChromium({ extDir, port, lang, profile, hosts = TEST_HOSTS }) {
  const t0 = performance.now();
  const ext = extDir ? [`--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`] : [];
  // HttpsUpgrades off, as Playwright has it: the test server speaks http only.
  const child = spawn(CHROMIUM, ['--headless=new', ...ext, '--no-sandbox', '--disable-features=HttpsUpgrades',
    '--disable-gpu', '--disable-component-update', '--disable-sync', '--no-first-run', `--lang=${lang === 'vi' ? 'vi' : 'en-US'}`,
    `--host-resolver-rules=${hostRules(hosts, port)}`, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  const ws = await waitForLine(child, /ws:\/\/\S+/);
  const browser = await puppeteer.connect({ browserWSEndpoint: ws, protocolTimeout: 10_000 });
  const cdp = await browser.target().createCDPSession();
  return {
    browser,
    /** ms since the process started */
    since: () => performance.now() - t0,
    /** @param {string} url */
    open: async (url) => { await cdp.send('Target.createTarget', { url }); },
    /** The URL of every tab (read without attaching to them). */
    tabs: async () => /** @type {string[]} */ ((await (await fetch(`http://127.0.0.1:${new URL(ws).port}/json/list`)).json())
      .filter((/** @type {any} */ t) => t.type === 'page').map((/** @type {any} */ t) => t.url)),
    close: async () => {
      await browser.close().catch(() => child.kill('SIGTERM'));
      await exited(child);
    },
  };
}

/**
 * Chromium: an install start, then one start per `urls` entry (its tabs,
 * opened as soon as DevTools answers); `after` gets, for every start but the
 * install, the tab URLs after SETTLE_MS and the ms from the process start
 * to the first tab.
 * @param {{extDir: string, port: number, lang: string, urls: string[][], hosts?: string[], ready?: () => boolean}} o
 *   `ready`: the start has settled (default: SETTLE_MS)
 * @param {(run: number, tabs: string[], firstTabMs: number) => void} after
 */
export async function chromiumStarts({ extDir, port, lang, urls, hosts, ready }, after) {
  const profile = mkdtempSync(join(tmpdir(), 'lachan-start-chromium-'));
  try {
    const starts = [[], ...urls];
    for (let run = 0; run < starts.length; run++) {
      const c = await rawChromium({ extDir, port, lang, profile, hosts });
      let firstTabMs = 0;
      for (const url of starts[run]) {
        firstTabMs ||= c.since();
        await c.open(url);
      }
      await (run > 0 ? settle(ready) : sleep(SETTLE_MS));
      if (run > 0) after(run, await c.tabs(), firstTabMs);
      await c.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * Firefox: the add-on installed the way a computer keeps it (an .xpi in the
 * profile's extensions folder, unsigned: ESR honours
 * xpinstall.signatures.required = false), then one start per `urls` entry
 * (each entry: the start tabs); `after` runs after each but the install.
 * @param {{xpi: string, geckoId: string, lang: string, urls: string[][], ready?: () => boolean}} o
 * @param {(run: number, tabs: string[], firstTabMs: number) => void} after tabs are not read in Firefox ([], 0)
 */
export async function firefoxStarts({ xpi, geckoId, lang, urls, ready }, after) {
  const profile = mkdtempSync(join(tmpdir(), 'lachan-start-firefox-'));
  mkdirSync(join(profile, 'extensions'));
  copyFileSync(xpi, join(profile, 'extensions', `${geckoId}.xpi`));
  const prefs = {
    'network.dns.forceResolve': '127.0.0.1', 'network.proxy.type': 0, 'dom.security.https_first': false,
    'dom.security.https_only_mode': false, 'browser.fixup.alternate.enabled': false, 'xpinstall.signatures.required': false,
    'extensions.autoDisableScopes': 0, 'extensions.enabledScopes': 15, 'extensions.startupScanScopes': 15,
    'browser.shell.checkDefaultBrowser': false, 'browser.startup.homepage_override.mstone': 'ignore',
    'browser.aboutwelcome.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false,
    'toolkit.telemetry.reportingpolicy.firstRun': false, 'browser.sessionstore.resume_from_crash': false,
    'intl.locale.requested': lang === 'vi' ? 'vi' : 'en-US',
  };
  writeFileSync(join(profile, 'user.js'), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n'));
  try {
    const starts = [['about:blank'], ...urls];
    for (let run = 0; run < starts.length; run++) {
      const child = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, ...starts[run]],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' } });
      await (run === 0 ? sleep(SETTLE_MS + 4000) : settle(ready));
      if (run > 0) after(run, [], 0);
      child.kill('SIGTERM'); // Firefox quits cleanly on SIGTERM
      await exited(child);
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
