// The icons drawn from icons/shield.svg (tools/icons.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { encodePng, ICON_SIZES, makeIcons, parseSvg, rasterise } from '../tools/icons.mjs';
import { readJson5 } from '../tools/manifest.mjs';

const SVG = readFileSync(new URL('../icons/shield.svg', import.meta.url), 'utf8');

/** Reads back an 8-bit RGBA PNG written with filter 0. @param {Buffer} png */
function decode(png) {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.toString('ascii', 12, 16), 'IHDR');
  const size = png.readUInt32BE(16);
  assert.equal(png.readUInt32BE(20), size);
  const idat = png.indexOf('IDAT');
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  const px = (/** @type {number} */ x, /** @type {number} */ y) => [...raw.subarray(y * (size * 4 + 1) + 1 + x * 4, y * (size * 4 + 1) + 5 + x * 4)];
  return { size, px };
}

test('every size is a PNG of that size: transparent corners, the blue shield, the paper leaf', () => {
  const icons = makeIcons(SVG);
  assert.deepEqual([...icons.keys()], ICON_SIZES.map((n) => `icons/icon-${n}.png`));
  for (const n of ICON_SIZES) {
    const { size, px } = decode(/** @type {Buffer} */ (icons.get(`icons/icon-${n}.png`)));
    assert.equal(size, n);
    assert.equal(px(0, 0)[3], 0, `${n}: corner transparent`);
    assert.deepEqual(px(Math.floor(n * 0.2), Math.floor(n * 0.35)), [0x1d, 0x4e, 0xd8, 255], `${n}: shield blue`);
    const leaf = px(Math.floor(n * 0.4), Math.floor(n * 0.5));
    assert.ok(leaf[0] > 200 && leaf[2] > 200 && leaf[3] === 255, `${n}: leaf light ${leaf}`);
  }
});

test('edges are anti-aliased (partial coverage), not jagged', () => {
  const rgba = rasterise(SVG, 32);
  const alphas = new Set();
  for (let i = 3; i < rgba.length; i += 4) alphas.add(rgba[i]);
  assert.ok([...alphas].some((a) => a > 0 && a < 255), 'some pixels partly covered');
});

test('unsupported SVG is refused with a message', () => {
  assert.throws(() => parseSvg('<svg viewBox="0 0 8 8"><path fill="#000000" d="M0 0 A 1 1 0 0 1 4 4 Z"/></svg>'), /command "A" is not supported/);
  assert.throws(() => parseSvg('<svg viewBox="0 0 8 8"><path d="M0 0 L4 4 Z"/></svg>'), /fill="#rrggbb"/);
  assert.throws(() => parseSvg('<svg><path fill="#000000" d="M0 0 L4 4 Z"/></svg>'), /viewBox/);
  assert.equal(encodePng(Buffer.alloc(4), 1).length > 40, true);
});

test('the manifest declares the icons and the toolbar icon at every size', () => {
  const m = readJson5(new URL('../manifest/base.json5', import.meta.url).pathname);
  for (const n of ICON_SIZES) {
    assert.equal(m.icons[n], `icons/icon-${n}.png`);
    assert.equal(m.action.default_icon[n], `icons/icon-${n}.png`);
  }
});
