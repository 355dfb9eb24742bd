// The URL fixture through the WASM build in Node: every verdict must equal
// the fixture's expectation AND the native engine's full verdict (as printed
// by `lachan check --json`), field by field.
//
// Usage: node tests/wasm/parity.mjs <pkg dir (wasm-bindgen --target nodejs)> <bundle> <lachan binary>
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const [pkgDir, bundlePath, lachanBin] = process.argv.slice(2);
if (!pkgDir || !bundlePath || !lachanBin) {
  console.error('usage: node tests/wasm/parity.mjs PKG_DIR BUNDLE LACHAN_BIN');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { Engine } = require(path.resolve(pkgDir, 'lachan.js'));

const fixture = new URL('../fixtures/urls.tsv', import.meta.url);
const cases = readFileSync(fixture, 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [url, band, action, category] = l.split('\t');
    return { url, band: band === '-' ? undefined : band, action, category: category === '-' ? null : category };
  });

const t0 = process.hrtime.bigint();
const engine = Engine.open(readFileSync(bundlePath));
const openMs = Number(process.hrtime.bigint() - t0) / 1e6;

// Native verdicts, one `lachan check` per band.
const native = new Map();
const bands = [...new Set(cases.map((c) => c.band ?? ''))];
for (const band of bands) {
  const urls = cases.filter((c) => (c.band ?? '') === band).map((c) => c.url);
  const args = ['check', '--json', '--bundle', bundlePath, ...(band ? ['--age', band] : []), ...urls];
  const out = execFileSync(lachanBin, args, { encoding: 'utf8' });
  const verdicts = out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  if (verdicts.length !== urls.length) throw new Error(`lachan check printed ${verdicts.length} verdicts for ${urls.length} URLs`);
  urls.forEach((u, i) => native.set(`${band}\t${u}`, verdicts[i]));
}

/** JSON with sorted keys, so field order does not matter. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

let passed = 0;
let failed = 0;
for (const c of cases) {
  const wasm = JSON.parse(engine.check(c.url, c.band));
  const nat = native.get(`${c.band ?? ''}\t${c.url}`);
  const problems = [];
  // The fixture states what the lists decide; a host on no list may still
  // get the host-name model's warning (as in tests/rust/fixtures.rs). The
  // native and WASM verdicts must still agree exactly.
  const modelWarning = c.action === 'allow' && wasm.action === 'warn' && wasm.match_kind === 'model';
  if (wasm.action !== c.action && !modelWarning) problems.push(`action ${wasm.action}, expected ${c.action}`);
  if (!modelWarning && c.category !== null && wasm.category !== c.category) problems.push(`category ${wasm.category}, expected ${c.category}`);
  if (c.category === null && c.action !== 'allow' && wasm.category !== null) problems.push(`category ${wasm.category}, expected none`);
  // The CLI adds the URL it checked; the verdict fields must match exactly.
  if (nat.url !== c.url) problems.push(`native verdict is for ${nat.url}`);
  const { url: _checked, ...natVerdict } = nat;
  const a = canonical(wasm);
  const b = canonical(natVerdict);
  if (a !== b) problems.push(`differs from native:\n    wasm   ${a}\n    native ${b}`);
  const code = engine.checkCode(c.url, ['under-6', '6-10', '11-14', '15-17'].indexOf(c.band ?? 'x'));
  const codeAction = ['allow', 'warn', 'block'][code & 3];
  if (codeAction !== wasm.action) problems.push(`checkCode says ${codeAction}`);
  if (problems.length) {
    failed++;
    console.log(`FAIL ${c.url} [${c.band ?? 'default'}]: ${problems.join('; ')}`);
  } else {
    passed++;
  }
}
// Posts judged one by one (comment pages): WASM checkComments against
// `lachan posts --json`, per band, field by field.
const posts = readFileSync(new URL('../fixtures/posts.txt', import.meta.url), 'utf8').split('\n').filter((l) => l.trim());
for (const band of ['under-6', '6-10', '11-14', '15-17']) {
  const out = execFileSync(lachanBin, ['posts', '--json', '--bundle', bundlePath, '--age', band], { encoding: 'utf8', input: posts.join('\n') + '\n' });
  const nat = out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const wasm = JSON.parse(engine.checkComments(JSON.stringify(posts), band));
  if (nat.length !== posts.length || wasm.length !== posts.length) {
    failed++;
    console.log(`FAIL posts [${band}]: ${nat.length} native and ${wasm.length} WASM answers for ${posts.length} posts`);
    continue;
  }
  posts.forEach((p, i) => {
    const { text, ...n } = nat[i];
    const a = canonical(wasm[i]);
    const b = canonical(n);
    if (text !== p || a !== b) {
      failed++;
      console.log(`FAIL post ${JSON.stringify(p)} [${band}]: differs from native:\n    wasm   ${a}\n    native ${b}`);
    } else {
      passed++;
    }
  });
}
const masked = JSON.parse(engine.checkComments(JSON.stringify(posts), '11-14')).filter((v) => v.mask).length;
console.log(`wasm parity: ${posts.length} posts per band, ${masked} masked at 11-14`);
console.log(`wasm parity: bundle opened in ${openMs.toFixed(2)} ms; ${cases.length} fixture URLs`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
