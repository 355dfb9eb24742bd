// Settings for parents. The page shows the state the background sends
// (`optionsState`) and asks for changes; the background decides (PIN token,
// school locks, engine validation: background/parent.js). The unlock token
// lives in this tab's sessionStorage, so a reload stays unlocked until the
// background's 10-minute idle limit.
import { api, t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';
import { exportSettings, parseImport, parseSiteList, explainWarnings, siteProblem, undoPatch } from '../shared/parent.js';
import { dayCountList, dayKey, series, totals } from '../shared/activity.js';
import { strictCategories } from '../shared/requests.js';
import { answerActions } from './answers.js';
import { renderChart, renderTotals } from './chart.js';
import { bandName, newPinForm, pinMessage, TOKEN_KEY } from './pinform.js';
import { renderPrivateNotice } from '../shared/private-notice.js';
import { renderCredits } from './credits.js';
import { engineStateRequest } from '../shared/messages.js';
import { updateLines } from '../shared/update-text.js';
import { formatDuration } from '../shared/duration.js';
import { bandChanges, bandPreview } from './band-preview.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @type {any} the last optionsState answer */
let state = null;

const token = () => sessionStorage.getItem(TOKEN_KEY) ?? undefined;

/** @param {object} message */
const send = (message) => api.runtime.sendMessage(message).catch((e) => ({ ok: false, error: String(e?.message ?? e) }));

/** A message that needs the unlock token; a lapsed token returns to the PIN form.
 * @param {object} message */
async function sendUnlocked(message) {
  const res = await send({ ...message, token: token() });
  if (res?.error === 'setupNeeded') {
    // No PIN any more (the background refuses every change): back to setup.
    sessionStorage.removeItem(TOKEN_KEY);
    await refresh();
    $('setup-error').textContent = t('optSetupNeeded');
  } else if (res?.error === 'locked') {
    sessionStorage.removeItem(TOKEN_KEY);
    await refresh();
    $('pin-error').textContent = t('optLockedAgain');
  }
  return res;
}

/** A message, or '' when the locale has none (t() returns the key then). @param {string} key */
const known = (key) => (t(key) === key ? '' : t(key));
/** A category in a parent's own words (the child's words are catName_*).
 * @param {string} key */
const catName = (key) => known(`parentCat_${key}`) || t('parentCat_other');
/** Its one-line description. @param {string} key */
const catDesc = (key) => known(`parentCatDesc_${key}`);
/** @param {number} ms */
const clock = (ms) => new Date(ms).toLocaleString(t('lang'), { hour: '2-digit', minute: '2-digit', day: 'numeric', month: 'numeric' });

// ---- toast with undo ----------------------------------------------------------

/** @type {ReturnType<typeof setTimeout> | undefined} */
let toastTimer;
/** @param {string} text @param {(() => Promise<void>) | null} [undo] */
function toast(text, undo = null) {
  $('toast-text').textContent = text;
  const button = /** @type {HTMLButtonElement} */ ($('undo'));
  button.hidden = !undo;
  button.onclick = undo ? async () => { button.hidden = true; await undo(); } : null;
  $('toast').hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { $('toast').hidden = true; }, 8000);
}

/** Saves a patch; on success offers Undo (the values it replaced).
 * @param {import('../shared/parent.js').Patch} patch
 * @returns {Promise<any>} the background's answer */
async function save(patch) {
  const res = await sendUnlocked({ type: 'settingsUpdate', patch });
  if (res?.ok) {
    const undo = undoPatch(res.before, patch);
    toast(t('optSaved'), async () => {
      const back = await sendUnlocked({ type: 'settingsUpdate', patch: undo });
      toast(back?.ok ? t('optUndone') : t('optSaveFailed'));
      await refresh();
    });
    await refresh();
  } else if (res?.refused?.length) {
    toast(t('optRefusedLocked'));
    await refresh();
  }
  return res;
}

// ---- PIN forms ----------------------------------------------------------------

const input = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ ($(id));

