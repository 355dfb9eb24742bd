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
// Hosts: what the WASM engine reads from the fixture URLs and from the Web
// Platform Tests' URL data (tests/fixtures/wpt/) against Node's WHATWG URL,
// the Node host normalised as the core normalises (trailing dots dropped,
// no brackets, an IPv6 address that reaches an IPv4 host as that address).
// A difference must be one of the deliberate ones below, each with its
// reason (the same as crate/core/tests/url_differential.rs).
const mod = require(path.resolve(pkgDir, 'lachan.js'));
const WEB = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:']);

/** The pieces of an IPv6 address as Node writes it (hex, `::` at most once). */
function ipv6Pieces(text) {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const zeros = tail === null ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...zeros, ...t].map((x) => parseInt(x, 16));
}

/** Node's host normalised as the core normalises hosts. */
function normaliseHost(host) {
  if (host.startsWith('[') && host.endsWith(']')) {
    const p = ipv6Pieces(host.slice(1, -1));
    const v4 = `${p[6] >> 8}.${p[6] & 255}.${p[7] >> 8}.${p[7] & 255}`;
    const head = p.slice(0, 6).join(',');
    if (head === '0,0,0,0,0,65535' || (head === '0,0,0,0,0,0' && p[6] >> 8 !== 0) || head === '100,65435,0,0,0,0') return v4;
    return host.slice(1, -1);
  }
  return host.replace(/\.+$/, '');
}

/** Node's host for a URL as written, or null. */
function nodeHost(input) {
  try {
    const u = new URL(input);
    return WEB.has(u.protocol) && u.hostname !== '' ? u.hostname : null;
  } catch {
    return null;
  }
}

const labelsOf = (h) => h.replace(/\.+$/, '').split('.');
const hasPunycode = (s) => s.toLowerCase().includes('xn--');
// Each: when it applies (the input, the engine's host or null, Node's host
// as Node writes it or null) and why.
const DELIBERATE = [
  ['empty label', 'a host with an empty label (`a..b`, `.a`) is no DNS name; the core refuses it',
    (i, w, n) => w === null && n !== null && !n.startsWith('[') && n.replace(/\.+$/, '') !== '' && labelsOf(n).includes('')],
  ['DNS lengths', 'the core enforces DNS lengths (labels of 63 bytes, names of 253) as a resolver does',
    (i, w, n) => w === null && n !== null && (n.replace(/\.+$/, '').length > 253 || labelsOf(n).some((l) => l.length > 63))],
  ['only dots', 'a host of dots only has no label left once trailing dots are dropped',
    (i, w, n) => w === null && n !== null && n.replace(/\.+$/, '') === ''],
  ['trailing dots before a number', 'the core drops every trailing dot before it looks for an IPv4 address (`9..` is 0.0.0.9, `foo.09..` refused); WHATWG keeps a name no resolver resolves',
    (i, w, n) => (w === null || /^\d+\.\d+\.\d+\.\d+$/.test(w)) && n !== null && n.endsWith('..') && /^\d/.test(labelsOf(n).at(-1))],
  ['joiners', 'a zero-width joiner or non-joiner that makes a name invalid is removed, as transitional processing does; the browser goes nowhere there',
    (i, w, n) => w !== null && n === null && /[\u200c\u200d]/.test(i)],
  ['invalid punycode kept', 'the current URL Standard (WPT toascii.json) keeps an ASCII host whose xn-- label is not valid punycode; older parsers refuse it',
    (i, w, n) => w !== null && w.includes('xn--') && n === null && hasPunycode(i)],
  ['punycode remapped', 'an xn-- label that decodes to a form UTS #46 maps is written in its mapped form, so one list entry holds against every spelling',
    (i, w, n) => w !== null && n !== null && w.includes('xn--') && n.includes('xn--') && hasPunycode(i)],
];

/** The scheme of an input as the URL parser reads it, and what follows. */
function splitScheme(input) {
  const cleaned = input.replace(/^[\u0000-\u0020]+/, '').replace(/[\t\n\r]/g, '');
  const m = /^([a-zA-Z][a-zA-Z0-9+\-.]*):(.*)$/s.exec(cleaned);
  return m ? [m[1].toLowerCase(), m[2]] : null;
}

