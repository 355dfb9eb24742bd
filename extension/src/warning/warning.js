// The warning page: the category in the child's words, a tip, "Go back",
// "Ask a grown-up", "Tell a grown-up" (with 111), the 111 block, the
// grown-ups' part (details, report for 111, blocked by mistake, evidence),
// and for warn-level verdicts a "continue" behind a 10 s countdown.
// URL (e2e contract):
//   warning.html?u=<encodeURIComponent(url)>&c=<category>&a=<block|warn>[&s=&r=&m=]
// A DNR redirect cannot encode the URL, so it puts a raw `u=` last:
//   warning.html?c=<category>&a=<action>&u=http://host/path?x=1&y=2
// readParams() handles both. A URL-prefix (urlFilter) rule cannot carry the
// URL at all (warning.html?c=&a=): the worker tells it (blockedNavigation).
import { api, startPage, t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';
import { allowSession, askGrownUp, blockedNavigationRequest, isNewStop, openEvidence, verdictRequest, warningShown } from '../shared/messages.js';
import { hostOf } from '../shared/settings.js';
import { renderHelp } from './help.js';
import { renderReport } from '../report/flow.js';
import { detailRows } from './details.js';
import { bandNow, localiseBand, tBand } from '../shared/band-words.js';
import { evidencePlan } from '../shared/evidence.js';
import { renderMistake } from './mistake.js';

/** Seconds before "continue" can be pressed on a warn-level page. */
const CONTINUE_DELAY_S = 10;
/** If history.back() has nowhere to go, the page is still here after this. */
const BACK_FALLBACK_MS = 700;

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** The age band in force: picks the register of a few messages (band-words.js). */
let band = '';

/**
 * @param {string} search location.search @param {string} hash location.hash
 * @returns {{action: string, category: string, url: string, source: string, rule: string, inner: string}}
 */
export function readParams(search, hash = '') {
  const q = search.replace(/^\?/, '');
  const at = q.search(/(^|&)u=/);
  const uStart = at < 0 ? -1 : q.indexOf('u=', at) + 2;
  let url = '';
  let rest = q;
  if (uStart >= 0) {
    const tail = q.slice(uStart);
    if (/^[a-z][a-z0-9+.-]*%3a/i.test(tail) || tail === '' || tail.startsWith('&')) {
      // Encoded (the worker's form): an ordinary parameter.
      const end = tail.indexOf('&');
      url = decodeURIComponent(end < 0 ? tail : tail.slice(0, end));
      rest = q.slice(0, at < 0 ? 0 : at) + (end < 0 ? '' : tail.slice(end));
    } else {
      // Raw (DNR's \0): everything after `u=`, and the fragment with it.
      url = tail + hash;
      rest = q.slice(0, at);
    }
  }
  const p = new URLSearchParams(rest);
  return { action: p.get('a') === 'warn' ? 'warn' : 'block', category: p.get('c') ?? '', url,
    source: p.get('s') ?? '', rule: p.get('r') ?? '', inner: p.get('m') ?? '' };
}

/** Message key suffix for a category (unknown ones read as "other").
 * @param {string} category */
const catKey = (category) => (t(`catName_${category}`) !== `catName_${category}` ? category : 'other');

/** @param {string} action @param {string} category @param {string} url */
function renderNotice(action, category, url) {
  const warn = action === 'warn';
  const key = catKey(category);
  document.title = t(warn ? 'pageTitleWarn' : 'pageTitleBlock');
  $('title').textContent = tBand(warn ? 'headingWarn' : 'headingBlock', band);
  // A warn-level page is not blocked: its details must not say so.
  const summary = document.querySelector('.details summary');
  if (summary) summary.textContent = t(warn ? 'detailsSummaryWarn' : 'detailsSummary');
  const cat = $('category');
  cat.textContent = t(`catName_${key}`);
  cat.dataset.categoryKey = category || 'other';
  $('why').textContent = t(`catWhy_${key}`);
  $('tip').textContent = t(`tip_${key}`);
  $('host').textContent = hostOf(url) || url;
  document.body.dataset.action = action;
  document.body.dataset.category = category;
}

/** The grown-ups' details, in words (details.js).
 * @param {import('./details.js').Verdict} v */
function renderDetails(v) {
  const dl = $('details');
  dl.replaceChildren();
  for (const [label, value] of detailRows(v, t)) {
    const dt = document.createElement('dt');
    dt.textContent = t(label);
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
}

/** "Tell a grown-up": shows (or hides) the child's advice and the 111 call. */
function toggleTell() {
  const box = $('tell-box');
  const button = $('tell-grownup');
  box.hidden = !box.hidden;
  button.setAttribute('aria-expanded', String(!box.hidden));
  if (!box.hidden) $('tell-title').focus();
}

/** The grown-ups' actions: the report for 111, "blocked by mistake", and
 * evidence for the categories that may keep it (shared/evidence.js).
 * `subject` is read at click time: the worker's verdict may add the source.
 * @param {{url: string, category: string, source: string}} subject */
function setupGrownUps(subject) {
  $('report-page').addEventListener('click', async () => {
    const section = await renderReport($('report-slot'), { url: subject.url, category: subject.category || null });
    section.querySelector('textarea')?.focus();
  });
  $('mistake-open').addEventListener('click', async () => {
    const section = await renderMistake($('mistake-slot'), subject);
    /** @type {HTMLElement | null} */ (section.querySelector('h3'))?.focus();
  });
  const evidence = /** @type {HTMLButtonElement} */ ($('evidence-open'));
  evidence.hidden = !(subject.url && evidencePlan({ category: subject.category }));
  // report.html opens next to this tab, asks for the PIN, then saves the file.
  evidence.addEventListener('click', () => api.runtime.sendMessage(openEvidence(subject.url, subject.category)).catch(() => {}));
}

/** "Go back" always works: back in history if there is somewhere to go,
 * else the extension's own safe start page. */
function goBack() {
  const start = api.runtime.getURL(startPage);
  if (history.length <= 1) {
    location.replace(start);
    return;
  }
  history.back();
  // Still here: nothing to go back to in this tab.
  setTimeout(() => location.replace(start), BACK_FALLBACK_MS);
}

/** @param {string} url @param {string} category */
async function ask(url, category) {
  const button = /** @type {HTMLButtonElement} */ ($('ask-grownup'));
  button.disabled = true;
  const res = await api.runtime.sendMessage(askGrownUp(url, category)).catch(() => null);
  if (res?.ok) {
    const done = document.createElement('p');
    done.dataset.testid = 'ask-done';
    done.className = 'status';
    done.setAttribute('role', 'status');
    done.textContent = t('askSent');
    button.after(done);
    $('status').textContent = '';
  } else {
    $('status').textContent = t('askFailed');
    button.disabled = false;
  }
}

/** The friction before "continue": a visible countdown, then the button.
 * @param {string} url */
function setupContinue(url) {
  if (document.getElementById('continue')) return;
  const box = $('continue-box');
  box.hidden = false;
  const button = document.createElement('button');
  button.id = 'continue';
  button.type = 'button';
  button.className = 'secondary';
  button.disabled = true;
  button.textContent = t('continueButton');
  box.append(button);
  const countdown = $('countdown');
  let left = CONTINUE_DELAY_S;
  countdown.textContent = t('continueWait', String(left));
  const timer = setInterval(() => {
    left -= 1;
    if (left > 0) {
      countdown.textContent = t('continueWait', String(left));
      return;
    }
    clearInterval(timer);
    countdown.textContent = t('continueReady');
    button.disabled = false;
  }, 1000);
  button.addEventListener('click', async () => {
    button.disabled = true;
    const res = await api.runtime.sendMessage(allowSession(url)).catch(() => null);
    if (res?.ok) location.replace(url);
    else {
      $('status').textContent = tBand('continueFailed', band);
      button.disabled = false;
    }
  });
}

/** A grown-up has since said yes (or paused protection): the way on.
 * @param {string} url @param {'approved' | 'paused'} why */
function showApproved(url, why) {
  const box = document.createElement('p');
  box.className = 'tip';
  box.dataset.testid = 'approved';
  box.setAttribute('role', 'status');
  box.textContent = t(why === 'approved' ? 'approvedNote' : 'pausedNote');
  const go = document.createElement('button');
  go.type = 'button';
  go.className = 'primary';
  go.dataset.testid = 'approved-open';
  go.textContent = t('approvedOpen');
  go.addEventListener('click', () => location.replace(url));
  box.append(' ', go);
  $('go-back').closest('.actions')?.before(box);
}

async function main() {
  localise();
  const params = readParams(location.search, location.hash);
  band = await bandNow();
  localiseBand(band);
  // A URL-prefix rule's redirect cannot carry the URL: the worker knows
  // which page this frame was opening.
  if (!params.url) params.url = (await api.runtime.sendMessage(blockedNavigationRequest()).catch(() => null))?.url ?? '';
  // Ready (body[data-ready]) means the 111 channels are there too.
  const help = renderHelp().catch((e) => console.error('lachan: help block', e));
  // The parents' 30-day summary counts this stop (category and action only),
  // once per visit: reloading the warning page or coming back to it is the
  // same stop, and so is the same host again within minutes (the worker
  // tells that from the URL; background/visits.js).
  const nav = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType('navigation')[0]);
  if (isNewStop(nav?.type)) api.runtime.sendMessage(warningShown(params.category, params.action, params.url)).catch(() => {});
  if (window.top !== window) {
    // Inside a frame of another page: a compact note, no navigation buttons.
    document.body.classList.add('in-frame');
    $('frame-view').hidden = false;
    renderNotice(params.action, params.category, params.url);
    document.body.dataset.ready = 'true';
    return;
  }
  renderNotice(params.action, params.category, params.url);
  renderDetails({ category: params.category, source: params.source, rule: params.rule, matched_url: params.inner });
  $('go-back').addEventListener('click', goBack);
  $('ask-grownup').addEventListener('click', () => ask(params.url, params.category));
  $('tell-grownup').addEventListener('click', toggleTell);
  const subject = { url: params.url, category: params.category, source: params.source };
  setupGrownUps(subject);
  if (params.action === 'warn' && params.url) setupContinue(params.url);
  // The worker's verdict adds the source and rule (a DNR redirect only knows
  // the category). The action in the URL stays: the rulesets and the
  // second layer both encode the band's action.
  const v = params.url && /^https?:/i.test(params.url)
    ? await api.runtime.sendMessage(verdictRequest(params.url)).catch(() => null) : null;
  if (v && !('error' in v) && v.action !== 'allow') {
    renderDetails(v);
    if (v.source) subject.source = v.source;
  }
  if (v && !('error' in v) && (v.override === 'approved' || v.override === 'paused')) showApproved(params.url, v.override);
  await help;
  document.body.dataset.ready = 'true';
}

main();