/** @param {string} code */
function showRecovery(code) {
  $('recovery-code').textContent = code;
  for (const id of ['pin-setup', 'unlock', 'settings']) $(id).hidden = true;
  $('recovery').hidden = false;
  $('recovery-done').focus();
}

function wirePinForms() {
  /** A PIN set (first run or recovery): hold the token, show the recovery code. @param {any} res */
  const unlockedWithCode = (res) => {
    sessionStorage.setItem(TOKEN_KEY, res.token);
    showRecovery(res.recovery);
  };
  newPinForm({ form: 'pin-setup-form', pin: 'pin-new', confirm: 'pin-confirm', error: 'setup-error' },
    (pin) => send({ type: 'pinSetup', pin }), unlockedWithCode,
    (res) => (res?.error === 'pinExists' ? t('optPinExists') : pinMessage(res)));
  newPinForm({ form: 'recover-form', pin: 'recover-pin-new', confirm: 'recover-pin-confirm', error: 'recover-error' },
    (pin) => send({ type: 'pinRecover', code: input('recovery-input').value, pin }), unlockedWithCode,
    (res) => (res?.error === 'wrong' && !res.waitMs ? t('optRecoveryWrong', String(res.triesLeft)) : pinMessage(res)));
  newPinForm({ form: 'pin-change-form', pin: 'pin-change', confirm: 'pin-change-confirm', error: 'pin-change-error' },
    (pin) => sendUnlocked({ type: 'pinChange', pin }), () => {
      /** @type {HTMLFormElement} */ ($('pin-change-form')).reset();
      toast(t('optPinChanged'));
    });
  $('recovery-done').addEventListener('click', async () => {
    $('recovery-code').textContent = '';
    $('recovery').hidden = true;
    await refresh();
    $('title').focus();
  });
  $('unlock-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const pin = input('pin');
    $('pin-error').textContent = t('optChecking');
    const res = await send({ type: 'unlock', pin: pin.value });
    pin.value = '';
    if (!res?.ok) { $('pin-error').textContent = pinMessage(res); pin.focus(); return; }
    $('pin-error').textContent = '';
    sessionStorage.setItem(TOKEN_KEY, res.token);
    await refresh();
    if (location.hash === '#requests') $('requests-title').scrollIntoView();
  });
  $('lock-now').addEventListener('click', async () => {
    await sendUnlocked({ type: 'lock' });
    sessionStorage.removeItem(TOKEN_KEY);
    await refresh();
  });
}

// ---- settings sections --------------------------------------------------------

/** Shows a lock note and disables the controls it covers.
 * @param {string} lock @param {Iterable<Element>} controls */
function applyLock(lock, controls) {
  const locked = state.managed.locks.includes(lock);
  const note = /** @type {HTMLElement} */ (document.querySelector(`[data-testid="locked-${lock === 'ageBand' ? 'band' : lock}"]`));
  note.hidden = !locked;
  if (locked) note.textContent = t('optLocked', state.managed.schoolName || t('optSchool'));
  for (const c of controls) {
    /** @type {HTMLInputElement} */ (c).disabled = locked;
    if (locked) c.setAttribute('aria-describedby', note.id || (note.id = `note-${lock}`));
  }
}

