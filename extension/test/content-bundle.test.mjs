// node --test extension/test/ : the content scripts as the package has them
// (tools/content.mjs bundles src/content/ with esbuild): every script the
// manifests and the worker name is a bundle, each bundle is a classic script,
// and the document_start guard sends the typed `navCheck` message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { bundleContent, CONTENT_ENTRIES } from '../tools/content.mjs';
import { merge, readJson5 } from '../tools/manifest.mjs';
import { isMessage, navCheck } from '../src/shared/messages.js';

const EXT = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'lachan-content-'));
const written = await bundleContent({ src: join(EXT, 'src'), outDir: out });
process.on('exit', () => rmSync(out, { recursive: true, force: true }));
/** @param {string} file package path, e.g. content/start.js */
const bundle = (file) => readFileSync(join(out, file), 'utf8');

test('the content scripts of both manifests and of the image check are exactly the bundles', () => {
  const base = readJson5(join(EXT, 'manifest/base.json5'));
  /** @type {Set<string>} */
  const named = new Set();
  for (const browser of ['chromium', 'firefox']) {
    const manifest = merge(base, JSON.parse(readFileSync(join(EXT, `manifest/${browser}.json`), 'utf8')));
    const scripts = /** @type {{js: string[], run_at: string}[]} */ (manifest.content_scripts);
    assert.deepEqual(scripts.map((s) => [s.run_at, s.js]), [['document_start', ['content/start.js']], ['document_idle', ['content/idle.js']]],
      `${browser}: one bundle per run_at`);
    for (const s of scripts) for (const js of s.js) named.add(js);
  }
  // The worker registers the image check at run time (background/images.js).
  const images = readFileSync(join(EXT, 'src/background/images.js'), 'utf8').match(/const IMAGE_SCRIPTS = \[([^\]]*)\]/);
  assert.ok(images, 'background/images.js names IMAGE_SCRIPTS');
  for (const m of (images[1] ?? '').matchAll(/'([^']+)'/g)) named.add(m[1] ?? '');
  const entries = Object.keys(CONTENT_ENTRIES).map((k) => `${k}.js`);
  assert.deepEqual([...named].sort(), [...entries].sort());
  assert.equal(written.length, entries.length);
});

test('each bundle is one classic script: no import or export left, everything inside one function', () => {
  for (const file of Object.keys(CONTENT_ENTRIES).map((k) => `${k}.js`)) {
    const text = bundle(file);
    assert.doesNotMatch(text, /^\s*(import|export)\b/m, file);
    assert.match(text, /^"use strict";\n\(\(\) => \{\n/, file);
    assert.match(text, /\n\}\)\(\);\n$/, file);
    // A classic script parses as one (a module syntax error would throw here).
    assert.doesNotThrow(() => new vm.Script(text, { filename: file }), file);
  }
  // Which modules each bundle carries (esbuild names each in a comment).
  /** @param {string} file */
  const modules = (file) => [...bundle(file).matchAll(/^ {2}\/\/ \S*?src\/(\S+\.js)$/gm)].map((m) => m[1]);
  assert.deepEqual(modules('content/start.js'), ['shared/platform.js', 'shared/messages.js', 'content/guard.js']);
  for (const m of ['shared/platform.js', 'shared/messages.js', 'content/text.js', 'content/posts.js', 'content/pii.js', 'content/overlay.js', 'content/page.js']) {
    assert.ok(modules('content/idle.js').includes(m), `content/idle.js carries ${m}`);
  }
  assert.ok(modules('content/images.js').includes('content/image-rules.js'));
});

/**
 * Runs content/start.js in a stand-in page.
 * @param {{flavour: 'chromium' | 'firefox', answer: unknown}} o
 */
async function runGuard({ flavour, answer }) {
  /** @type {unknown[]} */
  const sent = [];
  /** @type {{textContent: string, removed: boolean}[]} */
  const styles = [];
  /** @type {string[]} */
  const replaced = [];
  const runtime = {
    getURL: (/** @type {string} */ p) => `${flavour === 'firefox' ? 'moz-extension' : 'chrome-extension'}://id/${p}`,
    sendMessage: async (/** @type {unknown} */ m) => { sent.push(m); return answer; },
  };
  const page = {
    document: {
      documentElement: { appendChild: (/** @type {any} */ el) => styles.push(el) },
      createElement: () => {
        const el = { textContent: '', removed: false, remove() { el.removed = true; } };
        return el;
      },
    },
    location: { href: 'http://casino.test/x', replace: (/** @type {string} */ u) => replaced.push(u) },
    window: { stop() {} },
    setTimeout, clearTimeout,
    ...(flavour === 'firefox' ? { browser: { runtime }, chrome: { runtime } } : { chrome: { runtime } }),
  };
  vm.runInNewContext(bundle('content/start.js'), page);
  await new Promise((ok) => setTimeout(ok, 10));
  // Plain copies: the objects were made in the page's realm.
  return { sent: JSON.parse(JSON.stringify(sent)), styles: JSON.parse(JSON.stringify(styles)), replaced: [...replaced] };
}

test('the document_start guard hides the page, asks with navCheck, and follows a block', async () => {
  const redirect = 'chrome-extension://id/warning.html?c=gambling';
  const blocked = await runGuard({ flavour: 'chromium', answer: { action: 'block', redirect } });
  assert.deepEqual(blocked.sent, [navCheck('http://casino.test/x')]);
  assert.ok(isMessage(blocked.sent[0]), 'the background accepts the shape');
  assert.equal(blocked.styles.length, 1);
  assert.match(blocked.styles[0]?.textContent ?? '', /visibility:hidden/);
  assert.deepEqual(blocked.replaced, [redirect]);

  const allowed = await runGuard({ flavour: 'chromium', answer: { action: 'allow' } });
  assert.deepEqual(allowed.replaced, []);
  assert.equal(allowed.styles[0]?.removed, true, 'shown again');
});

test('on Firefox the guard does nothing (webRequest decides before paint)', async () => {
  const r = await runGuard({ flavour: 'firefox', answer: { action: 'block', redirect: 'x' } });
  assert.deepEqual(r, { sent: [], styles: [], replaced: [] });
});
