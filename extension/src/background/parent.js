// The options page's side in the background: PIN setup and unlock, settings
// changes, the child's requests, pause, activity. Every change is checked
// here, not in the page: the PIN (through a short-lived unlock token), the
// school's locks (managed storage), and the engine's own validation of
// list entries. Nothing here talks to the network.
//
// storage.local:   pin {pin: Secret, recovery: Secret}, pinGuard {failures, waitUntil},
//                  settings (shared/settings.js), approvals {host: until},
//                  askRequests, activity (activity.js)
// storage.session: unlock {token, until} (gone when the browser closes)
import { api } from '../shared/platform.js';
import { cachedManaged, hostOf, loadSettings, refreshManaged } from '../shared/settings.js';
import {
  afterWrongTry, hashSecret, newRecoveryCode, normaliseRecoveryCode, pinProblem, triesLeft, verifySecret, waitMs,
} from '../shared/pin.js';
import { APPROVE_MS, applyPatch, BANDS, isPaused, liveApprovals, managedView, PAUSE_MINUTES } from '../shared/parent.js';
import { engineReady, hashEngineNow } from './engine.js';
import { decide } from './verdict.js';
import { clearActivity, loadActivity, loadSupport } from './activity.js';
import { liveRequests } from '../shared/requests.js';

/** An unlocked options page stays unlocked this long after its last change. */
export const UNLOCK_MS = 10 * 60 * 1000;

/** @typedef {import('../shared/parent.js').Settings} Settings */
/** @typedef {import('../shared/settings.js').LocalStore} LocalStore */
/** @typedef {import('../shared/settings.js').SessionStore} SessionStore */

/** @returns {Promise<Settings>} */
const settingsNow = async () => /** @type {Settings} */ (await loadSettings());

async function managedNow() {
  // The cache first; the first managed read after a start can take ~5 s,
  // and the options page must show the school's locks as soon as they exist.
  const cached = await cachedManaged();
  return Object.keys(cached).length ? cached : refreshManaged().catch(() => cached);
}

/** A new unlock token (128 random bits), kept in session storage. */
async function issueToken() {
  const token = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  await api.storage.session.set({ unlock: { token, until: Date.now() + UNLOCK_MS } });
  return token;
}

/** Whether `token` is the live unlock token; a valid one is extended.
 * @param {unknown} token */
export async function tokenValid(token) {
  /** @type {Partial<SessionStore>} */
  const { unlock } = await api.storage.session.get('unlock');
  if (typeof token !== 'string' || !unlock || unlock.token !== token || unlock.until <= Date.now()) return false;
  await api.storage.session.set({ unlock: { token, until: Date.now() + UNLOCK_MS } });
  return true;
}

/** Checks a PIN or recovery code under the guard: waits are enforced here,
 * wrong tries counted, a right one resets the count.
 * @param {(stored: any) => Promise<boolean>} check
 * @returns {Promise<{ok: true} | {ok: false, error: string, waitMs: number, triesLeft: number}>} */
async function guarded(check) {
  /** @type {Partial<LocalStore>} */
  const { pin: stored, pinGuard } = await api.storage.local.get(['pin', 'pinGuard']);
  const now = Date.now();
  const wait = waitMs(pinGuard, now);
  if (wait) return { ok: false, error: 'wait', waitMs: wait, triesLeft: 0 };
  if (!stored) return { ok: false, error: 'noPin', waitMs: 0, triesLeft: 0 };
  if (await check(stored)) {
    await api.storage.local.remove('pinGuard');
    return { ok: true };
  }
  const next = afterWrongTry(pinGuard, Date.now());
  await api.storage.local.set({ pinGuard: next });
  return { ok: false, error: 'wrong', waitMs: waitMs(next, Date.now()), triesLeft: triesLeft(next) };
}

/** Everything the options page shows. Before unlock: only what a child may
 * see too (whether a PIN exists, the school, pause state, request count).
 * @param {unknown} token */
