// The WASM engine, loaded once per worker start as a memoised promise:
// wasm init, the bundle and the settings load in parallel, then the policy
// layers are applied. Every check awaits `engineReady()`. The engine is
// wrapped (resilient.js) so that a trap never leaves it dead: the wrapper
// keeps the bundle bytes (one copy in the worker's JS heap) and reopens
// them in a fresh instance.
import init, { Engine, __wbg_reset_state } from '../wasm/lachan.js';
import { ResilientEngine } from './resilient.js';
import { api } from '../shared/platform.js';
import { cachedManaged, loadSessionAllows, loadSettings } from '../shared/settings.js';
import { recordError, stats } from './stats.js';
import { loadOverrides } from './overrides.js';
import { storedUpdate } from './updates.js';

/** @typedef {{engine: ResilientEngine, sessionAllows: Record<string, number>}} Loaded */

/** @type {Promise<Loaded> | null} */
let loading = null;

/** The policy layers last applied. @type {{parent: any, school: any}} */
let layers = { parent: null, school: null };
/** Counts policy changes, so caches built from the policy know they are stale. */
let version = 0;
export const policyVersion = () => version;

/** @typedef {{parentAllow: string[], parentBlock: string[], schoolAllow: string[], schoolBlock: string[]}} PolicyHosts */

/** The parent's and the school's own allow and block lists (for the DNR
 * rules: dnr.js gives each its own priority). @returns {PolicyHosts} */
export function policyHosts() {
  const strings = (/** @type {unknown} */ l) => (Array.isArray(l) ? l.filter((h) => typeof h === 'string') : []);
  return {
    parentAllow: strings(layers.parent?.allow), parentBlock: strings(layers.parent?.block),
    schoolAllow: strings(layers.school?.allow), schoolBlock: strings(layers.school?.block),
  };
}

/** Whether a bundle is open, and why not when it is not (the self-check
 * and the not-ready page say so). */
/** @type {{ready: boolean, error: string | null}} */
const state = { ready: false, error: null };

/** @returns {Promise<Loaded>} */
export function engineReady() {
  loading ??= load().then((l) => {
    state.ready = true;
    state.error = null;
    return l;
  }, (e) => {
    loading = null; // a later event retries (e.g. after an update fixed the bundle)
    state.ready = false;
    state.error = String(/** @type {any} */ (e)?.message ?? e);
    recordError('engine', e);
    throw e;
  });
  return loading;
}

/** Whether the engine is open now (without starting a load), and the
 * bundle in force: version 0 is the one packed in the extension. */
export const engineState = () => ({ ...state, bundle: { ...bundle } });

/** The bundle in force. @type {import('./updates.js').BundleMeta} */
let bundle = { version: 0, time: 0, source: 'packed', created: '', sha256: '' };
export const bundleVersion = () => bundle.version;

/** Called after every switch to another bundle (the image script). @type {(() => void)[]} */
const onSwitch = [];
/** @param {() => void} fn */
export const afterSwitch = (fn) => { onSwitch.push(fn); };
/** Awaited before a switch (Chromium: the update's own DNR rules go in
 * first, so no request leaves for a new entry once the update is in force).
 * @type {((engine: ResilientEngine, version: number) => Promise<void>)[]} */
const preSwitch = [];
/** @param {(engine: ResilientEngine, version: number) => Promise<void>} fn */
export const beforeSwitch = (fn) => { preSwitch.push(fn); };

/** A separate image-hash list (a "hashes" update: hashListUrl), or null;
 * images.js checks it after the bundle's own list. @type {ResilientEngine | null} */
let hashEngine = null;
/** The hash list in force. @type {import('./updates.js').BundleMeta | null} */
let hashList = null;
export const hashEngineNow = () => hashEngine;
export const hashListVersion = () => hashList?.version ?? 0;
export const hashListMeta = () => (hashList ? { ...hashList } : null);
/** Switches to an opened hash-list update. @param {ResilientEngine} engine @param {import('./updates.js').BundleMeta} meta */
export async function switchHashEngine(engine, meta) {
  hashEngine = engine;
  hashList = { ...meta };
  for (const fn of onSwitch) fn();
}
/** Opens the stored hash list at start, if there is one (a failure is reported, never fatal). */
async function loadHashList() {
  const stored = await storedUpdate('hashes').catch(() => null);
  if (!stored) return;
  try {
    hashEngine = openEngine(stored.bytes);
    hashList = { ...stored.meta };
  } catch (e) {
    recordError('stored hash list', e);
  }
}

