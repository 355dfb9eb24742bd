// One run of checks over the text e2e build, for the runners that use it
// (text/run.mjs, evidence/run.mjs): build (text/build.mjs), the pages
// server (text/pages.mjs), then each wanted browser launched with the
// extension, the checks, and its shutdown; the tables, the summary line and
// the exit code last.
import { launchChromium } from '../lib/chromium.mjs';
import { launchFirefox } from '../lib/firefox.mjs';
import { Report } from '../lib/report.mjs';
import { buildTextE2e } from './build.mjs';
import { startPages } from './pages.mjs';

/**
 * @param {{root: string, title: string, artifacts: string, skipWasm: boolean, lang: 'vi' | 'en',
 *   want: (browser: string) => boolean,
 *   checks: (driver: any, report: Report, server: Awaited<ReturnType<typeof startPages>>) => Promise<void>}} o
 * @returns {Promise<never>}
 */
export async function runTextSession({ root, title, artifacts, skipWasm, lang, want, checks }) {
  const report = new Report();
  const t0 = performance.now();
  let ext;
  try {
    ext = buildTextE2e(root, { skipWasm });
  } catch (e) {
    console.error(`build failed: ${/** @type {any} */ (e).stderr ?? /** @type {Error} */ (e).message}`);
    console.log('\n0 passed, 1 failed');
    process.exit(1);
  }
  const server = await startPages();
  console.log(`${title} server on 0.0.0.0:${server.port}; build ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    for (const [name, launch] of /** @type {const} */ ([
      ['chromium', () => launchChromium({ extDir: ext.chromium, extensionId: ext.chromiumId, lang })],
      ['firefox', () => launchFirefox({ extDir: ext.firefox, geckoId: ext.geckoId, port: server.port, lang })],
    ])) {
      if (!want(name)) continue;
      /** @type {any} */
      let driver = null;
      const ok = await report.check(name, 'launch with the extension (text e2e bundle)', async () => {
        driver = await launch();
        return `${Math.round(driver.launchMs)} ms`;
      }, 60_000);
      if (!ok || !driver) continue;
      try {
        await checks(driver, report, server);
      } finally {
        await /** @type {any} */ (driver).shutdown().catch((/** @type {Error} */ e) => console.error(`shutdown ${name}: ${e.message}`));
      }
    }
  } finally {
    await server.close();
  }
  report.printTables();
  console.log(`\nscreenshots: ${artifacts}; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(report.summary() ? 1 : 0);
}
