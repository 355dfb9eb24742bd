// Where list updates come from (pure; unit-tested): the school's managed
// policy (`listUpdateUrl` + `listPublicKey`, and optionally `hashListUrl` +
// `hashListPublicKey`) wins over a family's opt-in from the options page.
// A bad value is reported by name and ignored (no update from it), never fatal.

/** @typedef {{url: string, key: string, from: 'policy' | 'family'}} Source */

/** Why `url` cannot be an update address, or '' when it can: http(s), no
 * credentials, no query or fragment (an update request carries nothing
 * that could identify the child). @param {unknown} url */
export function urlProblem(url) {
  if (typeof url !== 'string' || !url) return 'not an address';
  let u;
  try { u = new URL(url); } catch { return 'not an address'; }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'not http(s)';
  if (u.username || u.password) return 'carries a user name or password';
  if (u.search || u.hash || url.includes('?')) return 'carries a query or fragment';
  return '';
}

/** Why `key` is not an Ed25519 public key (32 bytes, standard base64), or ''.
 * @param {unknown} key */
export function keyProblem(key) {
  if (typeof key !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(key.trim())) return 'not a 32-byte public key in base64';
  return '';
}

/** @param {string} b64 */
export const fromBase64 = (b64) => Uint8Array.from(atob(b64.trim()), (c) => c.charCodeAt(0));

/**
 * The update sources of a managed policy, with the problems of its update keys.
 * @param {Record<string, unknown> | null | undefined} managed
 * @returns {{bundle: Source | null, hashes: Source | null, problems: string[]}}
 */
export function policySources(managed) {
  const m = managed ?? {};
  /** @type {string[]} */
  const problems = [];
  /** @param {string} urlKey @param {string} keyKey @returns {Source | null} */
  const pair = (urlKey, keyKey) => {
    if (m[urlKey] === undefined && m[keyKey] === undefined) return null;
    const up = urlProblem(m[urlKey]);
    const kp = keyProblem(m[keyKey]);
    if (up) problems.push(`${urlKey}: ${up}`);
    if (kp) problems.push(`${keyKey}: ${kp}`);
    return up || kp ? null : { url: /** @type {string} */ (m[urlKey]), key: /** @type {string} */ (m[keyKey]).trim(), from: 'policy' };
  };
  return { bundle: pair('listUpdateUrl', 'listPublicKey'), hashes: pair('hashListUrl', 'hashListPublicKey'), problems };
}

/** The family's opt-in (storage.local `updateSource`), or null when unset or bad.
 * @param {unknown} stored @returns {Source | null} */
export function familySource(stored) {
  const s = /** @type {any} */ (stored);
  if (!s || urlProblem(s.url) || keyProblem(s.key)) return null;
  return { url: s.url, key: s.key.trim(), from: 'family' };
}
