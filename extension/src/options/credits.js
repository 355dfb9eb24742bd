// "About and credits": the project's licence, the list sources of the
// packed bundle with their licences and credits, and the crates in the
// WASM, from data/credits.json (written by the build from the bundle).
import { api, t } from '../shared/platform.js';

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @param {HTMLElement} list
 * @param {string[]} lines
 */
function fill(list, lines) {
  list.replaceChildren(...lines.map((line) => {
    const li = document.createElement('li');
    li.textContent = line;
    return li;
  }));
}

/** Renders the section; a missing file says so instead of showing nothing. */
export async function renderCredits() {
  try {
    const res = await fetch(api.runtime.getURL('data/credits.json'));
    /** @type {import('../../tools/notice.mjs').Credits} */
    const c = await res.json();
    $('credits-intro').textContent = t('optCreditsIntro', [c.project.licence]);
    fill(/** @type {HTMLElement} */ ($('credits-lists')),
      c.lists.map((l) => `${l.name}: ${l.licence}${l.credit ? `, ${l.credit}` : ''}`));
    const shareAlike = c.lists.some((l) => l.licence === 'CC-BY-SA-4.0');
    $('credits-terms').textContent = shareAlike ? t('optCreditsShareAlike') : '';
    $('credits-crates-summary').textContent = t('optCreditsCrates', [String(c.crates.length)]);
    fill(/** @type {HTMLElement} */ ($('credits-crates')), c.crates.map((k) => `${k.name} ${k.version}: ${k.licence}`));
  } catch (e) {
    console.error('lachan: credits', e);
    $('credits-intro').textContent = t('optCreditsMissing');
  }
}