function renderRequests() {
  const list = $('requests');
  const strict = strictCategories(state.defaults);
  list.replaceChildren(...state.requests.slice().reverse().map((/** @type {any} */ r) => {
    const li = document.createElement('li');
    li.dataset.url = r.url;
    const who = Object.assign(document.createElement('p'), { className: 'who' });
    who.append(Object.assign(document.createElement('bdi'), { textContent: r.host || r.url }));
    const when = Object.assign(document.createElement('p'), { className: 'hint', textContent: `${catName(r.category)} · ${clock(r.time)}` });
    const actions = answerActions(r, strict.has(r.category), async (decision) => {
      const res = await sendUnlocked({ type: 'decideRequest', url: r.url, decision });
      toast(res?.ok ? t(`optDecided_${decision}`, res.host) : res?.error === 'school' ? t('optSchoolBlocked') : t('optSaveFailed'));
      await refresh();
    });
    li.append(who, when, actions);
    return li;
  }));
  $('requests-empty').hidden = state.requests.length > 0;
  applyLock('requests', list.querySelectorAll('button'));

  const approvals = Object.entries(state.approvals);
  $('approvals').replaceChildren(...approvals.map(([host, until]) => {
    const li = document.createElement('li');
    li.dataset.host = host;
    const who = Object.assign(document.createElement('p'), { className: 'who' });
    who.append(Object.assign(document.createElement('bdi'), { textContent: host }), ` · ${t('optUntil', clock(/** @type {number} */ (until)))}`);
    const end = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary', textContent: t('optEndNow') });
    end.dataset.testid = 'revoke';
    end.addEventListener('click', async () => { await sendUnlocked({ type: 'revokeApproval', host }); await refresh(); });
    li.append(who, end);
    return li;
  }));
  $('approvals-empty').hidden = approvals.length > 0;
}

function renderBands() {
  const box = $('bands');
  const current = state.parent.age_band ?? null;
  box.querySelectorAll('label').forEach((l) => l.remove());
  for (const band of state.bands) {
    const label = document.createElement('label');
    const input = Object.assign(document.createElement('input'), { type: 'radio', name: 'band', value: band });
    input.checked = (current ?? state.effective.band) === band;
    input.addEventListener('change', async () => {
      const before = state.effective.band;
      const res = await save({ age_band: band });
      if (res?.ok) renderBandPreview(band, before);
    });
    label.append(input, bandName(band));
    box.append(label);
  }
  applyLock('ageBand', box.querySelectorAll('input'));
  if (state.managed.locks.includes('ageBand')) {
    for (const i of box.querySelectorAll('input')) /** @type {HTMLInputElement} */ (i).checked = i.getAttribute('value') === state.effective.band;
  }
  // A refresh redraws the preview (a category choice changes it) and keeps
  // its "compared with" line while the band stays the same.
  renderBandPreview(state.effective.band, shownBand === state.effective.band ? shownBefore : undefined);
}

/** The band the preview shows, and the band it is compared with. */
let shownBand = '';
let shownBefore = /** @type {string | undefined} */ (undefined);

/** What a band blocks, warns about and allows, and (after a change) what
 * differs from the band before; from the shipped policy with the parent's
 * and the school's choices on top (band-preview.js).
 * @param {string} band @param {string} [before] */
function renderBandPreview(band, before) {
  shownBand = band;
  shownBefore = before;
  const policy = { defaults: state.defaults, categories: state.categories, parent: state.parent.categories ?? {}, school: state.managed.sets.categories };
  const groups = bandPreview(policy, band);
  const names = (/** @type {string[]} */ cats) => (cats.length ? cats.map(catName).join(', ') : t('optBandPreviewNone'));
  /** @type {HTMLElement[]} */
  const lines = [Object.assign(document.createElement('p'), { textContent: t('optBandPreviewTitle', bandName(band)) })];
  const list = document.createElement('ul');
  for (const action of /** @type {const} */ (['block', 'warn', 'allow'])) {
    const li = Object.assign(document.createElement('li'), { textContent: t(`optBandPreview_${action}`, names(groups[action])) });
    li.dataset.action = action;
    list.append(li);
  }
  lines.push(list);
  if (before && before !== band) {
    const changes = bandChanges(policy, before, band);
    if (!changes.length) lines.push(Object.assign(document.createElement('p'), { textContent: t('optBandSame', bandName(before)) }));
    else {
      const diff = document.createElement('ul');
      diff.dataset.testid = 'band-changes';
      for (const c of changes) {
        diff.append(Object.assign(document.createElement('li'), { textContent: t('optBandChange', [catName(c.category), t(`action_${c.from}`), t(`action_${c.to}`)]) }));
      }
      lines.push(Object.assign(document.createElement('p'), { textContent: t('optBandChanges', bandName(before)) }), diff);
    }
  }
  $('band-preview').replaceChildren(...lines);
}

