// Page text and search queries, scored by the engine's phrase rules
// (Engine.checkText: the bundle's PHRS section, crate/text). Stateless: the
// content script keeps a page's text and re-sends the union it wants scored
// (src/content/text.js), so a worker restart loses nothing.
import { api } from '../shared/platform.js';
import { engineReady } from './engine.js';
import { stats } from './stats.js';
import { pausedNow } from './overrides.js';

/** Longest text scored in one call (the content script sends ≤ 256 KiB + one batch). */
export const MAX_TEXT_CHARS = 512 * 1024;

/** @typedef {{action: 'allow' | 'warn' | 'block', category: string | null, support: boolean,
 *   score: number, limit: number, band: string, words: string[], continuable: boolean}} TextAnswer */

/** The action the policy gives a category in its band, when it names one:
 * the table read once for all the categories of one answer. @param {any} engine
 * @returns {(category: string) => string | null} */
function policyActions(engine) {
  /** @type {any} */
  let table = null;
  let band = '';
  try {
    table = JSON.parse(engine.policyTable());
    band = String(engine.policyBand() ?? '');
  } catch {
    // No table: every category is as the verdict says.
  }
  return (category) => table?.[category]?.[band] ?? null;
}

/** Scores `text` for the policy's band. Over the band's limit is `warn`
 * (in-page shield), a banned phrase is `block`; self-harm carries
 * `support` (kind words and 111, never a wall). A parent or school policy
 * that allows the category lets a `warn` through; `block` and `support` stay.
 * With the `page` it was read on, a listed news, education, health or
 * government site counts the informational categories less (crate/text,
 * page context).
 * @param {string} text @param {{url: string, article: boolean}} [page] @returns {Promise<TextAnswer>} */
export async function scoreText(text, page) {
  const { engine } = await engineReady();
  const t0 = performance.now();
  const v = JSON.parse(engine.checkText(text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text, undefined, page?.url, page?.article));
  stats.textMs += performance.now() - t0;
  stats.textChecks++;
  stats.textChars += text.length;
  stats.textLastAt = Date.now();
  const policy = v.category ? policyActions(engine)(v.category) : null;
  let action = v.action;
  if (action === 'warn' && !v.support && policy === 'allow') action = 'allow';
  // A parent's pause lifts the page-text shield too; self-harm support stays.
  if (!v.support && pausedNow()) action = 'allow';
  if (action !== 'allow') stats.textOver++;
  // The deciding category's phrases: what an evidence file names as "the words that matched".
  const words = action === 'allow' ? [] : [...new Set((v.matches ?? [])
    .filter((/** @type {any} */ x) => x.category === v.category).map((/** @type {any} */ x) => String(x.phrase)))];
  // As on the warning page: "continue" (after its countdown) for a warn, never
  // where the policy blocks the category in this band, nor for grooming (the
  // warning is the point) or self-harm (support, not a wall).
  const continuable = action === 'warn' && !v.support && Boolean(v.category) && v.category !== 'grooming'
    && policy !== 'block';
  return { action, category: v.category ?? null, support: Boolean(v.support), score: v.score, limit: v.limit, band: v.band, words, continuable };
}

/** Most posts, and longest post, judged in one message. */
export const MAX_POSTS = 64;
export const MAX_POST_CHARS = 4000;
/** Bands where a masked post is hidden; from 11 it is blurred with "Show". */
const HIDE_BANDS = new Set(['under-6', '6-10']);

/** Judges short posts one by one (Engine.checkComments): which to mask.
 * A parent's pause, or a policy that allows the post's category, masks
 * nothing. Null when the engine cannot decide: the page-level check still
 * reads the same words.
 * @param {string[]} texts @returns {Promise<{masks: boolean[], hide: boolean} | null>} */
export async function checkPosts(texts) {
  const { engine } = await engineReady();
  const posts = texts.slice(0, MAX_POSTS).map((t) => t.slice(0, MAX_POST_CHARS));
  const raw = engine.checkComments(JSON.stringify(posts), undefined);
  if (typeof raw !== 'string') return null;
  /** @type {{mask: boolean, category: string | null}[]} */
  const v = JSON.parse(raw);
  const paused = pausedNow();
  const policy = policyActions(engine);
  const masks = v.map((p) => p.mask && !paused && !(p.category && policy(p.category) === 'allow'));
  stats.postChecks += posts.length;
  stats.postsMasked += masks.filter(Boolean).length;
  return { masks, hide: HIDE_BANDS.has(String(engine.policyBand() ?? '')) };
}

/** @type {Promise<{tel: string, channels: {id: string, name: string, url: string, verified: boolean}[]}> | null} */
let help = null;

/** The 111 block for the in-page shield (from data/contacts.json, built from
 * lists/contacts.toml): the content script cannot read extension files. */
export function helpData() {
  help ??= fetch(api.runtime.getURL('data/contacts.json')).then((r) => r.json()).then((c) => ({
    tel: typeof c.hotline?.tel === 'string' ? c.hotline.tel : 'tel:111',
    channels: (c.channel ?? []).map((/** @type {any} */ x) => ({ id: String(x.id), name: String(x.name), url: String(x.url ?? ''), verified: x.verified === true })),
  })).catch((e) => {
    help = null;
    console.error('lachan: contacts', e);
    return { tel: 'tel:111', channels: [] };
  });
  return help;
}
