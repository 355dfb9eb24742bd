// Posts: pages made of many short posts (comments under a video, replies
// in a forum, a social feed), judged one post at a time (an ES module of the
// document_idle content script; the pure part is also imported by the node
// unit tests, so it touches no browser API at load).
//
// A post list is found generically, as the page is read: a parent with at
// least MIN_POSTS element children of one signature (tag and classes, digits
// ignored), most of them short, and not mostly links (menus, tag clouds).
// A few site adapters name the post where the generic rule cannot see it
// (custom elements whose siblings differ). Each post is scored on its own in
// the worker (Engine.checkComments: bullying and adult phrases and the
// learned comment model); only the insulting or sexual ones are masked where
// they stand: hidden under 11, blurred with "Show" from 11. The page-level
// check still reads all the text: a page whose main content is harmful keeps
// its shield (page.js); only a bullying verdict on a page of posts becomes
// masks instead.
export const POST_LIMITS = Object.freeze({
  /** Fewest siblings of one signature that make a list of posts. */
  minPosts: 4,
  /** A post longer than this (UTF-16 units) is an article, not a post. */
  maxPostChars: 3000,
  /** Share of the siblings (of that signature) that must be short posts. */
  shortShare: 0.75,
  /** Above this share of link text a sibling is a menu item, not a post. */
  linkShare: 0.6,
  /** Posts per message to the worker. */
  batch: 48,
});

/** Elements that are posts on sites whose markup the generic rule misses. */
const ADAPTERS = [
  'ytd-comment-renderer', // YouTube
  'shreddit-comment', // Reddit
  '[itemprop="comment"]', // schema.org comments (news sites, blogs)
  '[data-testid="comment"]',
  '.fb-comment, .comment-item, .comment-body',
].join(', ');

/** Where a list of siblings is navigation, never posts. */
const NAV = new Set(['NAV', 'HEADER', 'FOOTER', 'MENU', 'SELECT', 'TABLE', 'THEAD', 'TBODY', 'TR']);

/** Tag and classes without digits (generated names such as `c-42` vary). @param {any} el */
function signature(el) {
  const classes = [...(el.classList ?? [])].filter((c) => !/\d/.test(c)).sort();
  return `${el.tagName}.${classes.join('.')}`;
}

/** Length of the text inside links, relative to the element's text. @param {any} el @param {number} total */
function linkText(el, total) {
  if (!total || typeof el.querySelectorAll !== 'function') return 0;
  let inLinks = 0;
  for (const a of el.querySelectorAll('a')) inLinks += (a.textContent ?? '').trim().length;
  return inLinks / total;
}

/**
 * The children of `parent` that are posts, and their signature; or null.
 * @param {any} parent an Element (tagName, children, textContent, querySelectorAll)
 * @returns {{signature: string, posts: any[]} | null}
 */
export function postList(parent) {
  if (!parent || NAV.has(String(parent.tagName).toUpperCase())) return null;
  const kids = [...(parent.children ?? [])];
  if (kids.length < POST_LIMITS.minPosts) return null;
  /** @type {Map<string, any[]>} */
  const groups = new Map();
  for (const k of kids) {
    const s = signature(k);
    const g = groups.get(s);
    if (g) g.push(k);
    else groups.set(s, [k]);
  }
  let best = /** @type {[string, any[]] | null} */ (null);
  for (const e of groups) if (!best || e[1].length > best[1].length) best = e;
  if (!best || best[1].length < POST_LIMITS.minPosts) return null;
  const [sig, members] = best;
  let short = 0;
  let links = 0;
  for (const m of members) {
    const n = (m.textContent ?? '').trim().length;
    if (n > 0 && n <= POST_LIMITS.maxPostChars) short++;
    if (linkText(m, n) > POST_LIMITS.linkShare) links++;
  }
  if (short < members.length * POST_LIMITS.shortShare || links > members.length / 2) return null;
  return { signature: sig, posts: members.filter((m) => {
    const n = (m.textContent ?? '').trim().length;
    return n > 0 && n <= POST_LIMITS.maxPostChars;
  }) };
}

