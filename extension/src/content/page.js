// The document_idle content script, in every frame (bundled with text.js,
// posts.js, pii.js and overlay.js into content/idle.js by build.mjs):
//
// 1. Page text (top frame only): the visible text at load and then only the
//    new text of DOM changes (MutationObserver, debounced DEBOUNCE_MS), read
//    in time slices of at most SLICE_MS so a big page never blocks the main
//    thread for long, batched by PageText (text.js: 64 KiB per message, the
//    first 256 KiB re-scored as one page), scored in the worker (`pageText`
//    message → Engine.checkText). Over the limit: the shield (overlay.js),
//    or the support version for self-harm; a banned phrase ("block") sends
//    the tab to the warning page. Scanning stops once a verdict is shown.
//    Posts (posts.js): lists of short posts found as the walk meets them are
//    also judged one by one (`posts` message → Engine.checkComments) and
//    only the insulting or sexual ones are masked; on a page of posts a
//    bullying verdict for the whole page becomes those masks, not the shield.
// 2. Typing guard (every frame): a phone number, ID number, home address or
//    school name typed into a textarea, a contenteditable box or a text
//    input that is not a form's phone/address field → a gentle reminder
//    next to the box (pii.js + overlay.js). Never blocks, stores nothing,
//    sends nothing (not even to the worker).
import { api, t } from '../shared/platform.js';
import { askGrownUp, leavePage, pageText, postsCheck, textContinued } from '../shared/messages.js';
import { insideSkipped, PageText, skippedTag, textNodes } from './text.js';
import { maskPost, POST_LIMITS, PostFinder, postText } from './posts.js';
import { detectPii } from './pii.js';
import { hideReminder, listenForEvidenceReveal, shieldRoot, showReminder, showShield } from './overlay.js';

/** @typedef {import('../shared/messages.js').PageTextAnswer} PageTextAnswer */
/** @typedef {import('../shared/messages.js').PostsAnswer} PostsAnswer */

const DEBOUNCE_MS = 300;
/** Longest stretch of main-thread work before yielding to the page. */
const SLICE_MS = 8;
/** Text nodes between two clock reads. */
const CLOCK_EVERY = 32;
const TYPING_DEBOUNCE_MS = 400;

// ---- page text ----------------------------------------------------------------

/** Not rendered: `hidden`, display:none (itself or an ancestor),
 * content-visibility:hidden, closed <details>. display:contents has no box
 * of its own but its children are rendered. @param {Element} el */
function isHidden(el) {
  posts.finder.visit(el);
  let hidden = Boolean(/** @type {HTMLElement} */ (el).hidden);
  if (!hidden && typeof el.checkVisibility === 'function' && !el.checkVisibility()) {
    hidden = getComputedStyle(el).display !== 'contents';
  }
  if (hidden) skippedHidden.add(el);
  return hidden;
}
/** Elements skipped as hidden: an attribute change on one of them (class,
 * style, hidden, open) reads it again, as it may have become visible. */
const skippedHidden = new WeakSet();

const scan = {
  text: new PageText(),
  /** text node → the data already sent (only new or changed text is read again) */
  seen: new WeakMap(),
  /** @type {Set<Node>} roots waiting to be read */
  queue: new Set(),
  /** @type {Generator<Text> | null} */
  walker: null,
  running: false,
  stopped: false,
  timer: 0,
  /** Main-thread cost, sent with each batch (the worker keeps the last for diagnostics). */
  perf: { scanMs: 0, maxSliceMs: 0, slices: 0, nodes: 0, chars: 0, batches: 0, startedAt: Date.now() },
};

const yieldToPage = () => new Promise((ok) => setTimeout(ok, 0));

// ---- posts --------------------------------------------------------------------

const posts = {
  /** @type {HTMLElement[]} found, not yet sent */
  pending: [],
  finder: PostFinder((el) => { posts.pending.push(el); }),
  sending: false,
};

/** Sends the posts found so far, a batch at a time, and masks what the
 * worker says to. A post whose answer does not come is left as it is:
 * the page-level check still reads its words. */
async function flushPosts() {
  if (posts.sending) return;
  posts.sending = true;
  try {
    while (posts.pending.length) {
      const batch = posts.pending.splice(0, POST_LIMITS.batch).filter((el) => el.isConnected);
      const texts = batch.map(postText);
      if (!texts.some((s) => s)) continue;
      /** @type {PostsAnswer | undefined} */
      const res = await api.runtime.sendMessage(postsCheck(texts));
      if (!res || res.error !== undefined || !Array.isArray(res.masks)) continue;
      const hide = res.hide === true;
      res.masks.forEach((m, i) => {
        const post = batch[i];
        if (m && post) maskPost(post, { hide, t });
      });
    }
  } catch (e) {
    console.debug('lachan: posts', e);
  } finally {
    posts.sending = false;
  }
}

