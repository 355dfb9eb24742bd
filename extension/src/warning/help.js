// The help block of the warning page: 111 and its other channels from
// data/contacts.json (built from lists/contacts.toml), and the school
// counsellor when a managed policy provides one. Unverified channels are
// shown by name only, never as links.
import { api, optional, t } from '../shared/platform.js';

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** contacts.toml channel id → data-testid (e2e contract). */
const TEST_IDS = /** @type {Record<string, string>} */ ({ website: 'web-111', zalo: 'zalo-111', app: 'app-111', 'vn-cop': 'vn-cop' });

/** @typedef {{id: string, name: string, url: string, verified: boolean}} Channel */

/** One channel as a list item (also used by the in-page image note and the
 * report flow). @param {Channel} c */
export function channelItem(c) {
  const li = document.createElement('li');
  li.dataset.testid = TEST_IDS[c.id] ?? `channel-${c.id}`;
  const label = document.createElement('span');
  label.className = 'channel-label';
  label.textContent = `${t(`channel_${c.id.replace(/[^A-Za-z0-9_]/g, '')}`)}: `;
  li.append(label);
  if (c.verified && /^https:\/\//.test(c.url)) {
    const a = document.createElement('a');
    a.href = c.url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.textContent = c.name;
    li.append(a);
  } else {
    const name = document.createElement('strong');
    name.textContent = c.name;
    const hint = document.createElement('span');
    hint.className = 'hint';
    const own = `searchHint_${c.id.replace(/[^A-Za-z0-9_]/g, '')}`;
    hint.textContent = ` (${t(own) !== own ? t(own) : t('searchHint')})`;
    li.append(name, hint);
  }
  return li;
}

/** Adds the counsellor block once, and only when there is something to show.
 * @param {{name?: string, phone?: string, email?: string} | undefined} c */
function renderCounsellor(c) {
  if (!c || typeof c !== 'object' || !(c.name || c.phone || c.email)) return;
  const box = document.createElement('div');
  box.dataset.testid = 'counsellor';
  box.className = 'counsellor';
  const h = document.createElement('h3');
  h.textContent = t('counsellorHeading');
  const body = document.createElement('p');
  if (c.name) body.append(Object.assign(document.createElement('strong'), { textContent: c.name }));
  if (c.phone) {
    const a = document.createElement('a');
    a.href = `tel:${c.phone.replace(/[^0-9+]/g, '')}`;
    a.textContent = c.phone;
    body.append(document.createElement('br'), a);
  }
  if (c.email) {
    const a = document.createElement('a');
    a.href = `mailto:${c.email}`;
    a.textContent = c.email;
    body.append(document.createElement('br'), a);
  }
  box.append(h, body);
  $('counsellor-slot').replaceChildren(box);
}

export async function renderHelp() {
  const contacts = await fetch(api.runtime.getURL('data/contacts.json')).then((r) => r.json());
  const tel = contacts.hotline?.tel;
  if (typeof tel === 'string' && /^tel:[0-9]+$/.test(tel)) {
    for (const a of document.querySelectorAll('a[href^="tel:"]')) /** @type {HTMLAnchorElement} */ (a).href = tel;
  }
  $('channels').replaceChildren(...(contacts.channel ?? []).map(channelItem));
  // Resolved once 111 and its channels are shown; the school counsellor
  // follows: the cached copy first (instant), then managed storage itself
  // (slow on first read).
  (async () => {
    /** @type {Partial<import('../shared/settings.js').LocalStore>} */
    const { managedCache } = await api.storage.local.get('managedCache');
    renderCounsellor(managedCache?.counsellor);
    const managed = await optional(() => api.storage.managed.get('counsellor'), {});
    renderCounsellor(/** @type {any} */ (managed).counsellor);
  })().catch((e) => console.error('lachan: counsellor', e));
}
