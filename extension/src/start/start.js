// The safe start page: text only, through _locales.
import { t } from '../shared/platform.js';
import { localise } from '../shared/i18n.js';

localise();
document.title = t('startTitle');
