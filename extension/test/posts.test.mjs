// node --test extension/test/ : finding the posts of a comment page (content/posts.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { postList, PostFinder, postText, POST_LIMITS } from '../src/content/posts.js';

/**
 * An element stand-in: tag, classes, children (elements or strings).
 * @typedef {{tagName: string, className: string, children: FakeElement[], parentElement: FakeElement | null,
 *   readonly firstElementChild: FakeElement | null, readonly childElementCount: number,
 *   readonly textContent: string, querySelectorAll: (sel: string) => FakeElement[], matches: (sel: string) => boolean}} FakeElement
 */
/** @param {string} tag @param {string} [classes] @param {...(FakeElement | string)} children @returns {FakeElement} */
function el(tag, classes = '', ...children) {
  const kids = children.filter((c) => typeof c !== 'string');
  /** @type {FakeElement} */
  const n = {
    tagName: tag.toUpperCase(),
    className: classes,
    children: kids,
    get firstElementChild() { return kids[0] ?? null; },
    get childElementCount() { return kids.length; },
    parentElement: null,
    get textContent() { return children.map((c) => (typeof c === 'string' ? c : c.textContent)).join(' '); },
    querySelectorAll: (sel) => (sel === 'a' ? descendants(n).filter((d) => d.tagName === 'A') : []),
    matches: (sel) => sel.split(',').some((s) => s.trim() === tag),
  };
  for (const k of kids) k.parentElement = n;
  return n;
}
/** @param {FakeElement} n @returns {FakeElement[]} */
const descendants = (n) => n.children.flatMap((c) => [c, ...descendants(c)]);
/** @param {number} i @param {string} words */
const comment = (i, words) => el('div', `comment c-${i}`, el('span', 'author', `bạn ${i}`), el('p', 'body', words));

test('siblings of one signature, short and not links, are posts', () => {
  const list = el('section', 'comments', ...[0, 1, 2, 3, 4].map((i) => comment(i, `bình luận số ${i}`)), el('button', 'more', 'Xem thêm'));
  const l = postList(list);
  assert.ok(l);
  assert.equal(l.posts.length, 5);
  assert.equal(l.signature, 'DIV.comment', 'generated class names with digits are ignored');
  assert.equal(postText(l.posts[2]), 'bạn 2 bình luận số 2');
});

test('menus, navigation, too few siblings, paragraphs and long sections are not posts', () => {
  const link = (/** @type {number} */ i) => el('li', '', el('a', '', `Mục ${i}`));
  assert.equal(postList(el('ul', 'menu', ...[0, 1, 2, 3, 4].map(link))), null, 'mostly link text');
  assert.equal(postList(el('nav', '', ...[0, 1, 2, 3].map((i) => comment(i, 'x')))), null, 'inside navigation');
  assert.equal(postList(el('div', '', ...[0, 1, 2].map((i) => comment(i, 'x')))), null, `fewer than ${POST_LIMITS.minPosts}`);
  const para = (/** @type {number} */ i) => el('p', '', `Đoạn ${i} của bài báo.`);
  assert.equal(postList(el('article', '', ...[0, 1, 2, 3, 4].map(para))), null, 'paragraphs of an article');
  const long = 'chữ '.repeat(POST_LIMITS.maxPostChars);
  assert.equal(postList(el('div', '', ...[0, 1, 2, 3].map(() => el('section', 's', el('p', '', long))))), null, 'long sections');
  assert.equal(postList(el('div', '', ...[0, 1, 2, 3].map((i) => el('div', 'msg', `tin ${i}`)))), null, 'no structure inside');
});

test('a parent of thousands of children is classified from a sample', () => {
  const list = el('ul', 'feed', ...Array.from({ length: 5000 }, (_, i) => comment(i, `ý kiến ${i}`)));
  let reads = 0;
  for (const k of list.children) {
    const get = /** @type {() => string} */ (Object.getOwnPropertyDescriptor(k, 'textContent')?.get);
    Object.defineProperty(k, 'textContent', { get() { reads++; return get.call(this); } });
  }
  const f = PostFinder(() => {});
  f.visit(list.children[0]);
  assert.ok(f.isPost(list.children[0]));
  assert.equal(reads, 1, 'only the visited child reads its text');
});

test('the finder classifies each parent once and takes later siblings of the same signature', () => {
  const list = el('div', 'thread', ...[0, 1, 2, 3].map((i) => comment(i, `ý kiến ${i}`)));
  /** @type {FakeElement[]} */
  const found = [];
  const f = PostFinder((p) => found.push(p));
  for (const c of list.children) f.visit(c);
  f.visit(list.children[0]);
  assert.equal(found.length, 4, 'each post once');
  // A comment loaded later joins the list; another kind of sibling does not.
  const late = comment(9, 'đến sau');
  late.parentElement = list;
  const ad = el('aside', 'ad', el('b', '', 'quảng cáo'));
  ad.parentElement = list;
  f.visit(late);
  f.visit(ad);
  assert.equal(found.length, 5);
  assert.ok(f.isPost(late) && !f.isPost(ad));
  assert.equal(f.count, 5);
});

test('a site adapter names a post the generic rule cannot see', () => {
  const yt = el('ytd-comment-renderer', '', 'một bình luận');
  const host = el('div', '', yt, el('span', '', 'khác'));
  /** @type {FakeElement[]} */
  const found = [];
  const f = PostFinder((p) => found.push(p));
  f.visit(yt);
  assert.deepEqual(found, [yt]);
  assert.equal(host.children.length, 2);
});