function renderCategories() {
  const band = state.effective.band;
  const rows = state.categories.map((/** @type {string} */ cat) => {
    const tr = document.createElement('tr');
    const th = Object.assign(document.createElement('th'), { scope: 'row' });
    const name = Object.assign(document.createElement('span'), { textContent: catName(cat) });
    name.id = `cat-${cat}`;
    th.append(name);
    if (catDesc(cat)) {
      const desc = Object.assign(document.createElement('span'), { className: 'hint cat-desc', textContent: catDesc(cat) });
      desc.id = `cat-desc-${cat}`;
      th.append(desc);
    }
    const select = document.createElement('select');
    select.dataset.category = cat;
    select.setAttribute('aria-labelledby', `cat-${cat}`);
    if (catDesc(cat)) select.setAttribute('aria-describedby', `cat-desc-${cat}`);
    const def = state.defaults[cat]?.[band] ?? 'block';
    const school = state.managed.sets.categories[cat];
    const options = school
      ? [['', t('optSetBySchool', [state.managed.schoolName || t('optSchool'), t(`action_${school}`)])]]
      : [['', t('optDefault', t(`action_${def}`))], ['allow', t('action_allow')], ['warn', t('action_warn')], ['block', t('action_block')]];
    for (const [value, text] of options) select.append(Object.assign(document.createElement('option'), { value, textContent: text }));
    select.value = school ? '' : state.parent.categories?.[cat] ?? '';
    select.disabled = Boolean(school);
    select.addEventListener('change', () => save({ categories: { [cat]: select.value || null } }));
    const td = document.createElement('td');
    td.append(select);
    tr.append(th, td);
    return tr;
  });
  $('categories').replaceChildren(...rows);
  if (state.managed.locks.includes('categories')) applyLock('categories', $('categories').querySelectorAll('select'));
  else applyLock('categories', []);
}

/** Lists the parent has typed into and not yet saved: a refresh (another
 * change, a policy update) must not overwrite them. */
const dirtyLists = new Set();

function renderSites() {
  for (const list of /** @type {const} */ (['allow', 'block'])) {
    const area = /** @type {HTMLTextAreaElement} */ ($(`${list}-list`));
    if (!dirtyLists.has(list)) area.value = (state.parent[list] ?? []).join('\n');
    applyLock(list, [area]);
  }
  const bothLocked = ['allow', 'block'].every((l) => state.managed.locks.includes(l));
  /** @type {HTMLButtonElement} */ ($('save-sites')).disabled = bothLocked;
}

/** Shows the result of checking the two lists: every bad line by number,
 * every repeated line that was merged. @param {{field: string, line: number | null, message: string}[]} problems
 * @param {{list: string, line: number, first: number}[]} repeats */
function showSiteProblems(problems, repeats) {
  const listName = (/** @type {string} */ list) => t(list === 'block' ? 'optBlockShort' : 'optAllowShort');
  const items = problems.map((p) => {
    const li = document.createElement('li');
    if ((p.field === 'allow' || p.field === 'block') && p.line) {
      // The reason in the parent's words; the engine's exact words as detail.
      const entry = /** @type {HTMLTextAreaElement} */ ($(`${p.field}-list`)).value.split(/\r?\n/)[p.line - 1]?.trim() ?? '';
      li.append(t('optSiteBad', [listName(p.field), String(p.line), entry, t(`optSite_${siteProblem(entry)}`)]), ' ',
        Object.assign(document.createElement('span'), { className: 'hint', textContent: t('optDetail', p.message) }));
    } else li.textContent = p.message;
    return li;
  });
  for (const r of repeats) {
    items.push(Object.assign(document.createElement('li'), { textContent: t('optSiteRepeat', [listName(r.list), String(r.line), String(r.first)]) }));
  }
  $('sites-errors').replaceChildren(...items);
}

