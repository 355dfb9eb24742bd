// The extension's real messages for unit tests, and chrome.i18n.getMessage
// over them (named placeholders → $1…$9), failing on a missing key.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** @typedef {Record<string, {message: string, placeholders?: Record<string, {content: string}>}>} Messages */
/** @param {string} lang @returns {Messages} */
export const messages = (lang) => JSON.parse(readFileSync(new URL(`../_locales/${lang}/messages.json`, import.meta.url), 'utf8'));
/** @param {string} lang @returns {(k: string, subs?: string | string[]) => string} */
export const tOf = (lang) => {
  const m = messages(lang);
  return (k, subs = []) => {
    assert.ok(m[k], `missing ${lang} message ${k}`);
    const args = Array.isArray(subs) ? subs : [subs];
    const ph = m[k].placeholders ?? {};
    return m[k].message.replace(/\$([A-Za-z0-9_]+)\$/g, (_, /** @type {string} */ name) => {
      const p = Object.entries(ph).find(([n]) => n.toLowerCase() === name.toLowerCase());
      assert.ok(p, `${lang} ${k}: no placeholder ${name}`);
      return p[1].content.replace(/\$(\d)/g, (__, /** @type {string} */ i) => args[Number(i) - 1] ?? '');
    });
  };
};
