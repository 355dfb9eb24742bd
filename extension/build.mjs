#!/usr/bin/env node
// Lá Chắn extension build.
//
//   node extension/build.mjs --bundle <file.lcb> --out <dir> [--skip-wasm-build]
//
// Produces <dir>/chromium/ and <dir>/firefox/ (loadable unpacked) and
// <dir>/lachan-chromium.zip, <dir>/lachan-firefox.zip. Steps:
//   1. WASM core: cargo (wasm32, unless --skip-wasm-build) → wasm-bindgen
//      --target web → wasm-opt -O3; its declarations must equal types/wasm/lachan.d.ts.
//   2. Open the bundle with that same WASM in Node and verify its checksum.
//   3. Chromium: static declarativeNetRequest rulesets from Engine.exportRules()
//      (tools/dnr.mjs: per block category and its `_warn` twin, sub-resource
//      sets, the allow-lists, the check-page hops), checked against
//      Chromium's limits.
//   4. Content scripts: src/content/ bundled by esbuild, one IIFE per entry
//      (tools/content.mjs).
//   5. Merge manifest/base.json5 + manifest/<browser>.json, copy sources,
//      locales, the bundle, lists/contacts.toml (as JSON) and each list's
//      credit and report address (lists/issues.toml → data/lists.json); draw the icons
//      from icons/shield.svg (tools/icons.mjs).
//   6. Zip each browser directory.
// Every step prints a line with its time; any failure exits 1 with a message.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildWasm } from './tools/wasm.mjs';
import { parseContacts, parseToml } from './tools/toml.mjs';
import { cargoMetadata, crateCredits, listCredits, noticeText, npmCredits, trainingCredits } from './tools/notice.mjs';
import { checkSafeSearch } from './src/background/safesearch-rules.js';
import { zipDir } from './tools/zip.mjs';
import { makeIcons } from './tools/icons.mjs';
import { listsInfo } from './tools/lists-info.mjs';
import { extensionIdFromKey, merge, readJson5 } from './tools/manifest.mjs';
import { LIMITS, makeRulesets, worstCase } from './tools/dnr.mjs';
import { expandIncludes } from './tools/pages.mjs';
import { expandGuide } from './tools/guide.mjs';
import { bundleContent } from './tools/content.mjs';
import { PRIORITY } from './src/background/rule-shapes.js';

const EXT = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(EXT, '..');


