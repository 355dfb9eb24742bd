// The register per age band on the child's pages: a few messages have a
// warmer, simpler variant for the youngest (`<key>_young`: under 6, 6-10)
// and a more grown-up one for 15-17 (`<key>_teen`); every other key reads
// the same at every age. The band is the one in force (the background's
// optionsState answers it before any PIN).
import { api, t } from './platform.js';

/** @param {string} band @returns {'young' | 'teen' | ''} */
export function bandVariant(band) {
  if (band === 'under-6' || band === '6-10') return 'young';
  return band === '15-17' ? 'teen' : '';
}

/** The key to show for this band: its variant when the locale has one.
 * @param {string} key @param {string} band @param {(key: string) => boolean} has */
export function bandKey(key, band, has) {
  const v = bandVariant(band);
  return v && has(`${key}_${v}`) ? `${key}_${v}` : key;
}

/** t() with the band's variant. @param {string} key @param {string} band @param {string | string[]} [subs] */
export const tBand = (key, band, subs) => t(bandKey(key, band, (k) => t(k) !== k), subs);

/** Re-fills every [data-i18n] element with its band's variant. @param {string} band @param {ParentNode} [root] */
export function localiseBand(band, root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = tBand(/** @type {HTMLElement} */ (el).dataset.i18n ?? '', band);
  }
}

/** The age band in force, or '' when the background does not answer. @returns {Promise<string>} */
export async function bandNow() {
  const s = /** @type {any} */ (await api.runtime.sendMessage({ type: 'optionsState' }).catch(() => null));
  return typeof s?.effective?.band === 'string' ? s.effective.band : '';
}
