#!/usr/bin/env node
// Where does a WASM URL verdict's time go? Times each part on its own over
// the benchmark's URLs, with the same batch method as run.mjs, using the
// profiling build in bench/profile (the core plus small extra exports):
//
//   node bench/profile.mjs [--size 1M] [--urls 100000] [--batch 100] [--passes 3]
//
// Needs bench/data from run.mjs (the domains, URLs and bundle of that size).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readUrls } from './lib/gen.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = { size: '1M', urls: '100000', batch: '100', passes: '3' };
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--rebuild') opt.rebuild = true;
  else opt[argv[i].replace(/^--/, '')] = argv[++i];
}
const batch = Number(opt.batch);
const passes = Number(opt.passes);

// ---- build the profiling package --------------------------------------------
const profDir = join(here, 'profile');
const pkg = join(profDir, 'pkg');
const target = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(profDir, 'target');
if (opt.rebuild || !existsSync(join(pkg, 'prof.js'))) {
  const run = (cmd, args) => {
    const r = spawnSync(cmd, args, { cwd: profDir, stdio: 'inherit', env: { ...process.env, CARGO_TARGET_DIR: target } });
    if (r.status !== 0) throw new Error(`${cmd} failed`);
  };
  run('cargo', ['build', '--release', '-q', '--target', 'wasm32-unknown-unknown']);
  run('wasm-bindgen', ['--target', 'nodejs', '--out-dir', pkg, '--out-name', 'prof',
    join(target, 'wasm32-unknown-unknown/release/lachan_bench_profile.wasm')]);
  writeFileSync(join(pkg, 'package.json'), '{ "type": "commonjs" }\n');
}
let instance = null;
const Original = WebAssembly.Instance;
WebAssembly.Instance = function (m, i) {
  instance = new Original(m, i);
  return instance;
};
const { Prof } = require(join(pkg, 'prof.js'));
WebAssembly.Instance = Original;

// ---- data ---------------------------------------------------------------------
const bundleFile = opt.bundle ?? join(here, 'data', `lachan-${opt.size}.lcb`);
const urlsFile = join(here, 'data', `urls-${opt.size}-${opt.urls}.tsv`);
if (!existsSync(bundleFile) || !existsSync(urlsFile)) {
  throw new Error(`run \`node bench/run.mjs --sizes ${opt.size} --urls ${opt.urls}\` first (needs ${bundleFile}, ${urlsFile})`);
}
const rows = readUrls(urlsFile);
const urls = rows.map((r) => r.url);
const bytes = readFileSync(bundleFile);

// ---- open ---------------------------------------------------------------------
const now = () => process.hrtime.bigint();
const ms = (a, b) => Number(b - a) / 1e6;
function median(f, n = 9) {
  const xs = [];
  for (let i = 0; i < n; i++) xs.push(f());
  xs.sort((a, b) => a - b);
  return xs[n >> 1];
}
const mem0 = instance.exports.memory.buffer.byteLength;
const openBorrowed = median(() => {
  const a = now();
  const p = Prof.open(bytes);
  const b = now();
  p.free();
  return ms(a, b);
});
const openOwned = median(() => {
  const a = now();
  const p = Prof.openOwned(bytes);
  const b = now();
  p.free();
  return ms(a, b);
});
const engineOnly = median(() => {
  const a = now();
  Prof.engineOnly(bytes);
  return ms(a, now());
});
const copyOnly = median(() => {
  const a = now();
  const c = new Uint8Array(bytes.length);
  c.set(bytes);
  return ms(a, now());
});
const p = Prof.open(bytes);

