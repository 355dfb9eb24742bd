#!/usr/bin/env node
// Lá Chắn packages, from a build (build.mjs) in <dist>:
//
//   node extension/package.mjs --dist <dir> [--crx-key FILE] [--update-base URL]
//                              [--chrome-store-id ID] [--edge-store-id ID]
//
// Writes <dist>/packages/:
//   chrome-web-store.zip, edge-addons.zip  store uploads: no manifest `key`
//       (the store signs and gives the id); the static rules point at the
//       store id when it is given (--chrome-store-id / --edge-store-id), else
//       at the build id (their `block` twins stop listed hosts under any id)
//   amo.zip, lachan.xpi  the Firefox build (gecko id lachan@lachan.vn), for
//       AMO signing (web-ext sign) or, once signed, a policy install
//   lachan.crx  CRX3 signed with the --crx-key RSA key (PEM); without the
//       option the key is .keys/lachan-crx.pem at the repository root
//       (git-ignored), made on first use. Its manifest has no `key`, has
//       `update_url` = <update-base>updates.xml, and its rules point at the
//       key's id
//   updates.xml  the update manifest for that id: codebase <update-base>lachan.crx
//   packages.json  version, ids, URLs and files, for scripts (lock kits)
// Every step prints a line; any failure exits 1 with a message.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extensionId, newKeyPem, publicKeyDer, readCrx3, updatesXml, writeCrx3 } from './tools/crx.mjs';
import { zipDir } from './tools/zip.mjs';

const EXT = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(EXT, '..');
const DEFAULT_KEY = join(ROOT, '.keys/lachan-crx.pem');
const USAGE = 'usage: node extension/package.mjs --dist <dir> [--crx-key FILE] [--update-base URL] [--chrome-store-id ID] [--edge-store-id ID]';
const ID_RE = /^[a-p]{32}$/;

/** @param {string[]} argv */
function parseArgs(argv) {
  const o = { dist: '', crxKey: '', updateBase: 'http://localhost:8734/', chromeStoreId: '', edgeStoreId: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (!v) throw new Error(`${a} needs a value (${USAGE})`);
      return v;
    };
    if (a === '--dist') o.dist = resolve(val());
    else if (a === '--crx-key') o.crxKey = resolve(val());
    else if (a === '--update-base') o.updateBase = val();
    else if (a === '--chrome-store-id') o.chromeStoreId = val();
    else if (a === '--edge-store-id') o.edgeStoreId = val();
    else if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    else throw new Error(`unknown argument ${a} (${USAGE})`);
  }
  if (!o.dist) throw new Error(`--dist <dir> is required (${USAGE})`);
  for (const b of ['chromium', 'firefox']) {
    if (!existsSync(join(o.dist, b, 'manifest.json'))) throw new Error(`${join(o.dist, b)} is not a build: run node extension/build.mjs --out ${o.dist} first`);
  }
  let base;
  try { base = new URL(o.updateBase); } catch { throw new Error(`--update-base ${o.updateBase} is not a URL`); }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error(`--update-base must be http(s), got ${base.protocol}`);
  if (base.search || base.hash) throw new Error('--update-base must not carry a query or fragment (update checks send no identifiers)');
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  o.updateBase = base.href;
  for (const [flag, id] of [['--chrome-store-id', o.chromeStoreId], ['--edge-store-id', o.edgeStoreId]]) {
    if (id && !ID_RE.test(id)) throw new Error(`${flag} ${id} is not an extension id (32 letters a–p)`);
  }
  return o;
}

/** The signing key: the given file, or the default one, made when absent.
 * A key inside the repository must be git-ignored (never committed).
 * @param {string} given */
function loadKey(given) {
  const path = given || DEFAULT_KEY;
  const rel = relative(ROOT, path);
  const inRepo = !rel.startsWith('..') && !rel.startsWith('/');
  if (inRepo && existsSync(join(ROOT, '.git'))) {
    try { execFileSync('git', ['check-ignore', '-q', rel], { cwd: ROOT, stdio: 'ignore' }); } catch {
      throw new Error(`${rel} is inside the repository and not git-ignored: keep the CRX key out of git`);
    }
  }
  if (!existsSync(path)) {
    if (given) throw new Error(`--crx-key ${path} does not exist (a new key would give a new extension id; omit the option to use ${relative(ROOT, DEFAULT_KEY)})`);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, newKeyPem(), { mode: 0o600 });
    chmodSync(path, 0o600);
    console.log(`[package] made a new CRX key ${rel}: keep it (and a backup) — every update must be signed with it`);
  }
  const pem = readFileSync(path, 'utf8');
  return { path, pem, der: publicKeyDer(pem) };
}

/** Files under dir (relative paths). @param {string} dir @returns {string[]} */
function files(dir) {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)).map((f) => `${n}/${f}`) : [n]));
}

/**
 * A copy of the Chromium build for one channel: no manifest `key`, its own
 * `update_url` when given, and the extension id of the static rules,
 * dnr.json and the setup guide (which shows schools the id their policies
 * name) replaced by `id` (build.mjs writes it into them; nowhere else).
 * @param {string} from @param {string} to @param {{buildId: string, id: string, updateUrl?: string}} o
 */
