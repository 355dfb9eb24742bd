// The local test server: every mapped test host lands here. It answers a
// small HTML page per request and logs every request by Host header, so a
// test can prove that a blocked request never reached the network.
import { createServer } from 'node:http';

/** @typedef {{host: string, path: string, time: number, purpose: string}} Hit */

/** Lower-case host from a Host header, without port or trailing dot.
 * @param {string | undefined} header */
export function hostFromHeader(header) {
  const h = (header ?? '').toLowerCase();
  const host = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d+$/, '');
  return host.replace(/\.$/, '');
}

/** @param {string} s */
const esc = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The visible marker of every test page: `LACHAN-TEST-PAGE <host>`. */
export const MARKER = 'LACHAN-TEST-PAGE';

/** The paint probe: every test page reports its first contentful paint
 * back to the server (`/__painted`). A page that was never loaded (or was
 * hidden before painting) sends none, so a blocked host must log none. */
export const PAINTED_PATH = '/__painted';
const PAINT_PROBE = `<script>new PerformanceObserver((l) => { for (const e of l.getEntries()) `
  + `if (e.name === 'first-contentful-paint') fetch('${PAINTED_PATH}', {method: 'POST', keepalive: true}); })`
  + `.observe({type: 'paint', buffered: true});</script>`;

/** @param {URL} url @param {string} host @param {number} port */
function page(url, host, port) {
  if (url.pathname === '/frame.html') {
    // news.test/frame.html: an allowed page framing a blocked one (casino.test by default).
    const src = url.searchParams.get('src') ?? `http://casino.test:${port}/framed`;
    return `<!doctype html><html lang="en"><head><title>frame host ${esc(host)}</title></head>`
      + `<body><h1 id="marker">${MARKER} ${esc(host)} (frame page)</h1>`
      + `<iframe id="f" title="test frame" src="${esc(src)}" width="600" height="400"></iframe></body></html>`;
  }
  return `<!doctype html><html lang="en"><head><title>ok ${esc(host)}</title>${PAINT_PROBE}</head>`
    + `<body><main><h1 id="marker">${MARKER} ${esc(host)}</h1><p>${esc(url.pathname)}</p></main></body></html>`;
}

/** The paint probe, for runners that write their own pages. */
export const PAINT_PROBE_SCRIPT = PAINT_PROBE;

/** @typedef {{type?: string, body: string | Buffer, status?: number}} Answer */

/** Starts the server on 0.0.0.0 (so 127.0.0.2 reaches it too). `routes`
 * may answer a request itself (a runner's own pages); otherwise the
 * standard test page is served. Every answer allows any origin to read it
 * (a page's fetch() of another test host works unless the extension stops
 * it), and websocket upgrades are counted like requests (then refused).
 * @param {{routes?: (url: URL, host: string, port: number) => Answer | null}} [o]
 * @returns {Promise<{port: number, hits: Hit[], count: (host: string, mark?: number, pathPrefix?: string) => number, close: () => Promise<void>}>} */
export async function startServer(o = {}) {
  /** @type {Hit[]} */
  const hits = [];
  /** @type {number} */
  let port = 0;
  const server = createServer((req, res) => {
    const host = hostFromHeader(req.headers.host);
    hits.push({ host, path: req.url ?? '/', time: Date.now(), purpose: String(req.headers['sec-purpose'] ?? req.headers['x-moz'] ?? '') });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/favicon.ico') { res.writeHead(404).end(); return; }
    if (url.pathname === PAINTED_PATH) { res.writeHead(204, { 'access-control-allow-origin': '*' }).end(); return; }
    const own = o.routes?.(url, host, port);
    res.writeHead(own?.status ?? 200, { 'content-type': own?.type ?? 'text/html; charset=utf-8', 'cache-control': 'no-store',
      'access-control-allow-origin': '*' });
    res.end(own ? own.body : page(url, host, port));
  });
  server.on('upgrade', (req, socket) => {
    hits.push({ host: hostFromHeader(req.headers.host), path: req.url ?? '/', time: Date.now(), purpose: 'websocket' });
    socket.destroy();
  });
  await new Promise((ok) => server.listen(0, '0.0.0.0', () => ok(undefined)));
  port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    port,
    hits,
    /** Page requests (not paint reports or favicons) for `host` since `mark`,
     * only those under `pathPrefix` when given. */
    count: (host, mark = 0, pathPrefix = '') => hits.slice(mark)
      .filter((h) => h.host === host && h.path !== PAINTED_PATH && h.path !== '/favicon.ico' && h.path.startsWith(pathPrefix)).length,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok(undefined)); }),
  };
}
