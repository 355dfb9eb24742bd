// Credits shipped in every package: the project's licence, each list
// source of the packed bundle with its licence and attribution (UT1's
// CC BY-SA terms included), and the Rust crates compiled into the WASM.
// build.mjs writes them as NOTICE.txt (for people reading the package) and
// data/credits.json (for the options page's "About and credits").
import { spawnSync } from 'node:child_process';

/** @typedef {{ name: string, licence: string, url: string, credit: string, category: string }} ListCredit */
/** @typedef {{ name: string, version: string, licence: string, repository: string }} CrateCredit */
/** @typedef {{ project: { name: string, licence: string }, lists: ListCredit[], crates: CrateCredit[], npm: string[] }} Credits */

/** What share-alike asks of whoever passes a bundle on, for each licence that asks it. */
export const SHARE_ALIKE = {
  'CC-BY-SA-4.0': 'Creative Commons Attribution-ShareAlike 4.0 (https://creativecommons.org/licenses/by-sa/4.0/): '
    + 'the lists may be shared and adapted with this credit kept; a bundle built from them is shared under the same licence.',
};

/**
 * One credit per list source. The bundle keeps a source's address and its
 * credit in one field, as "address — credit".
 * @param {{ name: string, licence: string, upstream: string, category: string }[]} sources
 * @returns {ListCredit[]}
 */
export function listCredits(sources) {
  return sources.map((s) => {
    const [url, ...rest] = String(s.upstream ?? '').split(' — ');
    return { name: s.name, licence: s.licence || 'unknown', url: url ?? '', credit: rest.join(' — '), category: s.category };
  });
}

/**
 * The data a learned section of the bundle was trained on (the comment
 * model's labelled comments), credited like a list source.
 * @param {{ section: string, name: string, licence: string, upstream: string }[] | undefined} trainedOn
 */
export function trainingCredits(trainedOn) {
  return (trainedOn ?? []).map((t) => ({ name: t.name, licence: t.licence, upstream: t.upstream, category: `trained into ${t.section}` }));
}

/**
 * The crates a package compiles into its WASM: the normal (not dev, not
 * build) dependencies reachable from `rootName`, from `cargo metadata`.
 * @param {any} metadata `cargo metadata --format-version 1` output
 * @param {string} rootName the package whose tree ships (lachan-wasm)
 * @returns {CrateCredit[]}
 */
export function crateCredits(metadata, rootName) {
  const packages = new Map(metadata.packages.map((/** @type {any} */ p) => [p.id, p]));
  const nodes = new Map(metadata.resolve.nodes.map((/** @type {any} */ n) => [n.id, n]));
  const root = metadata.packages.find((/** @type {any} */ p) => p.name === rootName);
  if (!root) throw new Error(`cargo metadata has no package ${rootName}`);
  const seen = new Set([root.id]);
  const todo = [root.id];
  while (todo.length) {
    const node = nodes.get(todo.pop());
    for (const d of node?.deps ?? []) {
      const normal = (d.dep_kinds ?? []).some((/** @type {any} */ k) => k.kind === null);
      if (normal && !seen.has(d.pkg)) {
        seen.add(d.pkg);
        todo.push(d.pkg);
      }
    }
  }
  return [...seen]
    .map((id) => packages.get(id))
    .filter((p) => p && p.source) // the workspace's own crates are the project
    .map((p) => ({ name: p.name, version: p.version, licence: p.license ?? 'unknown', repository: p.repository ?? '' }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}

/**
 * Runs `cargo metadata` for the WASM target in `root`.
 * @param {string} root
 */
export function cargoMetadata(root) {
  const r = spawnSync('cargo', ['metadata', '--format-version', '1', '--locked', '--filter-platform', 'wasm32-unknown-unknown'],
    { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`cargo metadata failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/**
 * The npm packages a package ships: the extension's runtime dependencies
 * (its devDependencies are build tools and never ship).
 * @param {{ dependencies?: Record<string, string>, devDependencies?: Record<string, string> }} pkg
 */
export function npmCredits(pkg) {
  return Object.entries(pkg.dependencies ?? {}).map(([n, v]) => `${n}@${v}`);
}

/**
 * NOTICE.txt.
 * @param {Credits} c
 */
export function noticeText(c) {
  const out = [
    `${c.project.name}, licensed ${c.project.licence} (LICENSE-MIT, LICENSE-APACHE).`,
    '',
    'Lists compiled into the packed bundle:',
  ];
  for (const l of c.lists) {
    out.push(`- ${l.name} (${l.category}): ${l.licence}${l.credit ? `, ${l.credit}` : ''}${l.url ? `\n  ${l.url}` : ''}`);
  }
  const terms = [...new Set(c.lists.map((l) => l.licence))].filter((l) => l in SHARE_ALIKE);
  for (const t of terms) out.push('', `${t}: ${SHARE_ALIKE[/** @type {keyof typeof SHARE_ALIKE} */ (t)]}`);
  out.push('', 'Rust crates compiled into lachan_bg.wasm:');
  for (const k of c.crates) out.push(`- ${k.name} ${k.version}: ${k.licence}${k.repository ? ` (${k.repository})` : ''}`);
  out.push('', `npm packages shipped: ${c.npm.length ? c.npm.join(', ') : 'none'}.`, '');
  return out.join('\n');
}