// ---- agreement of the prototypes with the engine --------------------------------
const ptr = p.scratchPtr();
let u8 = new Uint8Array(instance.exports.memory.buffer);
function scratch(url) {
  if (u8.byteLength === 0) u8 = new Uint8Array(instance.exports.memory.buffer); // grown: view detached
  const n = url.length;
  if (n > 8192) return p.checkCode(url);
  for (let i = 0; i < n; i++) {
    const c = url.charCodeAt(i);
    if (c > 127) return p.checkCode(url); // non-ASCII: let the glue encode it
    u8[ptr + i] = c;
  }
  return p.checkScratch(n);
}
const NEED_FULL = 0xffffffff;
/** Copies only scheme + authority; the full URL crosses only when needed. */
function authority(url) {
  if (u8.byteLength === 0) u8 = new Uint8Array(instance.exports.memory.buffer); // grown: view detached
  const s = url.indexOf('://');
  const n = url.length;
  if (s < 0 || n > 8192) return p.checkCode(url);
  let j = 0;
  for (; j < n; j++) {
    const c = url.charCodeAt(j);
    if (j > s + 2 && (c === 47 || c === 63 || c === 35)) break;
    if (c > 127) return p.checkCode(url);
    u8[ptr + j] = c;
  }
  const r = p.checkAuthority(j);
  return r === NEED_FULL ? p.checkCode(url) : r;
}
let disagree = { fastCode: 0, scratch: 0, truth: 0 };
for (const r of rows) {
  const ref = p.checkCode(r.url);
  if (((ref & 3) === 2) !== r.listed) disagree.truth++;
  if (p.fastCode(r.url) !== ref) disagree.fastCode++;
  if (scratch(r.url) !== ref) disagree.scratch++;
}

