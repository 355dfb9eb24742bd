// The parent's PIN and recovery code: stored only as PBKDF2-SHA-256 hashes
// (WebCrypto), compared in constant time, and guarded against guessing by
// a growing wait after repeated wrong tries. Pure: no browser storage here
// (background/parent.js keeps the records), so Node's WebCrypto tests it.
//
// Recovery: at setup the parent gets a 16-character code (80 random bits)
// to write down. It can set a new PIN; it is hashed like the PIN and goes
// through the same guard, so it is a second key, not a weaker one.

/** OWASP's 2023 figure for PBKDF2-HMAC-SHA-256. About 0.2–0.5 s per check
 * in a browser: unnoticed by a parent, slow for a child trying every PIN. */
export const PBKDF2_ITERATIONS = 600_000;
/** Wrong tries allowed before the first wait. */
export const FREE_TRIES = 5;
/** First wait after FREE_TRIES wrong tries; doubles per further wrong try. */
export const FIRST_WAIT_MS = 30_000;
/** The longest wait. */
export const MAX_WAIT_MS = 60 * 60 * 1000;
/** Crockford's base 32 without I, L, O, U: no letter reads as another. */
const RECOVERY_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** @typedef {{v: 1, salt: string, iterations: number, hash: string}} Secret */
/** @typedef {{failures: number, waitUntil: number}} Guard */

const b64 = (/** @type {Uint8Array} */ bytes) => btoa(String.fromCharCode(...bytes));
const unb64 = (/** @type {string} */ s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/**
 * Why a new PIN cannot be used, as a message key suffix, or null when it
 * is fine: 6–12 digits, not one digit repeated, not a straight run.
 * @param {unknown} pin @returns {null | 'pinFormat' | 'pinEasy'}
 */
export function pinProblem(pin) {
  if (typeof pin !== 'string' || !/^[0-9]{6,12}$/.test(pin)) return 'pinFormat';
  const d = [...pin].map(Number);
  const step = d[1] - d[0];
  const run = (step === 1 || step === -1 || step === 0) && d.every((x, i) => i === 0 || x - d[i - 1] === step);
  return run ? 'pinEasy' : null;
}

/** A recovery code as shown to the parent: XXXX-XXXX-XXXX-XXXX. */
export function newRecoveryCode() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b & 31]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/** What a typed recovery code is compared as: upper case, no separators,
 * and the letters people confuse with digits read as those digits.
 * @param {string} code */
export function normaliseRecoveryCode(code) {
  return String(code).toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** @param {string} secret @param {Uint8Array<ArrayBuffer>} salt @param {number} iterations */
async function derive(secret, salt, iterations) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** Hashes a PIN or recovery code with a fresh random salt.
 * @param {string} secret @param {number} [iterations] @returns {Promise<Secret>} */
export async function hashSecret(secret, iterations = PBKDF2_ITERATIONS) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return { v: 1, salt: b64(salt), iterations, hash: b64(await derive(secret, salt, iterations)) };
}

/** Whether `secret` matches a stored hash (constant-time comparison).
 * A malformed record never matches.
 * @param {string} secret @param {Secret | null | undefined} stored */
export async function verifySecret(secret, stored) {
  if (!stored || stored.v !== 1 || typeof stored.salt !== 'string' || typeof stored.hash !== 'string'
    || !Number.isInteger(stored.iterations) || stored.iterations < 1) return false;
  let salt; let want;
  try {
    salt = unb64(stored.salt);
    want = unb64(stored.hash);
  } catch {
    return false;
  }
  const got = await derive(String(secret), salt, stored.iterations);
  if (got.length !== want.length) return false;
  let diff = 0;
  for (let i = 0; i < got.length; i++) diff |= got[i] ^ want[i];
  return diff === 0;
}

/** How long to wait before the next try is accepted (0: try now).
 * @param {Guard | null | undefined} guard @param {number} now */
export function waitMs(guard, now) {
  return guard && guard.waitUntil > now ? guard.waitUntil - now : 0;
}

/** The guard after a wrong try: free tries first, then a doubling wait.
 * @param {Guard | null | undefined} guard @param {number} now @returns {Guard} */
export function afterWrongTry(guard, now) {
  const failures = (guard?.failures ?? 0) + 1;
  const over = failures - FREE_TRIES;
  const wait = over < 0 ? 0 : Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** Math.min(over, 20));
  return { failures, waitUntil: wait ? now + wait : 0 };
}

/** Tries left before the first wait. @param {Guard | null | undefined} guard */
export const triesLeft = (guard) => Math.max(0, FREE_TRIES - (guard?.failures ?? 0));
