// "Blocked by mistake" in the warning page's grown-ups' part: the text a
// parent copies for the people who keep the list that matched (its name and
// report page from data/lists.json, built from lists/issues.toml), and a
// link to that page, which opens only when the parent clicks it.
import { api, t } from '../shared/platform.js';
import { formatMistake } from '../shared/mistake.js';
import { copyText } from '../report/flow.js';

/** @param {string} c */
const categoryName = (c) => {
  const name = t(`catName_${c}`);
  return name && name !== `catName_${c}` ? name : t('catName_other');
};

/** @returns {Promise<Record<string, import('../shared/mistake.js').ListInfo>>} */
async function loadLists() {
  try {
    return await fetch(api.runtime.getURL('data/lists.json')).then((r) => r.json());
  } catch (e) {
    console.error('lachan: lists', e);
    return {};
  }
}

/**
 * Renders the mistake report into `slot` (replacing what was there).
 * @param {HTMLElement} slot @param {{url: string, category?: string | null, source?: string | null}} subject
 * @returns {Promise<HTMLElement>}
 */
export async function renderMistake(slot, subject) {
  const { text, issues } = formatMistake({ url: subject.url, category: subject.category ?? null, source: subject.source ?? null,
    time: Date.now(), version: api.runtime.getManifest().version }, await loadLists(), t, categoryName);
  const section = document.createElement('section');
  section.className = 'card mistake';
  section.dataset.testid = 'mistake';
  section.setAttribute('aria-labelledby', 'mistake-title');
  const h = Object.assign(document.createElement('h3'), { id: 'mistake-title', textContent: t('mistakeHeading'), tabIndex: -1 });
  const intro = Object.assign(document.createElement('p'), { textContent: t('mistakeIntro') });
  const label = Object.assign(document.createElement('label'), { htmlFor: 'mistake-text', className: 'report-label', textContent: t('mistakeTextLabel') });
  const box = Object.assign(document.createElement('textarea'), { id: 'mistake-text', rows: 7, spellcheck: false, value: text });
  box.dataset.testid = 'mistake-text';
  const status = Object.assign(document.createElement('p'), { className: 'status' });
  status.setAttribute('role', 'status');
  const copy = Object.assign(document.createElement('button'), { type: 'button', id: 'mistake-copy', className: 'primary', textContent: t('mistakeCopy') });
  copy.addEventListener('click', async () => {
    status.dataset.copied = await copyText(box.value, box);
    status.textContent = t(status.dataset.copied === 'selected' ? 'reportCopySelected' : 'mistakeCopied');
  });
  const actions = Object.assign(document.createElement('div'), { className: 'actions' });
  actions.append(copy);
  section.append(h, intro, label, box, actions, status);
  if (issues) {
    // A plain link: the browser opens it only on the parent's click.
    const a = Object.assign(document.createElement('a'), { href: issues, target: '_blank', rel: 'noopener noreferrer', textContent: t('mistakeIssues') });
    a.dataset.testid = 'mistake-issues';
    const p = document.createElement('p');
    p.append(a, ' ', Object.assign(document.createElement('span'), { className: 'hint', textContent: t('mistakeLinkNote') }));
    section.append(p);
  } else {
    section.append(Object.assign(document.createElement('p'), { className: 'hint', textContent: t('mistakeNoIssues') }));
  }
  slot.replaceChildren(section);
  return section;
}
