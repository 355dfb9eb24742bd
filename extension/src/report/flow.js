// The report flow, rendered into a slot by the warning page's grown-ups'
// part, the toolbar popup and report.html (opened by the in-page image
// note). It prepares a short report (src/shared/report.js) in an editable
// box; the person reviews it and sends it THEMSELVES through a 111 channel:
// copy it, call 111, open tongdai111.vn, Zalo (name only while the link is
// unverified), vn-cop.vn as the second channel (name only, unverified).
// Nothing is sent automatically, and nothing here makes a network request
// unless the person clicks a link.
import { api, t } from '../shared/platform.js';
import { formatReport } from '../shared/report.js';
import { channelItem } from '../warning/help.js';

/** @typedef {{url: string, category?: string | null, image?: import('../shared/report.js').ImageInfo | null}} ReportSubject */

/** An element with attributes (`testid` and `text` as shorthands) and children.
 * @param {string} tag @param {Record<string, string>} [props] @param {(Node | string)[]} [kids] */
export function el(tag, props = {}, kids = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'testid') e.dataset.testid = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}

/** A category in the child's words. @param {string} c */
export const categoryName = (c) => {
  const name = t(`catName_${c}`);
  return name && name !== `catName_${c}` ? name : t('catName_other');
};

/** Copies `text`: the clipboard API first, else the selection + execCommand,
 * else the text is left selected for Ctrl+C.
 * @param {string} text @param {HTMLTextAreaElement} box @returns {Promise<'clipboard' | 'exec' | 'selected'>} */
export async function copyText(text, box) {
  try {
    await navigator.clipboard.writeText(text);
    return 'clipboard';
  } catch { /* not allowed here: fall back */ }
  box.focus();
  box.select();
  try {
    if (document.execCommand('copy')) return 'exec';
  } catch { /* ignore */ }
  return 'selected';
}

/** Renders the report flow into `slot` (replacing what was there).
 * @param {HTMLElement} slot @param {ReportSubject} subject @returns {Promise<HTMLElement>} */
export async function renderReport(slot, subject) {
  const text = formatReport({ url: subject.url, category: subject.category ?? null, time: Date.now(), image: subject.image ?? null },
    t, categoryName);
  const box = /** @type {HTMLTextAreaElement} */ (el('textarea', { id: 'report-text', testid: 'report-text', rows: '8', spellcheck: 'false' }));
  box.value = text;
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite', testid: 'report-status' });
  const copy = el('button', { type: 'button', id: 'report-copy', class: 'primary', testid: 'report-copy', text: t('reportCopy') });
  copy.addEventListener('click', async () => {
    const how = await copyText(box.value, box);
    status.dataset.copied = how;
    status.textContent = t(how === 'selected' ? 'reportCopySelected' : 'reportCopied');
  });
  const call = el('a', { class: 'call', href: 'tel:111', testid: 'report-call' }, [
    el('span', { class: 'call-icon', 'aria-hidden': 'true', text: '📞' }),
    el('span', { class: 'call-text' }, [el('span', { class: 'call-label', text: t('call111') }),
      el('span', { class: 'call-note', text: t('reportCallNote') })]),
  ]);
  const channels = el('ul', { class: 'channels', testid: 'report-channels' });
  try {
    const contacts = await fetch(api.runtime.getURL('data/contacts.json')).then((r) => r.json());
    const tel = contacts.hotline?.tel;
    if (typeof tel === 'string' && /^tel:[0-9]+$/.test(tel)) call.setAttribute('href', tel);
    for (const c of contacts.channel ?? []) {
      const li = channelItem(c);
      li.dataset.testid = `report-${li.dataset.testid}`; // the warning page's own list keeps its ids
      channels.append(li);
    }
  } catch (e) {
    console.error('lachan: contacts', e);
  }
  const section = el('section', { class: 'card report', testid: 'report', 'aria-labelledby': 'report-title' }, [
    el('h2', { id: 'report-title', text: t('reportHeading') }),
    el('p', { text: t('reportIntro') }),
    el('label', { for: 'report-text', class: 'report-label', text: t('reportTextLabel') }),
    box,
    el('div', { class: 'actions' }, [copy]),
    status,
    el('h3', { text: t('reportStepsHeading') }),
    el('p', { text: t('reportSteps') }),
    call,
    channels,
    el('p', { class: 'hint', testid: 'report-nothing-sent', text: t('reportNothingSent') }),
  ]);
  slot.replaceChildren(section);
  return section;
}
