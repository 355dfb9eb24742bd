// Fills a page's text from _locales: every element with data-i18n="key"
// gets that message as its text, and <html lang> is set to the language the
// browser actually picked (vi by default, en for an English UI).
import { t } from './platform.js';

/** @param {ParentNode} root */
export function localise(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(/** @type {HTMLElement} */ (el).dataset.i18n ?? '');
  }
  document.documentElement.lang = t('lang');
}
