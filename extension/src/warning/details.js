// The grown-ups' details on the warning page, in words: the category by its
// parent name, the list by who keeps it and what it lists, the band by its
// name. Raw keys (`gambling`, `hostsvn-gambling`, `6-10`) are never shown.
// Pure: the page passes its `t`.

/** @typedef {(key: string, subs?: string | string[]) => string} T */
/** @typedef {{category?: string | null, source?: string | null, rule?: string | null, band?: string,
 *   matched_url?: string | null, match_kind?: string, score?: number}} Verdict */

/** Who keeps each shipped source list, by the prefix of its registry name
 * (lists/registry.toml); `own` is the project's own lists. */
const KEEPERS = /** @type {Record<string, string>} */ ({ hostsvn: 'hostsVN', sinfonietta: 'Sinfonietta', ut1: 'UT1', lachan: 'own' });

/** A message, or '' when the locale has none. @param {T} t @param {string} key */
const known = (t, key) => (t(key) === key ? '' : t(key));

/** A category in a grown-up's words. @param {string} category @param {T} t */
export const categoryWords = (category, t) => known(t, `parentCat_${category}`) || t('parentCat_other');

/** The source list in words ('' when there is none).
 * @param {string | null | undefined} source @param {string | null | undefined} category @param {T} t */
export function sourceWords(source, category, t) {
  if (!source) return '';
  if (source === 'parent') return t('detailSourceParent');
  if (source === 'school') return t('detailSourceSchool');
  const keeper = KEEPERS[source.split('-')[0]];
  const what = categoryWords(category ?? '', t);
  const lower = what.charAt(0).toLocaleLowerCase(t('lang')) + what.slice(1);
  // Another list (a school's own bundle, a test list): what it lists, not its id.
  if (!keeper) return t('detailSourceAny', lower);
  return t('detailSourceList', [lower, keeper === 'own' ? t('detailSourceOwn') : keeper]);
}

/** The rows shown, as [label key, value]; empty values are left out.
 * @param {Verdict} v @param {T} t @returns {[string, string][]} */
export function detailRows(v, t) {
  const kind = v.match_kind ?? '';
  const named = kind === 'brand' ? 'detailLooksLike' : kind === 'lookalike' ? 'detailImitates' : 'detailRule';
  const band = v.band ? known(t, `band_${v.band.replace('-', '_')}`) : '';
  /** @type {[string, string][]} */
  const rows = [
    ['detailCategory', v.category ? categoryWords(v.category, t) : ''],
    ['detailSource', sourceWords(v.source, v.category, t)],
    ['detailHow', known(t, `detailBy_${kind}`)],
    [named, v.rule ?? ''],
    ['detailNameScore', typeof v.score === 'number' ? v.score.toFixed(2) : ''],
    ['detailBand', band],
    ['detailVia', v.matched_url ?? ''],
  ];
  return rows.filter(([, value]) => value);
}