function chromiumCopy(from, to, { buildId, id, updateUrl }) {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  const m = JSON.parse(readFileSync(join(to, 'manifest.json'), 'utf8'));
  delete m.key;
  if (updateUrl) m.update_url = updateUrl;
  writeFileSync(join(to, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
  let rewritten = 0;
  for (const f of files(to)) {
    if (!/\.(json|js|html)$/.test(f)) continue;
    const text = readFileSync(join(to, f), 'utf8');
    if (!text.includes(buildId)) continue;
    if (!f.startsWith('rules/') && f !== 'data/dnr.json' && f !== 'guide.html') throw new Error(`${f} names the build id ${buildId}: only the rules, dnr.json and the guide may`);
    if (id !== buildId) writeFileSync(join(to, f), text.split(buildId).join(id));
    rewritten++;
  }
  return rewritten;
}

/** The stores' limits on the manifest texts (Chrome Web Store: name 75,
 * description 132 characters; Edge and AMO allow more), in every locale.
 * @param {string} dir a build */
function checkListingTexts(dir) {
  for (const lang of readdirSync(join(dir, '_locales'))) {
    const msgs = JSON.parse(readFileSync(join(dir, '_locales', lang, 'messages.json'), 'utf8'));
    for (const [key, max] of /** @type {const} */ ([['extName', 75], ['extShortName', 12], ['extDescription', 132]])) {
      const text = msgs[key]?.message;
      if (typeof text !== 'string' || !text) throw new Error(`_locales/${lang}: ${key} is missing`);
      if ([...text].length > max) throw new Error(`_locales/${lang}: ${key} has ${[...text].length} characters, the stores allow ${max}`);
    }
  }
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  checkListingTexts(join(o.dist, 'chromium'));
  const out = join(o.dist, 'packages');
  const work = join(out, '.work');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const chromium = join(o.dist, 'chromium');
  const dnr = JSON.parse(readFileSync(join(chromium, 'data/dnr.json'), 'utf8'));
  const buildId = String(dnr.extensionId);
  const version = String(JSON.parse(readFileSync(join(chromium, 'manifest.json'), 'utf8')).version);
  const gecko = JSON.parse(readFileSync(join(o.dist, 'firefox/manifest.json'), 'utf8')).browser_specific_settings?.gecko?.id;
  if (!gecko) throw new Error('the Firefox build has no gecko id');
  /** @type {Record<string, {bytes: number, id?: string}>} */
  const made = {};
  const note = (/** @type {string} */ name, /** @type {number} */ bytes, /** @type {string} */ what, id = '') => {
    made[name] = { bytes, ...(id ? { id } : {}) };
    console.log(`[package] ${name}: ${(bytes / 1024).toFixed(0)} KiB, ${what}`);
  };

  /** @type {Map<string, string>} rule id → zip already written for it */
  const zips = new Map();
  for (const [name, storeId] of [['chrome-web-store', o.chromeStoreId], ['edge-addons', o.edgeStoreId]]) {
    const id = storeId || buildId;
    const dir = join(work, name);
    const n = chromiumCopy(chromium, dir, { buildId, id });
    const zip = join(out, `${name}.zip`);
    const same = zips.get(id);
    if (same) cpSync(same, zip); // the same bytes: zipping ~12 MB again costs seconds
    else zipDir(dir, zip);
    zips.set(id, zip);
    note(`${name}.zip`, statSync(zip).size, `no key; ${n} rule files for ${storeId ? `store id ${storeId}` : 'the build id (block twins cover the store id)'}`, storeId);
  }

  const ffZip = readFileSync(join(o.dist, 'lachan-firefox.zip'));
  for (const name of ['amo.zip', 'lachan.xpi']) {
    writeFileSync(join(out, name), ffZip);
    note(name, ffZip.length, `Firefox build, gecko id ${gecko}, unsigned`);
  }

  const key = loadKey(o.crxKey);
  const crxId = extensionId(key.der);
  const updateUrl = new URL('updates.xml', o.updateBase).href;
  const codebase = new URL('lachan.crx', o.updateBase).href;
  const crxDir = join(work, 'crx');
  const n = chromiumCopy(chromium, crxDir, { buildId, id: crxId, updateUrl });
  const zipPath = join(work, 'crx.zip');
  zipDir(crxDir, zipPath);
  const crx = writeCrx3(readFileSync(zipPath), key.pem);
  const check = readCrx3(crx);
  if (check.id !== crxId) throw new Error(`the CRX reads back as ${check.id}, expected ${crxId}`);
  writeFileSync(join(out, 'lachan.crx'), crx);
  note('lachan.crx', crx.length, `CRX3 id ${crxId} (key ${relative(ROOT, key.path)}), ${n} rule files for that id, update_url ${updateUrl}`, crxId);
  const xml = updatesXml({ appId: crxId, codebase, version });
  writeFileSync(join(out, 'updates.xml'), xml);
  note('updates.xml', xml.length, `${crxId} ${version} at ${codebase}`, crxId);

  writeFileSync(join(out, 'packages.json'), `${JSON.stringify({ version, buildId, geckoId: gecko, crxId, updateUrl, codebase,
    chromeStoreId: o.chromeStoreId || null, edgeStoreId: o.edgeStoreId || null, files: made }, null, 1)}\n`);
  rmSync(work, { recursive: true, force: true });
  console.log(`[package] done: ${out}`);
}

try {
  main();
} catch (e) {
  console.error(`[package] FAILED: ${/** @type {Error} */ (e)?.message ?? e}`);
  process.exit(1);
}
