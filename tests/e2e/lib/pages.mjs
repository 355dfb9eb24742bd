// Helpers shared by the runners that test the extension's own pages
// (self-check, options, managed policy): their own build folder, opening an
// extension page in either browser, axe-core.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AXE_PATH, poll } from './checks.mjs';

const AXE_SRC = readFileSync(AXE_PATH, 'utf8');

/**
 * The options every page runner takes:
 *   [--browser chromium|firefox|all] [--lang vi|en] [--skip-wasm-build]
 * Exits 2 with the usage line on anything else.
 * @param {string} script the runner's path, for the usage line
 */
export function runnerOptions(script) {
  const usage = `usage: node ${script} [--browser chromium|firefox|all] [--lang vi|en] [--skip-wasm-build]`;
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        browser: { type: 'string', default: 'all' },
        lang: { type: 'string', default: 'vi' },
        'skip-wasm-build': { type: 'boolean', default: false },
      },
    }));
  } catch (e) {
    console.error(`${/** @type {Error} */ (e).message}\n${usage}`);
    process.exit(2);
  }
  if (!['chromium', 'firefox', 'all'].includes(String(values.browser)) || !['vi', 'en'].includes(String(values.lang))) {
    console.error(usage);
    process.exit(2);
  }
  return {
    want: (/** @type {string} */ b) => values.browser === 'all' || values.browser === b,
    lang: /** @type {'vi' | 'en'} */ (values.lang),
    skipWasm: Boolean(values['skip-wasm-build']),
  };
}

/** @param {string} root @param {string} cmd @param {string[]} args */
function run(root, cmd, args) {
  const t0 = performance.now();
  const out = execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  console.log(`$ ${cmd} ${args.join(' ')}\n  ${out.trim().split('\n').pop()} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/**
 * Builds the e2e fixture bundle and the extension into `out` (a runner's
 * own folder: other runners may build target/e2e-dist at the same time).
 * `registry`: another registry than the fixture one (e.g. with the phrase lists).
 * @param {string} root @param {string} out @param {{skipWasm: boolean, registry?: string}} o
 */
export function buildInto(root, out, { skipWasm, registry }) {
  mkdirSync(out, { recursive: true });
  const cli = join(root, 'target/release/lachan');
  if (!existsSync(cli)) run(root, 'cargo', ['build', '--quiet', '--release', '--bin', 'lachan']);
  const bundle = join(out, 'test.lcb');
  run(root, cli, ['build', '--quiet', '--offline', '--strict', '--registry', registry ?? join(root, 'tests/e2e/fixtures/registry.toml'), '--out', bundle]);
  run(root, 'node', [join(root, 'extension/build.mjs'), '--bundle', bundle, '--out', out, ...(skipWasm ? ['--skip-wasm-build'] : [])]);
}

/**
 * Brings `page` to an extension page. Chromium opens chrome-extension://
 * URLs directly; WebDriver BiDi refuses moz-extension:// ones, so in Firefox
 * a blocked test host lands on warning.html (an extension page) and that
 * page navigates itself (same origin), as a child's browser would.
 * `until`: when the page counts as open (in the page; default body[data-ready]).
 * @param {import('./checks.mjs').Driver} d @param {any} page @param {string} path @param {number} port
 * @param {() => boolean} [until]
 */
export async function openExtensionPage(d, page, path, port, until = () => document.body?.dataset.ready === 'true') {
  if (d.name === 'chromium') {
    await d.navigate(page, `${d.extBase}${path}`);
  } else {
    await d.navigate(page, `http://adult-site.test:${port}/extension-page-route`);
    await poll(async () => (await d.href(page)).startsWith(d.extBase), 'the warning page');
    await d.evaluate(page, (p) => { location.href = /** @type {any} */ (globalThis).browser.runtime.getURL(p); }, path).catch(() => {});
  }
  await poll(async () => (await d.href(page)).includes(`/${path.split('?')[0]}`)
    && await d.evaluate(page, until).catch(() => false), path);
}

/** axe-core on the page: 0 serious or critical violations.
 * @param {import('./checks.mjs').Driver} d @param {any} page */
export async function axeCheck(d, page) {
  const out = JSON.parse(await d.evaluate(page, `${AXE_SRC}\n;(async () => { const r = await axe.run(document); `
    + 'return JSON.stringify({ passes: r.passes.length, v: r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length })) }); })()'));
  if (!out.passes) throw new Error('axe ran no passing rule');
  const bad = out.v.filter((/** @type {any} */ v) => v.impact === 'serious' || v.impact === 'critical');
  if (bad.length) throw new Error(`axe: ${bad.map((/** @type {any} */ v) => `${v.id}:${v.impact}×${v.n}`).join(', ')}`);
  return `axe ${out.passes} rules passed, minor/moderate: ${out.v.map((/** @type {any} */ v) => `${v.id}:${v.impact}`).join(', ') || 'none'}`;
}
