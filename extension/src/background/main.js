// Lá Chắn background entry (Chromium service worker, Firefox event page).
// Every listener is registered synchronously at the top level, so the
// browser can wake the worker for any of them; each one awaits the
// memoised engine. No top-level await (not allowed in service workers).
import { lachan, recordError } from './stats.js'; // first: marks the script start
import { api, flavour, optional } from '../shared/platform.js';
import { refreshManaged } from '../shared/settings.js';
import { afterSwitch, beforeSwitch, engineReady, policyHosts, reloadPolicy, verifyBundle } from './engine.js';
import { runUpdateCheck, scheduleUpdates } from './update-check.js';
import { UPDATE_ALARM } from './updates.js';
import { recheckTabs, registerNavigation } from './navigation.js';
import { syncRulesets } from './dnr.js';
import { route } from './router.js';
import { syncImageScript } from './images.js';
import { registerSafeSearch, safeSearchState, syncSafeSearch } from './safesearch.js';
import { EXPIRY_ALARM, expireOverrides, syncOverrides } from './overrides.js';
import { onInstalled } from './firstrun.js';
import { REQUEST_ALARM, syncBadge } from './badge.js';

api.runtime.onMessage.addListener(route);
registerNavigation();
registerSafeSearch(); // after registerNavigation: in Firefox a block redirect must come first

/** Puts the DNR rulesets in line with the policy (Chromium only). */
async function syncDnr() {
  if (flavour !== 'chromium') return;
  await syncRulesets((await engineReady()).engine, policyHosts());
}

/** Policy inputs changed: re-apply them, then match the DNR rulesets. */
async function onPolicyChange() {
  await reloadPolicy();
  await syncDnr();
}

// Live updates: a school policy edited on the machine (area `managed`, cached
// into `managedCache`), a parent's change from the options page (`settings`),
// an approval (`approvals`): each reaches the engine, the rules and the
// overrides without a restart.
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'managed') refreshManaged().catch((e) => recordError('managed', e));
  else if (area === 'local' && (changes.settings || changes.managedCache)) {
    onPolicyChange().catch((e) => recordError('policy change', e))
      .then(() => syncSafeSearch()).catch((e) => recordError('safesearch', e));
  }
  if (area === 'local' && (changes.settings || changes.approvals)) syncOverrides().catch(() => {});
  // A request saved, answered or expired: the badge's count (badge.js).
  if (area === 'local' && changes.askRequests) void syncBadge();
  // A school's update address arriving (or changing), or a family's opt-in.
  if (area === 'local' && (changes.managedCache || changes.updateSource)) runUpdateCheck().catch((e) => recordError('update', e));
});

// The end of an approval or a pause (overrides.js).
api.alarms.onAlarm.addListener((alarm) => {
  if (alarm.name === EXPIRY_ALARM) expireOverrides().catch((e) => recordError('overrides', e));
  if (alarm.name === REQUEST_ALARM) void syncBadge(); // the oldest request expired
  // (then the 4-hourly alarm again, should a one-off `when` alarm have replaced it)
  if (alarm.name === UPDATE_ALARM) runUpdateCheck().then(() => scheduleUpdates()).catch((e) => recordError('update', e));
});

// Another bundle (a list update): on Chromium its rules go in before it is
// in force; the image script follows it.
beforeSwitch(async (engine, version) => {
  if (flavour === 'chromium') await syncRulesets(engine, policyHosts(), version);
});
afterSwitch(() => { syncImageScript().catch((e) => recordError('images', e)); });

/** Install, update and browser start: check the tabs that opened before
 * the background (and, in Chromium, before the static rules) were ready,
 * check the bundle once and refresh the school policy cache (slow: never on
 * the navigation path). */
async function onStart() {
  await recheckTabs().catch((e) => recordError('recheck tabs', e));
  await verifyBundle();
  await optional(refreshManaged, {});
}
api.runtime.onInstalled.addListener((details) => {
  onStart().catch((e) => recordError('install', e));
  onInstalled(details).catch((e) => recordError('welcome', e)); // first run: the welcome page (firstrun.js)
});
api.runtime.onStartup.addListener(() => { onStart().catch((e) => recordError('startup', e)); });

// Start loading at once: the event that woke the worker almost always needs
// a verdict. `self.lachan.ready` (tests) resolves when the engine is loaded
// and, on Chromium, the rulesets match the policy.
lachan.ready = engineReady().then(() => syncDnr().catch((e) => recordError('dnr', e)));
lachan.ready.catch(() => {});
// List updates (updates.js): one check now, then every 4 hours. Tests: self.lachanUpdateReady.
/** @type {any} */ (globalThis).lachanUpdateReady = scheduleUpdates().then(() => runUpdateCheck()).catch((e) => recordError('update', e));
// Image-hash matching: the image content script is registered only when the
// bundle has a hash list (background/images.js). Tests: self.lachanImagesReady.
/** @type {any} */ (globalThis).lachanImagesReady = engineReady()
  .then(() => syncImageScript())
  .catch((e) => recordError('images', e));
// SafeSearch and YouTube restricted mode (safesearch.js: DNR session rules;
// Firefox: the header by DNR, the search parameters by webRequest): put back
// at every start. Tests: self.lachanSafeSearch{Ready,State}.
/** @type {any} */ (globalThis).lachanSafeSearchState = safeSearchState;
/** @type {any} */ (globalThis).lachanSafeSearchReady = syncSafeSearch().catch((e) => recordError('safesearch', e));
// Approvals and pause: session rules and the expiry alarm, put back at every
// start (session rules do not survive a browser restart). Tests: self.lachanOverridesReady.
/** @type {any} */ (globalThis).lachanOverridesReady = syncOverrides().catch((e) => recordError('overrides', e));
// The waiting requests' badge, put back at every start (a browser restart
// forgets it). Tests: self.lachanBadgeReady.
/** @type {any} */ (globalThis).lachanBadgeReady = syncBadge();
