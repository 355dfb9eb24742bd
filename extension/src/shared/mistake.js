// "Blocked by mistake": the text a parent copies for the people who keep the
// list that stopped a page, and the address where those people take reports.
// Pure (no DOM, no browser API; `t` is passed in) so extension/test/ runs it
// in Node. Nothing here sends anything: the parent copies the text and, if
// they choose, opens the list's own page with a click.
import { clean, localOffset, reportTime } from './report.js';

/** One entry of data/lists.json (built by build.mjs from the bundle's
 * sources and lists/issues.toml).
 * @typedef {{credit?: string, issues?: string}} ListInfo */

/** @typedef {{url: string, category?: string | null, source?: string | null, time: number,
 *   version: string, tzOffsetMin?: number}} MistakeInfo */

/** The host of `url` (the report names the site, not the page a child opened).
 * @param {string} url */
export function mistakeHost(url) {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.hostname;
  } catch { /* not a URL */ }
  return clean(url);
}

/** Only an https address is ever offered as a link. @param {unknown} url */
export const issuesLink = (url) => (typeof url === 'string' && /^https:\/\/[^\s"'<>]+$/.test(url) ? url : '');

/** The list that matched, as the report names it: its credit and id when the
 * bundle carries it, else "not one of the lists" (the name checks, page text).
 * @param {string | null | undefined} source @param {Record<string, ListInfo>} lists
 * @param {(key: string, subs?: string | string[]) => string} t */
export function listName(source, lists, t) {
  const id = clean(source);
  const known = id && Object.hasOwn(lists, id) ? lists[id] : null;
  if (!known) return t('mistakeNoList');
  const credit = clean(known.credit);
  return credit ? `${credit} (${id})` : id;
}

/**
 * The report text, one fact per line, in the UI language.
 * @param {MistakeInfo} info @param {Record<string, ListInfo>} lists
 * @param {(key: string, subs?: string | string[]) => string} t
 * @param {(category: string) => string} categoryName
 * @returns {{text: string, issues: string}} issues: the list's report page, or ''
 */
export function formatMistake(info, lists, t, categoryName) {
  const offset = info.tzOffsetMin ?? localOffset(info.time);
  const id = clean(info.source);
  const issues = id && Object.hasOwn(lists, id) ? issuesLink(lists[id].issues) : '';
  const lines = [
    t('mistakeTextTitle'),
    `${t('mistakeTextSite')} ${mistakeHost(info.url)}`,
  ];
  if (info.category) lines.push(`${t('reportTextCategory')} ${clean(categoryName(info.category))}`);
  lines.push(`${t('mistakeTextList')} ${listName(info.source, lists, t)}`);
  lines.push(`${t('reportTextTime')} ${reportTime(info.time, offset, t)}`);
  lines.push(`${t('mistakeTextVersion')} ${clean(info.version)}`);
  lines.push(t('mistakeTextAsk'));
  return { text: lines.join('\n'), issues };
}
