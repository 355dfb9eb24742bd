// The engine's side of a list update: updates.js fetches and verifies,
// this module opens the bytes in the engine and switches (engine.js), and
// keeps the alarm. Kept apart so updates.js stays free of the WASM engine.
import { api } from '../shared/platform.js';
import { bundleVersion, engineReady, hashListVersion, openEngine, switchEngine, switchHashEngine } from './engine.js';
import { checkForUpdate, UPDATE_ALARM, UPDATE_PERIOD_MIN } from './updates.js';
import { stats } from './stats.js';

/** Makes sure the 4-hourly alarm exists (alarms survive a worker restart). */
export async function scheduleUpdates() {
  if (!await api.alarms.get(UPDATE_ALARM)) {
    await api.alarms.create(UPDATE_ALARM, { periodInMinutes: UPDATE_PERIOD_MIN, delayInMinutes: UPDATE_PERIOD_MIN });
  }
}

/** One check against the configured source (none: nothing is fetched). */
export async function runUpdateCheck() {
  await engineReady().catch(() => {}); // a stored update is in force first; a broken packed bundle does not stop an update
  const t0 = performance.now();
  const result = await checkForUpdate({ current: bundleVersion, open: openEngine, swap: switchEngine });
  if (result === 'updated') stats.updateInForceMs = performance.now();
  stats.lastUpdateCheck = result;
  stats.updateCheckMs = performance.now() - t0;
  // A separate image-hash list (the school's hashListUrl), when one is set.
  stats.lastHashCheck = await checkForUpdate({ current: hashListVersion, open: openEngine, swap: switchHashEngine }, 'hashes');
  return result;
}
