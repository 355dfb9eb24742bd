// "Go back" on a child's page: the previous page, or the safe start page
// when the tab has nowhere to go back to (a page opened in a new tab).
import { api, startPage } from './platform.js';

/** If history.back() has nowhere to go, the page is still here after this. */
const BACK_FALLBACK_MS = 700;

export function goBack() {
  const start = api.runtime.getURL(startPage);
  if (history.length <= 1) {
    location.replace(start);
    return;
  }
  history.back();
  setTimeout(() => location.replace(start), BACK_FALLBACK_MS);
}
