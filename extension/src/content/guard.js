// The document_start content script (bundled into content/start.js by
// build.mjs), in every frame. Chromium only: on Firefox the blocking
// webRequest listener decides every navigation before it is painted, so
// there it returns at once.
//
// It hides the document before anything is painted, asks the background for
// the verdict (`navCheck`, shared/messages.js), then either shows the page or
// replaces it with the warning page. It exists for what the static DNR rules
// cannot express (see extension/README.md); a page they block never commits,
// so the guard never runs for it.
//
// Cost on the common path: one message round trip before first paint
// (measured in tests/e2e: `guardChecks` in the stats). If the background
// does not answer within FAIL_OPEN_MS the page is shown, so a broken worker
// cannot blank the whole web.
import { api, isFirefox } from '../shared/platform.js';
import { navCheck } from '../shared/messages.js';

const FAIL_OPEN_MS = 4000;

/** @typedef {import('../shared/messages.js').NavAnswer} NavAnswer */

function guard() {
  const style = document.createElement('style');
  style.textContent = 'html{visibility:hidden!important}';
  // document_start: the (empty) root element exists for HTML documents.
  document.documentElement?.appendChild(style);
  let done = false;
  const show = () => {
    if (done) return;
    done = true;
    style.remove();
  };
  const timer = setTimeout(show, FAIL_OPEN_MS);
  api.runtime.sendMessage(navCheck(location.href)).then(
    (/** @type {NavAnswer | undefined} */ answer) => {
      if (answer && answer.action !== 'allow' && typeof answer.redirect === 'string') {
        done = true;
        clearTimeout(timer);
        window.stop();
        location.replace(answer.redirect);
        return;
      }
      clearTimeout(timer);
      show();
    },
    () => {
      clearTimeout(timer);
      show();
    },
  );
}

if (!isFirefox) guard();
