// Firefox: every request that is not a page, a frame or an <object>
// (fetch/XHR, images, media, scripts, styles, fonts, websockets, beacons,
// prefetches…) to a host or URL prefix of a category blocked at every age
// is cancelled before it leaves: a benign page that fetch()es a blocked
// site, or hot-links its pictures, gets nothing. The same categories as
// Chromium's `sub_` rulesets: those the default policy blocks at every age,
// while the merged policy still does. Categories some age band may see are
// left alone (blocking their pictures would break that band's pages).
//
// Cost: one blocking listener call and one WASM lookup (`checkCode`, no
// JSON) per request; the full verdict only for the few that hit a list.
import { api } from '../shared/platform.js';
import { engineReady, policyVersion } from './engine.js';
import { decide } from './verdict.js';
import { blockedAtEveryAge } from './rule-shapes.js';
import { recordError, stats } from './stats.js';

/** Firefox's request types other than main_frame, sub_frame and object. */
const TYPES = ['stylesheet', 'script', 'image', 'imageset', 'font', 'xmlhttprequest', 'ping', 'beacon', 'csp_report', 'media',
  'websocket', 'object_subrequest', 'xslt', 'xml_dtd', 'web_manifest', 'speculative', 'other'];
/** Band index meaning "the policy's band" for Engine.checkCode. */
const POLICY_BAND = 255;

/** Category ids blocked at every age, for the policy version they were made for. */
let cache = { version: -1, ids: /** @type {Set<number>} */ (new Set()) };

/** @param {import('./resilient.js').ResilientEngine} engine */
function everyAgeIds(engine) {
  const version = policyVersion();
  if (cache.version !== version) {
    /** @type {{key: string}[]} */
    const categories = JSON.parse(engine.categories());
    const table = JSON.parse(engine.policyTable());
    const defaults = JSON.parse(engine.defaultTable());
    const ids = new Set(categories.flatMap((c, i) => (blockedAtEveryAge(defaults, c.key) && blockedAtEveryAge(table, c.key) ? [i] : [])));
    cache = { version, ids };
  }
  return cache.ids;
}

/** @param {{url: string}} d */
async function onRequest(d) {
  try {
    const { engine } = await engineReady();
    const url = d.url.replace(/^ws(s?):/i, 'http$1:'); // a websocket's host is checked like a page's
    const code = engine.checkCode(url, POLICY_BAND);
    if ((code & 3) !== 2 || !everyAgeIds(engine).has((code >> 2) - 1)) return {};
    // A parent's pause or approval lifts it; the parent's and school's own
    // lists are for pages (checkCode gives them no category anyway).
    const v = await decide(url);
    if (v.action !== 'block' || v.sessionAllowed || v.match_kind === 'custom') return {};
    stats.subBlocked++;
    return { cancel: true };
  } catch (e) {
    recordError('subresource', e);
    return {};
  }
}

/** Registered synchronously at the background's top level (Firefox only). */
export function registerSubresources() {
  api.webRequest.onBeforeRequest.addListener(/** @type {any} */ (onRequest),
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'], types: /** @type {any} */ (TYPES) }, ['blocking']);
}
