// Messages from the guard, the warning page and tests: one handler per
// message type (see src/shared/messages.js). Privileged requests (session
// allows, grown-up requests) are accepted from the extension's own pages only.
import { isMessage } from '../shared/messages.js';
import { api, flavour } from '../shared/platform.js';
import { addRequest, cachedManaged, hostOf, SESSION_ALLOW_MS } from '../shared/settings.js';
import { liveRequests, strictCategories } from '../shared/requests.js';
import { managedView } from '../shared/parent.js';
import { addSessionAllow } from './dnr.js';
import { decide, notReadyUrl, passes, rememberSessionAllow, warningUrl } from './verdict.js';
import { engineReady, engineState, hashListMeta } from './engine.js';
import { runUpdateCheck } from './update-check.js';
import { clearStoredUpdates, currentSource, updateStatus } from './updates.js';
import { keyProblem, urlProblem } from '../shared/update-source.js';
import { recordError, stats } from './stats.js';
import { checkImageUrl, imageStats, loadContacts, openReport } from './images.js';
import { reportQuery } from '../shared/report.js';
import { captureEvidence } from './evidence.js';
import { checkPosts, helpData, scoreText } from './text.js';
import { searchRedirect } from './search.js';
import { recordStop, recordSupport } from './activity.js';
import * as parent from './parent.js';
import { blockedNavigation } from './navigation.js';
import { syncBadge } from './badge.js';

/** @typedef {chrome.runtime.MessageSender} Sender */
/** @typedef {import('../shared/settings.js').LocalStore} LocalStore */

/** @param {Sender} sender */
const fromExtensionPage = (sender) =>
  sender.id === api.runtime.id && (sender.url ?? '').startsWith(api.runtime.getURL(''));

/** A handler for the extension's own pages only (the options page's first
 * steps: no token exists yet). @param {(m: any) => Promise<unknown>} fn */
const pageOnly = (fn) => async (/** @type {any} */ m, /** @type {Sender} */ sender) =>
  (fromExtensionPage(sender) ? fn(m) : { ok: false, error: 'notAllowed' });

/** May this frame show `url` (the guard and check.html ask)? When the
 * filter cannot decide, the answer is the not-ready page, never "allow".
 * @param {string} url @param {Sender} sender @returns {Promise<import('../shared/messages.js').NavAnswer>} */
async function navAnswer(url, sender) {
  let v;
  try {
    v = await decide(url);
  } catch (e) {
    recordError('navAnswer', e);
    stats.notReady++;
    return { action: 'block', redirect: notReadyUrl(url) };
  }
  // (`!passes(v)` already means warn or block: the second test tells tsc so.)
  if (!passes(v) && v.action !== 'allow') return { action: v.action, redirect: warningUrl(url, v) };
  const search = sender.frameId === 0 ? await searchRedirect(url) : null; // search queries (search.js)
  return search ? { action: 'block', redirect: search } : { action: 'allow' };
}

/** A handler for an extension page holding the live unlock token, once a
 * parent PIN exists: before that the answer is {ok: false, error:
 * 'setupNeeded'} (parent.setupRefusal), so nothing a parent decides (pause,
 * approvals, lists, categories, band, history) can be done before a
 * grown-up has set the PIN. @param {(m: any) => Promise<unknown>} fn */
const unlocked = (fn) => pageOnly(async (m) => {
  const refusal = await parent.setupRefusal();
  if (refusal) return refusal;
  return (await parent.tokenValid(m.token)) ? fn(m) : { ok: false, error: 'locked' };
});

/** @typedef {import('../shared/messages.js').Answers} Answers */
/** @type {{[K in import('../shared/messages.js').Message['type']]:
 *   (m: Extract<import('../shared/messages.js').Message, {type: K}>, s: Sender) => Promise<K extends keyof Answers ? Answers[K] : unknown>}} */
