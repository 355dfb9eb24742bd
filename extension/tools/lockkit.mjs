// Lock kits: browser policy files that force-install Lá Chắn, keep it out of
// reach (developer mode, DevTools, guest windows) and close or cover private
// windows, per system. Pure functions from the kit's inputs to file texts
// (extension/lock-kit.mjs writes them; extension/test/lockkit.test.mjs parses
// them back). The browsers' own policy names throughout:
// chromeenterprise.google/policies, learn.microsoft.com/deployedge,
// mozilla.github.io/enterprise-admin-reference.
import { createHash } from 'node:crypto';

/** Update URLs of the stores (what a store listing's force-install names). */
export const CHROME_STORE_UPDATE_URL = 'https://clients2.google.com/service/update2/crx';
export const EDGE_STORE_UPDATE_URL = 'https://edge.microsoft.com/extensionwebstorebase/v1/crx';

/**
 * @typedef {object} KitInput
 * @property {string} chromeId      the extension id Chrome (and Chromium) install
 * @property {string} chromeUpdateUrl  the store's update URL or the self-hosted updates.xml
 * @property {string} edgeId        the id Edge installs (the Edge Add-ons listing has its own)
 * @property {string} edgeUpdateUrl
 * @property {string} geckoId
 * @property {string} xpiUrl        Firefox's install_url (a signed xpi)
 * @property {'disable' | 'allow'} privateWindows  turn private windows off, or keep them (Firefox: the add-on runs there)
 * @property {boolean} blockOtherExtensions  refuse every other extension
 * @property {Record<string, unknown> | null} managed  the extension's own policy (managed_schema.json), or none
 */

/** The Chromium-family browsers a kit covers. */
export const CHROMIUM_BROWSERS = /** @type {const} */ (['chrome', 'edge']);

/** Checks the managed values against managed_schema.json (the subset it uses:
 * type, enum, properties, items, additionalProperties). Unknown keys are an
 * error here: the browser would drop them silently.
 * @param {any} value @param {any} schema @returns {string[]} problems */
export function schemaProblems(value, schema, path = 'policy') {
  /** @type {string[]} */
  const out = [];
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (schema.type && schema.type !== type) return [`${path}: expected ${schema.type}, got ${type}`];
  if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  if (type === 'array' && schema.items) value.forEach((/** @type {any} */ v, /** @type {number} */ i) => out.push(...schemaProblems(v, schema.items, `${path}[${i}]`)));
  if (type === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const sub = schema.properties?.[k] ?? schema.additionalProperties;
      if (!sub) out.push(`${path}.${k}: unknown key (known: ${Object.keys(schema.properties ?? {}).join(', ')})`);
      else out.push(...schemaProblems(v, sub, `${path}.${k}`));
    }
  }
  return out;
}

const EXT_ID = /^[a-p]{32}$/;

/** Throws on inputs no browser would accept. @param {KitInput} k */
export function checkInput(k) {
  for (const [name, id] of [['Chrome id', k.chromeId], ['Edge id', k.edgeId]]) {
    if (!EXT_ID.test(id)) throw new Error(`${name} "${id}" is not an extension id (32 letters a–p)`);
  }
  for (const [name, url] of [['Chrome update URL', k.chromeUpdateUrl], ['Edge update URL', k.edgeUpdateUrl], ['Firefox xpi URL', k.xpiUrl]]) {
    let u;
    try { u = new URL(url); } catch { throw new Error(`${name} "${url}" is not a URL`); }
    if (!['https:', 'http:', 'file:'].includes(u.protocol)) throw new Error(`${name} "${url}": use https (or http/file for a local test)`);
  }
  if (!k.geckoId) throw new Error('the Firefox add-on id is empty');
  if (k.privateWindows !== 'disable' && k.privateWindows !== 'allow') throw new Error(`private windows "${k.privateWindows}": disable or allow`);
}

/** Whether an update URL is the browser's own store (the case every system accepts).
 * @param {'chrome' | 'edge'} browser @param {string} url */
export const isStoreUrl = (browser, url) => url === CHROME_STORE_UPDATE_URL || (browser === 'edge' && url === EDGE_STORE_UPDATE_URL);

/**
 * The machine policies for one Chromium-family browser, as the JSON the
 * Linux folders read (Windows and macOS carry the same names and values).
 * @param {KitInput} k @param {'chrome' | 'edge'} browser
 * @param {{withManaged?: boolean}} [o] withManaged: add `3rdparty` (Linux JSON; the other systems put it elsewhere)
 */
