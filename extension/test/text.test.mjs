// node --test extension/test/ : page-text extraction and batching limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { textNodes, PageText, LIMITS, insideSkipped, splitText } from '../src/content/text.js';

/**
 * A tiny DOM stand-in: el(tag, attrs, ...children), text(data).
 * @typedef {{nodeType: number, nodeName?: string, data?: string, attrs: Record<string, string>,
 *   firstChild: FakeNode | null, nextSibling: FakeNode | null, parentNode: FakeNode | null,
 *   getAttribute?: (k: string) => string | null}} FakeNode
 */
/** @param {string} tag @param {Record<string, string>} [attrs] @param {...FakeNode} children @returns {FakeNode} */
function el(tag, attrs = {}, ...children) {
  /** @type {FakeNode} */
  const n = { nodeType: 1, nodeName: tag.toUpperCase(), attrs, firstChild: null, nextSibling: null, parentNode: null,
    getAttribute: (k) => (k in attrs ? attrs[k] ?? null : null) };
  let prev = null;
  for (const c of children) {
    c.parentNode = n;
    if (prev) prev.nextSibling = c; else n.firstChild = c;
    prev = c;
  }
  return n;
}
/** @param {string} data @returns {FakeNode} */
const text = (data) => ({ nodeType: 3, data, attrs: {}, firstChild: null, nextSibling: null, parentNode: null });
const hiddenAttr = (/** @type {FakeNode} */ e) => 'hidden' in e.attrs;
const read = (/** @type {FakeNode} */ root) => [...textNodes(root, hiddenAttr)].map((/** @type {FakeNode} */ n) => n.data);

test('visible text in document order; script, style, noscript, template, fields, svg skipped', () => {
  const root = el('body', {},
    el('h1', {}, text('Tiêu đề')),
    el('script', {}, text('var x = "nhà cái";')),
    el('style', {}, text('p{color:red}')),
    el('noscript', {}, text('bật JavaScript')),
    el('template', {}, text('mẫu')),
    el('textarea', {}, text('chữ của trẻ')),
    el('select', {}, el('option', {}, text('một'))),
    el('svg', {}, el('text', {}, text('icon'))),
    el('p', {}, text('Đoạn '), el('b', {}, text('đậm')), text(' cuối')),
    el('lachan-shield', {}, text('our own overlay')),
  );
  assert.deepEqual(read(root), ['Tiêu đề', 'Đoạn ', 'đậm', ' cuối']);
});

test('hidden subtrees and contenteditable are skipped', () => {
  const root = el('div', {},
    el('div', { hidden: '' }, el('p', {}, text('ẩn'))),
    el('div', { contenteditable: 'true' }, text('đang gõ')),
    el('div', { contenteditable: 'false' }, text('không sửa được')),
    el('p', {}, text('hiện')),
  );
  assert.deepEqual(read(root), ['không sửa được', 'hiện']);
  assert.deepEqual(read(el('div', { hidden: '' }, text('x'))), [], 'a hidden root yields nothing');
});

test('a text-node root is yielded; insideSkipped sees skipped ancestors', () => {
  const t = text('mới');
  const area = el('div', { contenteditable: '' }, el('span', {}, t));
  assert.deepEqual([...textNodes(t, hiddenAttr)].map((n) => n.data), ['mới']);
  assert.equal(insideSkipped(t), true);
  const t2 = text('tin');
  el('main', {}, el('p', {}, t2));
  assert.equal(insideSkipped(t2), false);
  void area;
});

test('the walk never leaves its root (mutation roots)', () => {
  const inner = el('p', {}, text('a'), el('b', {}, text('b')));
  el('body', {}, inner, el('p', {}, text('outside')));
  assert.deepEqual(read(inner), ['a', 'b']);
});

test('deep trees do not recurse (50 000 levels)', () => {
  let n = text('đáy');
  for (let i = 0; i < 50_000; i++) n = el('div', {}, n);
  assert.deepEqual(read(n), ['đáy']);
});

test('head: batches re-score the union up to headChars', () => {
  const p = new PageText({ batchChars: 10, headChars: 30, overlapChars: 3 });
  p.add('aaaa  bbbb'); // whitespace folded: 'aaaa bbbb' (9)
  p.add('   ');        // whitespace-only: ignored
  p.add('cccc');
  assert.deepEqual(p.take(), { text: 'aaaa bbbb', union: true });
  assert.deepEqual(p.take(), { text: 'aaaa bbbb\ncccc', union: true });
  assert.equal(p.take(), null);
});

test('tail: after the head, batches are scored alone with an overlap; no batch exceeds its limits', () => {
  const p = new PageText({ batchChars: 100, headChars: 250, overlapChars: 8 });
  const words = Array.from({ length: 300 }, (_, i) => `w${i}`);
  for (const w of words) p.add(w);
  const msgs = [];
  for (let m; (m = p.take());) msgs.push(m);
  assert.ok(msgs.length > 3);
  const heads = msgs.filter((m) => m.union);
  const tails = msgs.filter((m) => !m.union);
  assert.ok(heads.length >= 2 && tails.length >= 1);
  assert.ok(heads.every((m) => m.text.length <= 250), 'head within headChars');
  assert.ok(tails.every((m) => m.text.length <= 100 + 8 + 1), 'tail within batchChars + overlap');
  // Every word was sent, in order.
  const seen = msgs.flatMap((m) => m.text.split(/\s+/)).filter((w) => /^w\d+$/.test(w));
  for (const w of words) assert.ok(seen.includes(w), `${w} sent`);
  // The overlap carries the end of the previous message into the next one.
  const first = tails[0];
  const prev = msgs[msgs.indexOf(first) - 1];
  assert.ok(first.text.startsWith(prev.text.slice(-8)));
});

test('one huge text node is split into batches at spaces', () => {
  const p = new PageText({ batchChars: 1000, headChars: 1000, overlapChars: 0 });
  p.add('lorem ipsum '.repeat(1000)); // 12 000 chars
  const msgs = [];
  for (let m; (m = p.take());) msgs.push(m);
  assert.ok(msgs.length >= 12);
  assert.ok(msgs.every((m) => m.text.length <= 1000));
  assert.ok(msgs.slice(1).every((m) => !/^\S*psum|^rem/.test(m.text)), 'split at word boundaries');
});

test('totalChars caps what a document can send', () => {
  const p = new PageText({ batchChars: 100, headChars: 100, totalChars: 250 });
  assert.equal(p.add('x'.repeat(200)), true);
  assert.equal(p.add('y'.repeat(200)), false);
  assert.equal(p.capped, true);
  assert.equal(p.total, 250);
  assert.equal(p.add('z'), false);
});

test('split never cuts a surrogate pair', () => {
  const s = `${'a'.repeat(9)}😀${'b'.repeat(20)}`;
  const parts = splitText(s, 10);
  assert.equal(parts.join(''), s);
  for (const part of parts) assert.ok(!/[\ud800-\udbff]$/.test(part));
});

test('default limits: 64 KiB batches, 256 KiB union', () => {
  assert.equal(LIMITS.batchChars, 65536);
  assert.equal(LIMITS.headChars, 262144);
});