const HANDLERS = {
  async navCheck(m, sender) {
    stats.guardChecks++;
    return navAnswer(m.url, sender);
  },
  // Chromium's static rules send these pages here (hop-rules.js, tools/dnr.mjs).
  async hopCheck(m, sender) {
    if (!fromExtensionPage(sender)) return { ok: false, error: 'notAllowed' };
    stats.hopChecks++;
    return navAnswer(m.url, sender);
  },
  // notready.html's "Try again": open the bundle again, then decide.
  async retryEngine(m, sender) {
    if (!fromExtensionPage(sender)) return { ready: false, error: 'notAllowed' };
    try {
      await engineReady();
    } catch (e) {
      return { ready: false, error: String(/** @type {any} */ (e)?.message ?? e) };
    }
    if (!/^https?:/i.test(m.url)) return { ready: true, action: 'allow' };
    const answer = await navAnswer(m.url, { ...sender, frameId: 0 });
    return { ready: !('redirect' in answer && answer.redirect.startsWith(notReadyUrl(''))), ...answer };
  },
  async engineState() {
    await engineReady().catch(() => {}); // a load under way: its outcome, not "not yet"
    const [update, { source }, { updateSource }, hashes] = await Promise.all([updateStatus(), currentSource(),
      /** @type {Promise<Partial<LocalStore>>} */ (api.storage.local.get('updateSource')),
      updateStatus('hashes')]);
    return { ...engineState(), update, source: source ? { url: source.url, from: source.from } : null,
      hashList: { inForce: hashListMeta(), status: hashes },
      family: updateSource ? { url: updateSource.url, key: updateSource.key } : null };
  },
  // The family's update source (options page, PIN): nothing is fetched
  // until one is set; both fields empty clears it and forgets its updates
  // (the packed bundle is back in force at the next start).
  updateSource: unlocked(async (m) => {
    const url = m.url.trim();
    const key = m.key.trim();
    if (!url && !key) {
      await api.storage.local.remove('updateSource');
      await clearStoredUpdates();
      return { ok: true, cleared: true };
    }
    const problem = urlProblem(url) ? 'updBadUrl' : keyProblem(key) ? 'updBadKey' : '';
    if (problem) return { ok: false, error: problem };
    await api.storage.local.set({ updateSource: { url, key } }); // storage.onChanged starts a check (main.js)
    return { ok: true };
  }),
  updateCheck: unlocked(async () => ({ ok: true, result: await runUpdateCheck() })),
  async blockedNavigation(_, sender) {
    const tab = sender.tab?.id;
    return { url: fromExtensionPage(sender) && tab !== undefined ? await blockedNavigation(tab, sender.frameId ?? 0) : '' };
  },
  async verdict(m) {
    return decide(m.url);
  },
  async askGrownUp(m, sender) {
    // From the warning page (the URL it was stopped at), or from the in-page
    // shield of a web page: then the page's address as the browser reports it.
    const url = fromExtensionPage(sender) ? m.url : sender.tab && sender.frameId === 0 && sender.url ? sender.url : '';
    if (!url) return { ok: false };
    const count = await addRequest({ url, host: hostOf(url), category: m.category, time: Date.now() });
    await syncBadge(); // lit before the page says "saved" (storage.onChanged would follow a moment later)
    return { ok: true, count };
  },
  // Open before the PIN too: "continue" is the child's friction step that the
  // policy itself chose for warn-level pages (10 s, one host, this session),
  // not a parent's lift; block-level pages have none, with or without a PIN.
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
  async imageCheck(m, sender) {
    if (!sender.tab) return { ok: false, error: 'not from a tab' }; // content scripts only
    const a = await checkImageUrl(m.src);
    return a.ok && a.matched ? { ...a, contacts: await loadContacts() } : a;
  },
  async openReport(m, sender) {
    // Evidence is of the tab that asked (the warning page or the shielded page).
    const evidenceTab = m.evidence && sender.tab?.id !== undefined ? sender.tab.id : undefined;
    return openReport(reportQuery({ url: m.url, category: m.category ?? null, image: m.image ?? null, evidenceTab,
      words: m.words ?? [] }), sender);
  },
  evidenceCapture: unlocked((m) => captureEvidence(m)),
  async imageStats() {
    return { flavour, ...imageStats };
  },
  async pageText(m, sender) {
    if (!sender.tab) return { error: 'not from a tab' }; // content scripts only
    // The page's own URL as the browser reports it, so a page cannot claim another site's context.
    const v = await scoreText(m.text, sender.url ? { url: sender.url, article: m.article === true } : undefined);
    if (m.perf && typeof m.perf === 'object') stats.textPerf = m.perf;
    if (v.action === 'allow') return v;
    // Once per visit (activity.js); self-harm text shows support, counted as such.
    const host = hostOf(sender.url ?? '') || 'page';
    if (m.union && v.support) void recordSupport(host);
    else if (m.union) void recordStop(host, v.category ?? 'other', v.action === 'block' ? 'block' : 'warn');
    const answer = { ...v, help: await helpData() };
    if (v.action === 'block' && !v.support && sender.url) {
      return { ...answer, redirect: warningUrl(sender.url, /** @type {any} */ ({ action: 'block', category: v.category, source: 'page text' })) };
    }
    return answer;
  },
  async posts(m, sender) {
    if (!sender.tab) return { error: 'not from a tab' }; // content scripts only
    return (await checkPosts(m.texts)) ?? { error: 'undecided' };
  },
  // "Continue" on the in-page shield: counted, no URL kept.
  async textContinued(_, sender) {
    if (!sender.tab) return { ok: false };
    stats.textContinued++;
    return { ok: true };
  },
  async warningShown(m, sender) {
    if (!fromExtensionPage(sender)) return { ok: false };
    if (sender.frameId) stats.warningFrames++;
    const category = m.category || 'other';
    // A stop without its URL is told apart by its category alone.
    const counted = await recordStop(hostOf(m.url ?? '') || `category:${category}`, category, m.action === 'warn' ? 'warn' : 'block');
    return { ok: true, counted };
  },
  async supportShown(_, sender) {
    if (!fromExtensionPage(sender)) return { ok: false };
    return { ok: true, counted: await recordSupport('search') };
  },
  // The popup's answer list: the child's own requests (the child may see
  // them too), and which categories lead with "Not now" (shared/requests.js).
  waitingRequests: pageOnly(async () => {
    const [{ askRequests }, { engine }, managed] = await Promise.all([api.storage.local.get('askRequests'), engineReady(), cachedManaged()]);
    const view = managedView(managed);
    return { requests: liveRequests(askRequests, Date.now()), strict: [...strictCategories(JSON.parse(engine.defaultTable()))],
      locked: !view.optionsPage || view.locks.includes('requests') };
  }),
  optionsState: pageOnly((m) => parent.optionsState(m.token)),
  pinSetup: pageOnly((m) => parent.pinSetup(m.pin)),
  unlock: pageOnly((m) => parent.unlock(m.pin)),
  pinRecover: pageOnly((m) => parent.pinRecover(m.code, m.pin)),
  pinChange: unlocked((m) => parent.pinChange(m.pin)),
  lock: unlocked(() => parent.lock()),
  settingsUpdate: unlocked((m) => parent.settingsUpdate(m.patch)),
  decideRequest: unlocked((m) => parent.decideRequest(m.url, m.decision)),
  revokeApproval: unlocked((m) => parent.revokeApproval(m.host)),
  pause: unlocked((m) => parent.pause(m.minutes)),
  clearHistory: unlocked(() => parent.clearHistory()),
  async leavePage(m, sender) {
    if (sender.tab?.id === undefined) return { ok: false };
    await api.tabs.update(sender.tab.id, { url: api.runtime.getURL('start.html') });
    return { ok: true };
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
