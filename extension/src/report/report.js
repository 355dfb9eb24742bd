// report.html: the report flow on a page of its own (opened from the in-page
// image note, which must not show the report inside the web page itself),
// and evidence a grown-up keeps (opened from the warning page's grown-ups'
// part or the in-page shield), with "Go back" and "Call 111" above it.
import { t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';
import { goBack } from '../shared/go-back.js';
import { reportParams } from '../shared/report.js';
import { renderReport } from './flow.js';
import { renderEvidence } from './evidence-flow.js';

async function main() {
  localise();
  document.title = t('reportPageTitle');
  document.getElementById('go-back')?.addEventListener('click', goBack);
  const subject = reportParams(new URLSearchParams(location.search));
  // Opened to keep evidence: the page speaks to the grown-up who asked.
  if (subject.evidenceTab !== undefined) {
    const h1 = /** @type {HTMLElement} */ (document.getElementById('title'));
    h1.removeAttribute('data-i18n');
    h1.textContent = t('evidencePageHeading');
    document.querySelector('#report-about .fault')?.remove();
  }
  renderEvidence(/** @type {HTMLElement} */ (document.getElementById('evidence-slot')), subject);
  await renderReport(/** @type {HTMLElement} */ (document.getElementById('report-slot')), subject);
  document.body.dataset.ready = 'true';
}

main().catch((e) => console.error('lachan: report page', e));
