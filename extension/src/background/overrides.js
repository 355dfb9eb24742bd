// A parent's time-limited overrides: "approve for an hour" (a child's
// request) and "pause protection". Both live in storage.local with their
// end time, so a restart keeps them and the end is exact:
//   - every verdict checks the end time itself (verdict.js), so the worker
//     layers stop passing the page the moment it is over;
//   - Chromium's static rules are lifted by session `allow` rules, which
//     are rebuilt at every start and removed by an alarm at the end time.
// Neither lifts the school's own block list (dnr.js priorities; verdict.js).
import { api, flavour } from '../shared/platform.js';
import { approvedUntil, isPaused, liveApprovals, nextExpiry } from '../shared/parent.js';
import { OVERRIDE_PRIORITY } from './dnr.js';
import { recordError } from './stats.js';

/** Session rule ids: the pause rule, then one per approved host. */
const PAUSE_RULE_ID = 800_000;
const APPROVAL_ID_BASE = 800_001;
const OVERRIDE_ID_END = 801_000;
export const EXPIRY_ALARM = 'lachan-override-expiry';

/** What is in force, kept in memory for the verdict path. */
export const overrides = {
  /** @type {Record<string, number>} host → end time */ approvals: {},
  pausedUntil: 0,
};

/** Reads the overrides from storage into memory. */
export async function loadOverrides() {
  const { approvals, settings } = await api.storage.local.get(['approvals', 'settings']);
  const now = Date.now();
  overrides.approvals = liveApprovals(approvals ?? {}, now);
  overrides.pausedUntil = isPaused(settings ?? { parentPolicy: null }, now) ? settings.pausedUntil : 0;
}

/**
 * Why a page the lists stop may be shown now, or null.
 * @param {string} host @param {{match_kind: string, source: string | null}} v the verdict
 * @returns {null | 'paused' | 'approved'}
 */
export function overrideFor(host, v) {
  if (v.match_kind === 'custom' && v.source === 'school') return null; // the school's own list stays
  const now = Date.now();
  if (overrides.pausedUntil > now) return 'paused';
  return approvedUntil(overrides.approvals, host, now) ? 'approved' : null;
}

/** Serialises syncs (a storage change and the alarm may overlap). */
let chain = Promise.resolve();

/** Re-reads the overrides, then (Chromium) puts the session rules and
 * (every browser) the expiry alarm in line with them. */
export function syncOverrides() {
  const run = chain.then(async () => {
    await loadOverrides();
    const now = Date.now();
    if (flavour === 'chromium') await syncRules();
    const next = nextExpiry([overrides.pausedUntil, ...Object.values(overrides.approvals)], now);
    await api.alarms.clear(EXPIRY_ALARM);
    if (next) await api.alarms.create(EXPIRY_ALARM, { when: next });
  });
  chain = run.catch((e) => recordError('overrides', e));
  return run;
}

async function syncRules() {
  const dnr = api.declarativeNetRequest;
  const removeRuleIds = (await dnr.getSessionRules()).map((r) => r.id).filter((id) => id >= PAUSE_RULE_ID && id < OVERRIDE_ID_END);
  /** @type {chrome.declarativeNetRequest.Rule[]} */
  const addRules = [];
  const frames = /** @type {any} */ (['main_frame', 'sub_frame']);
  if (overrides.pausedUntil > Date.now()) {
    addRules.push({ id: PAUSE_RULE_ID, priority: OVERRIDE_PRIORITY, action: { type: /** @type {any} */ ('allow') },
      condition: { regexFilter: '^https?://', resourceTypes: frames } });
  }
  Object.keys(overrides.approvals).slice(0, OVERRIDE_ID_END - APPROVAL_ID_BASE).forEach((host, i) => {
    addRules.push({ id: APPROVAL_ID_BASE + i, priority: OVERRIDE_PRIORITY, action: { type: /** @type {any} */ ('allow') },
      condition: { requestDomains: [host], resourceTypes: frames } });
  });
  await dnr.updateSessionRules({ removeRuleIds, addRules });
}

/** Drops approvals that ended and clears an ended pause, in storage (the
 * alarm's job: the rules follow through storage.onChanged). */
export async function expireOverrides() {
  const now = Date.now();
  const { approvals = {}, settings } = await api.storage.local.get(['approvals', 'settings']);
  const live = liveApprovals(approvals, now);
  if (Object.keys(live).length !== Object.keys(approvals).length) await api.storage.local.set({ approvals: live });
  if (settings?.pausedUntil && settings.pausedUntil <= now) {
    const { pausedUntil: _, ...rest } = settings;
    await api.storage.local.set({ settings: rest });
  }
  await syncOverrides();
}
