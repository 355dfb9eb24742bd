// Messages from the guard, the warning page and tests: one handler per
// message type (see src/shared/messages.js). Privileged requests (session
// allows, grown-up requests) are accepted from the extension's own pages only.
import { isMessage } from '../shared/messages.js';
import { api, flavour } from '../shared/platform.js';
import { addRequest, hostOf, SESSION_ALLOW_MS } from '../shared/settings.js';
import { addSessionAllow } from './dnr.js';
import { decide, passes, rememberSessionAllow, warningUrl } from './verdict.js';
import { recordError, stats } from './stats.js';

/** @typedef {chrome.runtime.MessageSender} Sender */

/** @param {Sender} sender */
const fromExtensionPage = (sender) =>
  sender.id === api.runtime.id && (sender.url ?? '').startsWith(api.runtime.getURL(''));

/** @type {{[K in import('../shared/messages.js').Message['type']]:
 *   (m: Extract<import('../shared/messages.js').Message, {type: K}>, s: Sender) => Promise<unknown>}} */
const HANDLERS = {
  async navCheck(m) {
    stats.guardChecks++;
    const v = await decide(m.url);
    return passes(v) ? { action: 'allow' } : { action: v.action, redirect: warningUrl(m.url, v) };
  },
  async verdict(m) {
    return decide(m.url);
  },
  async askGrownUp(m, sender) {
    if (!fromExtensionPage(sender)) return { ok: false };
    const count = await addRequest({ url: m.url, host: hostOf(m.url), category: m.category, time: Date.now() });
    return { ok: true, count };
  },
  async allowSession(m, sender) {
    if (!fromExtensionPage(sender)) return { ok: false };
    const v = await decide(m.url);
    if (v.action === 'allow' || v.sessionAllowed) return { ok: true }; // nothing to allow
    if (v.action !== 'warn') return { ok: false }; // block-level pages have no "continue"
    const host = hostOf(m.url);
    await rememberSessionAllow(host, Date.now() + SESSION_ALLOW_MS);
    if (flavour === 'chromium') await addSessionAllow(host);
    return { ok: true };
  },
  async stats() {
    return { flavour, ...stats };
  },
};

/** runtime.onMessage listener: answers asynchronously (returns true).
 * @param {unknown} message @param {Sender} sender @param {(r: unknown) => void} sendResponse */
export function route(message, sender, sendResponse) {
  if (!isMessage(message) || sender.id !== api.runtime.id) return false;
  const handler = /** @type {(m: any, s: Sender) => Promise<unknown>} */ (HANDLERS[message.type]);
  handler(message, sender).then(sendResponse, (e) => {
    recordError(message.type, e);
    sendResponse({ error: String(e?.message ?? e) });
  });
  return true;
}
