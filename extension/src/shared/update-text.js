// The words for the list-update state, shared by the options and the
// self-check pages (pure; `t` and `clock` come from the page). The state
// is the background's engineState answer (router.js).

/** The message key for an update failure code (updates.js UpdateError). @param {string} code */
export const errorKey = (code) => `upd_${code}`;
/** Every failure code updates.js gives. */
export const ERROR_CODES = /** @type {const} */ (['network', 'http', 'signature', 'manifest', 'tooNew', 'rollback', 'size', 'checksum',
  'bundleSignature', 'open', 'key']);

/**
 * @param {any} s engineState: {bundle: {version, time, source}, update: {lastError, lastCheck, problems}, source}
 * @param {(key: string, subs?: string | string[]) => string} t @param {(ms: number) => string} clock
 * @returns {{inForce: string, source: string, error: string, problems: string[], hashes: string}}
 */
export function updateLines(s, t, clock) {
  const b = s?.bundle;
  const inForce = !b || !b.version ? t('updInForcePacked')
    : t('updInForce', [String(b.version), clock(b.time), b.source]);
  const source = s?.source ? t(s.source.from === 'policy' ? 'updSourcePolicy' : 'updSourceFamily', s.source.url) : t('updSourceNone');
  const e = s?.update?.lastError;
  const error = e ? t('updLastError', [clock(e.time), t(errorKey(e.code)), e.detail]) : '';
  // A separate image-hash list (hashListUrl), when one is in force or failed.
  const h = s?.hashList;
  const he = h?.status?.lastError;
  const hashes = [h?.inForce ? t('updHashInForce', [String(h.inForce.version), clock(h.inForce.time), h.inForce.source]) : '',
    he ? t('updHashError', [clock(he.time), t(errorKey(he.code)), he.detail]) : ''].filter(Boolean).join(' ');
  return { inForce, source, error, problems: s?.update?.problems ?? [], hashes };
}
