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
import { ALLOW_TYPES, PRIORITY } from './rule-shapes.js';
import { recordError } from './stats.js';
import { serialQueue } from './serial.js';

/** @typedef {import('../shared/settings.js').LocalStore} LocalStore */

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
  /** @type {Partial<LocalStore>} */
  const { approvals, settings } = await api.storage.local.get(['approvals', 'settings']);
  const now = Date.now();
  overrides.approvals = liveApprovals(approvals, now);
  overrides.pausedUntil = isPaused(settings, now) ? settings.pausedUntil : 0;
}

/** Whether a parent's pause is in force now (text.js lifts the page-text shield too). */
export const pausedNow = () => overrides.pausedUntil > Date.now();

/**
 * Why a page the lists stop may be shown now, or null.
 * @param {string} host @param {{match_kind: string, source: string | null}} v the verdict
 * @returns {null | 'paused' | 'approved'}
 */
export function overrideFor(host, v) {
  if (v.match_kind === 'custom' && v.source === 'school') return null; // the school's own list stays
  if (pausedNow()) return 'paused';
  return approvedUntil(overrides.approvals, host, Date.now()) ? 'approved' : null;
}

/** Serialises syncs (a storage change and the alarm may overlap). */
const queue = serialQueue();

/** Re-reads the overrides, then (Chromium) puts the session rules and
 * (every browser) the expiry alarm in line with them. */
export function syncOverrides() {
  const run = queue(async () => {
    await loadOverrides();
    const now = Date.now();
    if (flavour === 'chromium') await syncRules();
    const next = nextExpiry([overrides.pausedUntil, ...Object.values(overrides.approvals)], now);
    await api.alarms.clear(EXPIRY_ALARM);
    if (next) await api.alarms.create(EXPIRY_ALARM, { when: next });
  });
  run.catch((e) => recordError('overrides', e));
  return run;
}

async function syncRules() {
  const dnr = api.declarativeNetRequest;
  const removeRuleIds = (await dnr.getSessionRules()).map((r) => r.id).filter((id) => id >= PAUSE_RULE_ID && id < OVERRIDE_ID_END);
  /** @type {chrome.declarativeNetRequest.Rule[]} */
  const addRules = [];
  if (pausedNow()) {
    addRules.push({ id: PAUSE_RULE_ID, priority: PRIORITY.override, action: { type: /** @type {any} */ ('allow') },
      condition: { regexFilter: '^(https?|wss?)://', resourceTypes: ALLOW_TYPES } });
  }
  Object.keys(overrides.approvals).slice(0, OVERRIDE_ID_END - APPROVAL_ID_BASE).forEach((host, i) => {
    addRules.push({ id: APPROVAL_ID_BASE + i, priority: PRIORITY.override, action: { type: /** @type {any} */ ('allow') },
      condition: { requestDomains: [host], resourceTypes: ALLOW_TYPES } });
  });
  await dnr.updateSessionRules({ removeRuleIds, addRules });
}

/** Drops approvals that ended and clears an ended pause, in storage (the
 * alarm's job): a write reaches the rules through storage.onChanged (main.js),
 * so only an alarm that found nothing to drop syncs here. */
export async function expireOverrides() {
  const now = Date.now();
  /** @type {Partial<LocalStore>} */
  const { approvals = {}, settings } = await api.storage.local.get(['approvals', 'settings']);
  /** @type {Record<string, unknown>} */
  const write = {};
  const live = liveApprovals(approvals, now);
  if (Object.keys(live).length !== Object.keys(approvals).length) write.approvals = live;
  if (settings?.pausedUntil && settings.pausedUntil <= now) {
    const { pausedUntil: _, ...rest } = settings;
    write.settings = rest;
  }
  if (Object.keys(write).length) await api.storage.local.set(write);
  else await syncOverrides();
}