// ---- timing -----------------------------------------------------------------------
function time(f, list = urls) {
  const samples = [];
  let acc = 0;
  for (let pass = 0; pass < passes + 1; pass++) {
    for (let i = 0; i < list.length; i += batch) {
      const end = Math.min(list.length, i + batch);
      const a = now();
      for (let j = i; j < end; j++) acc += f(list[j]);
      const b = now();
      if (pass > 0) samples.push(Number(b - a) / (end - i)); // pass 0 warms up
    }
  }
  samples.sort((x, y) => x - y);
  const q = (x) => samples[Math.min(samples.length - 1, Math.round(x * (samples.length - 1)))];
  return { p50: q(0.5), p99: q(0.99), mean: samples.reduce((s, x) => s + x, 0) / samples.length, acc };
}
const filterBits = Number(opt.bits ?? 8);
const filterK = Number(opt.k ?? 3);
const filterBytes = p.buildFilter(filterBits, filterK);
let filterPass = 0;
for (const r of rows) {
  const ref = p.checkCode(r.url);
  if (p.filteredCode(r.url) !== ref) disagree.filtered = (disagree.filtered ?? 0) + 1;
  if (authority(r.url) !== ref) disagree.authority = (disagree.authority ?? 0) + 1;
  if (!r.listed && p.filterOnly(r.url) === 1) filterPass++;
}
// JS-side pre-filter: hash the host in JS and probe the filter's words in
// WASM memory; only a possible hit (or a host JS does not handle) crosses.
const f32Bytes = p.buildFilter32(filterBits);
const f32Ptr = p.filter32Ptr();
const f32Len = p.filter32Len();
let f32 = new Int32Array(instance.exports.memory.buffer, f32Ptr, f32Len);
/** 0: not listed; 1: may be listed; 2: not a plain http(s) host, ask WASM. */
function jsMayMatch(url) {
  let start;
  if (url.startsWith('https://')) start = 8;
  else if (url.startsWith('http://')) start = 7;
  else return 2;
  const n = url.length;
  let end = n;
  let hostEnd = -1;
  for (let i = start; i < n; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35 || c === 92) { end = i; break; } // / ? # \
    if (c === 58) { if (hostEnd < 0) hostEnd = i; continue; } // :port
    if (c === 64 || c === 37 || c > 122 || c < 45) return 2; // @ % non-ASCII, spaces…
  }
  if (hostEnd < 0) hostEnd = end;
  while (hostEnd > start && url.charCodeAt(hostEnd - 1) === 46) hostEnd--;
  if (hostEnd === start) return 2;
  const last = url.charCodeAt(hostEnd - 1);
  if (last >= 48 && last <= 57) return 2; // numeric last label: IPv4 forms
  if (f32.length === 0) f32 = new Int32Array(instance.exports.memory.buffer, f32Ptr, f32Len); // grown: detached
  let h = 0x811c9dc5 | 0;
  let dot = false;
  for (let i = hostEnd - 1; i >= start; i--) {
    let c = url.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32;
    else if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 46 || c === 95)) return 2;
    h = Math.imul(h ^ c, 0x01000193);
    if (i === start || url.charCodeAt(i - 1) === 46) {
      if (dot) {
        let x = h;
        x ^= x >>> 16; x = Math.imul(x, 0x85ebca6b); x ^= x >>> 13; x = Math.imul(x, 0xc2b2ae35); x ^= x >>> 16;
        x >>>= 0;
        const idx = Math.floor((x * f32Len) / 4294967296);
        const y = Math.imul(x, 0x9e3779b1) >>> 0;
        const bits = (1 << (y >>> 27)) | (1 << ((y >>> 22) & 31)) | (1 << ((y >>> 17) & 31));
        if ((f32[idx] & bits) === bits) return 1;
      }
    }
    if (c === 46) dot = true;
  }
  return 0;
}
const jsFront = (url) => (jsMayMatch(url) === 0 ? 0 : p.checkCode(url));
let jsPass = 0;
for (const r of rows) {
  if (jsFront(r.url) !== p.checkCode(r.url)) disagree.jsFront = (disagree.jsFront ?? 0) + 1;
  if (!r.listed && jsMayMatch(r.url) !== 0) jsPass++;
}
// Expression rules: a literal pre-check (the words every match of the UT1
// expressions must contain) in front of the regexes.
// The data mirror: $LACHAN_MIRROR, or ../shared/data beside the repository.
const mirror = process.env.LACHAN_MIRROR ?? resolve(here, '../../shared/data');
const exprFile = opt.expressions ?? resolve(mirror, 'blocklists/ut1/adult/very_restrictive_expression');
let literalWords = [];
if (existsSync(exprFile)) {
  // Words of each expression's required alternation group: for UT1's two
  // rules, the whole first rule and the middle group of the second.
  for (const line of readFileSync(exprFile, 'utf8').split('\n').filter((l) => l.trim())) {
    const groups = [...line.matchAll(/\(([a-z|?]+)\)(?!\?)/g)].map((m) => m[1]);
    const required = groups.sort((a, b) => b.length - a.length)[0] ?? '';
    // Cut each word at its first optional character ("topp?les" → "top").
    literalWords.push(...required.split('|').map((w) => w.replace(/.\?.*$/, '')));
  }
}
p.setLiterals(literalWords.join('\n'));
let literalHits = 0;
for (const r of rows) if (p.literalScan(r.url)) literalHits++;
const listed = rows.filter((r) => r.listed).map((r) => r.url);
const unlisted = rows.filter((r) => !r.listed).map((r) => r.url);
const enc = new TextEncoder();
const parts = [
  ['JS loop only (timer + loop floor)', () => 0],
  ['JS→WASM call, number arg (noopNum)', (u) => p.noopNum(u.length)],
  ['JS→WASM call, string arg (noopStr)', (u) => p.noopStr(u)],
  ['TextEncoder.encode (JS alone)', (u) => enc.encode(u).length],
  ['+ allocation-free host slice (hostOnly)', (u) => p.hostOnly(u)],
  ['+ host slice + raw FST walk (hostWalk)', (u) => p.hostWalk(u)],
  ['+ ParsedUrl::parse (parse)', (u) => p.parse(u)],
  ['engine check_code (checkCode) = today', (u) => p.checkCode(u)],
  ['proposed: fast negative path (fastCode)', (u) => p.fastCode(u)],
  ['proposed: fast path + scratch buffer, no string glue', scratch],
  [`+ pre-filter alone on the host (${filterBits} bits/key, k=${filterK})`, (u) => p.filterOnly(u)],
  ['proposed: host → pre-filter → FST → full (filteredCode)', (u) => p.filteredCode(u)],
  ['proposed: authority-only copy + pre-filter + FST', authority],
  ['proposed: JS-side pre-filter probe alone (no WASM call)', jsMayMatch],
  [`expressions: literal pre-check alone (${literalWords.length} words)`, (u) => p.literalScan(u)],
  ['proposed: JS pre-filter, then checkCode on a maybe', jsFront],
];
const out = [];
for (const [name, f] of parts) {
  const all = time(f);
  const neg = time(f, unlisted);
  const pos = time(f, listed);
  out.push({ name, all, neg, pos });
}
// Batched: one crossing per 100 URLs (pre-joined outside the timing).
const joined = [];
for (let i = 0; i < urls.length; i += batch) joined.push(urls.slice(i, i + batch).join('\n'));
{
  const samples = [];
  for (let pass = 0; pass < passes + 1; pass++) {
    for (const j of joined) {
      const a = now();
      p.checkMany(j);
      const b = now();
      if (pass > 0) samples.push(Number(b - a) / batch);
    }
  }
  samples.sort((x, y) => x - y);
  const q = (x) => samples[Math.round(x * (samples.length - 1))];
  out.push({ name: 'proposed: checkMany, 100 URLs per call', all: { p50: q(0.5), p99: q(0.99) } });
}