// The inputs: every fixture URL; urltestdata.json's inputs with a web
// scheme whose host does not depend on the base (the engine takes none);
// toascii.json's inputs as WPT runs them, the host of https://<input>/x.
const wptData = (name) => JSON.parse(readFileSync(new URL(`../fixtures/wpt/${name}`, import.meta.url), 'utf8')).filter((c) => typeof c === 'object');
const hostInputs = cases.map((c) => c.url);
// What WPT expects for its inputs, normalised: where Node 20's URL follows
// an older text of the standard or older Unicode tables (`ẞ` as `ss`,
// U+180E), the engine must then give exactly WPT's host.
const wptHost = new Map();
for (const c of wptData('urltestdata.json')) {
  const sp = splitScheme(c.input);
  if (!sp || !WEB.has(`${sp[0]}:`)) continue;
  const base = c.base === null ? null : splitScheme(c.base);
  const slashes = /^[/\\]{2}/.test(sp[1]);
  if (base && base[0] === sp[0] && !slashes) continue;
  hostInputs.push(c.input);
  wptHost.set(c.input, c.failure ? null : normaliseHost(c.hostname));
}
const toascii = wptData('toascii.json');
for (const c of toascii) {
  hostInputs.push(`https://${c.input}/x`);
  wptHost.set(`https://${c.input}/x`, c.output === null ? null : normaliseHost(c.output));
}

let hostsChecked = 0;
let hostsDeliberate = 0;
let hostsFailed = 0;
const seen = new Map();
for (const input of hostInputs) {
  const parsed = JSON.parse(mod.parseUrl(input));
  const w = parsed.error === undefined ? parsed.host : null;
  // Input without a web scheme that the engine still reads is taken as
  // http (a person types example.com/x); view-source: shows its URL.
  const sp = splitScheme(input);
  const bare = input.replace(/^view-source:/i, '');
  const n = (sp && WEB.has(`${sp[0]}:`)) || parsed.not_web ? nodeHost(bare) : nodeHost(`http://${bare}`);
  hostsChecked++;
  const expected = n === null ? null : normaliseHost(n);
  if (w === expected) continue;
  if (wptHost.has(input) && wptHost.get(input) === w) {
    hostsDeliberate++;
    seen.set('as WPT expects, not as Node', (seen.get('as WPT expects, not as Node') ?? 0) + 1);
    continue;
  }
  const rule = DELIBERATE.find(([, , applies]) => applies(input, w, n));
  if (rule) {
    hostsDeliberate++;
    seen.set(rule[0], (seen.get(rule[0]) ?? 0) + 1);
    continue;
  }
  hostsFailed++;
  console.log(`FAIL host of ${JSON.stringify(input)}: wasm ${JSON.stringify(w)}${w === null ? ` (${parsed.error})` : ''}, node ${JSON.stringify(n)}`);
}
// The verdicts are about the same host: every fixture URL's verdict names
// the host parseUrl gives (or none when it gives none).
for (const c of cases) {
  const parsed = JSON.parse(mod.parseUrl(c.url));
  const v = JSON.parse(engine.check(c.url, c.band));
  if (parsed.error === undefined && v.reason && !v.reason.includes(parsed.host) && v.match_kind === 'none') {
    failed++;
    console.log(`FAIL ${c.url}: the verdict's reason does not name the host ${parsed.host}: ${v.reason}`);
  }
}
failed += hostsFailed;
passed += hostsChecked - hostsFailed;
console.log(`wasm parity: ${hostsChecked} hosts against Node's URL (${toascii.length} from toascii.json), ${hostsDeliberate} deliberate differences (${[...seen].map(([k, v]) => `${k} ${v}`).join(', ') || 'none'})`);
const masked = JSON.parse(engine.checkComments(JSON.stringify(posts), '11-14')).filter((v) => v.mask).length;
console.log(`wasm parity: ${posts.length} posts per band, ${masked} masked at 11-14`);
console.log(`wasm parity: bundle opened in ${openMs.toFixed(2)} ms; ${cases.length} fixture URLs`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
