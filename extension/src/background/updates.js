// List updates without a new release (docs/updates.md; the format is the
// one `lachan publish` writes). At worker start and on an alarm every 4 hours
// the manifest at the configured address is fetched (If-None-Match, no
// cookies, no cache, no query, nothing about the child), and an update is
// taken only when every check passes, in this order: the manifest's
// signature, its format and kind, the extension's version against
// minExtensionVersion, a version newer than the one in force (no rollback),
// the bundle's size and sha256, the bundle's own signature, and that the
// engine opens it. Then the engine switches atomically (engine.js) and the
// bytes are stored (IndexedDB), keeping the previous good one. Any failure
// keeps the bundle in force and is recorded for the options and self-check
// pages (`updateStatus`: code, plain words in _locales as `upd_<code>`).
import { api } from '../shared/platform.js';
import { cachedManaged } from '../shared/settings.js';
import { familySource, fromBase64, policySources } from '../shared/update-source.js';
import { recordError } from './stats.js';

export const UPDATE_ALARM = 'lachan-list-update';
export const UPDATE_PERIOD_MIN = 240;
/** The largest bundle taken (the packed one is a few MB). */
const MAX_BYTES = 64 * 1024 * 1024;

/** @typedef {{format: number, kind: 'bundle' | 'hashes', version: number, file: string, sha256: string, size: number,
 *   created: string, minExtensionVersion: string, sources?: {name?: string, licence?: string, url?: string}[]}} Manifest */
/** @typedef {{version: number, time: number, source: string, created: string, sha256: string}} BundleMeta */

/** A failed check, with the code its plain words are filed under (`upd_<code>`). */
export class UpdateError extends Error {
  /** @param {string} code @param {string} detail */
  constructor(code, detail) {
    super(`${code}: ${detail}`);
    this.code = code;
    this.detail = detail;
  }
}

