// The popup's answer list: the child's waiting requests, each with its
// answers (options/answers.js). An answer asks for the parent PIN right
// here, so a parent answers in three actions: the toolbar icon, the answer,
// the PIN (and Enter). The PIN unlocks for this one answer: the token is
// dropped again straight after (`lock`).
import { api, t } from '../shared/platform.js';
import { waitingRequests } from '../shared/messages.js';
import { ANSWER_KEYS, answerActions } from '../options/answers.js';
import { pinMessage } from '../options/pinform.js';

/** @typedef {import('../shared/requests.js').Decision} Decision */
/** @typedef {{url: string, host: string, category: string, time: number}} Request */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {object} m */
const send = (m) => api.runtime.sendMessage(m).catch(() => null);

/** The category in the parent's words. @param {string} c */
const catName = (c) => (t(`catName_${c}`) !== `catName_${c}` ? t(`catName_${c}`) : c);

/** The answer waiting for its PIN. @type {{request: Request, decision: Decision} | null} */
let chosen = null;

/** Shows the waiting requests (the box stays hidden when none waits, or
 * when the school answers them). @returns {Promise<number>} how many wait */
export async function renderAnswers() {
  const res = /** @type {{requests: Request[], strict: string[], locked: boolean} | null} */ (await send(waitingRequests()));
  const box = $('answer-box');
  const requests = res?.locked ? [] : res?.requests ?? [];
  box.hidden = requests.length === 0 && !$('answer-done').textContent;
  const strict = new Set(res?.strict ?? []);
  $('popup-requests').replaceChildren(...requests.slice().reverse().map((r) => {
    const li = document.createElement('li');
    li.dataset.url = r.url;
    const who = Object.assign(document.createElement('p'), { className: 'who' });
    who.append(Object.assign(document.createElement('bdi'), { textContent: r.host || r.url }));
    const what = Object.assign(document.createElement('p'), { className: 'hint', textContent: catName(r.category) });
    li.append(who, what, answerActions(r, strict.has(r.category), (decision) => askPin(r, decision)));
    return li;
  }));
  return requests.length;
}

/** @param {Request} request @param {Decision} decision */
function askPin(request, decision) {
  chosen = { request, decision };
  $('answer-pin-label').textContent = t('popupPinFor', [t(ANSWER_KEYS[decision]), request.host || request.url]);
  $('answer-error').textContent = '';
  $('answer-done').textContent = '';
  $('answer-pin').hidden = false;
  $('answer-pin-input').focus();
}

function closePin() {
  chosen = null;
  /** @type {HTMLFormElement} */ ($('answer-pin')).reset();
  $('answer-pin').hidden = true;
}

/** Checks the PIN, then answers: the background decides both (parent.js). */
async function submitPin(/** @type {SubmitEvent} */ e) {
  e.preventDefault();
  if (!chosen) return;
  const { request, decision } = chosen;
  const pin = /** @type {HTMLInputElement} */ ($('answer-pin-input'));
  const unlocked = await send({ type: 'unlock', pin: pin.value });
  pin.value = '';
  if (!unlocked?.ok) {
    $('answer-error').textContent = pinMessage(unlocked);
    pin.focus();
    return;
  }
  const res = await send({ type: 'decideRequest', token: unlocked.token, url: request.url, decision });
  await send({ type: 'lock', token: unlocked.token });
  closePin();
  $('answer-done').textContent = res?.ok ? t(`optDecided_${decision}`, res.host)
    : res?.error === 'school' ? t('optSchoolBlocked') : t('optSaveFailed');
  await renderAnswers();
}

export function wireAnswers() {
  $('answer-pin').addEventListener('submit', (e) => { void submitPin(/** @type {SubmitEvent} */ (e)); });
  $('answer-cancel').addEventListener('click', closePin);
}