export function chromiumPolicies(k, browser, { withManaged = false } = {}) {
  const id = browser === 'edge' ? k.edgeId : k.chromeId;
  const url = browser === 'edge' ? k.edgeUpdateUrl : k.chromeUpdateUrl;
  /** @type {Record<string, any>} */
  const entry = { installation_mode: 'force_installed', update_url: url };
  // The toolbar icon always shown: the child sees it is on, the parent finds the popup.
  if (browser === 'edge') entry.toolbar_state = 'force_shown';
  else entry.toolbar_pin = 'force_pinned';
  /** @type {Record<string, any>} */
  const settings = { [id]: entry };
  if (k.blockOtherExtensions) settings['*'] = { installation_mode: 'blocked' };
  /** @type {Record<string, any>} */
  const p = {
    // Both: ExtensionSettings wins where it is known; the forcelist covers older builds.
    ExtensionInstallForcelist: [`${id};${url}`],
    ExtensionSettings: settings,
    // 2: DevTools blocked everywhere. There is no value that blocks them only
    // on extension pages (0, the default, already refuses them on
    // force-installed extensions but leaves them on every web page).
    DeveloperToolsAvailability: 2,
    // 1: developer mode (loading unpacked extensions) not allowed.
    ExtensionDeveloperModeSettings: 1,
    // Guest windows run no extensions.
    BrowserGuestModeEnabled: false,
  };
  if (k.privateWindows === 'disable') p[browser === 'edge' ? 'InPrivateModeAvailability' : 'IncognitoModeAvailability'] = 1;
  if (withManaged && k.managed) p['3rdparty'] = { extensions: { [id]: k.managed } };
  return p;
}

/** Firefox's policies.json. @param {KitInput} k */
export function firefoxPolicies(k) {
  /** @type {Record<string, any>} */
  const entry = { installation_mode: 'force_installed', install_url: k.xpiUrl };
  if (k.privateWindows === 'allow') entry.private_browsing = true;
  /** @type {Record<string, any>} */
  const settings = { [k.geckoId]: entry };
  if (k.blockOtherExtensions) settings['*'] = { installation_mode: 'blocked' };
  /** @type {Record<string, any>} */
  const p = {
    ExtensionSettings: settings,
    // Also blocks about:debugging, where temporary add-ons are loaded.
    DisableDeveloperTools: true,
    // about:config could turn off add-on signature checks (ESR) or the proxy settings.
    BlockAboutConfig: true,
    // Troubleshoot Mode (safe mode) starts Firefox with every add-on off.
    DisableSafeMode: true,
  };
  if (k.privateWindows === 'disable') p.DisablePrivateBrowsing = true;
  if (k.managed) p['3rdparty'] = { Extensions: { [k.geckoId]: k.managed } };
  return { policies: p };
}

/** JSON as the kit writes it. @param {any} v */
export const jsonText = (v) => `${JSON.stringify(v, null, 2)}\n`;

// --- Windows registry (.reg, regedit format 5) ---------------------------------

/** The registry roots. @param {'chrome' | 'edge'} browser */
export const registryRoot = (browser) => browser === 'edge'
  ? 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge'
  : 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome';

