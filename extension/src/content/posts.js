// Posts: pages made of many short posts (comments under a video, replies
// in a forum, a social feed), judged one post at a time (an ES module of the
// document_idle content script; the pure part is also imported by the node
// unit tests, so it touches no browser API at load).
//
// A post list is found generically, as the page is read: a parent with at
// least MIN_POSTS element children of one signature (tag and classes, digits
// ignored; found from a sample of the children, so a parent of any size
// costs the same), and a post is one of them with a little structure, short,
// not mostly links (menus, tag clouds), not a line of text (an article's
// paragraphs are siblings of one signature too).
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
  const classes = String(el.className?.baseVal ?? el.className ?? '').split(/\s+/).filter((c) => c && !/\d/.test(c)).sort();
  return `${el.tagName}.${classes.join('.')}`;
}

/** Elements that are a line of text, never a post: an article's paragraphs
 * are siblings of one signature too. */
const TEXT_LEVEL = new Set(['P', 'SPAN', 'A', 'B', 'I', 'EM', 'STRONG', 'SMALL', 'BR', 'IMG', 'H1', 'H2', 'H3', 'H4', 'H5',
  'H6', 'TD', 'TH', 'TR', 'OPTION', 'LABEL', 'BUTTON', 'INPUT', 'PRE', 'CODE', 'BLOCKQUOTE', 'FIGURE', 'PICTURE', 'SOURCE']);
/** Children sampled to find a parent's list signature: classifying a
 * parent costs the same for four children as for fifty thousand. */
const SAMPLE = 64;
/** A post has a little structure (author, words, time), not a subtree. */
const MAX_POST_ELEMENTS = 60;

/** Length of the text inside links, relative to the element's text. @param {any} el @param {number} total */
function linkText(el, total) {
  if (!total || typeof el.querySelectorAll !== 'function') return 0;
  let inLinks = 0;
  for (const a of el.querySelectorAll('a')) inLinks += (a.textContent ?? '').trim().length;
  return inLinks / total;
}

/** The signature most of `parent`'s (sampled) children share when at
 * least MIN_POSTS of them could be posts; '' when it is not a list.
 * @param {any} parent */
function listSignature(parent) {
  if (!parent || NAV.has(String(parent.tagName).toUpperCase())) return '';
  const kids = parent.children ?? [];
  if (kids.length < POST_LIMITS.minPosts) return '';
  const n = Math.min(kids.length, SAMPLE);
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (let i = 0; i < n; i++) {
    const k = kids[Math.floor((i * kids.length) / n)];
    if (!k || TEXT_LEVEL.has(String(k.tagName).toUpperCase())) continue;
    const sig = signature(k);
    counts.set(sig, (counts.get(sig) ?? 0) + 1);
  }
  let best = '';
  let most = 0;
  for (const [sig, c] of counts) if (c > most) [best, most] = [sig, c];
  return most >= POST_LIMITS.minPosts ? best : '';
}

/** Whether one element of a list reads as a post: some structure, short,
 * not mostly links (a menu item). Costs its own subtree only. @param {any} el */
function postShaped(el) {
  if (!el.firstElementChild || el.childElementCount > MAX_POST_ELEMENTS) return false;
  const n = (el.textContent ?? '').trim().length;
  return n > 0 && n <= POST_LIMITS.maxPostChars && linkText(el, n) <= POST_LIMITS.linkShare;
}

/**
 * The children of `parent` that are posts, and their signature; or null
 * (what PostFinder finds among them, all at once: for tests and tools).
 * @param {any} parent
 * @returns {{signature: string, posts: any[]} | null}
 */
export function postList(parent) {
  const sig = listSignature(parent);
  if (!sig) return null;
  const posts = [...parent.children].filter((k) => signature(k) === sig && postShaped(k));
  return posts.length >= POST_LIMITS.minPosts ? { signature: sig, posts } : null;
}

/** Whether an adapter names `el` a post. @param {any} el */
function adapterPost(el) {
  return typeof el.matches === 'function' && el.matches(ADAPTERS);
}

/**
 * Finds posts as the page walk meets elements: `visit(el)` for every
 * element the walk enters; `onPost(el)` once per post found. Each parent's
 * list signature is found once, from a sample of its children; an element
 * is a post when it has that signature and reads as one, so children added
 * later join the list as they are read.
 * @param {(el: any) => void} onPost
 */
export function PostFinder(onPost) {
  /** parent → its posts' signature, or '' when it is not a list */
  const lists = new WeakMap();
  const found = new WeakSet();
  let count = 0;
  return {
    /** @param {any} el */
    visit(el) {
      if (found.has(el)) return true;
      let post = adapterPost(el);
      if (!post) {
        const parent = el.parentElement;
        if (!parent) return false;
        let sig = lists.get(parent);
        if (sig === undefined) {
          sig = listSignature(parent);
          lists.set(parent, sig);
        }
        post = Boolean(sig) && signature(el) === sig && postShaped(el);
      }
      if (post) {
        found.add(el);
        count++;
        onPost(el);
      }
      return post;
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
