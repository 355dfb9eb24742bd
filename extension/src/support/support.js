// The support page (self-harm search queries, background/search.js): kind
// words, a big "Call 111", "talk to someone you trust", the other 111
// channels and the school counsellor (warning/help.js), "Go back".
// Nothing about the query is shown or kept: the parents' summary counts the
// page, a number per day (background/activity.js).
import { api, t } from '../shared/platform.js';
import { goBack } from '../shared/go-back.js';
import { localise } from '../shared/i18n.js';
import { isNewStop, supportShown } from '../shared/messages.js';
import { renderHelp } from '../warning/help.js';
import { bandNow, localiseBand } from '../shared/band-words.js';

async function main() {
  localise();
  localiseBand(await bandNow()); // the register for the child's age
  document.title = t('supportTitle');
  // Once per visit: a reload or a return through history is the same one.
  const nav = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType('navigation')[0]);
  if (isNewStop(nav?.type)) api.runtime.sendMessage(supportShown()).catch(() => {});
  document.getElementById('go-back')?.addEventListener('click', goBack);
  await renderHelp().catch((e) => console.error('lachan: help block', e));
  document.body.dataset.ready = 'true';
}

main();
