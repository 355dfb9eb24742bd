// The report a grown-up sends to 111 themselves: pure text
// formatting (no DOM, no browser API; `t` is passed in, so the unit tests in
// extension/test/ run it in Node). Nothing here sends anything: the report
// page shows the text in an editable box, and the person copies it, calls,
// or opens a 111 channel.

/** @typedef {{hash: string, source?: string | null, id?: string | null, distance?: number | null}} ImageInfo */
/** @typedef {{url: string, category?: string | null, time: number, image?: ImageInfo | null, tzOffsetMin?: number}} ReportInfo */

/** The longest URL a report carries (the rest is cut, with "…"). */
export const MAX_URL_CHARS = 1000;

/** A URL as a report shows it: no user name or password, no fragment,
 * at most MAX_URL_CHARS characters. Not a URL: returned trimmed and cut.
 * @param {string} url */
export function reportUrl(url) {
  let out = String(url ?? '').trim();
  try {
    const u = new URL(out);
    if (u.protocol === 'http:' || u.protocol === 'https:') {
      u.username = '';
      u.password = '';
      u.hash = '';
      out = u.href;
    }
  } catch { /* not a URL: keep the text */ }
  return out.length > MAX_URL_CHARS ? `${out.slice(0, MAX_URL_CHARS)}…` : out;
}

/** The local date and time of `ms`, as numbers a message puts in words.
 * @param {number} ms epoch milliseconds @param {number} offsetMin minutes EAST of UTC (Vietnam: 420)
 * @returns {{year: string, month: string, day: string, time: string}} */
export function localParts(ms, offsetMin) {
  const d = new Date(ms + offsetMin * 60_000);
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return { year: String(d.getUTCFullYear()), month: p(d.getUTCMonth() + 1), day: p(d.getUTCDate()),
    time: `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}` };
}

/** Local time with the local date, in the UI language's own order
 * (vi "17:05 ngày 24/11/2026", en "2026-11-24 at 17:05"): a parent reads it
 * as the clock on the wall showed it, so no UTC offset.
 * @param {number} ms @param {number} offsetMin minutes EAST of UTC
 * @param {(key: string, subs?: string | string[]) => string} t */
export function reportTime(ms, offsetMin, t) {
  const x = localParts(ms, offsetMin);
  return t('reportWhen', [x.time, x.day, x.month, x.year]);
}

/** The minutes east of UTC at `ms` on this computer. @param {number} ms */
export const localOffset = (ms) => -new Date(ms).getTimezoneOffset();

/** A PDQ hash as a report shows it: 64 lower-case hex digits, or '' if malformed.
 * @param {unknown} hash */
export function reportHash(hash) {
  return typeof hash === 'string' && /^[0-9a-f]{64}$/i.test(hash) ? hash.toLowerCase() : '';
}

/** One line of text, no control characters (list ids come from files).
 * @param {unknown} s */
export const clean = (s) => String(s ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim().slice(0, 200);

/**
 * The report text, one fact per line, in the UI language.
 * @param {ReportInfo} info
 * @param {(key: string, subs?: string | string[]) => string} t localised strings (_locales keys report*)
 * @param {(category: string) => string} [categoryName] child-friendly category name
 * @returns {string}
 */
export function formatReport(info, t, categoryName = (c) => c) {
  const offset = info.tzOffsetMin ?? localOffset(info.time);
  const lines = [
    t('reportTextTitle'),
    `${t('reportTextPage')} ${reportUrl(info.url)}`,
  ];
  // The category in words only: a key such as "gambling" means nothing to 111.
  if (info.category) lines.push(`${t('reportTextCategory')} ${clean(categoryName(info.category))}`);
  lines.push(`${t('reportTextTime')} ${reportTime(info.time, offset, t)}`);
  const hash = reportHash(info.image?.hash);
  if (hash && info.image) {
    lines.push(`${t('reportTextImage')} PDQ ${hash}`);
    const src = clean(info.image.source);
    const id = clean(info.image.id);
    if (src || id) lines.push(`${t('reportTextList')} ${[src, id].filter(Boolean).join(' / ')}`);
    if (typeof info.image.distance === 'number') lines.push(`${t('reportTextDistance')} ${info.image.distance}/256`);
  }
  lines.push(t('reportTextFooter'));
  return lines.join('\n');
}

/** Reads the report parameters of report.html / the warning page:
 * `u` (URL), `c` (category), `h` (PDQ hash), `hs` (list source), `hi` (list id), `hd` (distance),
 * and for evidence `ev` (the tab to capture) and `w` (matched words, one a line).
 * @param {URLSearchParams} p
 * @returns {{url: string, category: string, image: ImageInfo | null, evidenceTab?: number, words?: string[]}} */
export function reportParams(p) {
  const hash = reportHash(p.get('h'));
  const d = Number(p.get('hd'));
  /** @type {ReturnType<typeof reportParams>} */
  const out = {
    url: p.get('u') ?? '',
    category: p.get('c') ?? '',
    image: hash ? { hash, source: p.get('hs') ?? null, id: p.get('hi') ?? null,
      distance: p.get('hd') !== null && Number.isInteger(d) && d >= 0 && d <= 256 ? d : null } : null,
  };
  const tab = Number(p.get('ev'));
  if (p.get('ev') !== null && Number.isInteger(tab) && tab >= 0) {
    out.evidenceTab = tab;
    out.words = (p.get('w') ?? '').split('\n').map(clean).filter(Boolean);
  }
  return out;
}

/** The query string of report.html for a page and an optional image match
 * (and, for evidence, the tab to capture and the matched words).
 * @param {{url: string, category?: string | null, image?: ImageInfo | null, evidenceTab?: number, words?: string[]}} r */
export function reportQuery(r) {
  const p = new URLSearchParams();
  p.set('u', r.url);
  if (r.category) p.set('c', r.category);
  const hash = reportHash(r.image?.hash);
  if (hash && r.image) {
    p.set('h', hash);
    if (r.image.source) p.set('hs', r.image.source);
    if (r.image.id) p.set('hi', r.image.id);
    if (typeof r.image.distance === 'number') p.set('hd', String(r.image.distance));
  }
  if (typeof r.evidenceTab === 'number') {
    p.set('ev', String(r.evidenceTab));
    const words = (r.words ?? []).map(clean).filter(Boolean).slice(0, 12);
    if (words.length) p.set('w', words.join('\n'));
  }
  return p.toString();
}
