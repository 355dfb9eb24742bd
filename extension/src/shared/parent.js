// The parent's settings as data: which changes a school's locks allow,
// how a patch from the options page becomes the stored settings, the
// allow/block list text, the export file, approvals and pause. Pure: no
// browser API (background/parent.js does the storage; tests run in Node).
//
// Precedence is school policy > parent > the bundle's defaults: the engine
// merges the layers (crate/core policy.rs); here a locked setting simply
// cannot be changed by the parent.
import { policySources } from './update-source.js';

/** Age bands, youngest first (the engine's keys). */
export const BANDS = /** @type {const} */ (['under-6', '6-10', '11-14', '15-17']);
/** Per-category actions. */
export const ACTIONS = /** @type {const} */ (['allow', 'warn', 'block']);
/** What a school can lock (managed_schema.json `locks`). */
export const LOCKABLE = /** @type {const} */ (['ageBand', 'categories', 'allow', 'block', 'pause', 'safeSearch', 'requests']);
/** How long "approve for an hour" lasts. */
export const APPROVE_MS = 60 * 60 * 1000;
/** Pause lengths the options page offers, in minutes. */
export const PAUSE_MINUTES = /** @type {const} */ ([15, 60, 180]);
/** Entries per allow or block list (the engine checks each one per URL). */
export const MAX_LIST = 2000;
/** The export file's format tag. */
export const EXPORT_FORMAT = 'lachan-settings';

/** @typedef {{age_band?: string, categories?: Record<string, string>, allow?: string[], block?: string[]}} ParentPolicy */
/** @typedef {{parentPolicy: ParentPolicy | null, safeSearch?: boolean, pausedUntil?: number}} Settings */
/** @typedef {{age_band?: string | null, categories?: Record<string, string | null>, allow?: string[], block?: string[], safeSearch?: boolean | null}} Patch */
/** @typedef {{present: boolean, schoolName: string, locks: string[], optionsPage: boolean, problems: string[],
 *   sets: {ageBand: string | null, categories: Record<string, string>}}} ManagedView */

/** The lock that guards each patch key. */
const LOCK_OF = /** @type {Record<keyof Patch, string>} */ ({
  age_band: 'ageBand', categories: 'categories', allow: 'allow', block: 'block', safeSearch: 'safeSearch',
});

/** The school's policy as the options page needs it; unknown lock names
 * are reported (`problems`) and ignored, never fatal.
 * @param {Record<string, unknown> | null | undefined} managed @returns {ManagedView} */
export function managedView(managed) {
  const m = managed ?? {};
  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const locks = [];
  if (m.locks !== undefined && !Array.isArray(m.locks)) problems.push('locks: not a list');
  for (const l of Array.isArray(m.locks) ? m.locks : []) {
    if (/** @type {readonly string[]} */ (LOCKABLE).includes(/** @type {string} */ (l))) {
      if (!locks.includes(/** @type {string} */ (l))) locks.push(/** @type {string} */ (l));
    } else problems.push(`locks: unknown setting ${JSON.stringify(l)} (known: ${LOCKABLE.join(', ')})`);
  }
  problems.push(...policySources(m).problems); // the update keys: reported and ignored
  // What the school sets wins over the parent's choice even when it is not
  // locked (school > parent): the page shows it as the school's, and a
  // band the school sets is locked outright (a parent's band would do nothing).
  const ageBand = typeof m.ageBand === 'string' && /** @type {readonly string[]} */ (BANDS).includes(m.ageBand) ? m.ageBand : null;
  if (ageBand && !locks.includes('ageBand')) locks.push('ageBand');
  /** @type {Record<string, string>} */
  const categories = {};
  if (m.categories && typeof m.categories === 'object') {
    for (const [cat, action] of Object.entries(m.categories)) {
      if (/** @type {readonly string[]} */ (ACTIONS).includes(/** @type {string} */ (action))) categories[cat] = /** @type {string} */ (action);
    }
  }
  return {
    present: Object.keys(m).length > 0,
    schoolName: typeof m.schoolName === 'string' ? m.schoolName : '',
    locks,
    optionsPage: m.optionsPage !== false,
    problems,
    sets: { ageBand, categories },
  };
}

/**
 * Applies an options-page patch to the settings. Locked keys, unknown keys
 * and values of the wrong shape are refused by name (the rest still
 * applies); `null` clears a value back to the default. List entries are
 * kept as typed: the engine validates them (Engine.validatePolicy).
 * @param {Settings} settings @param {Patch} patch @param {string[]} locks
 * @returns {{settings: Settings, refused: string[], errors: string[]}}
 */
