// Manifest assembly: manifest/base.json5 (JSON with // and /* */ comments;
// trailing commas are not allowed) merged with manifest/<browser>.json.
import { readFileSync } from 'node:fs';

/** Removes comments outside strings. @param {string} text */
export function stripJsonComments(text) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const end = scanString(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unclosed /* comment');
      i = end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** @param {string} text @param {number} start index of the opening quote */
function scanString(text, start) {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  throw new Error('unclosed string');
}

/** Objects merge key by key; arrays and values from `over` replace `base`'s.
 * @param {any} base @param {any} over @returns {any} */
export function merge(base, over) {
  if (!isObject(base) || !isObject(over)) return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k], v) : v;
  return out;
}
/** @param {unknown} v */
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** @param {string} path */
export function readJson5(path) {
  try {
    return JSON.parse(stripJsonComments(readFileSync(path, 'utf8')));
  } catch (e) {
    throw new Error(`${path}: ${/** @type {Error} */ (e).message}`);
  }
}

/** Chromium's extension id for a manifest `key` (base64 DER public key):
 * the first 32 hex digits of its SHA-256, written with the letters a–p.
 * @param {string} key */
export async function extensionIdFromKey(key) {
  const { createHash } = await import('node:crypto');
  const hex = createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((h) => String.fromCharCode(97 + parseInt(h, 16))).join('');
}
