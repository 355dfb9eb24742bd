// In-page UI of the document_idle content script (an ES module): the shield over a
// page whose text is over the age band's limit, and the typing guard's
// reminder. Both live in CLOSED shadow roots (page scripts and page CSS
// cannot reach inside), with inline !important host styles (page CSS cannot
// hide the host). The shield re-attaches itself when a page script removes
// or alters it (MutationObserver on <html> and on the host, plus a check
// every second for what observers miss, such as document.open()).
//
// Shield kinds:
//   warn     the page is blurred behind a card: the category in plain words,
//            "it's not your fault", "Go back" and a big "Call 111" side by
//            side, then the category's tip and the other 111 channels
//   support  self-harm: kind words first, "Go back" and a big "Call 111",
//            "talk to someone you trust", the other 111 channels — support, not a wall
// "Go back" has the focus and "Call 111" is the next Tab stop; both are in
// the first screen of a phone (the card scrolls for the rest).
// Text comes from _locales (the warning page's keys where they exist), the
// 111 channels from data/contacts.json (sent by the worker with the verdict).
// Host attributes visible to the page (tests read them): tag <lachan-shield>,
// data-kind, data-category; <lachan-reminder data-kinds="phone,school">.
import { api, t } from '../shared/platform.js';
import { isEvidenceReveal, openEvidence } from '../shared/messages.js';
import { CAPTURE_CATEGORIES } from '../shared/evidence.js';
import { categoryWords } from '../warning/details.js';

/** @typedef {import('../shared/messages.js').HelpData} HelpData */
/** @typedef {{kind: 'warn' | 'support', category: string, help: HelpData | undefined, onBack: () => void, words?: string[],
 *   onAsk?: () => Promise<boolean>, continuable?: boolean, onContinue?: () => void,
 *   score?: number, limit?: number, band?: string}} ShieldOptions */

/** Seconds before "continue" can be pressed, as on the warning page. */
const CONTINUE_WAIT_S = 10;

/** @param {string} c */
const catKey = (c) => (c && api.i18n.getMessage(`catName_${c}`) ? c : 'other');

/** @template {keyof HTMLElementTagNameMap} K @param {K} tag @param {Record<string, string>} [attrs] @param {...(Node | string)} kids */
function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  el.append(...kids);
  return el;
}

const HOST_STYLE = 'all:initial!important;position:fixed!important;inset:0!important;'
  + 'z-index:2147483647!important;display:block!important;visibility:visible!important;opacity:1!important;'
  + 'transform:none!important;clip-path:none!important;pointer-events:auto!important;'
  + 'backdrop-filter:blur(18px) saturate(0.6)!important;-webkit-backdrop-filter:blur(18px)!important;'
  + 'background:rgba(240,244,248,0.55)!important;';

