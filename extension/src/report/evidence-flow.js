// "Keep evidence" on report.html: after the parent's PIN, one self-contained
// HTML file saved on this computer (shared/evidence.js writes it; an
// <a download> of a blob: URL saves it). For bullying, grooming and scam the
// file has a picture of the tab (background/evidence.js, taken on the click);
// for adult content and hash matches never a picture, only the address, the
// time and the hash, and the page says why. Nothing leaves the computer.
import { api, t } from '../shared/platform.js';
import { evidenceFile, evidencePlan } from '../shared/evidence.js';
import { categoryName, el } from './flow.js';

/** @typedef {{url: string, category?: string | null, image?: import('../shared/report.js').ImageInfo | null,
 *   evidenceTab?: number, words?: string[]}} EvidenceSubject */

/** Why an unlock failed, in words. @param {any} r */
const unlockProblem = (r) => t(r?.error === 'noPin' ? 'evidencePinNone' : r?.error === 'wait' ? 'evidencePinWait' : 'evidencePinWrong');

/**
 * Renders the evidence section into `slot`, or nothing when the page's
 * category keeps no evidence. A picture is offered only with a tab to
 * capture and a category that allows one.
 * @param {HTMLElement} slot @param {EvidenceSubject} subject @returns {HTMLElement | null}
 */
export function renderEvidence(slot, subject) {
  const hash = subject.image?.hash ?? null;
  const plan = evidencePlan({ category: subject.category, hash });
  if (!plan || (plan === 'capture' && subject.evidenceTab === undefined)) {
    slot.replaceChildren();
    return null;
  }
  const picture = plan === 'capture';
  const status = el('p', { class: 'status', role: 'status', 'aria-live': 'polite', testid: 'evidence-status' });
  const pin = /** @type {HTMLInputElement} */ (el('input', { id: 'evidence-pin', type: 'password', inputmode: 'numeric',
    autocomplete: 'off', required: '', testid: 'evidence-pin' }));
  const form = el('form', { testid: 'evidence-unlock' }, [
    el('label', { for: 'evidence-pin', text: t('evidencePinLabel') }),
    pin,
    el('button', { type: 'submit', class: 'secondary', text: t('evidenceUnlock') }),
  ]);
  const save = /** @type {HTMLButtonElement} */ (el('button', { type: 'button', id: 'evidence-save', class: 'primary',
    testid: 'evidence-save', text: t(picture ? 'evidenceSave' : 'evidenceSaveNoPicture') }));
  save.hidden = true;
  let token = '';
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await api.runtime.sendMessage({ type: 'unlock', pin: pin.value }).catch(() => null);
    pin.value = '';
    if (!r?.ok) {
      status.textContent = unlockProblem(r);
      return;
    }
    token = r.token;
    form.hidden = true;
    save.hidden = false;
    status.textContent = '';
    save.focus();
  });
  const fileSlot = el('p', { class: 'hint' });
  save.addEventListener('click', async () => {
    save.disabled = true;
    let capture = '';
    if (picture) {
      const r = await api.runtime.sendMessage({ type: 'evidenceCapture', token, tabId: subject.evidenceTab, category: subject.category ?? '', hash })
        .catch(() => null);
      if (!r?.ok) {
        status.textContent = t(r?.error === 'locked' ? 'evidencePinWrong' : 'evidenceFailed');
        if (r?.error === 'locked') { form.hidden = false; save.hidden = true; }
        save.disabled = false;
        return;
      }
      capture = r.dataUrl;
    }
    const file = evidenceFile({ url: subject.url, category: subject.category ?? null, time: Date.now(), words: subject.words ?? [],
      hash, capture }, t, categoryName);
    const a = /** @type {HTMLAnchorElement} */ (el('a', { href: URL.createObjectURL(new Blob([file.html], { type: 'text/html' })),
      download: file.name, testid: 'evidence-file', text: file.name }));
    a.dataset.picture = String(file.picture);
    fileSlot.replaceChildren(a);
    a.click();
    status.textContent = t('evidenceSaved', file.name);
    save.disabled = false;
  });
  const section = el('section', { class: 'card evidence', testid: 'evidence', 'aria-labelledby': 'evidence-title' }, [
    el('h2', { id: 'evidence-title', text: t('evidenceHeading') }),
    el('p', { testid: 'evidence-intro', text: t(picture ? 'evidenceIntro' : 'evidenceIntroNoPicture') }),
    el('div', { class: 'how' }, [
      el('h3', { text: t('evidenceHowHeading') }),
      el('ul', {}, ['evidenceHowKeep', 'evidenceHowShow', 'evidenceHowNoForward'].map((k) => el('li', { text: t(k) }))),
    ]),
    form,
    save,
    status,
    fileSlot,
  ]);
  section.dataset.plan = plan;
  slot.replaceChildren(section);
  return section;
}
