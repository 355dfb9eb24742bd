// What the options page and the welcome page share: the unlock token's key
// (a tab's sessionStorage, so opening the settings from the welcome page in
// the same tab stays unlocked), the words for a refused PIN step, the form
// that asks for a new PIN twice, and the age bands' names.
import { t } from '../shared/platform.js';

/** sessionStorage key of the unlock token. */
export const TOKEN_KEY = 'lachanToken';

/** The message for a failed PIN step. @param {any} res */
export function pinMessage(res) {
  if (res?.error === 'wrong') return res.waitMs ? t('optPinWait', String(Math.ceil(res.waitMs / 1000))) : t('optPinWrong', String(res.triesLeft));
  if (res?.error === 'wait') return t('optPinWait', String(Math.ceil(res.waitMs / 1000)));
  if (res?.error === 'pinFormat' || res?.error === 'pinEasy') return t(`opt_${res.error}`);
  return t('optSaveFailed');
}

/** @param {string} band */
export const bandName = (band) => t(`band_${band.replace('-', '_')}`);

const byId = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/**
 * Wires a form that asks for a new PIN twice: the two must match, then
 * `submit(pin)` asks the background; a refusal is explained in the form.
 * @param {{form: string, pin: string, confirm: string, error: string}} ids
 * @param {(pin: string) => Promise<any>} submit @param {(res: any) => Promise<void> | void} done
 * @param {(res: any) => string} [refusal]
 */
export function newPinForm(ids, submit, done, refusal = pinMessage) {
  byId(ids.form).addEventListener('submit', async (e) => {
    e.preventDefault();
    const out = byId(ids.error);
    out.textContent = '';
    const pin = byId(ids.pin).value;
    if (pin !== byId(ids.confirm).value) { out.textContent = t('optPinMismatch'); return; }
    const res = await submit(pin);
    if (!res?.ok) { out.textContent = refusal(res); return; }
    await done(res);
  });
}
