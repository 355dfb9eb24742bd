// Image check on web pages: the entry of content/images.js (bundled with
// image-rules.js by build.mjs). Registered by the background only when the
// bundle carries an image-hash list (background/images.js), at
// document_start in every frame.
//
// 1. From document_start, every <img> is kept invisible (visibility: hidden,
//    so the layout does not move) until it is classified: the check happens
//    before the picture shows, not after.
// 2. Once loaded: natural size under 64×64 → shown (not checked). Otherwise
//    an IntersectionObserver waits until the image is near the viewport
//    (lazy: off-screen images cost nothing); then the displayed size must be
//    at least 64×64 too, or it is shown unchecked.
// 3. Candidates are checked one at a time per frame by the background (it
//    re-fetches the URL the page already loaded, decodes and PDQ-hashes it),
//    within a per-page budget (image-rules.js: at most 200 ms of background
//    decode+hash time per second, at most 60 images; past the cap images are
//    shown unchecked: fail open).
// 4. No match → shown. Match → stays hidden, and a kind in-page note with
//    111 and "Report this picture" appears (shadow DOM, so page styles do not
//    leak in). If the background does not answer in time, the image is shown
//    (a broken worker must not blank the web's pictures).
//
// States, in the `data-lachan-img` attribute (also an e2e contract):
//   (absent) pending · ok · small · unchecked · failed · blocked
import { api, t } from '../shared/platform.js';
import { imageCheck, openReport } from '../shared/messages.js';
import { channelItem } from '../warning/help.js';
import * as R from './image-rules.js';

/** @typedef {import('../shared/messages.js').ImageCheckAnswer} ImageCheckAnswer */
/** @typedef {import('../shared/messages.js').ImageMatch} ImageMatch */

const ATTR = 'data-lachan-img';
const ANSWER_TIMEOUT_MS = 8000;

const budget = new R.Budget();
/** @type {HTMLImageElement[]} */
const queue = [];
/** Checks in flight per frame. */
const CONCURRENCY = 3;
let running = 0;
/** @type {Map<string, Promise<ImageCheckAnswer>>} */
const answers = new Map();
/** @type {ImageMatch[]} */
const matches = [];
/** @type {WeakMap<HTMLImageElement, number>} */
const loadedAt = new WeakMap();

/** @param {HTMLImageElement} img @param {string} state */
function mark(img, state) {
  img.setAttribute(ATTR, state);
  if (state === 'blocked') img.style.setProperty('visibility', 'hidden', 'important');
  const at = loadedAt.get(img);
  // How long the picture was held back after it had loaded (e2e figure).
  if (at !== undefined) img.dataset.lachanWaitMs = String(Math.round(performance.now() - at));
}

const io = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (!e.isIntersecting) continue;
    const img = /** @type {HTMLImageElement} */ (e.target);
    io.unobserve(img);
    const r = e.boundingClientRect;
    if (!R.isCandidate({ naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, width: r.width, height: r.height })) {
      mark(img, 'small');
      continue;
    }
    queue.push(img);
  }
  pump();
}, { rootMargin: '300px' });

/** A loaded image: shown at once if small, else observed until near the viewport.
 * @param {HTMLImageElement} img */
function classify(img) {
  if (img.hasAttribute(ATTR)) return;
  if (!img.naturalWidth || !img.naturalHeight) { mark(img, 'small'); return; }
  loadedAt.set(img, performance.now());
  if (img.naturalWidth < R.MIN_SIDE || img.naturalHeight < R.MIN_SIDE) { mark(img, 'small'); return; }
  io.observe(img);
}

/** @param {HTMLImageElement} img */
function track(img) {
  if (img.hasAttribute(ATTR)) return;
  if (img.complete) classify(img);
  else {
    img.addEventListener('load', () => classify(img), { once: true });
    img.addEventListener('error', () => { if (!img.hasAttribute(ATTR)) mark(img, 'failed'); }, { once: true });
  }
}