async function saveSites() {
  /** @type {import('../shared/parent.js').Patch} */
  const patch = {};
  /** @type {{allow?: number[], block?: number[]}} */
  const lines = {};
  /** @type {{list: string, line: number, first: number}[]} */
  const repeats = [];
  for (const list of /** @type {const} */ (['allow', 'block'])) {
    if (state.managed.locks.includes(list)) continue;
    const parsed = parseSiteList(/** @type {HTMLTextAreaElement} */ ($(`${list}-list`)).value);
    patch[list] = parsed.entries;
    lines[list] = parsed.lines;
    repeats.push(...parsed.duplicates.map((d) => ({ list, line: d.line, first: d.first })));
  }
  const res = await sendUnlocked({ type: 'settingsUpdate', patch });
  if (!res?.ok) {
    showSiteProblems(explainWarnings(res?.errors ?? [], lines), []);
    if (!res?.errors?.length) $('sites-errors').textContent = t('optSaveFailed');
    return;
  }
  const undo = undoPatch(res.before, patch);
  dirtyLists.clear();
  // Saved: the lists now show one entry per line; repeats were merged.
  showSiteProblems([], repeats);
  for (const list of /** @type {const} */ (['allow', 'block'])) {
    if (patch[list]) /** @type {HTMLTextAreaElement} */ ($(`${list}-list`)).value = patch[list].join('\n');
  }
  toast(t('optSaved'), async () => {
    await sendUnlocked({ type: 'settingsUpdate', patch: undo });
    toast(t('optUndone'));
    await refresh();
  });
  await refresh();
}

function renderPause() {
  const box = $('pause-buttons');
  /** @type {HTMLButtonElement[]} */
  const buttons = state.pauseMinutes.map((/** @type {number} */ min) => {
    const b = Object.assign(document.createElement('button'), { type: 'button', className: 'secondary', textContent: t('optPauseForTime', formatDuration(min, t)) });
    b.dataset.testid = `pause-${min}`;
    b.addEventListener('click', async () => {
      const res = await sendUnlocked({ type: 'pause', minutes: min });
      if (res?.ok) toast(t('optPausedUntil', clock(res.pausedUntil)), async () => { await sendUnlocked({ type: 'pause', minutes: 0 }); await refresh(); });
      await refresh();
    });
    return b;
  });
  const resume = Object.assign(document.createElement('button'), { type: 'button', className: 'primary', textContent: t('optResume') });
  resume.dataset.testid = 'resume';
  resume.hidden = !state.pausedUntil;
  resume.addEventListener('click', async () => { await sendUnlocked({ type: 'pause', minutes: 0 }); await refresh(); });
  box.replaceChildren(resume, ...buttons);
  applyLock('pause', [...buttons, resume]);
  // Promise only what is active: pictures stay covered through a pause only
  // when an image-hash list is loaded (none ships by default).
  $('pause-images').hidden = !(state.imageHashes > 0);
}

function renderSafeSearch() {
  const box = /** @type {HTMLInputElement} */ ($('safe-search'));
  box.checked = state.safeSearch;
  box.onchange = () => save({ safeSearch: box.checked });
  applyLock('safeSearch', [box]);
}

function renderActivity() {
  const today = dayKey(Date.now());
  const s = series(state.activity, today);
  renderChart($('activity-chart'), s, {
    title: t('optActivityChart'),
    blocked: t('optBlocked'),
    warned: t('optWarned'),
    empty: t('optActivityEmpty'),
    dayLabel: (/** @type {string} */ d) => `${Number(d.slice(8))}/${Number(d.slice(5, 7))}`,
  });
  renderTotals($('activity-totals'), totals(state.activity, today), {
    category: catName,
    blocked: t('optBlocked'),
    warned: t('optWarned'),
    caption: t('optActivityTable'),
    empty: '',
    categoryHeading: t('optCategory'),
  });
  renderSupport(dayCountList(state.support, today));
}

/** The support page's days: a number per day, nothing else.
 * @param {{day: string, count: number}[]} days */