const SHIELD_CSS = `
  :host { all: initial; }
  dialog { all: unset; box-sizing: border-box; position: fixed; inset: 0; margin: auto; display: block;
    width: min(34rem, calc(100vw - 2rem)); height: fit-content; max-height: calc(100vh - 2rem); overflow: auto;
    background: #fff; color: #1f2933; border-radius: 18px; padding: 1.5rem 1.5rem 1.25rem;
    box-shadow: 0 12px 40px rgba(15, 23, 42, .25); font: 16px/1.5 system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
  dialog::backdrop { background: transparent; }
  .brand { display: flex; gap: .5rem; align-items: center; margin: 0 0 .75rem; color: #3e4c59; font-size: .9rem; }
  h1 { font-size: 1.4rem; line-height: 1.3; margin: 0 0 .75rem; color: #102a43; }
  p { margin: .5rem 0; }
  .category strong { color: #7c2d12; }
  .fault { font-weight: 600; color: #2f6f3e; }
  .actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: stretch; margin: 1rem 0; }
  button { font: inherit; font-weight: 600; border: 0; border-radius: 999px; padding: .65rem 1.4rem; cursor: pointer;
    background: #1d4ed8; color: #fff; min-height: 48px; min-width: 8rem; }
  button:focus-visible, a:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
  .help { margin-top: 1rem; padding-top: .75rem; border-top: 1px solid #e4e7eb; }
  .help h2 { font-size: 1.05rem; margin: 0 0 .25rem; }
  a.call { flex: 1 1 14rem; display: flex; gap: .75rem; align-items: center; text-decoration: none; background: #047857;
    color: #fff; border-radius: 14px; padding: .6rem 1rem; min-height: 56px; box-sizing: border-box; }
  a.call .icon { flex: none; display: grid; place-items: center; width: 2.5rem; height: 2.5rem; border-radius: 50%;
    background: #fff; font-size: 1.35rem; line-height: 1; }
  a.call .big { display: block; font-size: 1.35rem; font-weight: 700; line-height: 1.2; }
  a.call .note { display: block; font-size: .9rem; }
  @media (max-width: 400px) { .actions > * { flex: 1 1 100%; } }
  ul { margin: .25rem 0; padding-left: 1.2rem; font-size: .95rem; }
  .hint { color: #52606d; }
  .support h1 { color: #14532d; }
  .status { font-weight: 600; color: #065f46; }
  details.why { margin-top: 1rem; }
  details.why summary { min-height: 44px; display: flex; align-items: center; cursor: pointer; color: #3e4c59; font-weight: 600; }
  .grownups { margin-top: 1rem; padding-top: .75rem; border-top: 1px solid #e4e7eb; }
  .grownups h2 { font-size: 1rem; margin: 0 0 .25rem; color: #3e4c59; }
  button.secondary { background: #fff; color: #1d4ed8; border: 2px solid #1d4ed8; min-height: 44px; }
  .support a.call { font-size: 1.1rem; }
`;

/** The 111 block: the big call link and the other channels (unverified
 * ones by name only, never as links: contacts.toml's rule).
 * @param {HelpData | undefined} help */
function helpBlock(help) {
  const tel = typeof help?.tel === 'string' && /^tel:[0-9]+$/.test(help.tel) ? help.tel : 'tel:111';
  const call = h('a', { class: 'call', href: tel, 'data-testid': 'call-111' },
    h('span', { class: 'icon', 'aria-hidden': 'true' }, '📞'),
    h('span', {}, h('span', { class: 'big' }, t('call111')), h('span', { class: 'note' }, t('call111Note'))));
  const list = h('ul', {});
  for (const c of help?.channels ?? []) {
    const id = String(c.id).replace(/[^A-Za-z0-9_]/g, '');
    const li = h('li', {}, `${t(`channel_${id}`)}: `);
    if (c.verified && /^https:\/\//.test(c.url)) {
      li.append(h('a', { href: c.url, target: '_blank', rel: 'noopener noreferrer' }, c.name));
    } else {
      const own = `searchHint_${id}`;
      li.append(h('strong', {}, c.name), h('span', { class: 'hint' }, ` (${api.i18n.getMessage(own) || t('searchHint')})`));
    }
    list.append(li);
  }
  return { call, list };
}

/** "Ask a grown-up" (saved on this computer, as on the warning page), and
 * for warn-level categories "continue" behind the same countdown.
 * @param {ShieldOptions} o */
function moreActions(o) {
  const row = h('div', { class: 'actions more' });
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  if (o.onAsk) {
    const ask = h('button', { type: 'button', id: 'ask', class: 'secondary' }, t('askGrownUp'));
    ask.addEventListener('click', async () => {
      ask.setAttribute('disabled', '');
      const ok = await o.onAsk?.().catch(() => false);
      status.textContent = t(ok ? 'askSent' : 'askFailed');
      if (!ok) ask.removeAttribute('disabled');
    });
    row.append(ask);
  }
  if (o.continuable && o.onContinue) {
    const wait = h('span', { class: 'status', id: 'countdown' }, t('continueWait', String(CONTINUE_WAIT_S)));
    row.append(wait);
    let left = CONTINUE_WAIT_S;
    const timer = setInterval(() => {
      left--;
      if (left > 0) {
        wait.textContent = t('continueWait', String(left));
        return;
      }
      clearInterval(timer);
      const go = h('button', { type: 'button', id: 'continue', class: 'secondary' }, t('continueButton'));
      go.addEventListener('click', () => o.onContinue?.());
      wait.replaceWith(go);
    }, 1000);
  }
  return [row, status];
}