export async function optionsState(token) {
  const [{ pin, pinGuard, askRequests: stored, approvals = {} }, settings, managed, { engine }] = await Promise.all([
    /** @type {Promise<Partial<LocalStore>>} */ (api.storage.local.get(['pin', 'pinGuard', 'askRequests', 'approvals'])), settingsNow(), managedNow(), engineReady()]);
  const now = Date.now();
  const askRequests = liveRequests(stored, now);
  const view = managedView(managed);
  const band = engine.policyBand();
  const table = JSON.parse(engine.policyTable());
  const base = {
    pin: { set: Boolean(pin), waitMs: waitMs(pinGuard, now), triesLeft: triesLeft(pinGuard) },
    managed: view,
    effective: { band, table: Object.fromEntries(Object.entries(table).map(([cat, byBand]) => [cat, byBand[band]])) },
    pausedUntil: isPaused(settings, now) ? settings.pausedUntil : 0,
    requestCount: askRequests.length,
    unlocked: await tokenValid(token),
  };
  if (!base.unlocked || !view.optionsPage) return base;
  return {
    ...base,
    parent: settings.parentPolicy ?? {},
    safeSearch: typeof managed.safeSearch === 'boolean' ? managed.safeSearch : settings.safeSearch !== false,
    categories: await choosableCategories(engine),
    defaults: JSON.parse(engine.defaultTable()),
    bands: BANDS,
    pauseMinutes: PAUSE_MINUTES,
    // The page promises pictures stay covered through a pause only when a
    // hash list is loaded (the bundle's or a separate update; images.js).
    imageHashes: engine.imageHashCount() + (hashEngineNow()?.imageHashCount() ?? 0),
    requests: askRequests,
    approvals: liveApprovals(approvals, now),
    activity: await loadActivity(),
    support: await loadSupport(),
  };
}

/** The categories a parent can set an action for: the bundle's, minus the
 * allow-kind ones (exception lists such as "safe"; data/categories.json).
 * @param {import('./resilient.js').ResilientEngine} engine @returns {Promise<string[]>} */
async function choosableCategories(engine) {
  const kinds = await fetch(api.runtime.getURL('data/categories.json')).then((r) => r.json()).catch(() => []);
  const allowKind = new Set(kinds.filter((/** @type {any} */ c) => c.kind === 'allow').map((/** @type {any} */ c) => c.key));
  return JSON.parse(engine.categories()).map((/** @type {{key: string}} */ c) => c.key).filter((/** @type {string} */ k) => !allowKind.has(k));
}

/** Stores a new PIN with a new recovery code (their hashes only) and
 * returns the code, to be shown once. @param {string} pin */
async function storeSecrets(pin) {
  const recovery = newRecoveryCode();
  await api.storage.local.set({ pin: { pin: await hashSecret(pin), recovery: await hashSecret(normaliseRecoveryCode(recovery)) } });
  return recovery;
}

/** First run: sets the PIN and returns the recovery code (shown once).
 * @param {unknown} pin */
export async function pinSetup(pin) {
  const problem = pinProblem(pin);
  if (problem) return { ok: false, error: problem };
  const { pin: existing } = await api.storage.local.get('pin');
  if (existing) return { ok: false, error: 'pinExists' };
  const recovery = await storeSecrets(/** @type {string} */ (pin));
  await api.storage.local.remove('pinGuard');
  return { ok: true, token: await issueToken(), recovery };
}

/** @param {unknown} pin */
export async function unlock(pin) {
  const r = await guarded((stored) => verifySecret(String(pin), stored.pin));
  return r.ok ? { ok: true, token: await issueToken() } : r;
}

/** Forgotten PIN: the recovery code sets a new PIN and a new recovery code
 * (the old code is used up). @param {unknown} code @param {unknown} pin */
export async function pinRecover(code, pin) {
  const problem = pinProblem(pin);
  if (problem) return { ok: false, error: problem };
  const r = await guarded((stored) => verifySecret(normaliseRecoveryCode(String(code)), stored.recovery));
  if (!r.ok) return r;
  const recovery = await storeSecrets(/** @type {string} */ (pin));
  return { ok: true, token: await issueToken(), recovery };
}

/** A new PIN while unlocked (the recovery code stays). @param {unknown} pin */
export async function pinChange(pin) {
  const problem = pinProblem(pin);
  if (problem) return { ok: false, error: problem };
  /** @type {Partial<LocalStore>} */
  const { pin: stored } = await api.storage.local.get('pin');
  await api.storage.local.set({ pin: { ...stored, pin: await hashSecret(/** @type {string} */ (pin)) } });
  return { ok: true };
}

export async function lock() {
  await api.storage.session.remove('unlock');
  return { ok: true };
}

