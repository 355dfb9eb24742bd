// data/lists.json for the warning page's "blocked by mistake" report: per
// bundle source, its credit (the registry's attribution, carried by the
// bundle in `upstream`) and, where lists/issues.toml names one, the address
// where that list takes reports.

/** @typedef {{credit: string, issues?: string}} ListInfo */

/**
 * @param {{name: string, upstream?: string}[]} sources the bundle's sources (engine.info().sources)
 * @param {Record<string, any>} issuesToml lists/issues.toml parsed
 * @returns {Record<string, ListInfo>}
 */
export function listsInfo(sources, issuesToml) {
  const table = /** @type {Record<string, unknown>} */ (issuesToml.issues ?? {});
  for (const [prefix, url] of Object.entries(table)) {
    if (typeof url !== 'string' || !/^https:\/\/[^\s"'<>]+$/.test(url)) throw new Error(`lists/issues.toml: ${prefix} is not an https address`);
  }
  /** @type {Record<string, ListInfo>} */
  const out = {};
  for (const s of sources) {
    // `upstream` is "<address> — <attribution>" (or one of them alone).
    const parts = String(s.upstream ?? '').split(' — ');
    const credit = (parts.length > 1 ? parts.slice(1).join(' — ') : /^https?:/.test(parts[0]) ? '' : parts[0]).trim();
    const prefix = Object.keys(table).filter((p) => s.name === p || s.name.startsWith(`${p}-`)).sort((a, b) => b.length - a.length)[0];
    out[s.name] = prefix ? { credit, issues: /** @type {string} */ (table[prefix]) } : { credit };
  }
  return out;
}
