// SafeSearch on Google, Bing and DuckDuckGo, and YouTube restricted mode.
// The rules come from data/safesearch.json (built from
// lists/curated/safesearch.toml) and are (re)installed at every background
// start and whenever the settings or the school policy change.
//
//   Chromium: declarativeNetRequest session rules for both (redirect with
//     queryTransform.addOrReplaceParams; modifyHeaders).
//   Firefox: DNR session rule for the YouTube header only. The search
//     parameters go through blocking webRequest.onBeforeRequest instead,
//     registered after navigation.js's listener: in Firefox a DNR redirect
//     takes precedence over webRequest (measured in the e2e: a DNR-redirected
//     search to a block-listed engine reached the server), so a DNR redirect
//     would defeat the filter's own block and harmful-search redirects. With
//     two blocking listeners Firefox applies the first one's redirect, so a
//     block wins over SafeSearch (e2e: block-listed bing.com, 0 requests).
//
// Why session rules: dnr.js owns the dynamic rules (it replaces all of them
// on every policy change) and enables exactly the static rulesets it wants,
// so a static or dynamic SafeSearch rule would be removed. Session rules
// live until the browser closes; every start of the background puts them back.
import { api, flavour } from '../shared/platform.js';
import { cachedManaged, loadSettings } from '../shared/settings.js';
import { engineReady } from './engine.js';
import { serialQueue } from './serial.js';
import {
  checkSafeSearch, makeSafeSearchRules, safeSearchOn, safeSearchRedirect, SAFESEARCH_ID_BASE, SAFESEARCH_ID_END,
} from './safesearch-rules.js';

/** @type {Promise<import('./safesearch-rules.js').SafeEngine[]> | null} */
let engines = null;
const loadEngines = () => (engines ??= fetch(api.runtime.getURL('data/safesearch.json'))
  .then((r) => r.json()).then((d) => checkSafeSearch(d, 'data/safesearch.json')));

/** State for tests and the self-check page: whether it is on and how many rules are installed. */
export const safeSearchState = { on: /** @type {boolean | null} */ (null), rules: 0, error: '' };

/** Chromium: engine domains the filter itself stops (a category or a
 * parent/school block). Their results pages are left out of the SafeSearch
 * redirect, whose priority (above the allow rules, so an allow-listed engine
 * keeps SafeSearch) would otherwise outrank the static category rules.
 * If the engine cannot load, nothing is left out.
 * @param {import('./safesearch-rules.js').SafeEngine[]} engines @returns {Promise<string[]>} */
async function stoppedDomains(engines) {
  try {
    const { engine } = await engineReady();
    return engines.filter((e) => e.kind === 'param').flatMap((e) => e.domains)
      .filter((d) => (engine.checkCode(`https://${d}/search?q=a`, 255) & 3) !== 0);
  } catch {
    return [];
  }
}

/** Serialises syncs (start and a settings change may overlap). */
const queue = serialQueue();

/** Installs (or removes) the session rules to match the setting. */
export function syncSafeSearch() {
  const run = queue(async () => {
    const [settings, managed] = await Promise.all([loadSettings(), cachedManaged()]);
    const on = safeSearchOn(/** @type {any} */ (settings), /** @type {any} */ (managed));
    const engines = on ? await loadEngines() : [];
    const chromium = flavour === 'chromium';
    const addRules = on ? makeSafeSearchRules(engines, { params: chromium, exclude: chromium ? await stoppedDomains(engines) : [] }) : [];
    const dnr = api.declarativeNetRequest;
    const removeRuleIds = (await dnr.getSessionRules()).map((r) => r.id)
      .filter((id) => id >= SAFESEARCH_ID_BASE && id < SAFESEARCH_ID_END);
    await dnr.updateSessionRules({ removeRuleIds, addRules });
    Object.assign(safeSearchState, { on, rules: addRules.length, error: '' });
    return safeSearchState;
  });
  run.catch((e) => { safeSearchState.error = String(e?.message ?? e); });
  return run;
}

/** Firefox: the search-parameter redirect (see the top of this file).
 * @param {{url: string}} d */
async function onBeforeRequest(d) {
  try {
    if (safeSearchState.on === null) await syncSafeSearch().catch(() => {});
    if (!safeSearchState.on) return {};
    const to = safeSearchRedirect(await loadEngines(), d.url);
    return to ? { redirectUrl: to } : {};
  } catch (e) {
    safeSearchState.error = String(/** @type {Error} */ (e)?.message ?? e);
    return {};
  }
}

/** Registers the Firefox listener; call synchronously at the top level,
 * after registerNavigation(). No-op in Chromium (DNR does it). */
export function registerSafeSearch() {
  if (flavour !== 'firefox') return;
  api.webRequest.onBeforeRequest.addListener(/** @type {any} */ (onBeforeRequest),
    { urls: ['http://*/*', 'https://*/*'], types: ['main_frame', 'sub_frame'] }, ['blocking']);
}
