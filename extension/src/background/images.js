// Image-hash matching in the background.
//
// The content script (src/content/images.js) sends the URL of each image of
// candidate size once it has loaded in the page; here the bytes are fetched
// again (`fetch(src)`: the same URL the page has already requested, from the
// same host; `cache: 'force-cache'` so a cached copy is used when the
// browser's cache partition allows it; never a third party, no cookies),
// decoded with createImageBitmap + OffscreenCanvas, and PDQ-hashed and
// looked up by the WASM core over all 8 rotations/flips (`checkImage`).
//
// No hash list in the bundle (`imageHashCount() === 0`, the default build:
// the project ships none) → the content script is not even registered, so
// pages pay nothing. With a list it is registered dynamically
// (scripting.registerContentScripts) at every background start.
import { api } from '../shared/platform.js';
import { engineReady, hashEngineNow } from './engine.js';
import { recordError } from './stats.js';

/** Longer side of the canvas the image is drawn on. The core pre-shrinks to
 * 512 anyway (crate/pdq/README.md); drawing at 512 saves the big copy. */
export const DRAW_MAX_SIDE = 512;
/** Bigger downloads are not hashed (fail open). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** Results kept per background start (by URL). */
const CACHE_MAX = 500;
/** The id of the dynamically registered content script. */
export const SCRIPT_ID = 'lachan-images';

/** Counters and timings for tests and diagnostics (no URLs). */
export const imageStats = {
  /** @type {boolean | null} */ registered: null,
  listHashes: 0,
  checked: 0,
  matched: 0,
  cacheHits: 0,
  lowQuality: 0,
  failed: 0,
  fetchMs: 0,
  decodeMs: 0,
  hashMs: 0,
  /** @type {{fetchMs: number, decodeMs: number, hashMs: number, width: number, height: number, drawn: string}[]} */
  recent: [],
};
/** @type {any} */ (globalThis).lachanImages = imageStats;

/** @typedef {{hash: string, distance: number, source: string | null, id: string | null, transform: string}} ImageMatch */
/** @typedef {{ok: true, matched: ImageMatch | null, quality: number, lowQuality: boolean, hash: string,
 *   fetchMs: number, decodeMs: number, hashMs: number, cached?: boolean} | {ok: false, error: string}} ImageAnswer */

/** @type {Map<string, Promise<ImageAnswer>>} */
const cache = new Map();

/** @param {string} src */
const allowedSrc = (src) => /^(https?:|data:image\/)/i.test(src);

/** What the content script needs to know once per page.
 * @returns {Promise<{enabled: boolean, hashes: number}>} */
export async function imageConfig() {
  const { engine } = await engineReady();
  const hashes = engine.imageHashCount() + (hashEngineNow()?.imageHashCount() ?? 0); // + a separate hash list
  return { enabled: hashes > 0, hashes };
}

/** Fetches, decodes and checks one image URL (memoised per URL).
 * @param {string} src @returns {Promise<ImageAnswer>} */
export function checkImageUrl(src) {
  if (!allowedSrc(src)) return Promise.resolve({ ok: false, error: 'unsupported URL scheme' });
  const hit = cache.get(src);
  if (hit) {
    imageStats.cacheHits++;
    return hit.then((a) => (a.ok ? { ...a, cached: true } : a));
  }
  const p = check(src);
  cache.set(src, p);
  if (cache.size > CACHE_MAX) cache.delete(/** @type {string} */ (cache.keys().next().value));
  // Failures are not cached (a later page may load it fine).
  p.then((a) => { if (!a.ok) cache.delete(src); });
  return p;
}

