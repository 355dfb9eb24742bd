// The support page (self-harm search queries, background/search.js): kind
// words, a big "Call 111", "talk to someone you trust", the other 111
// channels and the school counsellor (warning/help.js), "Go back".
// Nothing about the query is shown or kept.
import { api, startPage, t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';
import { renderHelp } from '../warning/help.js';
import { bandNow, localiseBand } from '../shared/band-words.js';

/** If history.back() has nowhere to go, the page is still here after this. */
const BACK_FALLBACK_MS = 700;

function goBack() {
  const start = api.runtime.getURL(startPage);
  if (history.length <= 1) {
    location.replace(start);
    return;
  }
  history.back();
  setTimeout(() => location.replace(start), BACK_FALLBACK_MS);
}

async function main() {
  localise();
  localiseBand(await bandNow()); // the register for the child's age
  document.title = t('supportTitle');
  document.getElementById('go-back')?.addEventListener('click', goBack);
  await renderHelp().catch((e) => console.error('lachan: help block', e));
  document.body.dataset.ready = 'true';
}

main();
