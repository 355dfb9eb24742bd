// The plain notice on the self-check and options pages: private (incognito)
// windows are not protected until the extension is allowed there, how a
// parent allows it, and the school's policy that closes them. Whether it is
// allowed comes from extension.isAllowedIncognitoAccess().
//
// DOM (e2e contract): [data-testid=private-notice][data-allowed=true|false|unknown]
// with [data-testid=private-title], [data-testid=private-body] and, unless
// allowed, [data-testid=private-fix-parent] and [data-testid=private-fix-school].
import { api, flavour, t } from './platform.js';

/** Whether this extension may run in private windows; null when the
 * browser does not say. @returns {Promise<boolean | null>} */
export async function privateAllowed() {
  try {
    const v = await api.extension.isAllowedIncognitoAccess();
    return typeof v === 'boolean' ? v : null;
  } catch {
    return null;
  }
}

/** The message keys for a state (pure; unit-tested).
 * @param {boolean | null} allowed @param {'chromium' | 'firefox'} browser */
export function privateNoticeKeys(allowed, browser) {
  const ff = browser === 'firefox';
  if (allowed === true) return { title: 'privateOnTitle', body: 'privateOnBody', parent: '', school: '' };
  return {
    title: allowed === false ? 'privateOffTitle' : 'privateUnknownTitle',
    body: allowed === false ? 'privateOffBody' : 'privateUnknownBody',
    parent: ff ? 'scFixParentPrivate' : 'scFixParentIncognito',
    school: ff ? 'scFixSchoolPrivate' : 'scFixSchoolIncognito',
  };
}

/** @param {string} tag @param {string} text @param {string} testid */
function el(tag, text, testid) {
  const e = document.createElement(tag);
  e.textContent = text;
  e.dataset.testid = testid;
  return e;
}

/** Fills `box` with the notice for this browser. @param {HTMLElement} box */
export async function renderPrivateNotice(box) {
  const allowed = await privateAllowed();
  const k = privateNoticeKeys(allowed, flavour);
  box.dataset.allowed = allowed === null ? 'unknown' : String(allowed);
  box.replaceChildren(el('h2', t(k.title), 'private-title'), el('p', t(k.body), 'private-body'));
  if (k.parent) {
    box.append(el('h3', t('scFixParentHeading'), 'private-parent-heading'), el('p', t(k.parent), 'private-fix-parent'),
      el('h3', t('scFixSchoolHeading'), 'private-school-heading'), el('p', t(k.school), 'private-fix-school'));
  }
  box.hidden = false;
}