function renderSupport(days) {
  const list = $('activity-support');
  list.replaceChildren(...days.map(({ day, count }) => {
    const li = Object.assign(document.createElement('li'), { textContent: t('optSupportDay', [`${Number(day.slice(8))}/${Number(day.slice(5, 7))}`, String(count)]) });
    li.dataset.day = day;
    li.dataset.count = String(count);
    return li;
  }));
  $('activity-support-none').hidden = days.length > 0;
}

function wireSettings() {
  for (const list of ['allow', 'block']) $(`${list}-list`).addEventListener('input', () => dirtyLists.add(list));
  $('save-sites').addEventListener('click', () => { saveSites().catch((e) => console.error('lachan: sites', e)); });
  const clear = /** @type {HTMLButtonElement} */ ($('clear-history'));
  const confirm = /** @type {HTMLButtonElement} */ ($('clear-confirm'));
  clear.addEventListener('click', () => { confirm.hidden = false; confirm.focus(); });
  confirm.addEventListener('click', async () => {
    confirm.hidden = true;
    const res = await sendUnlocked({ type: 'clearHistory' });
    toast(res?.ok ? t('optHistoryCleared') : t('optSaveFailed'));
    await refresh();
  });
  $('export').addEventListener('click', () => {
    const file = exportSettings({ parentPolicy: state.parent, safeSearch: state.safeSearch }, Date.now());
    const url = URL.createObjectURL(new Blob([`${JSON.stringify(file, null, 2)}\n`], { type: 'application/json' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: `lachan-settings-${dayKey(Date.now())}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
  $('import-file').addEventListener('change', async (e) => {
    const input = /** @type {HTMLInputElement} */ (e.target);
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    const out = $('import-result');
    const { patch, errors } = parseImport(await file.text());
    const lines = errors.map((e) => Object.assign(document.createElement('li'), { textContent: t(`optImport_${e.code}`, e.detail) }));
    if (!patch) { out.replaceChildren(...lines); return; }
    const res = await sendUnlocked({ type: 'settingsUpdate', patch });
    if (res?.ok) {
      const undo = undoPatch(res.before, patch);
      lines.unshift(Object.assign(document.createElement('li'), { className: 'ok', textContent: t('optImported') }));
      toast(t('optImported'), async () => { await sendUnlocked({ type: 'settingsUpdate', patch: undo }); toast(t('optUndone')); await refresh(); });
    } else {
      for (const r of res?.refused ?? []) lines.push(Object.assign(document.createElement('li'), { textContent: t('optImportLocked', r) }));
      for (const w of res?.errors ?? []) lines.push(Object.assign(document.createElement('li'), { textContent: `${w.path ? `${w.path}: ` : ''}${w.message}` }));
      lines.unshift(Object.assign(document.createElement('li'), { textContent: t('optImportFailed') }));
    }
    out.replaceChildren(...lines);
    await refresh();
  });
}

// ---- list updates ---------------------------------------------------------------

/** The update state (engineState), shown with the last good version and any failure. */
async function renderUpdates() {
  const s = /** @type {any} */ (await send(engineStateRequest()));
  const l = updateLines(s, t, clock);
  $('upd-in-force').textContent = l.inForce;
  $('upd-source').textContent = [l.source, l.hashes].filter(Boolean).join(' ');
  $('upd-error').hidden = !l.error;
  $('upd-error').textContent = l.error;
  $('upd-school').hidden = s?.source?.from !== 'policy';
  const url = input('upd-url');
  const key = input('upd-key');
  if (document.activeElement !== url && document.activeElement !== key) {
    url.value = s?.family?.url ?? '';
    key.value = s?.family?.key ?? '';
  }
}

/** Sets the family's source (both empty: clears it); offers Undo.
 * @param {string} url @param {string} key @param {{url: string, key: string} | null} before */
async function saveSource(url, key, before) {
  const res = await sendUnlocked({ type: 'updateSource', url, key });
  if (!res?.ok) {
    $('upd-result').textContent = t(res?.error === 'updBadUrl' || res?.error === 'updBadKey' ? res.error : 'optSaveFailed');
    return;
  }
  $('upd-result').textContent = '';
  toast(t(res.cleared ? 'updCleared' : 'updSaved'), async () => {
    await sendUnlocked({ type: 'updateSource', url: before?.url ?? '', key: before?.key ?? '' });
    toast(t('optUndone'));
    await renderUpdates();
  });
  await renderUpdates();
}

function wireUpdates() {
  const current = async () => /** @type {any} */ (await send(engineStateRequest()))?.family ?? null;
  $('upd-save').addEventListener('click', async () => {
    await saveSource(input('upd-url').value, input('upd-key').value, await current());
  });
  $('upd-clear').addEventListener('click', async () => { await saveSource('', '', await current()); });
  $('upd-check').addEventListener('click', async () => {
    $('upd-result').textContent = t('updChecking');
    const res = await sendUnlocked({ type: 'updateCheck' });
    $('upd-result').textContent = res?.ok ? t(`updResult_${res.result}`) : t('optSaveFailed');
    await renderUpdates();
  });
}

// ---- the whole page -----------------------------------------------------------

function renderHeader() {
  const p = $('protection');
  p.dataset.state = state.pausedUntil ? 'paused' : 'on';
  p.textContent = state.pausedUntil ? t('optPaused', clock(state.pausedUntil)) : t('optOn', bandName(state.effective.band));
  const m = $('managed-by');
  m.hidden = !state.managed.present;
  m.textContent = state.managed.present ? t('optManagedBy', state.managed.schoolName || t('optSchool')) : '';
  const rc = $('request-count');
  rc.hidden = state.unlocked || !state.requestCount;
  rc.textContent = t('optRequestCount', String(state.requestCount));
}

/** One refresh at a time; calls during one coalesce into one more. */
let refreshing = /** @type {Promise<void> | null} */ (null);
let again = false;
function refresh() {
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    do { again = false; await render(); } while (again);
  })().finally(() => { refreshing = null; });
  return refreshing;
}

async function render() {
  const sent = token();
  state = await send({ type: 'optionsState', token: sent });
  if (!state || state.error) throw new Error(state?.error ?? 'no answer');
  if (!state.unlocked && token() === sent) sessionStorage.removeItem(TOKEN_KEY);
  renderHeader();
  const off = !state.managed.optionsPage;
  $('options-off').hidden = !off;
  const recovering = !$('recovery').hidden;
  $('pin-setup').hidden = off || recovering || state.pin.set;
  $('unlock').hidden = off || recovering || !state.pin.set || state.unlocked;
  $('settings').hidden = off || recovering || !state.unlocked;
  if (!off && state.unlocked) {
    renderRequests();
    renderBands();
    renderCategories();
    renderSites();
    renderPause();
    renderSafeSearch();
    renderActivity();
    renderUpdates().catch((e) => console.error('lachan: updates', e)); // never holds the page back
  }
  document.body.dataset.ready = 'true';
}

async function main() {
  localise();
  $('title').tabIndex = -1;
  renderPrivateNotice($('private-notice')).catch((e) => console.error('lachan: private notice', e));
  renderCredits();
  wirePinForms();
  wireSettings();
  wireUpdates();
  await refresh();
  // Opened to answer a request (the popup's link): the PIN first.
  if (location.hash === '#requests' && !$('unlock').hidden) input('pin').focus();
  // Live: a school policy or another tab's change shows without a reload.
  api.storage.onChanged.addListener((changes, area) => {
    if (area === 'managed' || changes.managedCache || changes.settings || changes.askRequests || changes.approvals || changes.updateStatus) {
      refresh().catch((e) => console.error('lachan: options', e));
    }
  });
}

main().catch((e) => {
  console.error('lachan: options', e);
  $('protection').textContent = t('optLoadFailed');
  document.body.dataset.ready = 'true';
});