/** Whether an adapter names `el` a post. @param {any} el */
function adapterPost(el) {
  return typeof el.matches === 'function' && el.matches(ADAPTERS);
}

/**
 * Finds posts as the page walk meets elements: `visit(el)` for every
 * element the walk enters; `onPost(el)` once per post found. Each parent
 * is classified once; children added later join its list when they share
 * its signature.
 * @param {(el: any) => void} onPost
 */
export function PostFinder(onPost) {
  /** parent → its posts' signature, or '' when it is not a list */
  const lists = new WeakMap();
  const found = new WeakSet();
  let count = 0;
  /** @param {any} el */
  const take = (el) => {
    if (found.has(el)) return;
    found.add(el);
    count++;
    onPost(el);
  };
  return {
    /** @param {any} el */
    visit(el) {
      if (found.has(el)) return true;
      if (adapterPost(el)) {
        take(el);
        return true;
      }
      const parent = el.parentElement;
      if (!parent) return false;
      let sig = lists.get(parent);
      if (sig === undefined) {
        const l = postList(parent);
        sig = l ? l.signature : '';
        lists.set(parent, sig);
        if (l) for (const p of l.posts) take(p);
        return found.has(el);
      }
      if (sig && signature(el) === sig) {
        const n = (el.textContent ?? '').trim().length;
        if (n > 0 && n <= POST_LIMITS.maxPostChars) take(el);
      }
      return found.has(el);
    },
    /** Whether `el` is a post found so far. @param {any} el */
    isPost: (el) => found.has(el),
    get count() { return count; },
  };
}

/** The visible words of one post, whitespace collapsed. @param {any} el */
export function postText(el) {
  return String(el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, POST_LIMITS.maxPostChars);
}

export const POST_MASK_TAG = 'lachan-post';

/**
 * Masks one post where it stands: hidden behind a kind note (`hide`, under
 * 11), or blurred with a "Show" button (from 11). The note and the button
 * live in a shadow root the page's styles cannot reach; the post itself
 * only gets an inline style, undone by "Show".
 * @param {HTMLElement} el @param {{hide: boolean, t: (key: string) => string}} o
 */
export function maskPost(el, { hide, t }) {
  if (el.dataset.lachanMasked) return;
  el.dataset.lachanMasked = hide ? 'hidden' : 'blurred';
  const host = document.createElement(POST_MASK_TAG);
  const root = host.attachShadow({ mode: 'closed' });
  const style = document.createElement('style');
  style.textContent = `:host{display:block;margin:4px 0}
    .note{font:15px/1.4 system-ui,sans-serif;color:#1b3a2b;background:#eef7f1;border:1px solid #9cc9ad;border-radius:8px;padding:8px 12px;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
    button{font:inherit;min-height:44px;min-width:44px;padding:0 14px;border-radius:8px;border:1px solid #1b6b43;background:#fff;color:#1b6b43;cursor:pointer}
    button:focus-visible{outline:3px solid #1b6b43;outline-offset:2px}`;
  const note = document.createElement('div');
  note.className = 'note';
  note.setAttribute('role', 'note');
  const words = document.createElement('span');
  words.textContent = t(hide ? 'postHidden' : 'postBlurred');
  note.append(words);
  root.append(style, note);
  el.before(host);
  if (hide) {
    el.style.setProperty('display', 'none', 'important');
    return;
  }
  el.style.setProperty('filter', 'blur(7px)', 'important');
  el.setAttribute('aria-hidden', 'true');
  el.inert = true;
  const show = document.createElement('button');
  show.type = 'button';
  show.textContent = t('postShow');
  show.addEventListener('click', () => {
    el.style.removeProperty('filter');
    el.removeAttribute('aria-hidden');
    el.inert = false;
    el.dataset.lachanMasked = 'shown';
    host.remove();
  });
  note.append(show);
}

