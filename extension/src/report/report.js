// report.html: the report flow on a page of its own (opened from the in-page
// image note, which must not show the report inside the web page itself),
// with "Go back" and "Call 111" above it.
import { t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';
import { goBack } from '../shared/go-back.js';
import { reportParams } from '../shared/report.js';
import { renderReport } from './flow.js';

async function main() {
  localise();
  document.title = t('reportPageTitle');
  document.getElementById('go-back')?.addEventListener('click', goBack);
  const subject = reportParams(new URLSearchParams(location.search));
  await renderReport(/** @type {HTMLElement} */ (document.getElementById('report-slot')), subject);
  document.body.dataset.ready = 'true';
}

main().catch((e) => console.error('lachan: report page', e));
