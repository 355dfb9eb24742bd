// node --test extension/test/ : the shared page markup (tools/pages.mjs) and
// that every page source uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { expandIncludes } from '../tools/pages.mjs';

test('includes expand with their indentation; the tagline is optional', () => {
  const out = expandIncludes('<head>\n  <!-- include: head -->\n</head>\n<body>\n    <!-- include: brand optBrandTagline -->\n  <!-- include: brand -->\n', 'x.html');
  assert.match(out, /^  <meta charset="utf-8">$/m);
  assert.match(out, /^  <meta name="referrer" content="no-referrer">$/m);
  assert.match(out, /^  <title>Lá Chắn<\/title>$/m);
  assert.match(out, /^    <header class="brand">$/m);
  assert.match(out, /^      <p><strong data-i18n="brand">Lá Chắn<\/strong> <span data-i18n="optBrandTagline"><\/span><\/p>$/m);
  assert.match(out, /^    <p><strong data-i18n="brand">Lá Chắn<\/strong><\/p>$/m);
  assert.ok(!out.includes('include:'));
});

test('an unknown include fails, naming the file', () => {
  assert.throws(() => expandIncludes('  <!-- include: footer -->\n', 'src/x/x.html'), /src\/x\/x\.html: unknown include "footer"/);
  assert.throws(() => expandIncludes('<!-- include: head extra -->\n', 'y.html'), /unknown include "head extra"/);
});

test('every page source takes its head and header from the includes', () => {
  const src = new URL('../src/', import.meta.url);
  for (const dir of readdirSync(src)) {
    const file = new URL(`${dir}/${dir}.html`, src);
    let html;
    try { html = readFileSync(file, 'utf8'); } catch { continue; }
    assert.match(html, /<!-- include: head -->/, `${dir}.html`);
    assert.match(html, /<!-- include: brand( [A-Za-z]+)? -->/, `${dir}.html`);
    assert.ok(!html.includes('<meta charset'), `${dir}.html repeats the head`);
    const expanded = expandIncludes(html, dir);
    for (const key of expanded.matchAll(/data-i18n="([A-Za-z0-9_]+)"/g)) {
      for (const lang of ['vi', 'en']) {
        const messages = JSON.parse(readFileSync(new URL(`../_locales/${lang}/messages.json`, import.meta.url), 'utf8'));
        assert.ok(messages[key[1]], `${dir}.html: ${lang} has no message ${key[1]}`);
      }
    }
  }
});

test('the guide page: both languages rendered from docs/guide, escaped, with the same outline', async () => {
  const { expandGuide, renderGuide } = await import('../tools/guide.mjs');
  assert.equal(renderGuide('# A <b>\n\nOne `x<y>` and **bold**\nline two.\n\n- a\n- b\n\n1. c\n\n```json\n{"a": "<"}\n```\n\n| h | i |\n|---|---|\n| 1 | `2` |\n'),
    '<h1>A &lt;b&gt;</h1>\n<p>One <code>x&lt;y&gt;</code> and <strong>bold</strong> line two.</p>\n<ul><li>a</li><li>b</li></ul>\n<ol><li>c</li></ol>\n'
    + '<pre tabindex="0"><code>{&quot;a&quot;: &quot;&lt;&quot;}</code></pre>\n'
    + '<div class="guide-scroll" tabindex="0"><table><thead><tr><th scope="col">h</th><th scope="col">i</th></tr></thead><tbody><tr><td>1</td><td><code>2</code></td></tr></tbody></table></div>');
  const guides = Object.fromEntries(['vi', 'en'].map((l) => [l, readFileSync(new URL(`../../docs/guide/${l}.md`, import.meta.url), 'utf8')]));
  const outline = (/** @type {string} */ md) => [...md.matchAll(/^(#+) (\d[\d.]*)?/gm)].map((m) => `${m[1]}${m[2] ?? ''}`);
  assert.deepEqual(outline(guides.vi), outline(guides.en), 'the two guides have the same sections');
  const page = expandGuide(readFileSync(new URL('../src/guide/guide.html', import.meta.url), 'utf8'), guides);
  assert.match(page, /<article class="card guide" lang="vi" data-testid="guide-vi" hidden>\n<h1>Hướng dẫn cài đặt Lá Chắn<\/h1>/);
  assert.match(page, /<article class="card guide" lang="en" data-testid="guide-en" hidden>\n<h1>Setting up Lá Chắn<\/h1>/);
  assert.ok(!page.includes('<!-- guide:'));
  assert.throws(() => expandGuide('<!-- guide: fr -->', guides), /no guide for "fr"/);
});