export function applyPatch(settings, patch, locks) {
  /** @type {string[]} */ const refused = [];
  /** @type {string[]} */ const errors = [];
  /** @type {ParentPolicy} */
  const policy = structuredClone(settings.parentPolicy ?? {});
  /** @type {Settings} */
  const next = { ...settings };
  for (const [key, value] of Object.entries(patch ?? {})) {
    const lock = LOCK_OF[/** @type {keyof Patch} */ (key)];
    if (!lock) { errors.push(`${key}: not a setting`); continue; }
    if (locks.includes(lock)) { refused.push(lock); continue; }
    if (key === 'age_band') {
      if (value === null) delete policy.age_band;
      else if (typeof value === 'string' && /** @type {readonly string[]} */ (BANDS).includes(value)) policy.age_band = value;
      else errors.push(`age_band: ${JSON.stringify(value)} is not an age band (${BANDS.join(', ')})`);
    } else if (key === 'categories') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) { errors.push('categories: not an object'); continue; }
      const cats = { ...(policy.categories ?? {}) };
      for (const [cat, action] of Object.entries(value)) {
        if (action === null) delete cats[cat];
        else if (/** @type {readonly string[]} */ (ACTIONS).includes(/** @type {string} */ (action))) cats[cat] = /** @type {string} */ (action);
        else errors.push(`categories.${cat}: ${JSON.stringify(action)} is not allow, warn or block`);
      }
      if (Object.keys(cats).length) policy.categories = cats; else delete policy.categories;
    } else if (key === 'allow' || key === 'block') {
      if (!Array.isArray(value) || value.some((e) => typeof e !== 'string')) { errors.push(`${key}: not a list of sites`); continue; }
      if (value.length > MAX_LIST) { errors.push(`${key}: ${value.length} entries (at most ${MAX_LIST})`); continue; }
      if (value.length) policy[key] = [...value]; else delete policy[key];
    } else if (key === 'safeSearch') {
      if (value === null) delete next.safeSearch;
      else if (typeof value === 'boolean') next.safeSearch = value;
      else errors.push('safeSearch: not true or false');
    }
  }
  next.parentPolicy = Object.keys(policy).length ? policy : null;
  return { settings: next, refused, errors };
}

/** A patch that puts back `before`'s values for the keys `patch` touched
 * (the options page's "Undo").
 * @param {Settings} before @param {Patch} patch @returns {Patch} */
export function undoPatch(before, patch) {
  const p = before.parentPolicy ?? {};
  /** @type {Patch} */
  const undo = {};
  for (const key of Object.keys(patch ?? {})) {
    if (key === 'age_band') undo.age_band = p.age_band ?? null;
    else if (key === 'categories') {
      /** @type {Record<string, string | null>} */
      const cats = {};
      for (const cat of Object.keys(/** @type {object} */ (patch.categories) ?? {})) cats[cat] = p.categories?.[cat] ?? null;
      undo.categories = cats;
    } else if (key === 'allow' || key === 'block') undo[key] = [...(p[key] ?? [])];
    else if (key === 'safeSearch') undo.safeSearch = before.safeSearch ?? null;
  }
  return undo;
}

/**
 * The lines of an allow or block list as typed: blank lines and `#`
 * comments are skipped; a repeated entry is kept once and reported, so
 * nothing disappears without a word.
 * @param {string} text
 * @returns {{entries: string[], lines: number[], duplicates: {line: number, first: number, text: string}[]}}
 *   `lines[i]` is the 1-based line of `entries[i]`
 */
export function parseSiteList(text) {
  /** @type {string[]} */ const entries = [];
  /** @type {number[]} */ const lines = [];
  /** @type {{line: number, first: number, text: string}[]} */ const duplicates = [];
  /** @type {Map<string, number>} */ const seen = new Map();
  String(text ?? '').split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (!t || t.startsWith('#')) return;
    const key = t.toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) { duplicates.push({ line: i + 1, first, text: t }); return; }
    seen.set(key, i + 1);
    entries.push(t);
    lines.push(i + 1);
  });
  return { entries, lines, duplicates };
}

/**
 * The engine's warnings for a parent layer (Engine.validatePolicy), each
 * tied to what the parent sees: `allow[3]` → the allow list's line.
 * @param {{path: string, message: string}[]} warnings
 * @param {{allow?: number[], block?: number[]}} lineMaps
 * @returns {{field: string, line: number | null, message: string}[]}
 */
