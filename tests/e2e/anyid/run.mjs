#!/usr/bin/env node
// Lá Chắn browser e2e: a copy under another extension id still blocks.
//
//   node tests/e2e/anyid/run.mjs [--browser chromium|firefox|all]
//
// A store or a school may sign the extension with its own key, so the copy
// runs under an id the static rules were not built for. This runner builds
// the e2e extension (lib/build.mjs, target/e2e-dist/), copies it to
// target/e2e-anyid/ with another identity — Chromium: the manifest `key` of
// a fresh RSA key made for this run (never stored), so another id; Firefox:
// another gecko id — and checks, against the counting test server:
//   - Chromium: the worker knows it runs under another id and keeps the block
//     rulesets on (hops off);
//   - a listed domain, a subdomain and a listed URL prefix as the top page:
//     this copy's warning page, 0 requests reach the server;
//   - a listed domain in a frame of an allowed page: 0 requests (in Chromium
//     only the static rules can stop a frame's request before it leaves);
//   - an allowed page still loads.
// Prints one line per check, then `N passed, M failed` (exit 1 on a failure).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAll } from '../lib/build.mjs';
import { launchChromium } from '../lib/chromium.mjs';
import { launchFirefox } from '../lib/firefox.mjs';
import { poll, READ_WARNING, sleep } from '../lib/checks.mjs';
import { Report } from '../lib/report.mjs';
import { MARKER, startServer } from '../lib/server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const OUT = join(ROOT, 'target/e2e-anyid');

const { values: opt } = parseArgs({ options: { browser: { type: 'string', default: 'all' } } });
if (!['chromium', 'firefox', 'all'].includes(String(opt.browser))) {
  console.error('usage: node tests/e2e/anyid/run.mjs [--browser chromium|firefox|all]');
  process.exit(2);
}
const want = (/** @type {string} */ b) => opt.browser === 'all' || opt.browser === b;

/** Chromium's id for a DER public key (a–p for the hex digits). @param {Buffer} der */
const idOf = (der) => [...createHash('sha256').update(der).digest('hex').slice(0, 32)]
  .map((h) => String.fromCharCode(97 + parseInt(h, 16))).join('');

/** A copy of `from` in OUT/<name> with `edit` applied to its manifest. @param {string} from @param {string} name @param {(m: any) => void} edit */
function copyWith(from, name, edit) {
  const dir = join(OUT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  cpSync(from, dir, { recursive: true });
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(m);
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
  return dir;
}

const report = new Report();
let ext;
try {
  ext = buildAll(ROOT, { force: false });
} catch (e) {
  console.error(`build failed: ${/** @type {Error} */ (e).message}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
const server = await startServer();

/**
 * @param {import('../lib/checks.mjs').Driver} d @param {string} B
 * @param {(host: string) => string} url the test server's URL for a host and path
 */
async function common(d, B, url) {
  const W = d.extBase;
  for (const [name, target, host, category] of [
    ['listed domain', url('casino.test/'), 'casino.test', 'gambling'],
    ['listed subdomain', url('www.casino.test/x'), 'www.casino.test', 'gambling'],
    ['listed URL prefix', url('allowed.test/shop/pills'), 'allowed.test', 'drugs'],
  ]) {
    await report.check(B, `${name} under another id: this copy's warning page, 0 requests (${target.replace(/:\d+/, ':PORT')})`, async () => {
      const mark = server.hits.length;
      const page = await d.newPage();
      await d.navigate(page, target);
      const s = await poll(async () => {
        const href = await d.href(page);
        if (!href.startsWith(`${W}warning.html`)) return null;
        const w = await d.evaluate(page, READ_WARNING);
        return w.ready ? w : null;
      }, `the warning page for ${target}`);
      await sleep(300);
      const hits = server.count(host, mark);
      await d.close(page);
      if (s.categoryKey !== category) throw new Error(`category ${s.categoryKey}, expected ${category}`);
      if (s.marker) throw new Error('the blocked page\'s marker is on the warning page');
      if (hits) throw new Error(`${hits} request(s) reached the server for ${host}`);
      return `${W}warning.html (c=${s.categoryKey}), ${hits} requests for ${host}`;
    });
  }
  await report.check(B, 'listed domain in a frame under another id: 0 requests', async () => {
    const mark = server.hits.length;
    const page = await d.newPage();
    await d.navigate(page, url('news.test/frame.html'));
    await poll(async () => (await d.evaluate(page, () => document.readyState === 'complete')), 'the framing page');
    await sleep(1500);
    const hits = server.count('casino.test', mark);
    const frames = await d.frames(page);
    await d.close(page);
    if (server.count('news.test', mark) < 1) throw new Error('the framing page itself was not loaded');
    if (hits) throw new Error(`${hits} request(s) reached the server for casino.test`);
    return `0 requests for casino.test; frame shows ${frames.map((f) => f.url.replace(/:\d+/, ':PORT').slice(0, 60)).join(', ') || 'nothing'}`;
  });
  await report.check(B, 'an allowed page still loads under another id', async () => {
    const page = await d.newPage();
    await d.navigate(page, url('news.test/'));
    await poll(async () => String(await d.evaluate(page, () => document.body?.innerText ?? '')).includes(`${MARKER} news.test`), 'the news.test page');
    await d.close(page);
    return 'news.test shown';
  });
}

