// The answer buttons for one of the child's requests, shared by the options
// page and the toolbar popup: their order (shared/requests.js: "Not now"
// leads for a category blocked at every age), and "Always allow" behind a
// confirmation that says what it means. Built with DOM calls only.
import { t } from '../shared/platform.js';
import { answerOrder } from '../shared/requests.js';

/** @typedef {import('../shared/requests.js').Decision} Decision */

/** Message key of each answer's button. */
export const ANSWER_KEYS = { hour: 'optApproveHour', always: 'optApproveAlways', deny: 'optDeny' };

/** @param {string} className @param {string} text @param {string} testid */
function button(className, text, testid) {
  const b = Object.assign(document.createElement('button'), { type: 'button', className, textContent: text });
  b.dataset.testid = testid;
  return b;
}

/**
 * The actions of one request: a button per answer; "Always allow" first
 * shows the confirmation, and only its "Yes" calls `onAnswer('always')`
 * (Cancel puts the buttons back, nothing else).
 * @param {{url: string, host?: string, category: string}} request
 * @param {boolean} strict the category is blocked at every age band
 * @param {(decision: Decision) => void | Promise<void>} onAnswer
 * @returns {HTMLDivElement}
 */
export function answerActions(request, strict, onAnswer) {
  const site = request.host || request.url;
  const box = Object.assign(document.createElement('div'), { className: 'answers' });
  const actions = Object.assign(document.createElement('div'), { className: 'actions' });
  for (const { decision, primary } of answerOrder(strict)) {
    const key = ANSWER_KEYS[decision];
    const b = button(primary ? 'primary' : 'secondary', t(key), `approve-${decision}`);
    b.setAttribute('aria-label', `${t(key)}: ${site}`);
    b.addEventListener('click', () => (decision === 'always' ? confirmAlways() : onAnswer(decision)));
    actions.append(b);
  }
  box.dataset.strict = String(strict);
  box.append(actions);

  function confirmAlways() {
    actions.hidden = true;
    const panel = Object.assign(document.createElement('div'), { className: 'confirm' });
    panel.dataset.testid = 'confirm-always';
    panel.setAttribute('role', 'alertdialog');
    const words = Object.assign(document.createElement('p'), { textContent: t('optConfirmAlways', site) });
    words.id = `confirm-${Math.random().toString(36).slice(2)}`;
    panel.setAttribute('aria-describedby', words.id);
    const row = Object.assign(document.createElement('div'), { className: 'actions' });
    const cancel = button('primary', t('optConfirmCancel'), 'confirm-always-cancel');
    const yes = button('secondary', t('optConfirmAlwaysYes'), 'confirm-always-yes');
    cancel.addEventListener('click', () => {
      panel.remove();
      actions.hidden = false;
      /** @type {HTMLElement | null} */ (actions.querySelector('[data-testid="approve-always"]'))?.focus();
    });
    yes.addEventListener('click', () => {
      panel.remove();
      actions.hidden = false;
      return onAnswer('always');
    });
    row.append(cancel, yes);
    panel.append(words, row);
    box.append(panel);
    cancel.focus();
  }
  return box;
}
