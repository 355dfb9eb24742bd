// The toolbar icon's badge: how many "ask a grown-up" requests wait, so a
// parent sees one without opening anything. Set when a request is saved,
// cleared when the last one is answered or expires, put back at every
// worker start (main.js). A count only: never a host.
import { api } from '../shared/platform.js';
import { BADGE_COLOR, badgeText, liveRequests, nextRequestExpiry } from '../shared/requests.js';
import { recordError } from './stats.js';
import { serialQueue } from './serial.js';

export const REQUEST_ALARM = 'lachan-request-expiry';

/** A storage change and the alarm may overlap: one sync at a time. */
const queue = serialQueue();

/** Drops expired requests from storage, shows the count of those left on
 * the badge, and wakes the worker when the next one expires. Never rejects.
 * @returns {Promise<string>} the badge text set */
export function syncBadge() {
  return queue(async () => {
    const now = Date.now();
    const { askRequests } = await api.storage.local.get('askRequests');
    const live = liveRequests(askRequests, now);
    // (The write fires storage.onChanged, which syncs once more: a no-op then.)
    if (Array.isArray(askRequests) && live.length !== askRequests.length) await api.storage.local.set({ askRequests: live });
    const text = badgeText(live.length);
    await api.action.setBadgeText({ text });
    if (text) await api.action.setBadgeBackgroundColor({ color: BADGE_COLOR });
    await api.alarms.clear(REQUEST_ALARM);
    const next = nextRequestExpiry(live);
    if (next) await api.alarms.create(REQUEST_ALARM, { when: next });
    return text;
  }).catch((e) => {
    recordError('badge', e);
    return '';
  });
}
