// Page text for scoring (an ES module of the document_idle content script,
// bundled into content/idle.js by build.mjs; also imported by the node unit
// tests in extension/test/, so it touches no browser API).
//
// Two pure pieces:
//   textNodes(root, isHidden)  visible text nodes of a subtree, in document
//                              order, as a generator (the caller time-slices);
//                              skips script/style/noscript/template, form
//                              fields, contenteditable (the child's own
//                              typing), svg, our own UI, and every subtree
//                              `isHidden(el)` says is not rendered.
//   PageText                   the page's text, accumulated in bounded batches:
//                              the first HEAD_CHARS are re-scored as one page
//                              (each phrase counts once, exception phrases
//                              apply across the whole head); text beyond the
//                              head is scored batch by batch (BATCH_CHARS each,
//                              with a short overlap so a phrase cut at a batch
//                              edge is still seen). Nothing beyond TOTAL_CHARS.
/** @typedef {{batchChars: number, headChars: number, overlapChars: number, totalChars: number}} TextLimits */

/** @type {Readonly<TextLimits>} */
export const LIMITS = Object.freeze({
  /** One message's new text (UTF-16 code units). */
  batchChars: 64 * 1024,
  /** The union re-scored as one page. */
  headChars: 256 * 1024,
  /** Text carried from one tail batch into the next. */
  overlapChars: 64,
  /** Nothing is read beyond this per document (a runaway page). */
  totalChars: 16 * 1024 * 1024,
});

/** Elements whose text is never page text. Upper case: HTML documents. */
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'TEXTAREA', 'INPUT', 'SELECT', 'OPTION',
  'IFRAME', 'OBJECT', 'EMBED', 'CANVAS', 'VIDEO', 'AUDIO', 'SVG', 'MATH', 'HEAD', 'TITLE',
  'LACHAN-SHIELD', 'LACHAN-REMINDER', 'LACHAN-POST']);

/** Whether an element and its subtree are never read (tag rules only).
 * @param {any} el */
export function skippedTag(el) {
  const name = String(el.nodeName).toUpperCase();
  if (SKIP.has(name)) return true;
  const ce = el.getAttribute ? el.getAttribute('contenteditable') : null;
  return ce !== null && ce !== undefined && ce !== 'false';
}

/** Whether `node` sits inside a skipped element (for mutation roots,
 * whose ancestors the walk did not see). @param {any} node */
export function insideSkipped(node) {
  for (let n = node.parentNode; n && n.nodeType === 1; n = n.parentNode) if (skippedTag(n)) return true;
  return false;
}

/**
 * Visible text nodes under `root` (itself included), pre-order.
 * @param {any} root a Node (or any object with nodeType/firstChild/nextSibling/parentNode)
 * @param {(el: any) => boolean} isHidden true when an element is not rendered
 */
export function* textNodes(root, isHidden) {
  if (!root) return;
  if (root.nodeType === 3) {
    yield root;
    return;
  }
  if (root.nodeType === 1 && (skippedTag(root) || isHidden(root))) return;
  if (root.nodeType !== 1 && root.nodeType !== 9 && root.nodeType !== 11) return;
  let n = root.firstChild;
  while (n) {
    if (n.nodeType === 3) {
      yield n;
    } else if (n.nodeType === 1 && n.firstChild && !skippedTag(n) && !isHidden(n)) {
      n = n.firstChild;
      continue;
    }
    // Next sibling, or climb until there is one (never above root).
    while (n && n !== root && !n.nextSibling) n = n.parentNode;
    if (!n || n === root) return;
    n = n.nextSibling;
  }
}

/** Whitespace runs folded to one space; '' for whitespace-only text.
 * @param {string} s */
const clean = (s) => s.replace(/\s+/g, ' ').trim();

/** Splits `s` into pieces of at most `max` chars, at a space when one is near the end.
 * @param {string} s @param {number} max */
export function splitText(s, max) {
  const out = [];
  while (s.length > max) {
    let cut = s.lastIndexOf(' ', max);
    if (cut < max * 0.75) cut = max;
    // Never split a surrogate pair.
    const c = s.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut -= 1;
    out.push(s.slice(0, cut));
    s = s.slice(cut).trimStart();
  }
  if (s) out.push(s);
  return out;
}

/** The last `n` chars of `s` ('' for n = 0). @param {string} s @param {number} n */
const tailOf = (s, n) => (n > 0 ? s.slice(-n) : '');

export class PageText {
  /** @param {Partial<TextLimits>} [limits] */
  constructor(limits = {}) {
    this.limits = { ...LIMITS, ...limits };
    /** Scored as one page: grows until headChars. */
    this.head = '';
    /** @type {string[]} pieces not sent yet */
    this.pending = [];
    this.pendingChars = 0;
    /** Every accepted char (head + tail batches). */
    this.total = 0;
    /** The end of the last tail batch (overlap). */
    this.carry = '';
    /** True once totalChars was reached: later text is dropped. */
    this.capped = false;
  }

  /** Adds one piece of text (a text node's data). Returns false once capped.
   * @param {string} text */
  add(text) {
    if (this.capped) return false;
    const s = clean(text);
    if (!s) return true;
    const room = this.limits.totalChars - this.total;
    if (room <= 0) {
      this.capped = true;
      return false;
    }
    const piece = s.length > room ? s.slice(0, room) : s;
    if (piece.length < s.length) this.capped = true;
    for (const p of splitText(piece, this.limits.batchChars)) this.pending.push(p);
    this.pendingChars += piece.length;
    this.total += piece.length;
    return !this.capped;
  }

  /** Whether a full batch is waiting. */
  get full() {
    return this.pendingChars >= this.limits.batchChars;
  }

  /** The next text to score, or null when nothing is pending:
   * `{text, union}`: union=true when `text` is the whole head so far. */
  take() {
    if (!this.pending.length) return null;
    const { batchChars, headChars, overlapChars } = this.limits;
    let batch = '';
    while (this.pending.length) {
      const p = /** @type {string} */ (this.pending[0]);
      const sep = batch ? 1 : 0;
      if (batch && batch.length + sep + p.length > batchChars) break;
      batch += (sep ? '\n' : '') + p;
      this.pending.shift();
      this.pendingChars -= p.length;
    }
    if (this.head.length < headChars) {
      const joined = this.head ? `${this.head}\n${batch}` : batch;
      if (joined.length <= headChars) {
        this.head = joined;
        this.carry = tailOf(joined, overlapChars);
        return { text: this.head, union: true };
      }
      // The head fills up: keep it whole (this message), the rest is tail.
      // (Only when a useful part fits: else the batch goes to the tail whole.)
      const fit = headChars - this.head.length - 1;
      const cut = fit >= batchChars / 4 ? (splitText(batch, fit)[0] ?? '') : '';
      if (cut && cut.length <= fit) {
        this.head = this.head ? `${this.head}\n${cut}` : cut;
        const rest = batch.slice(cut.length).trimStart();
        if (rest) {
          this.pending.unshift(rest);
          this.pendingChars += rest.length;
        }
        this.carry = tailOf(this.head, overlapChars);
        return { text: this.head, union: true };
      }
    }
    const text = this.carry ? `${this.carry} ${batch}` : batch;
    this.carry = tailOf(batch, overlapChars);
    return { text, union: false };
  }
}

