// check.html: the worker decides, then this page opens the URL (its own
// navigation is exempt from the hop rules, so it is not sent back here) or
// the warning page. Nothing of the URL is fetched before the answer. If the
// worker does not answer, the page says so and offers to try again: a
// filter that cannot decide never lets a page through silently.
import { api, startPage, t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';
import { hopCheck } from '../shared/messages.js';

/** A cold worker loads the engine first (~0.2 s; more on a slow machine). */
const ANSWER_MS = 8000;

/** The raw URL after `u=` (DNR cannot encode it), with its fragment.
 * @param {string} search @param {string} hash */
function rawUrl(search, hash) {
  const at = search.indexOf('u=');
  const url = at < 0 ? '' : search.slice(at + 2) + hash;
  return /^https?:\/\//i.test(url) ? url : '';
}

/** @param {string} url */
async function ask(url) {
  /** @type {any} */
  let timer;
  const late = new Promise((ok) => { timer = setTimeout(() => ok(null), ANSWER_MS); });
  const answer = await Promise.race([api.runtime.sendMessage(hopCheck(url)).catch(() => null), late]);
  clearTimeout(timer);
  return /** @type {any} */ (answer);
}

async function run() {
  const url = rawUrl(location.search, location.hash);
  const failed = /** @type {HTMLElement} */ (document.getElementById('failed'));
  failed.hidden = true;
  if (!url) {
    location.replace(api.runtime.getURL(startPage));
    return;
  }
  const answer = await ask(url);
  if (answer?.action === 'allow') location.replace(url);
  else if (typeof answer?.redirect === 'string') location.replace(answer.redirect);
  else {
    failed.hidden = false;
    /** @type {HTMLElement} */ (document.getElementById('checking')).textContent = '';
  }
}

localise();
document.title = t('checkTitle');
document.getElementById('retry')?.addEventListener('click', () => { run(); });
document.getElementById('leave')?.addEventListener('click', () => {
  if (history.length > 1) history.back();
  else location.replace(api.runtime.getURL(startPage));
});
run();
