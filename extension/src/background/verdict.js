// The decision for one URL: the engine's verdict plus the child's session
// allows ("continue" on a warn-level page). Shared by every browser's
// navigation layer and by the warning page.
import { api } from '../shared/platform.js';
import { hostOf } from '../shared/settings.js';
import { engineReady } from './engine.js';
import { countVerdict } from './stats.js';
import { overrideFor } from './overrides.js';

/** @typedef {import('../shared/messages.js').VerdictAnswer} VerdictAnswer */

/** Band index meaning "the policy's band" for Engine.checkCode. */
const POLICY_BAND = 255;

/** Only web pages are checked; extension, about:, data: and file: pages are not.
 * @param {string} url */
export const isWebUrl = (url) => /^https?:/i.test(url);

/** The full verdict for `url` (`allow` for non-web URLs).
 * @param {string} url @returns {Promise<VerdictAnswer>} */
export async function decide(url) {
  const { engine, sessionAllows } = await engineReady();
  const code = isWebUrl(url) ? engine.checkCode(url, POLICY_BAND) : 0;
  if ((code & 3) === 0) {
    countVerdict('allow');
    return /** @type {VerdictAnswer} */ ({ action: 'allow', category: null, source: null, rule: null,
      match_kind: 'none', band: '', matched_url: null, allow_override: false, reason: '', sessionAllowed: false, override: null });
  }
  /** @type {VerdictAnswer} */
  const v = { ...JSON.parse(engine.check(url, undefined)), sessionAllowed: false, override: null };
  const host = hostOf(url);
  const until = sessionAllows[host];
  if (v.action === 'warn' && until && until > Date.now()) {
    v.sessionAllowed = true;
  }
  const override = overrideFor(host, v); // a parent's pause or approval (overrides.js)
  if (override) {
    v.sessionAllowed = true;
    v.override = override;
  }
  countVerdict(v.sessionAllowed ? 'allow' : v.action);
  return v;
}

/** Whether the child may see the page now. @param {VerdictAnswer} v */
export const passes = (v) => v.action === 'allow' || v.sessionAllowed;

/** The warning page for a verdict (the e2e contract):
 * warning.html?u=<encoded url>&c=<category>&a=<block|warn>[&s=<source>&r=<rule>&m=<matched inner url>].
 * (A DNR redirect appends `u` raw and last instead; warning.js reads both.)
 * @param {string} url @param {VerdictAnswer} v */
export function warningUrl(url, v) {
  const e = encodeURIComponent;
  let q = `u=${e(url)}&c=${e(v.category ?? '')}&a=${v.action}`;
  if (v.source) q += `&s=${e(v.source)}`;
  if (v.rule) q += `&r=${e(v.rule)}`;
  if (v.matched_url) q += `&m=${e(v.matched_url)}`;
  return `${api.runtime.getURL('warning.html')}?${q}`;
}

/** The page shown instead of `url` while the filter cannot decide
 * (notready.html: kind words, 111 and "Try again"). @param {string} url */
export function notReadyUrl(url) {
  return `${api.runtime.getURL('notready.html')}?u=${encodeURIComponent(url)}`;
}

/** Remembers a "continue" for a warn-level host until `until`.
 * @param {string} host @param {number} until */
export async function rememberSessionAllow(host, until) {
  const { sessionAllows } = await engineReady();
  sessionAllows[host] = until;
  await api.storage.session.set({ sessionAllow: sessionAllows });
}