/** @param {string} src @returns {Promise<ImageAnswer>} */
async function check(src) {
  try {
    const { engine } = await engineReady();
    const t0 = performance.now();
    const res = await fetch(src, { cache: 'force-cache', credentials: 'omit', redirect: 'follow', referrerPolicy: 'no-referrer' });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const blob = await res.blob();
    if (blob.size > MAX_IMAGE_BYTES) throw new Error(`image of ${blob.size} bytes not checked`);
    const t1 = performance.now();
    const full = await createImageBitmap(blob);
    const scale = Math.min(1, DRAW_MAX_SIDE / Math.max(full.width, full.height));
    const w = Math.max(1, Math.round(full.width * scale));
    const h = Math.max(1, Math.round(full.height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = /** @type {OffscreenCanvasRenderingContext2D} */ (canvas.getContext('2d', { willReadFrequently: true }));
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(full, 0, 0, w, h);
    full.close();
    const data = ctx.getImageData(0, 0, w, h).data;
    const t2 = performance.now();
    const rgba = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    let v = JSON.parse(engine.checkImage(rgba, w, h));
    const extra = hashEngineNow(); // a separate hash-list update (hashListUrl)
    if (!v.matched && extra?.imageHashCount()) {
      const w2 = JSON.parse(extra.checkImage(rgba, w, h));
      if (w2.matched) v = w2;
    }
    const t3 = performance.now();
    const timing = { fetchMs: t1 - t0, decodeMs: t2 - t1, hashMs: t3 - t2 };
    imageStats.checked++;
    imageStats.fetchMs += timing.fetchMs;
    imageStats.decodeMs += timing.decodeMs;
    imageStats.hashMs += timing.hashMs;
    imageStats.recent.push({ ...timing, width: w, height: h, drawn: `${w}x${h}` });
    if (imageStats.recent.length > 50) imageStats.recent.shift();
    if (v.low_quality) imageStats.lowQuality++;
    if (v.matched) imageStats.matched++;
    return { ok: true, matched: v.matched ?? null, quality: v.quality, lowQuality: Boolean(v.low_quality), hash: v.hash, ...timing };
  } catch (e) {
    imageStats.failed++;
    return { ok: false, error: String(/** @type {Error} */ (e)?.message ?? e) };
  }
}

/** The help details the in-page warning shows (data/contacts.json). */
let contacts = /** @type {Promise<any> | null} */ (null);
export function loadContacts() {
  contacts ??= fetch(api.runtime.getURL('data/contacts.json')).then((r) => r.json()).catch(() => ({}));
  return contacts;
}

/** The image content script: src/content/images.js bundled by build.mjs. */
const IMAGE_SCRIPTS = ['content/images.js'];

/** Registers the image content script when the bundle has a hash list,
 * and removes it when it has none. Runs at every background start. */
export async function syncImageScript() {
  const { hashes } = await imageConfig();
  imageStats.listHashes = hashes;
  const scripting = /** @type {any} */ (api).scripting;
  if (!scripting?.registerContentScripts) {
    imageStats.registered = false;
    if (hashes > 0) recordError('images', 'scripting.registerContentScripts is not available');
    return;
  }
  const existing = await scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] }).catch(() => []);
  if (hashes === 0) {
    if (existing.length) await scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    imageStats.registered = false;
    return;
  }
  // A registration kept from an older version may name other files.
  if (existing.length && String(existing[0].js) !== String(IMAGE_SCRIPTS)) {
    await scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    existing.length = 0;
  }
  if (!existing.length) {
    await scripting.registerContentScripts([{
      id: SCRIPT_ID,
      matches: ['http://*/*', 'https://*/*'],
      js: IMAGE_SCRIPTS,
      runAt: 'document_start',
      allFrames: true,
    }]);
  }
  imageStats.registered = true;
}

/** Opens the report page (report.html) in a new tab next to the sender's.
 * @param {string} query report.html's query (src/shared/report.js reportQuery)
 * @param {chrome.runtime.MessageSender} sender */
export async function openReport(query, sender) {
  const url = api.runtime.getURL(`report.html?${query}`);
  /** @type {chrome.tabs.CreateProperties} */
  const props = { url };
  if (sender.tab?.id !== undefined) {
    props.openerTabId = sender.tab.id;
    if (sender.tab.index !== undefined) props.index = sender.tab.index + 1;
  }
  await api.tabs.create(props);
  return { ok: true };
}