/** Compares dotted versions ("0.1.10" > "0.1.9"). @param {string} a @param {string} b */
export function compareVersions(a, b) {
  const pa = a.split('.').map((n) => parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** The manifest's fields, checked; throws UpdateError('manifest', …). @param {string} text @returns {Manifest} */
export function parseManifest(text) {
  let m;
  try { m = JSON.parse(text); } catch { throw new UpdateError('manifest', 'not JSON'); }
  const bad = (/** @type {string} */ why) => new UpdateError('manifest', why);
  if (!m || typeof m !== 'object') throw bad('not an object');
  if (m.format !== 1) throw bad(`format ${JSON.stringify(m.format)} (this extension reads format 1)`);
  if (m.kind !== 'bundle' && m.kind !== 'hashes') throw bad(`kind ${JSON.stringify(m.kind)}`);
  if (!Number.isSafeInteger(m.version) || m.version < 1) throw bad(`version ${JSON.stringify(m.version)}`);
  if (typeof m.file !== 'string' || !m.file) throw bad('no file');
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(m.sha256)) throw bad('sha256 is not 64 lowercase hex digits');
  if (!Number.isSafeInteger(m.size) || m.size < 1) throw bad(`size ${JSON.stringify(m.size)}`);
  if (typeof m.minExtensionVersion !== 'string') throw bad('no minExtensionVersion');
  return m;
}

/** Verifies a detached Ed25519 signature (standard base64) with WebCrypto.
 * @param {CryptoKey} key @param {string} sigText @param {Uint8Array<ArrayBuffer>} bytes */
async function signatureOk(key, sigText, bytes) {
  let sig;
  try { sig = fromBase64(sigText); } catch { return false; }
  if (sig.length !== 64) return false;
  return crypto.subtle.verify({ name: 'Ed25519' }, key, sig, bytes);
}

/** @param {ArrayBuffer | Uint8Array<ArrayBuffer>} bytes */
async function sha256Hex(bytes) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...d].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** fetch with the only shape an update request may have. @param {string} url @param {Record<string, string>} [headers] */
async function get(url, headers = {}) {
  try {
    return await fetch(url, { credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer', redirect: 'error', headers });
  } catch (e) {
    throw new UpdateError('network', `${url}: ${/** @type {Error} */ (e)?.message ?? e}`);
  }
}

/** @param {Response} r @param {string} url */
function okOrThrow(r, url) {
  if (!r.ok) throw new UpdateError('http', `${url}: HTTP ${r.status}`);
}

/**
 * One update check against `source`. Returns 'unchanged' (304, or the version
 * in force), or the verified and opened update; throws UpdateError.
 * @param {{url: string, key: string}} source
 * `floor` is the highest version ever taken from this source (no rollback
 * even when the stored copy of it could not be opened).
 * @param {{current: number, floor?: number, etag: string | null, extensionVersion: string, kind: 'bundle' | 'hashes',
 *   open: (bytes: Uint8Array) => any}} o `open` gives the opened engine; it throws when the engine cannot open the bytes
 * @returns {Promise<{status: 'unchanged', etag: string | null} | {status: 'new', manifest: Manifest, bytes: Uint8Array, opened: any, etag: string | null, verifyMs: number}>}
 */
export async function fetchUpdate(source, o) {
  let key;
  try {
    key = await crypto.subtle.importKey('raw', fromBase64(source.key), { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    throw new UpdateError('key', String(/** @type {Error} */ (e)?.message ?? e));
  }
  const r = await get(source.url, o.etag ? { 'If-None-Match': o.etag } : {});
  if (r.status === 304) return { status: 'unchanged', etag: o.etag };
  okOrThrow(r, source.url);
  const etag = r.headers.get('ETag');
  const text = new Uint8Array(await r.arrayBuffer());
  const sr = await get(`${source.url}.sig`);
  okOrThrow(sr, `${source.url}.sig`);
  if (!await signatureOk(key, await sr.text(), text)) throw new UpdateError('signature', 'the manifest signature does not match the key');
  const m = parseManifest(new TextDecoder().decode(text));
  if (m.kind !== o.kind) throw new UpdateError('manifest', `kind ${m.kind} at an address for ${o.kind}`);
  if (compareVersions(o.extensionVersion, m.minExtensionVersion) < 0) {
    throw new UpdateError('tooNew', `needs extension ${m.minExtensionVersion}, this is ${o.extensionVersion}`);
  }
  const floor = Math.max(o.current, o.floor ?? 0);
  if (m.version < floor) throw new UpdateError('rollback', `version ${m.version} is older than ${floor}, already taken`);
  if (m.version === o.current) return { status: 'unchanged', etag };
  if (m.size > MAX_BYTES) throw new UpdateError('size', `${m.size} bytes (at most ${MAX_BYTES})`);
  const fileUrl = new URL(m.file, source.url).href;
  const br = await get(fileUrl);
  okOrThrow(br, fileUrl);
  const bytes = new Uint8Array(await br.arrayBuffer());
  const t0 = performance.now();
  if (bytes.length !== m.size) throw new UpdateError('size', `${bytes.length} bytes, the manifest says ${m.size}`);
  if (await sha256Hex(bytes) !== m.sha256) throw new UpdateError('checksum', 'the bundle is not the one the manifest names');
  const bsr = await get(`${fileUrl}.sig`);
  okOrThrow(bsr, `${fileUrl}.sig`);
  if (!await signatureOk(key, await bsr.text(), bytes)) throw new UpdateError('bundleSignature', 'the bundle signature does not match the key');
  let opened;
  try {
    opened = o.open(bytes);
  } catch (e) {
    throw new UpdateError('open', String(/** @type {Error} */ (e)?.message ?? e));
  }
  return { status: 'new', manifest: m, bytes, opened, etag, verifyMs: performance.now() - t0 };
}

// ---- storage: IndexedDB keeps the bytes, storage.local the status ----------------

const DB = 'lachan-updates';
/** @returns {Promise<IDBDatabase>} */
function db() {
  return new Promise((ok, no) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('bundles');
    req.onsuccess = () => ok(req.result);
    req.onerror = () => no(req.error);
  });
}
/** @param {'readonly' | 'readwrite'} mode @param {(s: IDBObjectStore) => IDBRequest | void} fn */
async function tx(mode, fn) {
  const d = await db();
  return new Promise((ok, no) => {
    const t = d.transaction('bundles', mode);
    const req = fn(t.objectStore('bundles'));
    t.oncomplete = () => { d.close(); ok(req ? req.result : undefined); };
    t.onerror = () => { d.close(); no(t.error); };
  });
}

/** @typedef {'bundle' | 'hashes'} Kind */
/** IndexedDB key of a kind's update in force. @param {Kind} kind */
const slot = (kind) => (kind === 'bundle' ? 'current' : 'hashes-current');

/** The stored good update of `kind` ({meta, bytes}), or null.
 * @param {Kind} [kind] @returns {Promise<{meta: BundleMeta, bytes: Uint8Array} | null>} */
export async function storedUpdate(kind = 'bundle') {
  if (typeof indexedDB === 'undefined') return null;
  const r = /** @type {any} */ (await tx('readonly', (s) => s.get(slot(kind))));
  return r && r.bytes && r.meta ? { meta: r.meta, bytes: new Uint8Array(r.bytes) } : null;
}

/** Stores a new good update, the one before it kept as `previous`.
 * @param {Kind} kind @param {BundleMeta} meta @param {Uint8Array} bytes */
async function storeUpdate(kind, meta, bytes) {
  const before = await tx('readonly', (s) => s.get(slot(kind)));
  await tx('readwrite', (s) => {
    if (before) s.put(before, `${slot(kind)}-previous`);
    s.put({ meta, bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, slot(kind));
  });
}

/** Forgets stored updates and their status (a family that clears its source). */
export async function clearStoredUpdates() {
  if (typeof indexedDB !== 'undefined') await tx('readwrite', (s) => { s.clear(); });
  await api.storage.local.remove(['updateStatus', 'hashStatus']);
}

/** @typedef {{source: {url: string, from: string} | null, highest: Record<string, number>, lastCheck: number | null, lastError: {code: string, detail: string, time: number} | null,
 *   etag: string | null, etagUrl: string | null, verifyMs: number | null, problems: string[]}} UpdateStatus */

/** storage.local key of a kind's status. @param {Kind} kind */
const statusKey = (kind) => (kind === 'bundle' ? 'updateStatus' : 'hashStatus');

/** @param {Kind} [kind] @returns {Promise<UpdateStatus>} */
export async function updateStatus(kind = 'bundle') {
  const got = await api.storage.local.get(statusKey(kind));
  return { source: null, highest: {}, lastCheck: null, lastError: null, etag: null, etagUrl: null, verifyMs: null, problems: [],
    ...(got[statusKey(kind)] ?? {}) };
}
/** @param {Kind} kind @param {Partial<UpdateStatus>} patch */
async function saveStatus(kind, patch) {
  await api.storage.local.set({ [statusKey(kind)]: { ...await updateStatus(kind), ...patch } });
}

/** The source in force for `kind`: the school's policy, else (lists only)
 * the family's opt-in. @param {Kind} [kind] */
export async function currentSource(kind = 'bundle') {
  const [managed, { updateSource }] = await Promise.all([cachedManaged(), api.storage.local.get('updateSource')]);
  const p = policySources(/** @type {any} */ (managed));
  return { source: kind === 'bundle' ? p.bundle ?? familySource(updateSource) : p.hashes, problems: p.problems };
}

/** Serialises checks (start, alarm, "check now" may meet). @type {Promise<unknown>} */
let chain = Promise.resolve();

/**
 * Checks the configured source of `kind` once; on a verified newer update calls
 * `swap(opened, meta)` (engine.js: switches to the engine `open` made),
 * then stores it. Nothing is fetched without a source.
 * @param {{current: () => number, open: (bytes: Uint8Array) => any, swap: (opened: any, meta: BundleMeta) => Promise<void>}} engine
 * @param {Kind} [kind]
 * @returns {Promise<'none' | 'unchanged' | 'updated' | 'failed'>}
 */
export function checkForUpdate(engine, kind = 'bundle') {
  const run = chain.then(() => checkOnce(engine, kind));
  chain = run.catch(() => {});
  return run;
}

/** @param {Parameters<typeof checkForUpdate>[0]} engine @param {Kind} kind */
async function checkOnce(engine, kind) {
  const { source, problems } = await currentSource(kind);
  const status = await updateStatus(kind);
  if (!source) {
    await saveStatus(kind, { source: null, problems });
    return 'none';
  }
  const time = Date.now();
  try {
    const r = await fetchUpdate(source, { current: engine.current(), floor: status.highest[source.url] ?? 0, etag: status.etagUrl === source.url ? status.etag : null,
      extensionVersion: api.runtime.getManifest().version, kind, open: engine.open });
    if (r.status === 'unchanged') {
      await saveStatus(kind, { source: { url: source.url, from: source.from }, lastCheck: time, lastError: null, etag: r.etag, etagUrl: source.url, problems });
      return 'unchanged';
    }
    /** @type {BundleMeta} */
    const meta = { version: r.manifest.version, time, source: source.url, created: r.manifest.created, sha256: r.manifest.sha256 };
    await engine.swap(r.opened, meta);
    await storeUpdate(kind, meta, r.bytes).catch((e) => recordError('update store', e));
    await saveStatus(kind, { source: { url: source.url, from: source.from }, lastCheck: time, lastError: null, etag: r.etag, etagUrl: source.url,
      verifyMs: r.verifyMs, problems, highest: { ...status.highest, [source.url]: meta.version } });
    return 'updated';
  } catch (e) {
    const code = e instanceof UpdateError ? e.code : 'open';
    const detail = e instanceof UpdateError ? e.detail : String(/** @type {Error} */ (e)?.message ?? e);
    recordError(`update (${kind})`, `${code}: ${detail}`);
    await saveStatus(kind, { source: { url: source.url, from: source.from }, lastCheck: time, lastError: { code, detail, time }, problems });
    return 'failed';
  }
}