/** @param {Node} node */
function enqueue(node) {
  if (scan.stopped) return;
  scan.queue.add(node);
  if (!scan.timer && !scan.running) scan.timer = /** @type {any} */ (setTimeout(run, DEBOUNCE_MS));
}

/** @param {Node} root */
function readable(root) {
  if (!root.isConnected) return false;
  if (root.nodeType === Node.TEXT_NODE) {
    const parent = root.parentElement;
    return Boolean(parent) && !skippedTag(parent) && !insideSkipped(parent) && !isHidden(/** @type {Element} */ (parent));
  }
  return root.nodeType === Node.ELEMENT_NODE && !insideSkipped(root);
}

async function run() {
  scan.timer = 0;
  if (scan.running || scan.stopped) return;
  scan.running = true;
  try {
    while (!scan.stopped) {
      if (!scan.walker) {
        const next = scan.queue.values().next();
        if (next.done) break;
        scan.queue.delete(next.value);
        if (!readable(next.value)) continue;
        scan.walker = textNodes(next.value, isHidden);
      }
      const t0 = performance.now();
      let n = 0;
      for (;;) {
        const r = /** @type {Generator<Text>} */ (scan.walker).next();
        if (r.done) {
          scan.walker = null;
          break;
        }
        const node = r.value;
        const data = node.data;
        if (scan.seen.get(node) === data) continue;
        scan.seen.set(node, data);
        scan.perf.nodes++;
        if (!scan.text.add(data)) {
          // The document's text budget is spent: stop reading.
          scan.walker = null;
          scan.queue.clear();
          break;
        }
        if (scan.text.full) break;
        if (++n % CLOCK_EVERY === 0 && performance.now() - t0 > SLICE_MS) break;
      }
      const ms = performance.now() - t0;
      scan.perf.scanMs += ms;
      scan.perf.slices++;
      scan.perf.maxSliceMs = Math.max(scan.perf.maxSliceMs, ms);
      if (scan.text.full || (!scan.walker && !scan.queue.size)) await flush();
      else await yieldToPage();
    }
    await flush();
  } catch (e) {
    console.debug('lachan: page text', e);
  } finally {
    scan.running = false;
  }
  const [waiting] = scan.queue;
  if (waiting && !scan.stopped) enqueue(waiting);
}

/** Whether the page marks itself up as an article (`<article>`, `og:type`
 * article, a JSON-LD Article): with its host on the bundle's context sites
 * this lowers the informational categories; the host comes from the
 * browser (sender.url), never from the page. */
function isArticle() {
  try {
    if (document.querySelector('article')) return true;
    const og = document.querySelector('meta[property="og:type"]')?.getAttribute('content') ?? '';
    if (/^article\b/i.test(og.trim())) return true;
    for (const ld of document.querySelectorAll('script[type="application/ld+json"]')) {
      if (/"@type"\s*:\s*"(News|Report|Scholarly|Medical)?Article"/.test(ld.textContent ?? '')) return true;
    }
  } catch {
    // A page that throws here is judged on its words alone.
  }
  return false;
}

/** Sends every pending batch, one at a time; stops at the first verdict. */
async function flush() {
  for (let m = scan.text.take(); m && !scan.stopped; m = scan.text.take()) {
    scan.perf.batches++;
    scan.perf.chars += m.text.length;
    /** @type {PageTextAnswer | undefined} */
    let res;
    try {
      res = await api.runtime.sendMessage(pageText(m.text, m.union, { article: isArticle(), perf: { ...scan.perf } }));
    } catch (e) {
      console.debug('lachan: pageText', e);
      return;
    }
    // On a page of posts, insults are masked post by post: the whole
    // page is not covered for them.
    if (!res || res.error !== undefined) continue;
    if (res.action === 'warn' && res.category === 'bullying' && posts.finder.count >= POST_LIMITS.minPosts) continue;
    if (res.action && res.action !== 'allow') {
      act(res);
      return;
    }
  }
  // Posts after the page's own verdict: a covered page needs no masks.
  if (!scan.stopped) await flushPosts();
}

/** @param {Extract<PageTextAnswer, {support: boolean}>} v */
function act(v) {
  stopScanning();
  if (v.action === 'block' && !v.support && typeof v.redirect === 'string') {
    location.replace(v.redirect);
    return;
  }
  const category = v.category ?? 'other';
  const shown = showShield({
    kind: v.support ? 'support' : 'warn', category, help: v.help, onBack: goBack,
    words: Array.isArray(v.words) ? v.words : [],
    // The worker takes the page's address from the browser, not from here.
    onAsk: async () => Boolean((await api.runtime.sendMessage(askGrownUp(location.href, category)))?.ok),
    continuable: v.continuable === true,
    onContinue: () => {
      shown.dismiss();
      api.runtime.sendMessage(textContinued(category)).catch(() => {});
    },
    score: v.score, limit: v.limit, band: v.band,
  });
}

