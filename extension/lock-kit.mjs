#!/usr/bin/env node
// Lá Chắn lock kits: policy files that force-install the extension and close
// the ways round it, one folder per system, each with a README in vi and en.
//
//   node extension/lock-kit.mjs [--out dist/lock-kit]
//        [--update-url <updates.xml URL>]   self-hosted CRX (default: the Chrome Web Store)
//        [--packages <packages.json>]       the self-hosted CRX of package.mjs: its id and update URL
//        [--chrome-id <id>] [--edge-id <id>] [--edge-store]
//        [--xpi-url <signed xpi URL>] [--private disable|allow]
//        [--block-other-extensions] [--policy <managed values .json>]
//
// Writes <out>/windows/*.reg, <out>/macos/*.mobileconfig, <out>/linux/*.json,
// <out>/firefox/policies.json and <out>/kit.json (the inputs). Defaults: the
// ids of extension/ids.json, the Chrome Web Store for Chrome and Edge (Edge
// installs Chrome Web Store extensions; --edge-store uses the Edge Add-ons
// store, whose listing has its own id: pass it with --edge-id), private
// windows turned off. --policy: the extension's own settings (keys of
// src/managed_schema.json), checked before anything is written.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CHROME_STORE_UPDATE_URL, CHROMIUM_BROWSERS, EDGE_STORE_UPDATE_URL, LINUX_TARGETS, checkInput, chromiumPolicies,
  firefoxPolicies, jsonText, mobileconfigText, regBytes, regText, schemaProblems,
} from './tools/lockkit.mjs';
import { readmeText } from './tools/lockkit-readme.mjs';

const EXT = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(EXT, '..');
const USAGE = 'usage: node extension/lock-kit.mjs [--out <dir>] [--update-url <url>] [--packages <packages.json>] [--chrome-id <id>] [--edge-id <id>] [--edge-store]\n'
  + '       [--xpi-url <url>] [--private disable|allow] [--block-other-extensions] [--policy <file.json>]';

/** @param {string[]} argv @returns {{out: string, input: import('./tools/lockkit.mjs').KitInput}} */
export function parseArgs(argv) {
  const ids = JSON.parse(readFileSync(join(EXT, 'ids.json'), 'utf8'));
  /** @type {Record<string, string>} */
  const o = {};
  const flags = new Set();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    if (a === '--edge-store' || a === '--block-other-extensions') { flags.add(a); continue; }
    if (!['--out', '--update-url', '--packages', '--chrome-id', '--edge-id', '--xpi-url', '--private', '--policy'].includes(a)) throw new Error(`unknown argument ${a}\n${USAGE}`);
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value\n${USAGE}`);
    o[a.slice(2)] = v;
  }
  if (o.packages) {
    /** @type {any} */
    let meta;
    try { meta = JSON.parse(readFileSync(o.packages, 'utf8')); } catch (e) { throw new Error(`--packages ${o.packages}: ${/** @type {Error} */ (e).message}`); }
    if (!meta?.crxId || !meta?.updateUrl) throw new Error(`--packages ${o.packages}: no crxId and updateUrl (write it with extension/package.mjs)`);
    o['chrome-id'] ??= meta.crxId;
    o['update-url'] ??= meta.updateUrl;
  }
  const chromeUpdateUrl = o['update-url'] ?? CHROME_STORE_UPDATE_URL;
  const edgeStore = flags.has('--edge-store');
  if (edgeStore && !o['edge-id']) throw new Error('--edge-store needs --edge-id: the Edge Add-ons listing gives the extension its own id');
  /** @type {Record<string, unknown> | null} */
  let managed = null;
  if (o.policy) {
    try { managed = JSON.parse(readFileSync(o.policy, 'utf8')); } catch (e) { throw new Error(`--policy ${o.policy}: ${/** @type {Error} */ (e).message}`); }
    const schema = JSON.parse(readFileSync(join(EXT, 'src/managed_schema.json'), 'utf8'));
    const problems = schemaProblems(managed, schema);
    if (problems.length) throw new Error(`--policy ${o.policy} does not match src/managed_schema.json:\n  ${problems.join('\n  ')}`);
  }
  const input = {
    chromeId: o['chrome-id'] ?? ids.chromium,
    chromeUpdateUrl,
    edgeId: o['edge-id'] ?? o['chrome-id'] ?? ids.chromium,
    edgeUpdateUrl: edgeStore ? EDGE_STORE_UPDATE_URL : chromeUpdateUrl,
    geckoId: ids.gecko,
    // AMO serves the newest signed version of a listed add-on under its id.
    xpiUrl: o['xpi-url'] ?? `https://addons.mozilla.org/firefox/downloads/latest/${ids.gecko}/latest.xpi`,
    privateWindows: /** @type {'disable' | 'allow'} */ (o.private ?? 'disable'),
    blockOtherExtensions: flags.has('--block-other-extensions'),
    managed,
  };
  checkInput(input);
  return { out: resolve(o.out ?? join(ROOT, 'dist/lock-kit')), input };
}

/** Every file of the kit: relative path → contents. @param {import('./tools/lockkit.mjs').KitInput} k */
export function kitFiles(k) {
  /** @type {Map<string, string | Buffer>} */
  const files = new Map();
  for (const b of CHROMIUM_BROWSERS) {
    files.set(`windows/lachan-${b}.reg`, regBytes(regText(k, b)));
    files.set(`macos/lachan-${b}.mobileconfig`, mobileconfigText(k, b));
  }
  for (const t of LINUX_TARGETS) files.set(`linux/${t.file}`, jsonText(chromiumPolicies(k, t.browser, { withManaged: true })));
  files.set('firefox/policies.json', jsonText(firefoxPolicies(k)));
  for (const kit of /** @type {const} */ (['windows', 'macos', 'linux', 'firefox'])) {
    for (const lang of /** @type {const} */ (['vi', 'en'])) files.set(`${kit}/README.${lang}.md`, readmeText(k, kit, lang));
  }
  files.set('kit.json', jsonText(k));
  return files;
}

function main() {
  const { out, input } = parseArgs(process.argv.slice(2));
  const files = kitFiles(input);
  rmSync(out, { recursive: true, force: true });
  for (const [rel, data] of files) {
    mkdirSync(dirname(join(out, rel)), { recursive: true });
    writeFileSync(join(out, rel), data);
  }
  const src = input.chromeUpdateUrl === CHROME_STORE_UPDATE_URL ? 'Chrome Web Store' : input.chromeUpdateUrl;
  console.log(`[lock-kit] ${files.size} files in ${out}: Chrome ${input.chromeId} (${src}), Edge ${input.edgeId}, `
    + `Firefox ${input.geckoId} (${input.xpiUrl}); private windows ${input.privateWindows}; `
    + `${input.managed ? `settings: ${Object.keys(input.managed).join(', ')}` : 'no settings'}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try { main(); } catch (e) { console.error(`lock-kit: ${/** @type {Error} */ (e).message}`); process.exit(1); }
}
