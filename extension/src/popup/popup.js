// The toolbar popup: which page this is (and its verdict), and "Report this
// page" → the report flow (report/flow.js) for the current tab. When the tab
// shows the warning page, the report is about the page that was stopped.
// Before a parent PIN exists: "a grown-up needs to finish the setup" → welcome.html.
// After: the child's waiting requests, each answered here with the PIN.
import { api, t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';
import { verdictRequest } from '../shared/messages.js';
import { hostOf } from '../shared/settings.js';
import { renderReport } from '../report/flow.js';
import { renderAnswers, wireAnswers } from './answer.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** The page a tab URL stands for: the stopped page if it is our warning
 * page (encoded `u=` or DNR's raw `u=` last), else the URL itself.
 * @param {string} tabUrl @returns {{url: string, category: string}} */
export function subjectOf(tabUrl) {
  const warning = api.runtime.getURL('warning.html');
  if (!tabUrl.startsWith(warning)) return { url: tabUrl, category: '' };
  const q = new URL(tabUrl).search.slice(1);
  const at = q.search(/(^|&)u=/);
  const tail = at < 0 ? '' : q.slice(q.indexOf('u=', at) + 2);
  const encoded = /^[a-z][a-z0-9+.-]*%3a/i.test(tail);
  const url = encoded ? decodeURIComponent(tail.split('&')[0]) : tail;
  const rest = new URLSearchParams(encoded ? q.replace(/(^|&)u=[^&]*/, '') : q.slice(0, Math.max(0, at)));
  return { url, category: rest.get('c') ?? '' };
}

async function main() {
  localise();
  const want = Number(new URLSearchParams(location.search).get('tabId'));
  const tab = Number.isInteger(want) && want > 0
    ? await api.tabs.get(want)
    : (await api.tabs.query({ active: true, currentWindow: true }))[0];
  const subject = subjectOf(tab?.url ?? '');
  const web = /^https?:/i.test(subject.url);
  $('page-host').textContent = web ? hostOf(subject.url) : '';
  const button = /** @type {HTMLButtonElement} */ ($('report-open'));
  if (!web) {
    $('page-state').textContent = t('popupNoPage');
    button.disabled = true;
  } else {
    if (!subject.category) {
      const v = await api.runtime.sendMessage(verdictRequest(subject.url)).catch(() => null);
      if (v && !('error' in v) && v.action !== 'allow' && v.category) subject.category = v.category;
    }
    $('page-state').textContent = subject.category
      ? `${t('popupStopped')} ${t(`catName_${subject.category}`) !== `catName_${subject.category}` ? t(`catName_${subject.category}`) : subject.category}`
      : t('popupAllowed');
    button.addEventListener('click', async () => {
      button.disabled = true;
      const section = await renderReport($('report-slot'), { url: subject.url, category: subject.category || null });
      section.querySelector('h2')?.setAttribute('tabindex', '-1');
      /** @type {HTMLElement | null} */ (section.querySelector('h2'))?.focus();
    });
  }
  // The parent's cues: setup not finished (no PIN, and no school managing
  // the settings), and how many "ask a grown-up" requests wait (a count only).
  /** @type {Partial<import('../shared/settings.js').LocalStore>} */
  const { askRequests = [], pin, managedCache } = await api.storage.local.get(['askRequests', 'pin', 'managedCache']).catch(() => ({}));
  if (!pin && managedCache?.optionsPage !== false) {
    $('setup-needed').hidden = false;
    $('open-welcome').addEventListener('click', async () => {
      await api.tabs.create({ url: api.runtime.getURL('welcome.html') });
      window.close();
    });
  }
  if (askRequests.length) {
    const waiting = $('requests-waiting');
    waiting.textContent = t('popupRequests', String(askRequests.length));
    waiting.hidden = false;
    // The settings open on the requests, the PIN field focused (options.js).
    $('options-link').setAttribute('href', 'options.html#requests');
  }
  // With a PIN, the parent answers the child's requests right here (answer.js).
  if (pin) {
    wireAnswers();
    await renderAnswers();
  }
  document.body.dataset.ready = 'true';
}

main().catch((e) => console.error('lachan: popup', e));
