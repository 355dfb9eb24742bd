// The welcome page, opened on install (background/firstrun.js). A grown-up
// chooses the parent PIN (pinSetup: the options page's rules, the recovery
// code shown once), then the child's age band (settingsUpdate with the token
// pinSetup gave), and reads about private windows and removal. The
// background decides everything (background/parent.js); this page only
// shows and asks. The token stays in this tab's sessionStorage under the
// options page's key, so "Open the settings" in this tab is unlocked.
//
// DOM (e2e contract): body[data-ready]; [data-testid=welcome-status][data-state=
// setup|recovery|band|done|existing|school]; #pin-new, #pin-confirm,
// [data-testid=pin-setup-submit], [data-testid=setup-error]; [data-testid=recovery-code],
// [data-testid=recovery-done]; input[name=band], [data-testid=welcome-band-save];
// [data-testid=welcome-private-state][data-state=ok|missing|unknown];
// [data-testid=welcome-done], [data-testid=welcome-options-link].
import { api, flavour, t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';
import { BANDS } from '../shared/parent.js';
import { bandName, newPinForm, pinMessage, TOKEN_KEY } from '../options/pinform.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** sessionStorage: this tab set the PIN / saved the band (a reload keeps the steps). */
const SET_HERE = 'lachanWelcomePin';
const BAND_HERE = 'lachanWelcomeBand';

/** @type {any} the last optionsState answer */
let state = null;
/** The recovery code is on screen until the parent confirms writing it down. */
let recoveryOpen = false;

const token = () => sessionStorage.getItem(TOKEN_KEY) ?? undefined;
/** @param {object} message */
const send = (message) => api.runtime.sendMessage(message).catch((e) => ({ ok: false, error: String(e?.message ?? e) }));
const school = () => state.managed.schoolName || t('optSchool');

/** Where the setup stands. @returns {'school' | 'setup' | 'recovery' | 'band' | 'done' | 'existing'} */
function phase() {
  if (!state.managed.optionsPage) return 'school';
  if (!state.pin.set) return 'setup';
  if (!sessionStorage.getItem(SET_HERE)) return 'existing';
  if (recoveryOpen) return 'recovery';
  if (sessionStorage.getItem(BAND_HERE) || state.managed.locks.includes('ageBand') || !state.unlocked) return 'done';
  return 'band';
}

function renderBands(/** @type {string} */ now) {
  const box = /** @type {HTMLFieldSetElement} */ ($('bands'));
  const current = state.parent?.age_band ?? state.effective.band;
  box.querySelectorAll('label').forEach((l) => l.remove());
  for (const band of BANDS) {
    const label = document.createElement('label');
    const input = Object.assign(document.createElement('input'), { type: 'radio', name: 'band', value: band });
    input.checked = current === band;
    label.append(input, bandName(band));
    box.append(label);
  }
  const lockedBySchool = state.managed.locks.includes('ageBand');
  const form = $('band-form');
  const note = $('band-note');
  form.hidden = lockedBySchool || now === 'existing' || now === 'school';
  box.disabled = now !== 'band';
  /** @type {HTMLButtonElement} */ ($('band-save')).disabled = now !== 'band';
  $('band-save').hidden = now === 'done';
  /** @type {[string, string] | null} */
  let says = null;
  if (now === 'school' || lockedBySchool) says = [t('optLocked', school()), 'ok'];
  else if (now === 'existing') says = [t('welBandLater'), 'ok'];
  else if (now === 'setup' || now === 'recovery') says = [t('welBandNeedsPin'), ''];
  else if (sessionStorage.getItem(BAND_HERE)) says = [t('welBandSaved', bandName(current)), 'ok'];
  else if (now === 'done' && !state.unlocked) says = [t('welBandLocked'), ''];
  note.hidden = !says;
  note.textContent = says?.[0] ?? '';
  note.dataset.state = says?.[1] ?? '';
}

function render() {
  const now = phase();
  const status = $('status');
  status.dataset.state = now;
  status.textContent = now === 'school' ? t('welStatusSchool', school()) : t(`welStatus_${now}`);
  $('school').hidden = now !== 'school';
  $('step-pin').hidden = now === 'school';
  $('pin-form').hidden = now !== 'setup';
  $('recovery').hidden = now !== 'recovery';
  const pinNote = $('pin-note');
  pinNote.hidden = now === 'setup' || now === 'recovery' || now === 'school';
  pinNote.textContent = now === 'existing' ? t('welPinExists') : t('welPinDone');
  pinNote.dataset.state = 'ok';
  renderBands(now);
  const done = ['done', 'existing', 'school'].includes(now);
  $('done').hidden = !done;
  $('done-body').textContent = t(now === 'school' ? 'welDoneSchool' : now === 'existing' ? 'welDoneExisting' : 'welDoneBody');
}

/** Whether this extension may run in incognito / private windows, shown live. */
async function renderPrivate() {
  const ff = flavour === 'firefox';
  $('private-why').textContent = t(ff ? 'scWhyPrivate' : 'scWhyIncognito');
  $('private-how').textContent = t(ff ? 'scFixParentPrivate' : 'scFixParentIncognito');
  /** @type {boolean | null} */
  let allowed = null;
  try {
    const v = await api.extension.isAllowedIncognitoAccess();
    allowed = typeof v === 'boolean' ? v : null;
  } catch { /* not told: unknown */ }
  const s = allowed === null ? 'unknown' : allowed ? 'ok' : 'missing';
  const el = $('private-state');
  el.dataset.state = s;
  el.textContent = t(`welPrivate_${s}`);
}

async function refresh() {
  const sent = token();
  state = await send({ type: 'optionsState', token: sent });
  if (!state || state.error) throw new Error(state?.error ?? 'no answer');
  if (!state.unlocked && token() === sent) sessionStorage.removeItem(TOKEN_KEY);
  render();
}

function wire() {
  newPinForm({ form: 'pin-form', pin: 'pin-new', confirm: 'pin-confirm', error: 'setup-error' },
    (pin) => send({ type: 'pinSetup', pin }),
    async (res) => {
      sessionStorage.setItem(TOKEN_KEY, res.token);
      sessionStorage.setItem(SET_HERE, '1');
      /** @type {HTMLFormElement} */ ($('pin-form')).reset();
      $('recovery-code').textContent = res.recovery;
      recoveryOpen = true;
      await refresh();
      $('recovery-done').focus();
    },
    (res) => (res?.error === 'pinExists' ? t('optPinExists') : pinMessage(res)));
  $('recovery-done').addEventListener('click', async () => {
    recoveryOpen = false;
    $('recovery-code').textContent = '';
    await refresh();
    /** @type {HTMLElement | null} */ (document.querySelector('input[name="band"]:checked'))?.focus();
  });
  $('band-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const band = /** @type {HTMLInputElement | null} */ (document.querySelector('input[name="band"]:checked'))?.value;
    if (!band) return;
    $('band-error').textContent = '';
    const res = await send({ type: 'settingsUpdate', token: token(), patch: { age_band: band } });
    if (res?.ok) {
      sessionStorage.setItem(BAND_HERE, band);
      await refresh();
      $('done-title').focus();
      return;
    }
    $('band-error').textContent = res?.error === 'locked' ? t('welBandLocked')
      : res?.error === 'setupNeeded' ? t('optSetupNeeded') : res?.refused?.length ? t('optRefusedLocked') : t('optSaveFailed');
    await refresh();
  });
  $('private-recheck').addEventListener('click', () => { renderPrivate(); });
  // Back from the browser's extension settings: show the new state.
  document.addEventListener('visibilitychange', () => { if (!document.hidden) renderPrivate(); });
  // Live: a PIN set in another tab, or a school policy arriving.
  api.storage.onChanged.addListener((changes, area) => {
    if (area === 'managed' || changes.pin || changes.managedCache || changes.settings) refresh().catch((e) => console.error('lachan: welcome', e));
  });
}

async function main() {
  localise();
  document.title = t('welHeading');
  wire();
  await Promise.all([refresh(), renderPrivate()]);
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  console.error('lachan: welcome', e);
  $('status').textContent = t('optLoadFailed');
  document.body.dataset.ready = 'true';
});