/** For grown-ups: why the page is covered, in words (no phrase is shown:
 * a child reads this too). @param {ShieldOptions} o */
function whyDetails(o) {
  const band = o.band ? t(`band_${o.band.replace(/-/g, '_')}`) : '';
  const cat = categoryWords(o.category, t);
  return h('details', { class: 'why' }, h('summary', {}, t('overlayWhyHeading')),
    h('p', {}, t('overlayWhyText', [cat, String(o.score ?? 0), String(o.limit ?? 0), band])));
}

/** For grown-ups: "Keep evidence" opens report.html next to this tab, where
 * the PIN is asked and the file saved (the PIN is never typed into a web page).
 * @param {ShieldOptions} o */
function evidenceBlock(o) {
  const keep = h('button', { type: 'button', id: 'keep-evidence', class: 'secondary' }, t('evidenceOpen'));
  keep.addEventListener('click', () => {
    api.runtime.sendMessage(openEvidence(location.href, o.category, (o.words ?? []).map(String).slice(0, 12))).catch(() => {});
  });
  return h('div', { class: 'grownups' }, h('h2', {}, t('grownupHeading')), keep);
}

/** @param {ShieldOptions} o */
function buildShield(o) {
  const host = document.createElement('lachan-shield');
  host.setAttribute('style', HOST_STYLE);
  host.dataset.kind = o.kind;
  host.dataset.category = o.category || 'other';
  const root = host.attachShadow({ mode: 'closed' });
  const back = h('button', { type: 'button', id: 'go-back' }, t('goBack'));
  back.addEventListener('click', () => o.onBack());
  const { call, list } = helpBlock(o.help);
  const brand = h('p', { class: 'brand' }, h('span', { 'aria-hidden': 'true' }, '🛡️'), h('strong', {}, t('brand')));
  /** @type {HTMLElement} */
  let card;
  if (o.kind === 'support') {
    card = h('div', { class: 'support' }, brand,
      h('h1', { id: 'title' }, t('supportHeading')),
      h('p', {}, t('supportIntro')),
      h('div', { class: 'actions' }, back, call),
      h('p', {}, t('supportTrust')),
      h('div', { class: 'help' }, h('h2', {}, t('channelsHeading')), list));
  } else {
    const key = catKey(o.category);
    card = h('div', { class: 'warn' }, brand,
      h('h1', { id: 'title' }, t('overlayHeading')),
      h('p', {}, t('overlayWhy')),
      h('p', { class: 'category' }, `${t('categoryLabel')} `, h('strong', {}, t(`catName_${key}`))),
      h('p', { class: 'fault' }, t('notYourFault')),
      h('div', { class: 'actions' }, back, call),
      ...moreActions(o),
      h('p', {}, h('strong', {}, `${t('tipHeading')} `), t(`tip_${key}`)),
      h('div', { class: 'help' }, h('h2', {}, t('helpHeading')), h('p', {}, t('helpIntro')),
        h('h2', {}, t('channelsHeading')), list));
    card.append(whyDetails(o));
    if (CAPTURE_CATEGORIES.includes(o.category)) card.append(evidenceBlock(o));
  }
  const dialog = h('dialog', { 'aria-labelledby': 'title', lang: t('lang') }, card);
  // Escape must not dismiss it (the child leaves with "Go back").
  dialog.addEventListener('cancel', (e) => e.preventDefault());
  root.append(h('style', {}, SHIELD_CSS), dialog);
  return { host, dialog, back, root };
}