function stopScanning() {
  scan.stopped = true;
  observer.disconnect();
  clearTimeout(scan.timer);
  scan.queue.clear();
  scan.walker = null;
}

/** "Go back": history if there is some, else the worker sends the tab to
 * the extension's safe start page. */
function goBack() {
  const leave = () => api.runtime.sendMessage(leavePage()).catch(() => {});
  if (history.length > 1) {
    const timer = setTimeout(leave, 800);
    addEventListener('pagehide', () => clearTimeout(timer), { once: true });
    history.back();
  } else leave();
}

const observer = new MutationObserver((records) => {
  for (const r of records) {
    if (r.type === 'characterData') enqueue(r.target);
    else if (r.type === 'attributes') { if (skippedHidden.has(r.target)) enqueue(r.target); } // may be visible now
    else for (const n of r.addedNodes) if (n.nodeType === Node.ELEMENT_NODE || n.nodeType === Node.TEXT_NODE) enqueue(n);
  }
});

function startPageText() {
  if (window.top !== window || !document.documentElement || /^(about|data|blob):/.test(location.href)) return;
  observer.observe(document.documentElement, {
    childList: true, subtree: true, characterData: true,
    attributes: true, attributeFilter: ['hidden', 'style', 'class', 'open'],
  });
  enqueue(document.body ?? document.documentElement);
  clearTimeout(scan.timer);
  scan.timer = /** @type {any} */ (setTimeout(run, 0)); // the first read does not wait for the debounce
}

// ---- typing guard ---------------------------------------------------------------

/** Form fields that ask for exactly this information on purpose. */
const FORM_FIELD = /phone|\btel|mobile|sdt|dien.?thoai|address|addr|dia.?chi|street|zip|postal|e-?mail|cccd|cmnd|passport|school|truong|full.?name|ho.?ten/i;

/** The box the child is typing in, if it is a chat/post box.
 * @param {EventTarget | null} target @returns {HTMLElement | null} */
function chatBox(target) {
  const el = /** @type {HTMLElement | null} */ (target);
  if (!el || el.nodeType !== Node.ELEMENT_NODE) return null;
  if (el instanceof HTMLTextAreaElement) return el.readOnly || el.disabled ? null : el;
  if (el instanceof HTMLInputElement) {
    if (!['text', 'search', ''].includes(el.type) || el.readOnly || el.disabled) return null;
    const hints = `${el.name} ${el.id} ${el.autocomplete} ${el.getAttribute('aria-label') ?? ''}`;
    if (el.autocomplete && el.autocomplete !== 'off' && el.autocomplete !== 'on') return null;
    if (FORM_FIELD.test(hints) && !/chat|message|comment|tin.?nhan|binh.?luan/i.test(hints)) return null;
    return el;
  }
  if (el.isContentEditable) {
    let root = el;
    while (root.parentElement?.isContentEditable) root = root.parentElement;
    return root;
  }
  return null;
}

/** @param {HTMLElement} box */
function typed(box) {
  if (box instanceof HTMLTextAreaElement || box instanceof HTMLInputElement) return box.value;
  const s = box.textContent ?? '';
  return s.length > 4000 ? s.slice(-4000) : s;
}

/** box → kinds already pointed out (each kind once per box). @type {WeakMap<HTMLElement, Set<string>>} */
const told = new WeakMap();
/** @type {WeakMap<HTMLElement, any>} */
const typingTimers = new WeakMap();

/** @param {HTMLElement} box */
function checkTyping(box) {
  if (!box.isConnected) return;
  const kinds = detectPii(typed(box));
  if (!kinds.length) return;
  let seen = told.get(box);
  if (!seen) told.set(box, (seen = new Set()));
  const fresh = kinds.filter((k) => !seen.has(k));
  if (!fresh.length) return;
  for (const k of fresh) seen.add(k);
  showReminder(box, kinds);
}

function startTypingGuard() {
  addEventListener('input', (e) => {
    const box = chatBox(e.composedPath?.()[0] ?? e.target);
    if (!box) return;
    clearTimeout(typingTimers.get(box));
    typingTimers.set(box, setTimeout(() => checkTyping(box), TYPING_DEBOUNCE_MS));
  }, true);
  addEventListener('pagehide', () => hideReminder());
}

// ---- start ---------------------------------------------------------------------

/** Once per frame, should the bundle be injected twice. `lachanContent.shieldRoot`
 * is read by the e2e from the extension's isolated world (never the page's). */
const G = /** @type {{lachanContent?: {shieldRoot: typeof shieldRoot}}} */ (/** @type {unknown} */ (globalThis));
if (!G.lachanContent) {
  G.lachanContent = { shieldRoot };
  listenForEvidenceReveal();
  startPageText();
  startTypingGuard();
}