/** @param {string} src @returns {Promise<ImageCheckAnswer>} */
function ask(src) {
  let p = answers.get(src);
  if (!p) {
    /** @type {Promise<ImageCheckAnswer>} */
    const timeout = new Promise((ok) => setTimeout(() => ok({ ok: false, error: 'timeout' }), ANSWER_TIMEOUT_MS));
    /** @type {Promise<ImageCheckAnswer>} */
    const answer = api.runtime.sendMessage(imageCheck(src));
    p = Promise.race([answer, timeout])
      .catch((/** @type {unknown} */ e) => ({ ok: /** @type {const} */ (false), error: String(/** @type {Error} */ (e)?.message ?? e) }));
    answers.set(src, p);
  }
  return p;
}

/** Starts checks while fewer than CONCURRENCY are in flight (fetching is
 * mostly waiting; the budget bounds the decode + hash work). */
function pump() {
  while (running < CONCURRENCY && queue.length) {
    running++;
    next().catch(() => {}).finally(() => { running--; pump(); });
  }
}

async function next() {
  const img = /** @type {HTMLImageElement} */ (queue.shift());
  if (img.hasAttribute(ATTR)) return;
  const src = img.currentSrc || img.src;
  if (!R.fetchableSrc(src)) { mark(img, 'unchecked'); return; }
  for (let wait = budget.waitMs(performance.now()); wait > 0; wait = budget.waitMs(performance.now())) {
    await new Promise((ok) => setTimeout(ok, wait));
  }
  const cached = answers.has(src);
  if (!cached && !budget.start()) { mark(img, 'unchecked'); return; }
  const a = await ask(src);
  if (!cached && a?.ok) budget.record(performance.now(), (a.decodeMs ?? 0) + (a.hashMs ?? 0));
  // The page may have swapped the picture meanwhile: check the new one.
  if ((img.currentSrc || img.src) !== src) { queue.push(img); return; }
  if (img.hasAttribute(ATTR)) return;
  const matched = a?.ok ? a.matched : null;
  if (a?.ok && matched) {
    mark(img, 'blocked');
    img.dataset.lachanHash = matched.hash;
    if (!matches.some((m) => m.hash === matched.hash)) matches.push(matched);
    showWarning(a.contacts);
  } else {
    if (a?.ok) img.dataset.lachanMs = String(Math.round((a.fetchMs ?? 0) + (a.decodeMs ?? 0) + (a.hashMs ?? 0)));
    mark(img, a?.ok ? 'ok' : 'failed');
  }
}

/** @param {Node} n */
function scan(n) {
  if (n instanceof HTMLImageElement) track(n);
  else if (n instanceof Element) for (const img of n.querySelectorAll('img')) track(img);
}


// ---- the in-page note -------------------------------------------------
/** @type {HTMLElement | null} */
let host = null;

