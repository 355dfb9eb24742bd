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
