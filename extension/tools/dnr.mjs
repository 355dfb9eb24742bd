// Generates Chromium's static declarativeNetRequest rulesets from the
// bundle's host rules (Engine.exportRules), so both layers use the same data.
//
// - One ruleset per block category (and per band restriction, when a source
//   applies to some bands only), switched on/off at run time by
//   src/background/dnr.js to follow the age policy; one "allow" ruleset.
//   A block category that some age band only warns about also gets a
//   `<id>_warn` twin (same domains, `a=warn` in the redirect).
// - Domains are packed into `requestDomains` chunks. A rule's priority is
//   2 × (labels in the listed domain), +1 for allow-lists: a more specific
//   entry wins, and at the same level the allow-list wins, which is the
//   core's rule ("an allow entry wins at the same or a less specific level").
// - Block rules redirect the top frame or the frame to the warning page with
//   `regexSubstitution` (`\0` is the whole URL, appended raw as `u`, last).
//   Static rules cannot call chrome.runtime.getURL, so the extension id
//   (fixed by the manifest `key`) is written into them.
// - URL-prefix and expression rules are left to the second layer.

/** Domains per rule. Chromium indexes rules, not domains; big chunks keep
 * the rule count (and the regex-rule count, max 1000 per ruleset) low. */
export const CHUNK = 5000;
const RESOURCE_TYPES = ['main_frame', 'sub_frame'];
const BANDS = ['under-6', '6-10', '11-14', '15-17'];

/** @param {string} host */
const depth = (host) => host.split('.').length;

/**
 * @param {{rules: {rule: string, is_url: boolean, sources: number[]}[],
 *   sources: {name: string, category: string, kind: 'block' | 'allow', bands?: string[] | null}[],
 *   extensionId: string, band: string, table: Record<string, Record<string, string>>}} input
 */
export function makeRulesets({ rules, sources, extensionId, band, table }) {
  /** @type {Map<string, {meta: any, byDepth: Map<number, string[]>}>} */
  const sets = new Map();
  let skippedUrlRules = 0;
  for (const r of rules) {
    if (r.is_url) { skippedUrlRules++; continue; }
    for (const sid of r.sources) {
      const src = sources[sid];
      const bands = src.kind === 'block' && src.bands?.length ? src.bands : null;
      const id = src.kind === 'allow' ? 'allow'
        : `block_${src.category}${bands ? `_b${bands.map((b) => BANDS.indexOf(b)).join('')}` : ''}`;
      let set = sets.get(id);
      if (!set) {
        set = { meta: { id, category: src.kind === 'allow' ? '*' : src.category, kind: src.kind, bands }, byDepth: new Map() };
        sets.set(id, set);
      }
      const list = set.byDepth.get(depth(r.rule)) ?? [];
      list.push(r.rule);
      set.byDepth.set(depth(r.rule), list);
    }
  }
  const base = `chrome-extension://${extensionId}/warning.html`;
  /** @type {{meta: any, rules: any[]}[]} */
  const out = [];
  for (const { meta, byDepth } of [...sets.values()].sort((a, b) => a.meta.id.localeCompare(b.meta.id))) {
    // A block category that some band only warns about gets a `_warn` twin
    // (same domains, `a=warn` in the redirect); dnr.js enables the one that
    // matches the policy's action for the band.
    const actions = meta.kind === 'allow' ? ['allow']
      : Object.values(table[meta.category] ?? {}).includes('warn') ? ['block', 'warn'] : ['block'];
    for (const action of actions) {
      const dnrRules = [];
      let domains = 0;
      for (const [d, list] of [...byDepth.entries()].sort((a, b) => a[0] - b[0])) {
        const unique = [...new Set(list)].sort();
        domains += unique.length;
        for (let i = 0; i < unique.length; i += CHUNK) {
          const requestDomains = unique.slice(i, i + CHUNK);
          const id = dnrRules.length + 1;
          dnrRules.push(action === 'allow'
            ? { id, priority: 2 * d + 1, action: { type: 'allow' }, condition: { requestDomains, resourceTypes: RESOURCE_TYPES } }
            : {
              id,
              priority: 2 * d,
              // `u` last and raw: DNR cannot URL-encode \0; warning.js reads
              // everything after `u=` (the warning-page URL contract).
              action: { type: 'redirect', redirect: { regexSubstitution: `${base}?c=${meta.category}&a=${action}&u=\\0` } },
              condition: { regexFilter: '^.+$', requestDomains, resourceTypes: RESOURCE_TYPES },
            });
        }
      }
      const bandAction = table[meta.category]?.[band] ?? 'block';
      const enabled = action === 'allow'
        || ((!meta.bands || meta.bands.includes(band)) && bandAction === action);
      const id = action === 'warn' ? `${meta.id}_warn` : meta.id;
      out.push({ meta: { ...meta, id, action, enabled, rules: dnrRules.length, domains }, rules: dnrRules });
    }
  }
  return { rulesets: out, skippedUrlRules };
}