/** @param {Extract<ImageCheckAnswer, {ok: true}>['contacts']} contacts */
function showWarning(contacts) {
  const updateCount = () => {
    const count = host?.shadowRoot?.querySelector('[data-testid=image-count]');
    if (count) count.textContent = String(document.querySelectorAll(`img[${ATTR}="blocked"]`).length);
  };
  if (host) { // already shown (or being built); closed by the child: stays closed
    updateCount();
    return;
  }
  host = document.createElement('div');
  host.setAttribute('data-lachan-warning', 'image');
  const root = host.attachShadow({ mode: 'open' });
  const css = document.createElement('style');
  css.textContent = `
    :host { all: initial; }
    .box { position: fixed; z-index: 2147483647; right: 16px; bottom: 16px; max-width: 24rem; box-sizing: border-box;
      background: #fffdf7; color: #1f2933; border: 2px solid #1d4ed8; border-radius: 16px; padding: 16px;
      font: 16px/1.5 system-ui, "Noto Sans", "Segoe UI", Roboto, Arial, sans-serif; box-shadow: 0 8px 24px rgba(0,0,0,.25); }
    h2 { font-size: 1.15rem; margin: 0 0 .5rem; }
    p { margin: 0 0 .5rem; }
    .call { display: block; background: #047857; color: #fff; border-radius: 12px; padding: .6rem 1rem; margin: .5rem 0;
      text-decoration: none; font-weight: 700; font-size: 1.2rem; }
    ul { padding-left: 1.25rem; margin: .25rem 0 .5rem; } li { margin: .15rem 0; overflow-wrap: anywhere; }
    .hint { color: #4b5563; font-size: .9rem; } a { color: #1d4ed8; }
    .actions { display: flex; gap: .5rem; flex-wrap: wrap; }
    button { font: inherit; font-weight: 600; min-height: 44px; padding: .4rem 1rem; border-radius: 12px; cursor: pointer;
      border: 2px solid #1d4ed8; background: #fff; color: #1d4ed8; }
    button.primary { background: #1d4ed8; color: #fff; }
    :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
    @media (max-width: 420px) { .box { left: 8px; right: 8px; bottom: 8px; max-width: none; } }`;
  const box = document.createElement('section');
  box.className = 'box';
  box.setAttribute('role', 'alert');
  box.setAttribute('lang', t('lang'));
  const h = Object.assign(document.createElement('h2'), { textContent: `🛡️ ${t('imageHiddenTitle')}` });
  h.dataset.testid = 'image-warning-title';
  const p1 = Object.assign(document.createElement('p'), { textContent: t('imageHiddenBody') });
  const p2 = Object.assign(document.createElement('p'), { textContent: t('imageHiddenTalk') });
  const count = Object.assign(document.createElement('span'), { textContent: '1' });
  count.dataset.testid = 'image-count';
  const p3 = Object.assign(document.createElement('p'), { className: 'hint' });
  p3.append(`${t('imageHiddenCount')} `, count);
  const call = Object.assign(document.createElement('a'), { className: 'call', href: 'tel:111', textContent: `📞 ${t('call111')}` });
  call.dataset.testid = 'image-call-111';
  const tel = contacts?.hotline?.tel;
  if (typeof tel === 'string' && /^tel:[0-9]+$/.test(tel)) call.href = tel;
  const list = document.createElement('ul');
  list.dataset.testid = 'image-channels';
  // The warning page's 111 channel rules (warning/help.js): verified
  // channels with an https URL as links, the others by name with a hint.
  for (const c of contacts?.channel ?? []) list.append(channelItem(c));
  const report = Object.assign(document.createElement('button'), { type: 'button', className: 'primary', textContent: t('imageReport') });
  report.dataset.testid = 'image-report';
  report.addEventListener('click', () => {
    api.runtime.sendMessage(openReport(location.href, 'image_match', matches[0] ?? null))
      .catch(() => {});
  });
  const close = Object.assign(document.createElement('button'), { type: 'button', textContent: t('imageClose') });
  close.dataset.testid = 'image-close';
  close.addEventListener('click', () => host?.remove()); // the pictures stay hidden
  const actions = Object.assign(document.createElement('div'), { className: 'actions' });
  actions.append(report, close);
  box.append(h, p1, p2, call, list, p3, actions);
  root.append(css, box);
  (document.body ?? document.documentElement).append(host);
  updateCount();
}

// ---- start ------------------------------------------------------------

/** Hides every picture not yet classified, then tracks the document's images. */
function start() {
  const style = document.createElement('style');
  style.textContent = `img:not([${ATTR}]), img[${ATTR}="blocked"] { visibility: hidden !important; }`;
  (document.head ?? document.documentElement)?.appendChild(style);
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') {
        const img = /** @type {HTMLImageElement} */ (r.target);
        // A new picture in the same element: hide and check again.
        if (img.getAttribute(ATTR) !== 'blocked') {
          img.removeAttribute(ATTR);
          io.unobserve(img);
          track(img);
        }
      } else for (const n of r.addedNodes) scan(n);
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['src', 'srcset'] });
  scan(document);
}

/** Once per frame, should the script be injected twice. */
const G = /** @type {{__lachanImagesLoaded?: boolean}} */ (globalThis);
if (!G.__lachanImagesLoaded) {
  G.__lachanImagesLoaded = true;
  start();
}