/** A wrapped engine for `bytes`; throws when they do not open. @param {Uint8Array} bytes */
export function openEngine(bytes) {
  const engine = new ResilientEngine({
    Engine, reset: __wbg_reset_state, bytes,
    onTrap: (method, e, recovered) => {
      stats.engineTraps = engine.traps;
      recordError('engine trap', `${method}: ${String(/** @type {any} */ (e)?.message ?? e)}; ${recovered
        ? 'reopened from the bundle, answered' : 'reopened from the bundle; answered without it (block / shield)'}`);
    },
  });
  return engine;
}

/**
 * Switches to an opened update at once: the policy layers applied to it
 * first, then one assignment of the promise every check awaits, so a check
 * sees the old engine or the new one, never neither.
 * @param {ResilientEngine} engine @param {import('./updates.js').BundleMeta} meta
 */
export async function switchEngine(engine, meta) {
  /** @type {Record<string, number>} */
  let sessionAllows;
  try {
    ({ sessionAllows } = await engineReady());
  } catch {
    // The packed bundle does not open: the update is what ends the not-ready state.
    const [settings, managed, allows] = await Promise.all([loadSettings(), cachedManaged(), loadSessionAllows()]);
    layers = { parent: settings.parentPolicy, school: schoolLayer(managed) };
    sessionAllows = allows;
  }
  applyPolicy(engine, layers.parent, layers.school);
  for (const fn of preSwitch) await fn(engine, meta.version).catch((e) => recordError('before switch', e));
  loading = Promise.resolve({ engine, sessionAllows });
  state.ready = true;
  state.error = null;
  bundle = { ...meta };
  stats.bundleVersion = meta.version;
  for (const fn of onSwitch) fn();
}

/** @returns {Promise<Loaded>} */
async function load() {
  stats.engineStartMs = performance.now();
  const [, bytes, stored, settings, managed, sessionAllows] = await Promise.all([
    init({ module_or_path: api.runtime.getURL('wasm/lachan_bg.wasm') }),
    fetch(api.runtime.getURL('lachan.lcb')).then((r) => r.arrayBuffer()),
    storedUpdate().catch((e) => { recordError('stored update', e); return null; }),
    loadSettings(),
    cachedManaged(),
    loadSessionAllows(),
    loadOverrides(),
  ]);
  stats.bundleBytes = bytes.byteLength;
  // The last good update, when there is one (any update is newer than the
  // packed bundle, version 0); the packed bundle when it does not open.
  let engine = null;
  if (stored && stored.meta.version > 0) {
    try {
      engine = openEngine(stored.bytes);
      bundle = { ...stored.meta };
      stats.bundleVersion = bundle.version;
    } catch (e) {
      recordError('stored update', e);
    }
  }
  engine ??= openEngine(new Uint8Array(bytes));
  await loadHashList();
  applyPolicy(engine, settings.parentPolicy, schoolLayer(managed));
  stats.engineReadyMs = performance.now();
  return { engine, sessionAllows };
}

/** The school's policy layer from managed storage (managed_schema.json:
 * ageBand, categories, allow, block), or null when there is none.
 * @param {import('../shared/settings.js').Managed} m */
export function schoolLayer(m) {
  /** @type {Record<string, unknown>} */
  const layer = {};
  if (typeof m.ageBand === 'string') layer.age_band = m.ageBand;
  if (m.categories && typeof m.categories === 'object') layer.categories = m.categories;
  if (Array.isArray(m.allow)) layer.allow = m.allow;
  if (Array.isArray(m.block)) layer.block = m.block;
  return Object.keys(layer).length ? layer : null;
}

/** Applies the parent's and the school's layers; the engine ignores (and
 * reports) bad values, so one typo never disables the filter.
 * @param {ResilientEngine} engine @param {object | null} parent @param {object | null} school */
export function applyPolicy(engine, parent, school) {
  layers = { parent, school };
  version++;
  const warnings = JSON.parse(engine.setPolicy(
    parent ? JSON.stringify(parent) : undefined,
    school ? JSON.stringify(school) : undefined,
  ));
  for (const w of warnings) recordError('policy', `${w.layer} ${w.path}: ${w.message}`);
}

/** Re-reads settings and the cached school policy into a loaded engine. */
export async function reloadPolicy() {
  if (!loading) return;
  const { engine } = await loading;
  const [settings, managed] = await Promise.all([loadSettings(), cachedManaged()]);
  applyPolicy(engine, settings.parentPolicy, schoolLayer(managed));
}

/** Checks the bundle's checksum off the navigation path (install/startup). */
export async function verifyBundle() {
  const { engine } = await engineReady();
  const t0 = performance.now();
  try {
    engine.verify();
    stats.verified = true;
  } catch (e) {
    stats.verified = false;
    recordError('bundle checksum', e);
  }
  stats.verifyMs = performance.now() - t0;
}
