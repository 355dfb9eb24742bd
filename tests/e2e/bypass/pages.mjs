// The pages of the bypass runner, served by lib/server.mjs (`routes`). Each
// trick page is on an allowed host and reaches for a blocked one the way a
// page can without a navigation: fetch/XHR/websocket/beacon and injected
// HTML, hot-linked pictures and media, <object>/<embed>, pushState, and
// speculative loads. A page sets body[data-done] once every attempt has
// settled, and writes what it got into the DOM.
import { encodePng } from '../../../extension/tools/icons.mjs';
import { MARKER, PAINT_PROBE_SCRIPT } from '../lib/server.mjs';

/** A 16×16 opaque red PNG: a real picture, so "not shown" means something. */
const PNG = encodePng(Buffer.from(Array(16 * 16).fill([200, 30, 30, 255]).flat()), 16);

/** @param {string} s */
const esc = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** In-page helper: the URL of `host` + `path` with this page's port (Firefox
 * URLs carry the port; Chromium maps it). */
const URL_OF = 'const P = location.port ? `:${location.port}` : ""; const at = (h, p) => `http://${h}${P}${p}`;';

/** @param {string} title @param {string} body */
const html = (title, body) => ({ body: `<!doctype html><html lang="en"><head><title>${esc(title)}</title>${PAINT_PROBE_SCRIPT}</head>`
  + `<body><h1 id="marker">${MARKER} ${esc(title)}</h1>${body}</body></html>` });

/**
 * @param {URL} url @param {string} host
 * @returns {import('../lib/server.mjs').Answer | null}
 */
