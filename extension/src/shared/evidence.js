// Evidence a grown-up keeps on this computer for 111 or the police: one
// self-contained HTML file (the picture inlined as a data: URL, no script,
// nothing fetched when it is opened). Pure (no DOM, no browser API; `t` is
// passed in) so extension/test/ runs it in Node.
//
// The rule this module keeps: a picture is taken only for bullying, grooming
// and scam pages. Sexual content (the adult categories) and a match against
// a child-abuse hash list NEVER get a picture: keeping such images is itself
// an offence, so their file has the address, the time and the hash only,
// with words that say why.
import { clean, localOffset, localParts, reportHash, reportTime, reportUrl } from './report.js';

/** Pages whose picture helps 111 or the police act: what was said or offered. */
export const CAPTURE_CATEGORIES = Object.freeze(['bullying', 'grooming', 'scam']);
/** Never a picture: sexual content, and pictures matched by hash. */
export const NO_PICTURE_CATEGORIES = Object.freeze(['adult', 'mixed_adult', 'lingerie', 'image_match']);

/** The most matched words a file lists. */
export const MAX_WORDS = 12;

/**
 * What evidence a page may get: `capture` (a picture of the tab and the
 * words), `no-picture` (address, time, hash), or null (none offered).
 * A hash match is `no-picture` whatever its category says.
 * @param {{category?: string | null, hash?: unknown}} m @returns {'capture' | 'no-picture' | null}
 */
export function evidencePlan(m) {
  const category = String(m.category ?? '');
  if (reportHash(m.hash) || NO_PICTURE_CATEGORIES.includes(category)) return 'no-picture';
  return CAPTURE_CATEGORIES.includes(category) ? 'capture' : null;
}

/** A PNG data: URL, or '' for anything else (never a remote address). @param {unknown} s */
export const pngDataUrl = (s) => (typeof s === 'string' && /^data:image\/png;base64,[A-Za-z0-9+/]+=*$/.test(s) ? s : '');

/** @param {string} s */
const esc = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The matched words, each once, at most MAX_WORDS. @param {unknown} words @returns {string[]} */
export function evidenceWords(words) {
  /** @type {string[]} */
  const out = [];
  for (const w of Array.isArray(words) ? words : []) {
    const c = clean(w).slice(0, 80);
    if (c && !out.includes(c)) out.push(c);
    if (out.length >= MAX_WORDS) break;
  }
  return out;
}

/** @typedef {{url: string, category?: string | null, time: number, tzOffsetMin?: number, words?: string[],
 *   hash?: string | null, capture?: string | null}} EvidenceInfo */

/**
 * The evidence file. `capture` is embedded only when the plan is `capture`;
 * for any other plan it is dropped, whatever the caller passed.
 * @param {EvidenceInfo} info
 * @param {(key: string, subs?: string | string[]) => string} t localised strings (_locales keys evidence*)
 * @param {(category: string) => string} categoryName
 * @returns {{html: string, name: string, picture: boolean}}
 */
export function evidenceFile(info, t, categoryName) {
  const plan = evidencePlan({ category: info.category, hash: info.hash });
  const offset = info.tzOffsetMin ?? localOffset(info.time);
  const picture = plan === 'capture' ? pngDataUrl(info.capture) : '';
  const hash = reportHash(info.hash);
  const words = plan === 'capture' ? evidenceWords(info.words) : [];
  /** @type {[string, string][]} */
  const rows = [
    [t('reportTextPage'), reportUrl(info.url)],
    [t('reportTextTime'), reportTime(info.time, offset, t)],
  ];
  if (info.category) rows.push([t('reportTextCategory'), clean(categoryName(info.category))]);
  if (plan === 'capture') rows.push([t('evidenceWords'), words.length ? words.join(', ') : t('evidenceNoWords')]);
  if (hash) rows.push([t('reportTextImage'), `PDQ ${hash}`]);
  const lines = [
    '<!doctype html>',
    `<html lang="${esc(t('lang'))}"><head><meta charset="utf-8">`,
    // Opened from the disk: no script runs, nothing is fetched.
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:; style-src \'unsafe-inline\'">',
    `<title>${esc(t('evidenceFileTitle'))}</title>`,
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:1.5rem auto;padding:0 1rem;color:#1f2933}'
      + 'dt{font-weight:700;margin-top:.5rem}dd{margin:0;overflow-wrap:anywhere}img{max-width:100%;border:1px solid #9aa5b1}'
      + '.how{background:#f0f4f8;border-radius:12px;padding:.5rem 1rem}</style>',
    '</head><body>',
    `<h1>${esc(t('evidenceFileTitle'))}</h1>`,
    `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd data-field>${esc(v)}</dd>`).join('')}</dl>`,
    picture
      ? `<h2>${esc(t('evidencePictureHeading'))}</h2><img alt="${esc(t('evidencePictureAlt'))}" src="${picture}">`
      : `<p><strong>${esc(t(plan === 'capture' ? 'evidencePictureFailed' : 'evidenceNoPicture'))}</strong></p>`,
    `<section class="how"><h2>${esc(t('evidenceHowHeading'))}</h2><ul>`
      + `<li>${esc(t('evidenceHowKeep'))}</li><li>${esc(t('evidenceHowShow'))}</li><li>${esc(t('evidenceHowNoForward'))}</li>`
      + '</ul></section>',
    `<p>${esc(t('evidenceFileFooter'))}</p>`,
    '</body></html>',
  ];
  const x = localParts(info.time, offset);
  return { html: lines.join('\n'), name: t('evidenceFileName', [`${x.year}-${x.month}-${x.day}-${x.time.replace(':', '')}`]),
    picture: Boolean(picture) };
}