const t0 = performance.now();
let tStep = t0;
/** @param {string} msg */
function step(msg) {
  const now = performance.now();
  console.log(`[build] ${msg} (${((now - tStep) / 1000).toFixed(2)} s, total ${((now - t0) / 1000).toFixed(2)} s)`);
  tStep = now;
}

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{bundle: string, out: string, skipWasm: boolean}} */
  const o = { bundle: '', out: '', skipWasm: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--bundle') o.bundle = argv[++i] ?? '';
    else if (a === '--out') o.out = argv[++i] ?? '';
    else if (a === '--skip-wasm-build') o.skipWasm = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node extension/build.mjs --bundle <file.lcb> --out <dir> [--skip-wasm-build]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (usage: --bundle <file.lcb> --out <dir> [--skip-wasm-build])`);
  }
  if (!o.bundle) throw new Error('--bundle <file.lcb> is required (build one with: cargo run --release --bin lachan -- build)');
  if (!o.out) throw new Error('--out <dir> is required');
  o.bundle = resolve(o.bundle);
  o.out = resolve(o.out);
  if (!existsSync(o.bundle)) throw new Error(`bundle ${o.bundle} does not exist (build it with: cargo run --release --bin lachan -- build)`);
  return o;
}

/** @param {string} dir @returns {number} */
function dirBytes(dir) {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    n += s.isDirectory() ? dirBytes(p) : s.size;
  }
  return n;
}

const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(0)} KiB`;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  console.log(`[build] bundle ${args.bundle} → ${args.out}`);
  const pkg = JSON.parse(readFileSync(join(EXT, 'package.json'), 'utf8'));
  const ids = JSON.parse(readFileSync(join(EXT, 'ids.json'), 'utf8'));

  // 1. WASM.
  const work = join(args.out, '.work');
  rmSync(work, { recursive: true, force: true });
  const wasm = buildWasm({ root: ROOT, outDir: join(work, 'wasm'), cargo: !args.skipWasm, optimize: true,
    log: (s) => console.log(`[build]   ${s}`) });
  // The worker's types of the engine (tsc, make lint) must be the ones this core has.
  const typesFile = join(EXT, 'types/wasm/lachan.d.ts');
  if (readFileSync(wasm.dts, 'utf8') !== readFileSync(typesFile, 'utf8')) {
    throw new Error(`the WASM core's declarations changed: copy ${wasm.dts} to extension/types/wasm/lachan.d.ts`
      + ' (the worker is type-checked against it) and run make lint');
  }
  const wasmGz = gzipSync(readFileSync(wasm.wasm), { level: 9 }).length;
  step(`wasm: ${kb(wasm.bytes)} (gzip -9 ${kb(wasmGz)})${args.skipWasm ? ' (cargo skipped)' : ''}`);

  // 2. Engine in Node: verify the bundle.
  const mod = await import(pathToFileURL(wasm.js).href);
  mod.initSync({ module: readFileSync(wasm.wasm) });
  const bundleBytes = readFileSync(args.bundle);
  const engine = mod.Engine.open(new Uint8Array(bundleBytes));
  try { engine.verify(); } catch (e) { throw new Error(`bundle ${args.bundle} failed its checksum: ${e}`); }
  const info = JSON.parse(engine.info());
  step(`bundle verified: ${kb(bundleBytes.length)}, ${info.keys} keys, ${info.sources.length} sources`);

  // 3. DNR rulesets.
  const chromiumOverlay = JSON.parse(readFileSync(join(EXT, 'manifest/chromium.json'), 'utf8'));
  const extId = await extensionIdFromKey(chromiumOverlay.key);
  if (extId !== ids.chromium) throw new Error(`manifest key gives id ${extId} but ids.json says ${ids.chromium}`);
  const band = engine.policyBand();
  const { rulesets, skipped, urlHosts } = makeRulesets({ rules: JSON.parse(engine.exportRules()), sources: info.sources,
    extensionId: extId, band, table: JSON.parse(engine.policyTable()) });
  const ruleTotal = rulesets.reduce((n, r) => n + r.rules.length, 0);
  const enabledCount = rulesets.filter((r) => r.meta.enabled).length;
  const urlRules = rulesets.filter((r) => r.meta.kind === 'block' && r.meta.action === 'block').reduce((n, r) => n + r.meta.urlRules, 0);
  const worst = worstCase(rulesets.map((r) => r.meta));
  step(`DNR: ${rulesets.length} rulesets (${enabledCount} on for default band ${band}), ${ruleTotal} rules; `
    + `${urlRules} URL-prefix rules as urlFilter (${urlHosts} hosts), ${skipped.length} left to the worker; `
    + `most on at once: ${worst.rulesets} rulesets, ${worst.rules} rules, ${worst.regexRules} regex rules`);
  for (const r of rulesets) {
    console.log(`[build]   ruleset ${r.meta.id}: ${r.rules.length} rules, ${r.meta.domains} domains, ${r.meta.urlRules} URL prefixes${r.meta.enabled ? ' (on)' : ''}`);
  }
  for (const { rule, why } of skipped.slice(0, 10)) console.log(`[build]   left to the worker: ${rule} (${why})`);
  if (rulesets.length > LIMITS.rulesets) throw new Error(`${rulesets.length} static rulesets: Chrome allows ${LIMITS.rulesets}`);
  if (enabledCount > LIMITS.enabledRulesets) throw new Error(`${enabledCount} rulesets enabled by default: Chrome allows ${LIMITS.enabledRulesets}`);
  if (worst.rulesets > LIMITS.enabledRulesets) throw new Error(`a policy could enable ${worst.rulesets} rulesets: Chrome allows ${LIMITS.enabledRulesets}`);
  if (worst.rules > LIMITS.enabledRules) throw new Error(`a policy could enable ${worst.rules} static rules: Chrome guarantees ${LIMITS.enabledRules}`);
  const topStatic = Math.max(0, ...rulesets.filter((r) => r.meta.kind !== 'hop').flatMap((r) => r.rules.map((x) => x.priority)));
  if (topStatic >= PRIORITY.parentAllow) throw new Error(`a static rule has priority ${topStatic}: the parent's rules start at ${PRIORITY.parentAllow}`);
  if (worst.regexRules > LIMITS.enabledRegexRules) throw new Error(`a policy could enable ${worst.regexRules} regex rules: Chrome allows ${LIMITS.enabledRegexRules}`);

  // 4. Content scripts (the same files in every browser).
  const content = await bundleContent({ src: join(EXT, 'src'), outDir: join(work, 'content') });
  step(`content scripts: ${content.map((c) => `${c.file.split('/').pop()} ${kb(c.bytes)}`).join(', ')}`);

  // 5. Assemble each browser.
  /** @type {import('./tools/notice.mjs').Credits} */
  const credits = { project: { name: 'Lá Chắn', licence: 'MIT OR Apache-2.0' }, lists: listCredits([...info.sources, ...trainingCredits(info.trained_on)]),
    crates: crateCredits(cargoMetadata(ROOT), 'lachan-wasm'), npm: npmCredits(pkg) };
  step(`credits: ${credits.lists.length} list sources, ${credits.crates.length} crates, ${credits.npm.length} npm packages`);
  const contacts = parseContacts(readFileSync(join(ROOT, 'lists/contacts.toml'), 'utf8'), 'lists/contacts.toml');
  const baseManifest = readJson5(join(EXT, 'manifest/base.json5'));
  // Category kinds for the options page (allow-kind lists are exceptions, not a choice).
  const categoryKinds = (/** @type {any} */ (parseToml(readFileSync(join(ROOT, 'lists/categories.toml'), 'utf8'))).category ?? [])
    .map((/** @type {any} */ c) => ({ key: String(c.key), kind: c.kind === 'allow' ? 'allow' : 'block' }));
  // SafeSearch / YouTube restricted mode data (background/safesearch.js).
  const safeFile = 'lists/curated/safesearch.toml';
  const safeSearch = checkSafeSearch(parseToml(readFileSync(join(ROOT, safeFile), 'utf8')), safeFile);
  // Each list's credit and report address, for "blocked by mistake" (warning page).
  const lists = listsInfo(info.sources, parseToml(readFileSync(join(ROOT, 'lists/issues.toml'), 'utf8')));
  const icons = makeIcons(readFileSync(join(EXT, 'icons/shield.svg'), 'utf8'));
  for (const browser of /** @type {const} */ (['chromium', 'firefox'])) {
    const dir = join(args.out, browser);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const over = JSON.parse(readFileSync(join(EXT, `manifest/${browser}.json`), 'utf8'));
    const manifest = merge(baseManifest, over);
    manifest.version = pkg.version;
    for (const sub of ['background', 'shared', 'warning', 'start', 'report', 'popup', 'selfcheck', 'options', 'welcome', 'check', 'notready', 'guide']) cpSync(join(EXT, 'src', sub), join(dir, sub), { recursive: true });
    // The bundled content scripts: manifest content_scripts and the image check.
    cpSync(join(work, 'content/content'), join(dir, 'content'), { recursive: true });
    cpSync(join(EXT, 'src/support'), join(dir, 'support'), { recursive: true });
    // Pages at the extension root (warning.html is part of the e2e contract).
    // Shared head and header markup expanded once here (tools/pages.mjs).
    // The guide page carries docs/guide/<lang>.md in both languages (tools/guide.mjs).
    const guides = Object.fromEntries(['vi', 'en'].map((l) => [l, readFileSync(join(ROOT, `docs/guide/${l}.md`), 'utf8')]));
    for (const page of ['warning', 'start', 'report', 'popup', 'selfcheck', 'options', 'support', 'welcome', 'check', 'notready', 'guide']) {
      const from = join(dir, page, `${page}.html`);
      const html = expandIncludes(readFileSync(from, 'utf8'), `src/${page}/${page}.html`);
      writeFileSync(join(dir, `${page}.html`), page === 'guide' ? expandGuide(html, guides) : html);
      rmSync(from);
    }
    cpSync(join(EXT, '_locales'), join(dir, '_locales'), { recursive: true });
    mkdirSync(join(dir, 'icons'), { recursive: true });
    for (const [path, png] of icons) writeFileSync(join(dir, path), png);
    cpSync(join(EXT, 'src/managed_schema.json'), join(dir, 'managed_schema.json'));
    cpSync(join(work, 'wasm'), join(dir, 'wasm'), { recursive: true, filter: (p) => !p.endsWith('.d.ts') });
    cpSync(args.bundle, join(dir, 'lachan.lcb'));
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(join(dir, 'data/contacts.json'), JSON.stringify(contacts, null, 1));
    writeFileSync(join(dir, 'data/safesearch.json'), JSON.stringify({ engine: safeSearch }, null, 1));
    writeFileSync(join(dir, 'data/categories.json'), JSON.stringify(categoryKinds, null, 1));
    writeFileSync(join(dir, 'data/credits.json'), JSON.stringify(credits, null, 1));
    writeFileSync(join(dir, 'data/lists.json'), JSON.stringify(lists, null, 1));
    writeFileSync(join(dir, 'NOTICE.txt'), noticeText(credits));
    for (const f of ['LICENSE-MIT', 'LICENSE-APACHE']) cpSync(join(ROOT, f), join(dir, f));
    if (browser === 'chromium') {
      mkdirSync(join(dir, 'rules'), { recursive: true });
      for (const r of rulesets) writeFileSync(join(dir, `rules/${r.meta.id}.json`), JSON.stringify(r.rules));
      writeFileSync(join(dir, 'data/dnr.json'), `${JSON.stringify({ extensionId: extId, defaultBand: band,
        rulesets: rulesets.map((r) => r.meta) }, null, 1)}\n`);
      manifest.declarative_net_request = {
        rule_resources: rulesets.map((r) => ({ id: r.meta.id, enabled: r.meta.enabled, path: `rules/${r.meta.id}.json` })),
      };
    }
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    step(`${browser}: ${kb(dirBytes(dir))} in ${dir}`);
  }

  // 6. Zips.
  for (const browser of ['chromium', 'firefox']) {
    const bytes = zipDir(join(args.out, browser), join(args.out, `lachan-${browser}.zip`));
    step(`lachan-${browser}.zip: ${kb(bytes)}`);
  }
  rmSync(work, { recursive: true, force: true });
  console.log(`[build] done in ${((performance.now() - t0) / 1000).toFixed(2)} s; chromium id ${extId}, gecko id ${ids.gecko}`);
}

main().catch((e) => {
  console.error(`[build] FAILED: ${/** @type {Error} */ (e)?.message ?? e}`);
  process.exit(1);
});
