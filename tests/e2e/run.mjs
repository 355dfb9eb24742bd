#!/usr/bin/env node
// Lá Chắn browser e2e: `node tests/e2e/run.mjs [--browser chromium|firefox|all] [--rebuild]`
//
// Builds the lachan CLI, the test bundle (tests/e2e/fixtures/registry.toml)
// and the extension into target/e2e-dist/ (lib/build.mjs), starts the
// counting test server (lib/server.mjs), runs every check in Chromium
// (playwright-core; --lang=vi with the full set, then --lang=en-US) and in
// Firefox ESR (puppeteer-core over WebDriver BiDi; vi, then en-US), prints one
// line per check, the table of requests that reached the server for blocked
// hosts, the cold-worker figures, and finally `N passed, M failed` (exit 1
// if anything failed). Screenshots: tests/e2e/artifacts/ (git-ignored).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildAll } from './lib/build.mjs';
import { runChecks, runColdChecks } from './lib/checks.mjs';
import { launchChromium } from './lib/chromium.mjs';
import { launchFirefox } from './lib/firefox.mjs';
import { Report } from './lib/report.mjs';
import { startServer } from './lib/server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const ARTIFACTS = join(HERE, 'artifacts');

const { values: opt } = parseArgs({
  options: { browser: { type: 'string', default: 'all' }, rebuild: { type: 'boolean', default: false } },
});
if (!['chromium', 'firefox', 'all'].includes(String(opt.browser))) {
  console.error('usage: node tests/e2e/run.mjs [--browser chromium|firefox|all] [--rebuild]');
  process.exit(2);
}
const want = (/** @type {string} */ b) => opt.browser === 'all' || opt.browser === b;

const report = new Report();
const t0 = performance.now();
let ext;
try {
  ext = buildAll(ROOT, { force: Boolean(opt.rebuild) });
} catch (e) {
  console.error(`build failed: ${/** @type {Error} */ (e).message}`);
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
const server = await startServer();
console.log(`test server on 0.0.0.0:${server.port} (URLs below write it as PORT); build ${((performance.now() - t0) / 1000).toFixed(1)} s`);

/** Runs one browser session; a launch failure is one failed check.
 * @param {string} browser @param {string} label @param {() => Promise<import('./lib/checks.mjs').Driver>} launch
 * @param {(d: import('./lib/checks.mjs').Driver) => Promise<void>} body */
async function session(browser, label, launch, body) {
  /** @type {import('./lib/checks.mjs').Driver | null} */
  let d = null;
  const ok = await report.check(browser, `launch with the extension (${label})`, async () => {
    d = await launch();
    return `${Math.round(d.launchMs)} ms to a ready background`;
  });
  if (!ok || !d) return;
  const drv = /** @type {import('./lib/checks.mjs').Driver} */ (d);
  try {
    await body(drv);
  } finally {
    await drv.shutdown().catch((/** @type {Error} */ e) => console.error(`shutdown ${browser}: ${e.message}`));
  }
}

try {
  if (want('chromium')) {
    await session('chromium', '--lang=vi', () => launchChromium({ extDir: ext.chromium, extensionId: ext.chromiumId, lang: 'vi' }),
      async (d) => {
        await runChecks(d, report, server, { artifacts: ARTIFACTS, lang: 'vi', full: true });
        await runColdChecks(d, report, server);
      });
    await session('chromium', '--lang=en-US', () => launchChromium({ extDir: ext.chromium, extensionId: ext.chromiumId, lang: 'en' }),
      async (d) => { await runChecks(d, report, server, { artifacts: ARTIFACTS, lang: 'en', full: false }); });
  }
  if (want('firefox')) {
    await session('firefox', 'intl.locale.requested=vi', () => launchFirefox({ extDir: ext.firefox, geckoId: ext.geckoId, port: server.port, lang: 'vi' }),
      async (d) => {
        await runChecks(d, report, server, { artifacts: ARTIFACTS, lang: 'vi', full: true });
        await runColdChecks(d, report, server);
      });
    await session('firefox', 'intl.locale.requested=en-US', () => launchFirefox({ extDir: ext.firefox, geckoId: ext.geckoId, port: server.port, lang: 'en' }),
      async (d) => { await runChecks(d, report, server, { artifacts: ARTIFACTS, lang: 'en', full: false }); });
  }
} finally {
  await server.close();
}
report.printTables();
console.log(`\nscreenshots: ${ARTIFACTS}; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
process.exit(report.summary() ? 1 : 0);
