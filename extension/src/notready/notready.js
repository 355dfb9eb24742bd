// notready.html: shown instead of a page while the filter cannot decide.
// "Try again" asks the worker to open its bundle again and decide this URL;
// only an answer of "allow" opens it (a block goes to the warning page),
// anything else keeps this page. Nothing of the URL is fetched before that.
import { api, startPage, t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';
import { retryEngine } from '../shared/messages.js';

/** Opening the bundle again can take a few seconds on a slow machine. */
const ANSWER_MS = 10_000;

/** The page the child was opening (`u`), if it is a web address. */
function wanted() {
  const u = new URLSearchParams(location.search).get('u') ?? '';
  return /^https?:\/\//i.test(u) ? u : '';
}

/** @param {string} url */
async function ask(url) {
  /** @type {any} */
  let timer;
  const late = new Promise((ok) => { timer = setTimeout(() => ok(null), ANSWER_MS); });
  const answer = await Promise.race([api.runtime.sendMessage(retryEngine(url)).catch(() => null), late]);
  clearTimeout(timer);
  return /** @type {any} */ (answer);
}

async function retry() {
  const status = /** @type {HTMLElement} */ (document.getElementById('status'));
  const button = /** @type {HTMLButtonElement} */ (document.getElementById('retry'));
  const url = wanted();
  button.disabled = true;
  status.textContent = t('nrRetrying');
  const answer = await ask(url);
  button.disabled = false;
  if (answer?.ready && url && answer.action === 'allow') location.replace(url);
  else if (answer?.ready && typeof answer.redirect === 'string') location.replace(answer.redirect);
  else if (answer?.ready && !url) status.textContent = t('nrReadyNow');
  else status.textContent = t('nrStillNotReady');
  document.body.dataset.answer = answer?.ready ? 'ready' : 'not-ready';
}

localise();
document.title = t('nrTitle');
const url = wanted();
let host = '';
try { host = url ? new URL(url).hostname : ''; } catch { /* shown empty */ }
/** @type {HTMLElement} */ (document.getElementById('host')).textContent = host;
document.getElementById('retry')?.addEventListener('click', () => { retry(); });
document.getElementById('leave')?.addEventListener('click', () => {
  if (history.length > 1) history.back();
  else location.replace(api.runtime.getURL(startPage));
});
document.body.dataset.ready = 'true';