/** The page under the shield is blurred twice over: the host's
 * backdrop-filter, and a filter on every other child of <html> (the host is
 * a child of <html>, so it stays sharp). The second one also holds where
 * backdrop-filter is not painted (seen in headless Firefox screenshots). */
const PAGE_FILTER = 'blur(14px)';

/** Blurs every child of <html> except the head and `host`; true if anything had to change.
 * @param {Element} host */
function blurPage(host) {
  let changed = false;
  for (const el of document.documentElement.children) {
    if (el === host || el.localName === 'head' || !(el instanceof HTMLElement)) continue;
    if (el.style.getPropertyValue('filter') !== PAGE_FILTER || el.style.getPropertyPriority('filter') !== 'important') {
      el.style.setProperty('filter', PAGE_FILTER, 'important');
      changed = true;
    }
  }
  return changed;
}

/** The shield: shown once per document; keeps itself attached. */
class Shield {
  /** @param {ShieldOptions} o */
  constructor(o) {
    this.o = o;
    /** @type {ReturnType<typeof buildShield> | null} */
    this.ui = null;
    /** How often a page script removed or altered it. */
    this.reattached = 0;
    this.observer = new MutationObserver(() => this.check());
    this.timer = 0;
    /** Lifted for the moment of an evidence picture (the grown-up asked, with the PIN). */
    this.lifted = false;
    /** Taken away by "continue". */
    this.dismissed = false;
  }

  /** Lifts the shield and the blur for an evidence picture, or puts them back.
   * @param {boolean} on */
  lift(on) {
    this.lifted = on;
    if (!this.ui) return;
    if (on) {
      this.observer.disconnect();
      this.ui.host.remove();
      for (const el of document.documentElement.children) {
        if (el instanceof HTMLElement && el.style.getPropertyValue('filter') === PAGE_FILTER) el.style.removeProperty('filter');
      }
    } else this.attach();
  }

  show() {
    this.attach();
    this.timer = /** @type {any} */ (setInterval(() => this.check(), 1000));
  }

  attach() {
    this.ui?.host.remove();
    this.ui = buildShield(this.o);
    const doc = document.documentElement;
    doc.append(this.ui.host);
    blurPage(this.ui.host);
    const { dialog, back } = this.ui;
    dialog.addEventListener('close', () => queueMicrotask(() => this.check()));
    try {
      dialog.showModal(); // top layer: above every z-index; the page behind is inert
    } catch {
      dialog.setAttribute('open', '');
    }
    back.focus({ preventScroll: true });
    this.observer.disconnect();
    this.observer.observe(doc, { childList: true });
    this.observer.observe(this.ui.host, { attributes: true });
    if (document.body) this.observer.observe(document.body, { attributes: true, attributeFilter: ['style'] });
  }

  /** Takes the shield and the blur away for good ("continue" on a
   * warn-level page, after its countdown). */
  dismiss() {
    this.dismissed = true;
    clearInterval(this.timer);
    this.observer.disconnect();
    this.ui?.host.remove();
    for (const el of document.documentElement.children) {
      if (el instanceof HTMLElement && el.style.getPropertyValue('filter') === PAGE_FILTER) el.style.removeProperty('filter');
    }
  }

  /** Re-attaches when the host is gone, moved, restyled or its dialog closed. */
  check() {
    const ui = this.ui;
    if (!ui || this.lifted || this.dismissed) return;
    const ok = ui.host.isConnected && ui.host.parentNode === document.documentElement
      && ui.host.getAttribute('style') === HOST_STYLE && ui.dialog.open
      && ui.host.dataset.kind === this.o.kind;
    if (ok) {
      if (blurPage(ui.host)) this.reattached++;
      return;
    }
    this.reattached++;
    this.attach();
  }
}

/** @type {Shield | null} */
let shield = null;

/** Shows the shield (once per document; a later call only upgrades warn → support).
 * @param {ShieldOptions} o */