/** The locks in force, and whether the page may change anything at all. */
async function locksNow() {
  const view = managedView(await managedNow());
  return { locks: view.locks, closed: !view.optionsPage };
}

/** First run belongs to the grown-up: until a parent PIN exists, every
 * message that needs the unlock token is refused here, whatever token it
 * carries (router.js). A school that closes the options page needs no PIN:
 * its refusal says so instead. Returns the refusal, or null once a PIN exists. */
export async function setupRefusal() {
  const { pin } = await api.storage.local.get('pin');
  if (pin) return null;
  return (await locksNow()).closed ? { ok: false, refused: ['optionsPage'] } : { ok: false, error: 'setupNeeded' };
}

/**
 * Applies a patch: locks refuse their keys, bad shapes are errors, and the
 * engine checks the resulting parent layer (the same check that applies
 * it). Any error stops the save: nothing is stored half-right.
 * @param {import('../shared/parent.js').Patch} patch
 */
export async function settingsUpdate(patch) {
  const { locks, closed } = await locksNow();
  if (closed) return { ok: false, refused: ['optionsPage'], errors: [] };
  const before = await settingsNow();
  const { settings, refused, errors } = applyPatch(before, patch, locks);
  if (refused.length || errors.length) return { ok: false, refused, errors: errors.map((message) => ({ path: '', message })) };
  const { engine } = await engineReady();
  const warnings = settings.parentPolicy ? JSON.parse(engine.validatePolicy('parent', JSON.stringify(settings.parentPolicy))) : [];
  if (warnings.length) return { ok: false, refused: [], errors: warnings };
  await api.storage.local.set({ settings });
  return { ok: true, before };
}

/**
 * A decision on a child's request: `hour` lets the host through for an
 * hour, `always` adds it to the parent's allow list, `deny` just closes it.
 * The request is removed in every case. The school's own block list cannot
 * be lifted by a parent.
 * @param {string} url @param {'hour' | 'always' | 'deny'} decision
 */
export async function decideRequest(url, decision) {
  const { locks, closed } = await locksNow();
  if (closed || locks.includes('requests')) return { ok: false, refused: ['requests'] };
  const host = hostOf(url);
  if (!host) return { ok: false, error: 'badUrl' };
  if (decision !== 'deny') {
    const v = await decide(url);
    if (v.match_kind === 'custom' && v.source === 'school') return { ok: false, error: 'school' };
  }
  if (decision === 'always') {
    const r = await settingsUpdate({ allow: [...((await settingsNow()).parentPolicy?.allow ?? []), host] });
    if (!r.ok) return r;
  } else if (decision === 'hour') {
    /** @type {Partial<LocalStore>} */
    const { approvals = {} } = await api.storage.local.get('approvals');
    await api.storage.local.set({ approvals: { ...liveApprovals(approvals, Date.now()), [host]: Date.now() + APPROVE_MS } });
  }
  /** @type {Partial<LocalStore>} */
  const { askRequests = [] } = await api.storage.local.get('askRequests');
  await api.storage.local.set({ askRequests: askRequests.filter((r) => r.url !== url) });
  return { ok: true, host };
}

/** Ends an approval early. @param {string} host */
export async function revokeApproval(host) {
  /** @type {Partial<LocalStore>} */
  const { approvals = {} } = await api.storage.local.get('approvals');
  const { [host]: _, ...rest } = approvals;
  await api.storage.local.set({ approvals: liveApprovals(rest, Date.now()) });
  return { ok: true };
}

/** Pauses protection for `minutes` (one of PAUSE_MINUTES), or resumes it (0).
 * @param {number} minutes */
export async function pause(minutes) {
  const { locks, closed } = await locksNow();
  if (closed || locks.includes('pause')) return { ok: false, refused: ['pause'] };
  if (minutes !== 0 && !PAUSE_MINUTES.includes(/** @type {any} */ (minutes))) return { ok: false, error: 'badPause' };
  const { pausedUntil: _, ...settings } = await settingsNow();
  /** @type {Settings} */
  const next = minutes ? { ...settings, pausedUntil: Date.now() + minutes * 60_000 } : settings;
  await api.storage.local.set({ settings: next });
  return { ok: true, pausedUntil: next.pausedUntil ?? 0 };
}

export async function clearHistory() {
  await clearActivity();
  return { ok: true };
}