/** A .reg string: backslash and double quote escaped. @param {string} s */
export const regString = (s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
/** @param {number} n */
const regDword = (n) => `dword:${(n >>> 0).toString(16).padStart(8, '0')}`;

/** One value line. @param {string} name @param {string | number | boolean} v */
function regValue(name, v) {
  if (typeof v === 'string') return `${regString(name)}=${regString(v)}`;
  if (typeof v === 'boolean') return `${regString(name)}=${regDword(v ? 1 : 0)}`;
  if (Number.isInteger(v)) return `${regString(name)}=${regDword(v)}`;
  throw new Error(`${name}: ${v} cannot be a registry value`);
}

/** Appends the sections for `obj` under `key`: scalars are values of the key,
 * lists and objects are subkeys (a list's values are named 1, 2, …), which is
 * how Chrome and Edge read lists and the extension's own policy.
 * JSON-string policies (ExtensionSettings) are passed in already as strings.
 * @param {string[]} out @param {string} key @param {Record<string, any>} obj */
function regSections(out, key, obj) {
  const lines = [];
  const subs = [];
  for (const [k, v] of Object.entries(obj)) {
    if (Array.isArray(v)) subs.push([k, Object.fromEntries(v.map((x, i) => [String(i + 1), x]))]);
    else if (v && typeof v === 'object') subs.push([k, v]);
    else lines.push(regValue(k, v));
  }
  if (lines.length || !subs.length) out.push('', `[${key}]`, ...lines);
  for (const [k, v] of subs) regSections(out, `${key}\\${k}`, v);
}

/** The .reg text for one browser (CRLF; write it as UTF-16 LE with a BOM,
 * see regBytes, so that regedit keeps Vietnamese letters).
 * @param {KitInput} k @param {'chrome' | 'edge'} browser */
export function regText(k, browser) {
  const root = registryRoot(browser);
  const p = chromiumPolicies(k, browser);
  // A dictionary policy is one REG_SZ holding its JSON.
  const top = { ...p, ExtensionSettings: JSON.stringify(p.ExtensionSettings) };
  const out = ['Windows Registry Editor Version 5.00'];
  regSections(out, root, top);
  if (k.managed) {
    const id = browser === 'edge' ? k.edgeId : k.chromeId;
    regSections(out, `${root}\\3rdparty\\extensions\\${id}\\policy`, k.managed);
  }
  return `${out.join('\r\n')}\r\n`;
}

/** UTF-16 LE with a BOM, the encoding regedit writes. @param {string} text */
export const regBytes = (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);

// --- macOS configuration profile (.mobileconfig, an XML property list) --------------

/** @param {string} s */
const xmlEscape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** @param {any} v @param {string} indent @returns {string} */
function plistValue(v, indent) {
  const next = `${indent}  `;
  if (typeof v === 'string') return `${indent}<string>${xmlEscape(v)}</string>`;
  if (typeof v === 'boolean') return `${indent}<${v}/>`;
  if (Number.isInteger(v)) return `${indent}<integer>${v}</integer>`;
  if (Array.isArray(v)) return v.length ? `${indent}<array>\n${v.map((x) => plistValue(x, next)).join('\n')}\n${indent}</array>` : `${indent}<array/>`;
  if (v && typeof v === 'object') {
    const body = Object.entries(v).map(([key, x]) => `${next}<key>${xmlEscape(key)}</key>\n${plistValue(x, next)}`).join('\n');
    return body ? `${indent}<dict>\n${body}\n${indent}</dict>` : `${indent}<dict/>`;
  }
  throw new Error(`${v} cannot be a property-list value`);
}

/** A stable UUID from the profile's content (the same inputs give the same
 * profile, so installing a newer kit replaces the old one). @param {string} seed */
export function stableUuid(seed) {
  const h = createHash('sha256').update(seed).digest('hex');
  const v = `4${h.slice(13, 16)}`;
  const variant = ((parseInt(h[16], 16) & 3) | 8).toString(16) + h.slice(17, 20);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${v}-${variant}-${h.slice(20, 32)}`.toUpperCase();
}

/** The configuration profile for one browser: its policies (preference
 * domain com.google.Chrome / com.microsoft.Edge) and, with managed values,
 * the extension's own domain (<browser domain>.extensions.<id>).
 * @param {KitInput} k @param {'chrome' | 'edge'} browser */
export function mobileconfigText(k, browser) {
  const domain = browser === 'edge' ? 'com.microsoft.Edge' : 'com.google.Chrome';
  const name = browser === 'edge' ? 'Microsoft Edge' : 'Google Chrome';
  const id = browser === 'edge' ? k.edgeId : k.chromeId;
  const policies = chromiumPolicies(k, browser);
  const seed = JSON.stringify([browser, policies, k.managed]);
  const payload = (/** @type {string} */ type, /** @type {string} */ display, /** @type {Record<string, any>} */ body) => ({
    PayloadType: type,
    PayloadVersion: 1,
    PayloadIdentifier: `vn.lachan.lockkit.${browser}.${type}`,
    PayloadUUID: stableUuid(`${seed}|${type}`),
    PayloadDisplayName: display,
    ...body,
  });
  const content = [payload(domain, `Lá Chắn: ${name}`, policies)];
  if (k.managed) content.push(payload(`${domain}.extensions.${id}`, `Lá Chắn: settings (${name})`, k.managed));
  const profile = {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: `vn.lachan.lockkit.${browser}`,
    PayloadUUID: stableUuid(`${seed}|profile`),
    PayloadDisplayName: `Lá Chắn lock kit (${name})`,
    PayloadDescription: `Force-installs Lá Chắn in ${name} and blocks developer mode, developer tools and guest windows.`,
    PayloadOrganization: 'Lá Chắn',
    PayloadScope: 'System',
    PayloadContent: content,
  };
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
    + `<plist version="1.0">\n${plistValue(profile, '')}\n</plist>\n`;
}

/** Where each Linux JSON goes. */
export const LINUX_TARGETS = /** @type {const} */ ([
  { file: 'chrome.json', dir: '/etc/opt/chrome/policies/managed', browser: 'chrome', name: 'Google Chrome' },
  { file: 'chromium.json', dir: '/etc/chromium/policies/managed', browser: 'chrome', name: 'Chromium' },
  { file: 'edge.json', dir: '/etc/opt/edge/policies/managed', browser: 'edge', name: 'Microsoft Edge' },
]);
