// Pure rules for the image check (no DOM, no browser API): an ES module
// imported by the image content script (src/content/images.js, bundled into
// content/images.js) and by the unit tests (extension/test/).
//
// Which images are checked: displayed AND natural size both at least
// MIN_SIDE × MIN_SIDE (icons, avatars and spacers are not worth a hash, and
// PDQ on a few dozen pixels says little). How much work per page: at most
// MAX_IMAGES checks, and at most BUDGET_MS of background hashing time in any
// WINDOW_MS window (the rest waits for the next window, lazily).
export const MIN_SIDE = 64;
export const MAX_IMAGES = 60;
export const BUDGET_MS = 200;
export const WINDOW_MS = 1000;

/** Is an image big enough to check?
 * @param {{naturalWidth: number, naturalHeight: number, width: number, height: number}} s
 *   natural (decoded) size and displayed (layout) size in CSS pixels
 * @param {number} [min] */
export function isCandidate(s, min = MIN_SIDE) {
  const ok = (/** @type {number} */ n) => Number.isFinite(n) && n >= min;
  return ok(s.naturalWidth) && ok(s.naturalHeight) && ok(s.width) && ok(s.height);
}

/** Only URLs the extension may fetch again: http(s) (the page already
 * requested it) and data: (no request at all). blob: URLs belong to the
 * page's origin and cannot be read from the background.
 * @param {string} src */
export function fetchableSrc(src) {
  return typeof src === 'string' && /^(https?:|data:image\/)/i.test(src) && src.length <= 2_000_000;
}

/** Per-page work limit: a sliding window of hashing time plus a count.
 * `now` is passed in (performance.now()), so the tests need no clock. */
export class Budget {
  /** @param {{budgetMs?: number, windowMs?: number, maxImages?: number}} [o] */
  constructor(o = {}) {
    this.budgetMs = o.budgetMs ?? BUDGET_MS;
    this.windowMs = o.windowMs ?? WINDOW_MS;
    this.maxImages = o.maxImages ?? MAX_IMAGES;
    /** @type {{at: number, ms: number}[]} */
    this.spent = [];
    this.started = 0;
  }

  /** @param {number} now */
  usedMs(now) {
    this.spent = this.spent.filter((s) => s.at > now - this.windowMs);
    return this.spent.reduce((n, s) => n + s.ms, 0);
  }

  /** No more checks on this page (the cap is reached). */
  exhausted() {
    return this.started >= this.maxImages;
  }

  /** How long to wait before the next check may start (0 = now).
   * @param {number} now */
  waitMs(now) {
    if (this.usedMs(now) < this.budgetMs) return 0;
    // Wait until enough of the window has expired to fall under the budget.
    let over = this.usedMs(now) - this.budgetMs;
    for (const s of this.spent) {
      over -= s.ms;
      if (over < 0) return Math.max(1, Math.ceil(s.at + this.windowMs - now));
    }
    return this.windowMs;
  }

  /** A check starts. @returns {boolean} false when the cap is reached */
  start() {
    if (this.exhausted()) return false;
    this.started++;
    return true;
  }

  /** A check finished and cost `ms` of background time.
   * @param {number} now @param {number} ms */
  record(now, ms) {
    this.spent.push({ at: now, ms: Math.max(0, ms) });
  }
}

