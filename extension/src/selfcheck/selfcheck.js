// Hardening self-check page: gathers what this browser lets an extension
// see, turns it into items (status.js, pure) and shows them. Nothing is
// sent anywhere; nothing is stored.
//
// DOM (e2e contract): li[data-testid=sc-item][data-item=<id>][data-status=ok|missing|unknown|optional]
// with [data-testid=sc-why], [data-testid=sc-fix-parent], [data-testid=sc-fix-school];
// [data-testid=sc-summary][data-ok][data-missing][data-unknown][data-optional][data-view=home|school];
// the view toggle input[name=view]; body[data-ready] once shown.
import { api, flavour, t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';
import { defaultView, evaluate, managedFact, summarise } from './status.js';
import { privateAllowed, renderPrivateNotice } from '../shared/private-notice.js';
import { engineStateRequest } from '../shared/messages.js';
import { updateLines } from '../shared/update-text.js';

/** The first storage.managed read after a browser start can take ~5 s. */
const MANAGED_TIMEOUT_MS = 10_000;

/** @template T @param {() => Promise<T>} fn @returns {Promise<T | null>} */
async function orNull(fn) {
  try {
    return await fn();
  } catch (e) {
    console.debug('lachan selfcheck:', /** @type {Error} */ (e)?.message);
    return null;
  }
}

/** The policy as read (or why not) and the fact made of it.
 * @returns {Promise<{fact: import('./status.js').Managed, value: any}>} */
async function readManaged() {
  /** @type {any} */
  let timer;
  const timeout = new Promise((ok) => { timer = setTimeout(() => ok({ timedOut: true }), MANAGED_TIMEOUT_MS); });
  const read = (async () => {
    try {
      return { value: await api.storage.managed.get(null) };
    } catch (e) {
      return { error: String(/** @type {Error} */ (e)?.message ?? e) };
    }
  })();
  const r = /** @type {any} */ (await Promise.race([read, timeout]));
  clearTimeout(timer);
  return { fact: managedFact(r), value: r.value ?? null };
}

/** @returns {Promise<import('./status.js').Facts>} */
async function gather() {
  const [engine, incognitoAllowed, self, managed, stored] = await Promise.all([
    orNull(async () => /** @type {any} */ (await api.runtime.sendMessage(engineStateRequest()))),
    privateAllowed(),
    orNull(async () => api.management.getSelf()),
    readManaged(),
    orNull(() => api.storage.local.get('pin')),
  ]);
  // The PIN record exists once a parent chose one (background/parent.js).
  const pin = stored ? { set: Boolean(stored.pin), optionsPage: managed.value?.optionsPage !== false } : null;
  return { browser: flavour, incognitoAllowed, installType: self?.installType ?? null, managed: managed.fact, pin,
    engine: engine && typeof engine.ready === 'boolean' ? { ready: engine.ready, detail: engineDetail(engine) } : null };
}

/** The engine item's detail line: the bundle in force, or why none is open.
 * @param {any} s the background's engineState answer */
function engineDetail(s) {
  if (!s.ready) return s.error ? t('scEngineError', s.error) : '';
  const clock = (/** @type {number} */ ms) => new Date(ms).toLocaleString(t('lang'));
  const l = updateLines(s, t, clock);
  return [l.inForce, l.source, l.error, l.hashes, ...l.problems].filter(Boolean).join(' ');
}

/** @param {string} tag @param {string} text @param {Record<string, string>} [attrs] */
function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** An item's detail in words: the browser's install type is a raw value
 * (`development`, `normal`…). @param {import('./status.js').Item} it */
function detailWords(it) {
  if (it.id !== 'forceInstalled') return it.detail;
  const key = `installType_${it.detail}`;
  return t(key) === key ? t('installType_other') : t(key);
}

/** @param {import('./status.js').Item} it */
function render(it) {
  const li = el('li', '', { class: 'card sc-item', 'data-testid': 'sc-item', 'data-item': it.id, 'data-status': it.status });
  const h = el('h2', '');
  h.append(el('span', t(`scTitle_${it.id}`)), el('span', t(`scStatus_${it.status}`), { class: 'sc-badge', 'data-testid': 'sc-status' }));
  li.append(h);
  if (it.detail) li.append(el('p', t(`scDetail_${it.id}`, detailWords(it)), { class: 'sc-detail', 'data-testid': 'sc-detail' }));
  li.append(el('p', t(it.why), { 'data-testid': 'sc-why' }));
  if (it.fixParent) {
    li.append(el('h3', t('scFixParentHeading')), el('p', t(it.fixParent), { 'data-testid': 'sc-fix-parent' }));
  }
  if (it.fixSchool) {
    li.append(el('h3', t('scFixSchoolHeading')), el('p', t(it.fixSchool), { 'data-testid': 'sc-fix-school' }));
  }
  return li;
}

/** The facts last gathered, and the view the parent chose (null: the default). */
let facts = /** @type {import('./status.js').Facts | null} */ (null);
let chosenView = /** @type {import('./status.js').View | null} */ (null);

/** Shows the items in the chosen view (home: school-only items are optional). */
function show() {
  if (!facts) return;
  const summary = /** @type {HTMLElement} */ (document.getElementById('summary'));
  const view = chosenView ?? defaultView(facts);
  for (const input of document.querySelectorAll('input[name="view"]')) {
    /** @type {HTMLInputElement} */ (input).checked = /** @type {HTMLInputElement} */ (input).value === view;
  }
  /** @type {HTMLElement} */ (document.getElementById('view-note')).hidden = facts.managed?.state !== 'present';
  const items = evaluate(facts, view);
  /** @type {HTMLElement} */ (document.getElementById('items')).replaceChildren(...items.map(render));
  const n = summarise(items);
  summary.textContent = view === 'home'
    ? t('scSummaryHome', [String(n.ok), String(n.missing), String(n.unknown), String(n.optional)])
    : t('scSummary', [String(n.ok), String(n.missing), String(n.unknown)]);
  Object.assign(summary.dataset, { ok: n.ok, missing: n.missing, unknown: n.unknown, optional: n.optional, view });
}

async function run() {
  const summary = /** @type {HTMLElement} */ (document.getElementById('summary'));
  delete document.body.dataset.ready;
  summary.textContent = t('scChecking');
  [facts] = await Promise.all([gather(), renderPrivateNotice(/** @type {HTMLElement} */ (document.getElementById('private-notice')))]);
  show();
  document.body.dataset.ready = 'true';
}

localise();
document.title = t('scTitle');
document.getElementById('recheck')?.addEventListener('click', () => { run(); });
for (const input of document.querySelectorAll('input[name="view"]')) {
  input.addEventListener('change', () => {
    chosenView = /** @type {import('./status.js').View} */ (/** @type {HTMLInputElement} */ (input).value);
    show();
  });
}
run();