export function routes(url, host) {
  const p = url.pathname;
  if (p.endsWith('.png')) return { type: 'image/png', body: PNG };
  if (p.endsWith('.css')) return { type: 'text/css', body: `#styled { outline: 3px solid red; } /* ${host} */` };
  if (p.endsWith('.js')) return { type: 'text/javascript', body: `window.lachanScript = ${JSON.stringify(host)};` };
  if (p.endsWith('.webm')) return { type: 'video/webm', body: Buffer.alloc(64) };
  if (p.endsWith('/fragment')) return { body: `<p class="frag">LACHAN-FRAGMENT ${esc(host)}</p>` };
  switch (p) {
    case '/fetch-inject': return html(`fetch page ${host}`, `<div id="out"></div><script>${URL_OF}
      const out = document.getElementById('out');
      const put = (what, text) => { const d = document.createElement('div'); d.dataset.what = what; d.innerHTML = text; out.append(d); };
      const tries = [
        fetch(at('allowed.test', '/fragment')).then((r) => r.text()).then((t) => put('control', t)),
        fetch(at('casino.test', '/fragment')).then((r) => r.text()).then((t) => put('fetch', t)),
        new Promise((ok, no) => { const x = new XMLHttpRequest(); x.open('GET', at('adult-site.test', '/fragment'));
          x.onload = () => { put('xhr', x.responseText); ok(); }; x.onerror = no; x.send(); }),
        new Promise((ok, no) => { const w = new WebSocket(at('casino.test', '/ws').replace('http', 'ws'));
          w.onopen = () => { put('ws', 'LACHAN-FRAGMENT websocket open'); ok(); }; w.onerror = no; }),
        Promise.resolve(navigator.sendBeacon(at('casino.test', '/beacon'), 'x')),
      ];
      const late = new Promise((ok) => setTimeout(ok, 4000));
      Promise.race([Promise.allSettled(tries), late]).then(() => { document.body.dataset.done = '1'; });
    </script>`);
    case '/hotlink': return html(`hotlink page ${host}`, `<div id="styled">styled?</div><div id="media"></div><script>${URL_OF}
      const m = document.getElementById('media');
      const add = (tag, attrs) => { const e = document.createElement(tag); Object.assign(e, attrs); m.append(e); return e; };
      const good = add('img', { id: 'good', src: at('allowed.test', '/pic.png'), alt: 'control' });
      const bad = add('img', { id: 'bad', src: at('adult-site.test', '/pic.png'), alt: 'hot-linked' });
      const set = add('img', { id: 'bad-srcset', srcset: at('adult-site.test', '/pic2x.png') + ' 2x', alt: 'srcset' });
      add('video', { id: 'video', src: at('adult-site.test', '/clip.webm'), preload: 'auto', muted: true });
      const bg = add('div', { id: 'bg' }); bg.style.cssText = 'width:20px;height:20px;background:url(' + at('adult-site.test', '/bg.png') + ')';
      const css = document.createElement('link'); css.rel = 'stylesheet'; css.href = at('adult-site.test', '/style.css'); document.head.append(css);
      const js = document.createElement('script'); js.src = at('adult-site.test', '/script.js'); document.head.append(js);
      const settle = (e) => new Promise((ok) => { if (e.complete) ok(); e.onload = ok; e.onerror = ok; });
      Promise.race([Promise.all([settle(good), settle(bad), settle(set), new Promise((ok) => { js.onload = ok; js.onerror = ok; })]),
        new Promise((ok) => setTimeout(ok, 4000))]).then(() => setTimeout(() => { document.body.dataset.done = '1'; }, 500));
    </script>`);
    case '/object': return html(`object page ${host}`, `<div id="box"></div><script>${URL_OF}
      const box = document.getElementById('box');
      const o = document.createElement('object'); o.id = 'o'; o.data = at('casino.test', '/in-object'); o.width = 400; o.height = 250; box.append(o);
      const e = document.createElement('embed'); e.id = 'e'; e.src = at('casino.test', '/in-embed'); e.width = 400; e.height = 250; box.append(e);
      setTimeout(() => { document.body.dataset.done = '1'; }, 2500);
    </script>`);
    case '/spa': {
      // An SPA route change: pushState (or replaceState) to `to`, then the
      // route's content from the same host, as a router would.
      const mode = url.searchParams.get('go') === 'replace' ? 'replaceState' : 'pushState';
      const to = url.searchParams.get('to') ?? '/shop/pills/spa';
      return html(`spa ${host}`, `<div id="view">home</div><script>
        setTimeout(() => {
          history.${mode}({}, '', ${JSON.stringify(to)});
          fetch(${JSON.stringify(`${to}/data/fragment`)}).then((r) => r.text()).then((t) => { document.getElementById('view').innerHTML = t; })
            .catch(() => {}).finally(() => { document.body.dataset.done = '1'; });
        }, 300);
      </script>`);
    }
    case '/post-form': return html(`form page ${host}`, `<form id="f" method="post"></form><script>${URL_OF}
      const f = document.getElementById('f'); f.action = at('casino-test.translate.goog', '/posted');
      const i = document.createElement('input'); i.name = 'q'; i.value = 'x'; f.append(i); f.submit();</script>`);
    case '/spa-frame': return html(`spa frame host ${host}`, `<iframe id="f" title="spa" width="500" height="300"></iframe><script>${URL_OF}
      document.getElementById('f').src = at('allowed.test', '/spa?go=push');</script>`);
    case '/speculate': return html(`speculation page ${host}`, `<script>${URL_OF}
      const rules = { prerender: [{ source: 'list', urls: ['/shop/pills/pre', '/fine-pre'], eagerness: 'immediate' }],
        prefetch: [{ source: 'list', urls: [at('casino.test', '/pre-fetch'), at('casino-test.translate.goog', '/pre-fetch')], eagerness: 'immediate' }] };
      const s = document.createElement('script'); s.type = 'speculationrules'; s.textContent = JSON.stringify(rules); document.head.append(s);
      for (const href of ['/shop/pills/link-prefetch', at('casino.test', '/link-prefetch')]) {
        const l = document.createElement('link'); l.rel = 'prefetch'; l.href = href; document.head.append(l);
      }
      const a = document.createElement('a'); a.id = 'blocked'; a.href = '/shop/pills/pre'; a.textContent = 'blocked'; document.body.append(a);
      // Then the child follows the link (no driver attached: see the runner).
      setTimeout(() => a.click(), 2500);
    </script>`);
    default: return null;
  }
}
