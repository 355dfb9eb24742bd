// The toolbar and store icons, drawn from icons/shield.svg with no image
// library: the SVG's paths (absolute M, L, C, Z and a solid #rrggbb fill;
// anything else is refused with a message) are flattened to polygons, filled
// with the nonzero rule at 16 sub-rows per pixel with exact horizontal
// coverage, composited in order, and written as RGBA PNGs (zlib + crc32).
import { crc32, deflateSync } from 'node:zlib';

/** Icon sizes the manifests and the stores ask for. */
export const ICON_SIZES = [16, 32, 48, 128];

/** @typedef {{fill: [number, number, number], polys: [number, number][][]}} Shape */

/** Paths of an SVG document, in paint order, in viewBox units.
 * @param {string} svg @returns {{width: number, height: number, shapes: Shape[]}} */
export function parseSvg(svg) {
  const vb = /viewBox="\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*"/.exec(svg);
  if (!vb) throw new Error('icon SVG: needs viewBox="0 0 W H"');
  const shapes = [];
  for (const m of svg.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<path\b([^>]*)\/?>/g)) {
    const fill = /\bfill="#([0-9a-fA-F]{6})"/.exec(m[1]);
    const d = /\bd="([^"]*)"/.exec(m[1]);
    if (!fill || !d) throw new Error(`icon SVG: every <path> needs fill="#rrggbb" and d (${m[0].slice(0, 60)})`);
    const hex = fill[1];
    shapes.push({ fill: /** @type {[number, number, number]} */ ([0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16))), polys: flatten(d[1]) });
  }
  if (!shapes.length) throw new Error('icon SVG: no <path>');
  return { width: Number(vb[1]), height: Number(vb[2]), shapes };
}

/** Path data → closed polygons (cubic curves as 24 segments).
 * @param {string} d @returns {[number, number][][]} */
function flatten(d) {
  const tokens = d.match(/[A-Za-z]|-?\d*\.?\d+(?:e-?\d+)?/g) ?? [];
  /** @type {[number, number][][]} */
  const polys = [];
  /** @type {[number, number][]} */
  let cur = [];
  let i = 0;
  const num = () => {
    const t = tokens[i++];
    if (t === undefined || /[A-Za-z]/.test(t)) throw new Error(`icon SVG: a number was expected in "${d}"`);
    return Number(t);
  };
  let cmd = '';
  while (i < tokens.length) {
    if (/[A-Za-z]/.test(tokens[i])) cmd = tokens[i++];
    if (cmd === 'M') {
      if (cur.length) polys.push(cur);
      cur = [[num(), num()]];
      cmd = 'L';
    } else if (cmd === 'L') {
      cur.push([num(), num()]);
    } else if (cmd === 'C') {
      const [x0, y0] = cur[cur.length - 1] ?? [0, 0];
      const [x1, y1, x2, y2, x3, y3] = [num(), num(), num(), num(), num(), num()];
      for (let k = 1; k <= 24; k++) {
        const t = k / 24, u = 1 - t;
        cur.push([u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3,
          u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3]);
      }
    } else if (cmd === 'Z') {
      if (cur.length) polys.push(cur);
      cur = [];
      cmd = '';
    } else throw new Error(`icon SVG: path command "${cmd}" is not supported (absolute M, L, C, Z only)`);
  }
  if (cur.length) polys.push(cur);
  return polys;
}

/** Coverage (0..1) of each pixel of a size × size image by the polygons
 * (nonzero rule). @param {[number, number][][]} polys @param {number} size */
function coverage(polys, size) {
  const SUB = 16;
  const cov = new Float64Array(size * size);
  /** @type {[number, number, number, number][]} x0 y0 x1 y1 */
  const edges = [];
  for (const p of polys) {
    for (let k = 0; k < p.length; k++) {
      const a = p[k], b = p[(k + 1) % p.length];
      if (a[1] !== b[1]) edges.push([a[0], a[1], b[0], b[1]]);
    }
  }
  for (let sy = 0; sy < size * SUB; sy++) {
    const y = (sy + 0.5) / SUB;
    const row = Math.floor(sy / SUB);
    /** @type {[number, number][]} x, winding */
    const xs = [];
    for (const [x0, y0, x1, y1] of edges) {
      if ((y >= y0 && y < y1) || (y >= y1 && y < y0)) xs.push([x0 + ((y - y0) / (y1 - y0)) * (x1 - x0), y1 > y0 ? 1 : -1]);
    }
    xs.sort((a, b) => a[0] - b[0]);
    let wind = 0;
    for (let k = 0; k < xs.length - 1; k++) {
      wind += xs[k][1];
      if (!wind) continue;
      const from = Math.max(0, xs[k][0]), to = Math.min(size, xs[k + 1][0]);
      for (let px = Math.floor(from); px < to; px++) {
        const part = Math.min(to, px + 1) - Math.max(from, px);
        if (part > 0) cov[row * size + px] += part / SUB;
      }
    }
  }
  return cov;
}

/** RGBA pixels of the SVG at size × size. @param {string} svg @param {number} size */
export function rasterise(svg, size) {
  const { width, height, shapes } = parseSvg(svg);
  const scale = size / Math.max(width, height);
  const rgba = new Float64Array(size * size * 4); // premultiplied
  for (const s of shapes) {
    const cov = coverage(s.polys.map((p) => p.map(([x, y]) => /** @type {[number, number]} */ ([x * scale, y * scale]))), size);
    for (let i = 0; i < cov.length; i++) {
      const a = Math.min(1, cov[i]);
      if (!a) continue;
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = (s.fill[c] / 255) * a + rgba[i * 4 + c] * (1 - a);
      rgba[i * 4 + 3] = a + rgba[i * 4 + 3] * (1 - a);
    }
  }
  const out = Buffer.alloc(size * size * 4);
  for (let i = 0; i < size * size; i++) {
    const a = rgba[i * 4 + 3];
    for (let c = 0; c < 3; c++) out[i * 4 + c] = a ? Math.round((rgba[i * 4 + c] / a) * 255) : 0;
    out[i * 4 + 3] = Math.round(a * 255);
  }
  return out;
}

/** An RGBA PNG. @param {Buffer} rgba @param {number} size */
export function encodePng(rgba, size) {
  const chunk = (/** @type {string} */ type, /** @type {Buffer} */ data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8 bits, RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** `icons/icon-<size>.png` → PNG bytes for every ICON_SIZES. @param {string} svg */
export function makeIcons(svg) {
  return new Map(ICON_SIZES.map((n) => [`icons/icon-${n}.png`, encodePng(rasterise(svg, n), n)]));
}