export function explainWarnings(warnings, lineMaps) {
  return warnings.map((w) => {
    const m = /^(allow|block)\[(\d+)\]$/.exec(w.path);
    if (m) {
      const list = /** @type {'allow' | 'block'} */ (m[1]);
      return { field: list, line: lineMaps[list]?.[Number(m[2])] ?? null, message: w.message };
    }
    return { field: w.path.split('.')[0], line: null, message: `${w.path}: ${w.message}` };
  });
}

/** The export file: the parent's choices only (never the PIN, requests or
 * activity). @param {Settings} settings @param {number} now */
export function exportSettings(settings, now) {
  const p = settings.parentPolicy ?? {};
  return {
    format: EXPORT_FORMAT,
    version: 1,
    exported: new Date(now).toISOString(),
    settings: {
      age_band: p.age_band ?? null,
      categories: p.categories ?? {},
      allow: p.allow ?? [],
      block: p.block ?? [],
      safeSearch: typeof settings.safeSearch === 'boolean' ? settings.safeSearch : null,
    },
  };
}

/** @typedef {{code: 'notJson' | 'notOurs' | 'version' | 'noSettings' | 'unknownKey', detail: string}} ImportProblem
 *   `code` picks the page's message (optImport_<code>), `detail` fills it */

/**
 * Reads an export file back into a patch. Anything unexpected is a problem
 * by name; a file from another program is refused as a whole.
 * @param {string} text @returns {{patch: Patch | null, errors: ImportProblem[]}}
 */
export function parseImport(text) {
  let data;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { patch: null, errors: [{ code: 'notJson', detail: /** @type {Error} */ (e).message }] };
  }
  if (data?.format !== EXPORT_FORMAT) return { patch: null, errors: [{ code: 'notOurs', detail: String(data?.format ?? '') }] };
  if (data.version !== 1) return { patch: null, errors: [{ code: 'version', detail: JSON.stringify(data.version) }] };
  const s = data.settings;
  if (typeof s !== 'object' || s === null) return { patch: null, errors: [{ code: 'noSettings', detail: '' }] };
  /** @type {Patch} */ const patch = {};
  /** @type {ImportProblem[]} */ const errors = [];
  for (const [key, value] of Object.entries(s)) {
    if (!(key in LOCK_OF)) errors.push({ code: 'unknownKey', detail: key });
    else /** @type {any} */ (patch)[key] = value;
  }
  return { patch, errors };
}

/** Why a typed site is not one, as a message key suffix (the options page
 * says it in the parent's language; the engine's words follow as detail).
 * @param {string} entry @returns {'space' | 'noDot' | 'chars' | 'other'} */
export function siteProblem(entry) {
  const host = entry.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^\*\./, '').split(/[/?#]/)[0];
  if (/\s/.test(host)) return 'space';
  if (!host.includes('.') && !host.includes(':')) return 'noDot';
  if (/[^\p{L}\p{N}.\-:[\]@_%]/u.test(host)) return 'chars';
  return 'other';
}

/** Drops expired approvals (and anything in storage that is not one).
 * @param {unknown} approvals host → until, as stored @param {number} now @returns {Record<string, number>} */
export function liveApprovals(approvals, now) {
  const entries = typeof approvals === 'object' && approvals !== null ? Object.entries(approvals) : [];
  return Object.fromEntries(entries.filter(([h, until]) => typeof h === 'string' && typeof until === 'number' && Number.isFinite(until) && until > now));
}

/** The approval covering `host` (the host or a parent domain), or 0.
 * @param {Record<string, number>} approvals @param {string} host @param {number} now */
export function approvedUntil(approvals, host, now) {
  let best = 0;
  for (const [h, until] of Object.entries(approvals ?? {})) {
    if (until > now && (host === h || host.endsWith(`.${h}`))) best = Math.max(best, until);
  }
  return best;
}

/** Whether protection is paused at `now`.
 * @template {{pausedUntil?: number}} S @param {S | null | undefined} settings @param {number} now
 * @returns {settings is S & {pausedUntil: number}} */
export function isPaused(settings, now) {
  return typeof settings?.pausedUntil === 'number' && settings.pausedUntil > now;
}

/** The soonest future time in `times` (for one alarm), or 0. @param {number[]} times @param {number} now */
export function nextExpiry(times, now) {
  const future = times.filter((t) => Number.isFinite(t) && t > now);
  return future.length ? Math.min(...future) : 0;
}
