// Hardening self-check: the pure status logic (no browser API; unit-tested in
// extension/test/selfcheck.test.mjs). selfcheck.js gathers the facts, this
// file turns them into items, and the page shows them.
//
// Facts (each `null` when the browser would not tell us):
//   browser           'chromium' | 'firefox'
//   incognitoAllowed  extension.isAllowedIncognitoAccess() (Firefox: private windows)
//   installType       management.getSelf().installType: 'admin' = force-installed by policy
//   managed           {state: 'present' | 'empty' | 'error' | 'timeout', keys: string[]}
//   pin               {set: boolean, optionsPage: boolean} from the background's optionsState
//                     (optionsPage false: the school's policy closes the options page)
//   engine            {ready: boolean, detail: string} from the background's engineState
//                     (ready false: no bundle opened; every page goes to notready.html)
//
// Statuses: 'ok' (the protection is in place), 'missing' (it is not), 'unknown'
// (the browser does not let an extension see it), 'optional' (missing, but
// only a school needs it: the home view). Each item names the message keys
// for why it matters and how a parent or a school fixes it.
//
// Views: 'school' when a managed policy is present, else 'home' (the page
// has a toggle). At home the school policy and the locked install are
// optional: a family's settings work without them, so their absence is
// neither a red mark nor counted as missing.

/** @typedef {'ok' | 'missing' | 'unknown' | 'optional'} Status */
/** @typedef {'home' | 'school'} View */
/** @typedef {{state: 'present' | 'empty' | 'error' | 'timeout', keys: string[]}} Managed */
/** @typedef {{browser: 'chromium' | 'firefox', incognitoAllowed: boolean | null, installType: string | null, managed: Managed | null,
 *   pin?: {set: boolean, optionsPage: boolean} | null, engine?: {ready: boolean, detail: string} | null}} Facts */
/** @typedef {{id: string, status: Status, detail: string, why: string, fixParent: string, fixSchool: string}} Item */

/** Items that only a school needs: optional in the home view. */
export const SCHOOL_ONLY = /** @type {const} */ (['forceInstalled', 'policy']);

/** The view the page opens in. @param {Facts} f @returns {View} */
export function defaultView(f) {
  return f.managed?.state === 'present' ? 'school' : 'home';
}

/** The item ids, in page order. */
export const ITEM_IDS = /** @type {const} */ (['engine', 'browser', 'incognito', 'forceInstalled', 'policy', 'pin', 'devtools', 'devMode']);

/** Firefox's storage.managed throws this when no policy names the add-on:
 * that is "no policy", not a failure. @param {string} message */
export function isNoPolicyError(message) {
  return /managed storage manifest not found/i.test(message);
}

/** The managed-storage fact from what `storage.managed.get(null)` gave.
 * @param {{value?: unknown, error?: string, timedOut?: boolean}} r @returns {Managed} */
export function managedFact(r) {
  if (r.timedOut) return { state: 'timeout', keys: [] };
  if (r.error !== undefined) return isNoPolicyError(r.error) ? { state: 'empty', keys: [] } : { state: 'error', keys: [] };
  const v = r.value;
  const keys = v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).sort() : [];
  return { state: keys.length ? 'present' : 'empty', keys };
}

/** @param {Facts} f @param {View} [view] @returns {Item[]} */
export function evaluate(f, view = defaultView(f)) {
  const items = evaluateAll(f);
  if (view === 'school') return items;
  return items.map((it) => (it.status === 'missing' && /** @type {readonly string[]} */ (SCHOOL_ONLY).includes(it.id)
    ? { ...it, status: /** @type {Status} */ ('optional') } : it));
}

/** Every item as a school sees it. @param {Facts} f @returns {Item[]} */
function evaluateAll(f) {
  const ff = f.browser === 'firefox';
  /** @type {Item[]} */
  const items = [];
  // First: without an open bundle nothing else protects (pages are held on
  // the not-ready page instead).
  const engine = f.engine ?? null;
  items.push({ id: 'engine', status: !engine ? 'unknown' : engine.ready ? 'ok' : 'missing', detail: engine?.detail ?? '',
    why: 'scWhyEngine', fixParent: 'scFixParentEngine', fixSchool: 'scFixSchoolEngine' });
  items.push({ id: 'browser', status: 'ok', detail: ff ? 'Firefox' : 'Chromium',
    why: 'scWhyBrowser', fixParent: '', fixSchool: '' });

  items.push({
    id: 'incognito',
    status: f.incognitoAllowed === null ? 'unknown' : f.incognitoAllowed ? 'ok' : 'missing',
    detail: '',
    why: ff ? 'scWhyPrivate' : 'scWhyIncognito',
    fixParent: ff ? 'scFixParentPrivate' : 'scFixParentIncognito',
    fixSchool: ff ? 'scFixSchoolPrivate' : 'scFixSchoolIncognito',
  });

  items.push({
    id: 'forceInstalled',
    status: f.installType === null ? 'unknown' : f.installType === 'admin' ? 'ok' : 'missing',
    detail: f.installType ?? '',
    why: 'scWhyForce',
    fixParent: 'scFixParentForce',
    fixSchool: ff ? 'scFixSchoolForceFirefox' : 'scFixSchoolForce',
  });

  const m = f.managed;
  items.push({
    id: 'policy',
    status: !m || m.state === 'error' || m.state === 'timeout' ? 'unknown' : m.state === 'present' ? 'ok' : 'missing',
    detail: m?.state === 'present' ? m.keys.join(', ') : '',
    why: 'scWhyPolicy',
    fixParent: 'scFixParentPolicy',
    fixSchool: ff ? 'scFixSchoolPolicyFirefox' : 'scFixSchoolPolicy',
  });

  // Without a PIN anyone at the keyboard can change the settings. A school
  // that closes the options page needs none (nothing can be changed there).
  const pin = f.pin ?? null;
  items.push({
    id: 'pin',
    status: !pin ? 'unknown' : pin.set || !pin.optionsPage ? 'ok' : 'missing',
    detail: '',
    why: 'scWhyPin',
    fixParent: 'scFixParentPin',
    fixSchool: 'scFixSchoolPin',
  });

  // No extension API reports these: say so plainly instead of guessing.
  items.push({ id: 'devtools', status: 'unknown', detail: '', why: 'scWhyDevtools',
    fixParent: 'scFixParentDevtools', fixSchool: ff ? 'scFixSchoolDevtoolsFirefox' : 'scFixSchoolDevtools' });
  items.push({ id: 'devMode', status: 'unknown', detail: '', why: ff ? 'scWhyDevModeFirefox' : 'scWhyDevMode',
    fixParent: 'scFixParentDevMode', fixSchool: ff ? 'scFixSchoolDevModeFirefox' : 'scFixSchoolDevMode' });
  return items;
}

/** Counts per status. @param {Item[]} items */
export function summarise(items) {
  /** @type {Record<Status, number>} */
  const n = { ok: 0, missing: 0, unknown: 0, optional: 0 };
  for (const it of items) n[it.status]++;
  return n;
}
