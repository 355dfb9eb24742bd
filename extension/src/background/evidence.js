// The picture for an evidence file (report.html, after the parent's PIN):
// `tabs.captureVisibleTab` of the tab the evidence is about, taken only on
// that click, only where shared/evidence.js allows a picture (bullying,
// grooming, scam; never adult content or a hash match). The picture goes
// back to report.html, which writes the file on this computer; nothing is
// sent anywhere.
import { api } from '../shared/platform.js';
import { evidencePlan } from '../shared/evidence.js';
import { evidenceReveal } from '../shared/messages.js';

/** Time for the tab to be painted after it is brought to the front (and its shield lifted). */
const SETTLE_MS = 400;

const sleep = (/** @type {number} */ ms) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Brings tab `tabId` to the front, lifts its in-page shield for the moment
 * of the picture (the grown-up has unlocked with the PIN: the shield hides
 * the very words 111 needs to see), captures it, and puts everything back:
 * the shield, and the tab the grown-up was on.
 * @param {{tabId: number, category: string, hash?: string | null}} m
 * @param {number} [backTo] the tab to return to (report.html's)
 * @returns {Promise<{ok: true, dataUrl: string, url: string} | {ok: false, error: string}>}
 */
export async function captureEvidence(m, backTo) {
  if (evidencePlan({ category: m.category, hash: m.hash }) !== 'capture') return { ok: false, error: 'noPicture' };
  const tab = await api.tabs.get(m.tabId).catch(() => null);
  if (!tab?.id || tab.windowId === undefined) return { ok: false, error: 'noTab' };
  const [here] = backTo === undefined ? await api.tabs.query({ active: true, windowId: tab.windowId }) : [{ id: backTo }];
  const reveal = (/** @type {boolean} */ on) => api.tabs.sendMessage(/** @type {number} */ (tab.id), evidenceReveal(on))
    .catch(() => null); // extension pages (the warning page) have no shield
  try {
    await api.tabs.update(tab.id, { active: true });
    await reveal(true);
    await sleep(SETTLE_MS);
    const dataUrl = await api.tabs.captureVisibleTab(tab.windowId, { format: 'png' });
    return { ok: true, dataUrl, url: tab.url ?? '' };
  } catch (e) {
    console.error('lachan: evidence capture', e);
    return { ok: false, error: 'capture' };
  } finally {
    await reveal(false);
    if (here?.id !== undefined && here.id !== tab.id) await api.tabs.update(here.id, { active: true }).catch(() => {});
  }
}