export function showShield(o) {
  if (shield && (shield.o.kind === 'support' || o.kind === shield.o.kind)) return shield;
  if (shield) {
    clearInterval(shield.timer);
    shield.observer.disconnect();
    shield.ui?.host.remove();
  }
  shield = new Shield(o);
  shield.show();
  return shield;
}

// ---- typing guard reminder --------------------------------------------------

const REMINDER_CSS = `
  :host { all: initial; }
  .box { box-sizing: border-box; max-width: min(24rem, calc(100vw - 16px)); background: #fffbeb; color: #1f2933;
    border: 2px solid #f59e0b; border-radius: 14px; padding: .6rem .8rem; box-shadow: 0 6px 20px rgba(0,0,0,.18);
    font: 15px/1.45 system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
  p { margin: .2rem 0; }
  strong { color: #92400e; }
  button { font: inherit; font-weight: 600; border: 0; border-radius: 999px; padding: .3rem 1rem; margin-top: .3rem;
    background: #92400e; color: #fff; cursor: pointer; }
  button:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
`;

/** @type {{host: HTMLElement, timer: any} | null} */
let reminder = null;

export function hideReminder() {
  if (!reminder) return;
  clearTimeout(reminder.timer);
  reminder.host.remove();
  reminder = null;
}

/** A gentle note next to `field` (never blocks, nothing stored).
 * @param {Element} field @param {string[]} kinds */
export function showReminder(field, kinds) {
  hideReminder();
  const r = field.getBoundingClientRect();
  const host = document.createElement('lachan-reminder');
  host.dataset.kinds = kinds.join(',');
  const below = r.bottom + 8 + 120 < innerHeight;
  const top = Math.max(8, below ? r.bottom + 8 : r.top - 8 - 120);
  const left = Math.max(8, Math.min(r.left, innerWidth - 400));
  host.setAttribute('style', `all:initial!important;position:fixed!important;z-index:2147483646!important;`
    + `display:block!important;top:${top}px!important;left:${left}px!important;`);
  const root = host.attachShadow({ mode: 'closed' });
  const ok = h('button', { type: 'button' }, t('reminderOk'));
  ok.addEventListener('click', () => {
    hideReminder();
    /** @type {HTMLElement} */ (field).focus?.({ preventScroll: true });
  });
  const what = kinds.map((k) => t(`reminder_${k}`)).join(' ');
  root.append(h('style', {}, REMINDER_CSS),
    h('div', { class: 'box', role: 'status', 'aria-live': 'polite', lang: t('lang') },
      h('p', {}, h('strong', {}, `${t('reminderHeading')} `), what),
      h('p', {}, t('reminderBody')),
      ok));
  document.documentElement.append(host);
  reminder = { host, timer: setTimeout(hideReminder, 20_000) };
}

/** The shield shown in this document, if any (its kind and how often a page script undid it). */
export const shieldState = () => (shield ? { kind: shield.o.kind, reattached: shield.reattached } : null);
/** The shield's closed root, for the extension's own scripts only (this
 * isolated world is out of the page's reach): the e2e clicks "Keep evidence" here. */
export const shieldRoot = () => shield?.ui?.root ?? null;

/** The worker lifts the shield for the moment of an evidence picture
 * (background/evidence.js, `evidenceReveal`), and only for its top frame's shield. */
export function listenForEvidenceReveal() {
  if (window.top !== window) return;
  api.runtime.onMessage.addListener((/** @type {unknown} */ m, /** @type {chrome.runtime.MessageSender} */ sender,
    /** @type {(r: unknown) => void} */ reply) => {
    if (!isEvidenceReveal(m) || sender.id !== api.runtime.id || sender.tab) return false;
    shield?.lift(m.on);
    // Two frames so the page is painted without the shield before the
    // picture; a timer too, since a tab not yet shown paints no frame.
    let sent = false;
    const done = () => { if (!sent) { sent = true; reply({ ok: true, shield: Boolean(shield) }); } };
    requestAnimationFrame(() => requestAnimationFrame(done));
    setTimeout(done, 300);
    return true;
  });
}
