// The setup guide: both languages are in the page (tools/guide.mjs); this
// shows the one the browser picked and names the page.
import { t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';

localise();
document.title = t('guideTitle');
const lang = t('lang') === 'en' ? 'en' : 'vi';
for (const article of document.querySelectorAll('article[lang]')) {
  /** @type {HTMLElement} */ (article).hidden = article.getAttribute('lang') !== lang;
}
document.body.dataset.ready = 'true';