try {
  if (want('chromium')) {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = /** @type {Buffer} */ (publicKey.export({ type: 'spki', format: 'der' }));
    const id = idOf(der);
    const dir = copyWith(ext.chromium, 'chromium', (m) => { m.key = der.toString('base64'); });
    console.log(`chromium copy under id ${id} (rules built for ${ext.chromiumId})`);
    /** @type {import('../lib/checks.mjs').Driver | null} */
    let d = null;
    if (id === ext.chromiumId) throw new Error('the fresh key gave the build id');
    const ok = await report.check('chromium', 'launch the copy under another id', async () => {
      d = await launchChromium({ extDir: dir, extensionId: id, lang: 'en', port: server.port });
      return `${Math.round(d.launchMs)} ms; id ${id}`;
    });
    if (ok && d) {
      const drv = /** @type {import('../lib/checks.mjs').Driver} */ (d);
      try {
        await report.check('chromium', 'the worker keeps the block rulesets on under another id, hops off', async () => {
          const on = await poll(async () => {
            const r = await drv.inBackground(async () => ({ id: chrome.runtime.id, on: await chrome.declarativeNetRequest.getEnabledRulesets(),
              errors: /** @type {any} */ (self).lachan.stats.errors }));
            return r.errors.some((/** @type {string} */ e) => e.includes('running as')) ? r : null;
          }, 'the worker\'s id check');
          for (const want of ['block_gambling', 'sub_gambling', 'block_drugs', 'allow']) {
            if (!on.on.includes(want)) throw new Error(`${want} is off: ${on.on.join(' ')}`);
          }
          if (on.on.includes('hop')) throw new Error('the hops (to the build id\'s check page) are on');
          return `on: ${on.on.join(' ')}`;
        });
        await common(drv, 'chromium', (p) => `http://${p}`);
      } finally {
        await drv.shutdown().catch((/** @type {Error} */ e) => console.error(`shutdown chromium: ${e.message}`));
      }
    }
  }
  if (want('firefox')) {
    const geckoId = 'lachan-other@example.org';
    const dir = copyWith(ext.firefox, 'firefox', (m) => { m.browser_specific_settings.gecko.id = geckoId; });
    /** @type {import('../lib/checks.mjs').Driver | null} */
    let d = null;
    const ok = await report.check('firefox', 'launch the copy under another gecko id', async () => {
      d = await launchFirefox({ extDir: dir, geckoId, port: server.port, lang: 'en' });
      return `${Math.round(d.launchMs)} ms; id ${geckoId}`;
    });
    if (ok && d) {
      const drv = /** @type {import('../lib/checks.mjs').Driver} */ (d);
      try {
        await common(drv, 'firefox', (p) => { const [h, ...rest] = p.split('/'); return `http://${h}:${server.port}/${rest.join('/')}`; });
      } finally {
        await drv.shutdown().catch((/** @type {Error} */ e) => console.error(`shutdown firefox: ${e.message}`));
      }
    }
  }
} finally {
  await server.close();
}
process.exit(report.summary() ? 1 : 0);