const f = (ns) => (ns == null ? '     -' : (ns / 1e3).toFixed(3).padStart(6));
console.log(`profile: ${bundleFile} (${(bytes.length / 1e6).toFixed(2)} MB), ${urls.length} URLs, ` +
  `batches of ${batch}, ${passes} passes; per-URL µs`);
console.log(`agreement with check_code (URLs that differ): ${JSON.stringify(disagree)} (truth = check_code vs ground truth)`);
console.log(`pre-filter: ${filterBits} bits/key, k=${filterK}: ${filterBytes} bytes = ${(filterBytes * 8 / 1e6).toFixed(2)}` +
  ` Mbit, ${(filterBytes / bytes.length * 100).toFixed(1)}% of the bundle; unlisted URLs it lets through: ` +
  `${(filterPass / rows.filter((r) => !r.listed).length * 100).toFixed(1)}%; 32-bit-word version for JS: ` +
  `${f32Bytes} bytes, lets through ${(jsPass / rows.filter((r) => !r.listed).length * 100).toFixed(1)}%`);
console.log(`expressions: literal pre-check over ${exprFile}: ${literalWords.length} words; URLs that still need ` +
  `the regexes: ${literalHits} of ${rows.length} (${(literalHits / rows.length * 100).toFixed(2)}%)`);
console.log(`${'part'.padEnd(52)}  all p50  all p99  unlisted p50  listed p50`);
for (const r of out) {
  console.log(`${r.name.padEnd(52)} ${f(r.all.p50)}   ${f(r.all.p99)}   ${f(r.neg?.p50)}       ${f(r.pos?.p50)}`);
}
console.log(`open (median of 9): facade way (&[u8] + to_vec) ${openBorrowed.toFixed(3)} ms; by value (Vec<u8>) ` +
  `${openOwned.toFixed(3)} ms; Engine::from_bytes alone incl. glue copy ${engineOnly.toFixed(3)} ms; ` +
  `JS memcpy of the bytes ${copyOnly.toFixed(3)} ms`);
console.log(`WASM memory: ${(mem0 / 1e6).toFixed(2)} MB at start, ${(instance.exports.memory.buffer.byteLength / 1e6).toFixed(2)} MB now ` +
  '(after repeated opens)');
