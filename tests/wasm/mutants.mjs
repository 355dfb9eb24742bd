// The seeded mutation test through the WASM build (the native one is
// tests/rust/mutants.rs): a small bundle with every section
// (tests/fixtures/mutants, built by `lachan build`), damaged thousands of
// ways, some mutants resealed (the bundle checksum recomputed, for a share
// also the sections' own), each opened, used (URLs in every band, texts,
// image hashes, policies, the export) and verified in WASM.
//
// Counted: typed errors at open and at verify, mutants that verify with the
// original's behaviour, resealed mutants that verify as a bundle of other
// content (the native build must accept them too: `lachan verify`), traps
// (panics), and accepted-corrupt mutants (verified, not resealed, and
// behaving differently; or verified in WASM but refused natively). Exits 1
// on any trap or accepted-corrupt mutant.
//
// Usage: node tests/wasm/mutants.mjs <pkg dir (wasm-bindgen --target nodejs)> <bundle> [lachan binary]
import { readFileSync, writeFileSync, rmSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const [pkgDir, bundlePath, lachanBin = 'target/release/lachan'] = process.argv.slice(2);
if (!pkgDir || !bundlePath) {
  console.error('usage: node tests/wasm/mutants.mjs PKG_DIR BUNDLE [LACHAN_BIN]');
  process.exit(2);
}
const MUTANTS = Number(process.env.MUTANTS ?? 40000);
const require = createRequire(import.meta.url);
const wasm = require(path.resolve(pkgDir, 'lachan.js'));
if (typeof wasm.__wbg_reset_state !== 'function') {
  console.error('the glue has no __wbg_reset_state: run wasm-bindgen with --experimental-reset-state-function');
  process.exit(2);
}

// splitmix64, as in the native test.
let state = 0x4c41_4348_414e_0002n;
const M64 = (1n << 64n) - 1n;
function next() {
  state = (state + 0x9E3779B97F4A7C15n) & M64;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & M64;
  z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & M64;
  return z ^ (z >> 31n);
}
const below = (n) => Number(next() % BigInt(Math.max(1, n)));

const u32 = (b, at) => (at + 4 <= b.length ? new DataView(b.buffer, b.byteOffset).getUint32(at, true) : 0);
const u64 = (b, at) => (at + 8 <= b.length ? new DataView(b.buffer, b.byteOffset).getBigUint64(at, true) : 0n);
const setU32 = (b, at, v) => new DataView(b.buffer, b.byteOffset).setUint32(at, v >>> 0, true);
const setU64 = (b, at, v) => new DataView(b.buffer, b.byteOffset).setBigUint64(at, BigInt.asUintN(64, v), true);

/** The section table as written: {at, tag, off, len}. */
function table(b) {
  const out = [];
  const count = Math.min(u32(b, 12), 64);
  for (let i = 0; i < count; i++) {
    const at = 32 + i * 24;
    if (at + 24 > b.length) break;
    out.push({ at, tag: String.fromCharCode(...b.subarray(at, at + 4)), off: Number(u64(b, at + 8)), len: Number(u64(b, at + 16)) });
  }
  return out;
}

/** LCB64 (crate/core bundle.rs) over `b`. */
function lcb64(b) {
  const P1 = 0x9E3779B97F4A7C15n, P2 = 0xC2B2AE3D27D4EB4Fn;
  const rotl = (x, r) => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & M64;
  let h = P2 ^ ((BigInt(b.length) * P1) & M64);
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  const full = b.length - (b.length % 8);
  for (let i = 0; i < full; i += 8) {
    h = (rotl(h ^ ((dv.getBigUint64(i, true) * P1) & M64), 29) * P2) & M64;
  }
  const tail = new Uint8Array(8);
  tail.set(b.subarray(full));
  h = (rotl(h ^ ((new DataView(tail.buffer).getBigUint64(0, true) * P1) & M64), 29) * P2) & M64;
  h ^= h >> 32n;
  return ((h * P1) & M64) ^ (h >> 29n);
}

function reseal(b) {
  if (b.length < 32) return;
  b.fill(0, 16, 24);
  setU64(b, 16, lcb64(b));
}

function crc32cMasked(data) {
  let crc = ~0 >>> 0;
  for (const x of data) {
    crc ^= x;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  const sum = ~crc >>> 0;
  return (((sum >>> 15) | (sum << 17)) + 0xa282ead8) >>> 0;
}

function fnv1a(data) {
  let h = 0xcbf29ce484222325n;
  for (const x of data) h = ((h ^ BigInt(x)) * 0x100000001b3n) & M64;
  return h;
}

function pdqChecksum(data) {
  const K = 0x9E3779B97F4A7C15n;
  const rotl = (x, r) => ((x << BigInt(r)) | (x >> BigInt(64 - r))) & M64;
  let h = 0x6C61636861_6E7064n ^ BigInt(data.length);
  const dv = new DataView(data.buffer, data.byteOffset, data.length);
  const full = data.length - (data.length % 8);
  for (let i = 0; i < full; i += 8) h = rotl(((h ^ dv.getBigUint64(i, true)) * K) & M64, 29);
  const tail = new Uint8Array(8);
  tail.set(data.subarray(full));
  h = ((h ^ new DataView(tail.buffer).getBigUint64(0, true)) * K) & M64;
  h ^= h >> 32n;
  return Number(h & 0xffffffffn);
}

/** The sections' own checksums, then the bundle's. */
function resealDeep(b) {
  if (b.length >= 32) setU64(b, 24, BigInt(b.length));
  for (const { tag, off, len } of table(b)) {
    if (off + len > b.length) continue;
    const s = b.subarray(off, off + len);
    const n = s.length;
    if (tag === 'HFST' && n >= 36) setU32(s, n - 4, crc32cMasked(s.subarray(0, n - 4)));
    if (tag === 'PHRS' && n >= 16) setU64(s, n - 8, fnv1a(s.subarray(0, n - 8)));
    if (tag === 'PDQI' && n >= 32) setU32(s, 28, pdqChecksum(s.subarray(32)));
  }
  reseal(b);
}

/** One damaged copy of `orig` and what was done. */
function mutate(orig) {
  let b = Uint8Array.from(orig);
  const sections = table(b);
  const inSection = () => {
    const s = sections[below(sections.length)];
    return s && s.len > 0 && s.off + s.len <= b.length ? s.off + below(s.len) : below(b.length);
  };
  let kind;
  switch (below(8)) {
    case 0:
      for (let i = 0, n = 1 + below(3); i < n; i++) b[below(b.length)] ^= 1 << below(8);
      kind = 'bit flip';
      break;
    case 1:
      for (let i = 0, n = 1 + below(4); i < n; i++) { const at = below(b.length); b[at] = (b[at] + 1 + below(255)) & 255; }
      kind = 'byte change';
      break;
    case 2:
      b = b.slice(0, below(b.length));
      kind = 'truncation';
      break;
    case 3: {
      const extra = Uint8Array.from({ length: 1 + below(64) }, () => Number(next() & 255n));
      const c = new Uint8Array(b.length + extra.length);
      c.set(b);
      c.set(extra, b.length);
      b = c;
      kind = 'extension';
      break;
    }
    case 4: {
      const at = inSection();
      if (below(2) === 0) {
        const c = new Uint8Array(b.length + 1);
        c.set(b.subarray(0, at));
        c[at] = Number(next() & 255n);
        c.set(b.subarray(at), at + 1);
        b = c;
        kind = 'inserted byte';
      } else {
        const c = new Uint8Array(b.length - 1);
        c.set(b.subarray(0, at));
        c.set(b.subarray(at + 1), at);
        b = c;
        kind = 'deleted byte';
      }
      break;
    }
    case 5: {
      kind = 'section table';
      const s = sections[below(sections.length)];
      if (!s) { b[12] ^= 1; break; }
      switch (below(6)) {
        case 0: b[s.at + below(4)] ^= 1 << below(8); break;
        case 1: setU64(b, s.at + 8, BigInt(s.off) + 8n * BigInt(below(5)) - 16n); break;
        case 2: setU64(b, s.at + 16, BigInt(s.len) + BigInt(below(33)) - 16n); break;
        case 3: setU32(b, 12, below(2) === 0 ? u32(b, 12) - 1 : u32(b, 12) + 1); break;
        case 4: {
          const other = 32 + 24 * below(sections.length);
          const tmp = b.slice(s.at, s.at + 24);
          b.copyWithin(s.at, other, other + 24);
          b.set(tmp, other);
          break;
        }
        default: {
          const end = 32 + 24 * sections.length;
          b.copyWithin(s.at, s.at + 24, end);
          b.fill(0, end - 24, end);
          setU32(b, 12, Math.max(0, u32(b, 12) - 1));
        }
      }
      break;
    }
    default:
      for (let i = 0, n = 1 + below(3); i < n; i++) {
        const at = inSection();
        if (below(2) === 0) b[at] ^= 1 << below(8); else b[at] = Number(next() & 255n);
      }
      kind = 'inside a section';
  }
  return { b, kind };
}

const URLS = [
  'https://adult-one.example/', 'http://www.adult-one.example/x?y=1', 'https://good.adult-one.example/',
  'https://adult-two.example:8443/a', 'https://adult-three.example/', 'https://www.adult-three.example/page',
  'https://bücher.example/', 'https://a.sub.deep.adult-four.test/', 'http://198.51.100.7/', 'http://[2001:db8::7]/',
  'https://casino-one.example/', 'https://casino-two.example/', 'https://casino42.example/play',
  'https://news.example/bet-online/today', 'https://bet-99.test/', 'https://lottery.example.invalid/',
  'https://forum.example/adult/thread', 'https://forum.example/adulthood', 'https://video.example/watch/bad?x',
  'https://video.example/watch/good', 'https://pics.example/gallery/nsfw?id=1', 'https://social.example/',
  'https://chat.social.example/room', 'https://school.example/', 'https://unlisted.example/',
  'https://translate.google.com/translate?u=https://adult-two.example/', 'https://ADULT-ONE.example./', 'not a url',
];
const TEXTS = ['Nhà cái uy tín, cá cược bóng đá', 'NHA CAI kèo tỉ lệ hôm nay', 'Công an triệt phá đường dây cá cược', 'một ngày đẹp trời'];
const HASHES = [
  'd8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22',
  'd8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b23',
  'e64cc9d91e623842f8d1f1d9a398e78c9f199a3bd87924f2b7e11e0bf061b064',
  '0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff',
  '1111111111111111111111111111111111111111111111111111111111111111',
];
const BANDS = [undefined, 'under-6', '6-10', '11-14', '15-17'];
const PARENT = '{"age_band":"11-14","categories":{"social_networks":"allow","gambling":"warn"},"allow":["casino-two.example"],"block":["unlisted.example/x"]}';

class Trap extends Error {}

/** A call's answer as text; an engine error is an answer, a trap is not. */
function ask(f) {
  try {
    return String(f());
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || /recursive use|unsafe aliasing/.test(String(e?.message))) throw new Trap(String(e));
    return `E:${e?.message ?? e}`;
  }
}

function behaviour(engine) {
  const out = [];
  const run = () => {
    for (const url of URLS) {
      for (const [i, band] of BANDS.entries()) {
        out.push(ask(() => engine.check(url, band)));
        out.push(ask(() => engine.checkCode(url, i === 0 ? 255 : i - 1)));
      }
    }
    for (const text of TEXTS) for (const band of BANDS) out.push(ask(() => engine.checkText(text, band)));
    for (const h of HASHES) out.push(ask(() => engine.checkImageHash(h)));
  };
  run();
  out.push(ask(() => engine.validatePolicy('parent', PARENT)));
  out.push(ask(() => engine.defaultTable()));
  out.push(ask(() => engine.setPolicy(PARENT, undefined)));
  out.push(ask(() => engine.policyBand()));
  run();
  out.push(ask(() => engine.setPolicy(undefined, undefined)));
  out.push(ask(() => engine.info()));
  out.push(ask(() => engine.categories()));
  out.push(ask(() => engine.exportRules()));
  out.push(ask(() => engine.imageHashCount()));
  return out;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'lachan-wasm-mutants-'));
/** Whether the native build accepts these bytes (open + verify). */
function nativeVerifies(bytes) {
  const f = path.join(tmp, 'm.lcb');
  writeFileSync(f, bytes);
  try {
    execFileSync(lachanBin, ['verify', f], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const orig = new Uint8Array(readFileSync(bundlePath));
const base = wasm.Engine.open(orig);
base.verify();
const original = behaviour(base);
if (base.imageHashCount() !== 3) throw new Error('the fixture bundle should hold 3 image hashes');
base.free();

const counts = { errorAtOpen: 0, errorAtVerify: 0, same: 0, otherContent: 0, panics: 0, acceptedCorrupt: 0 };
const byKind = {};
const examples = [];
const t0 = performance.now();
for (let i = 0; i < MUTANTS; i++) {
  let { b, kind } = mutate(orig);
  if (b.length === orig.length && b.every((x, k) => x === orig[k])) { const c = new Uint8Array(b.length + 1); c.set(b); b = c; }
  const r = below(10);
  const seal = r <= 2 ? 'none' : r <= 6 ? 'outer' : 'deep';
  if (seal === 'outer') reseal(b);
  if (seal === 'deep') resealDeep(b);
  byKind[kind] = (byKind[kind] ?? 0) + 1;
  let engine = null;
  try {
    try {
      engine = wasm.Engine.open(b);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) throw new Trap(String(e));
      counts.errorAtOpen++;
      continue;
    }
    const seen = behaviour(engine);
    if (ask(() => engine.verify()) !== 'undefined') {
      counts.errorAtVerify++;
      continue;
    }
    if (seen.length === original.length && seen.every((x, k) => x === original[k])) {
      counts.same++;
    } else if (seal === 'none') {
      counts.acceptedCorrupt++;
      if (examples.length < 10) examples.push(`mutant ${i} (${kind}, ${seal}): verified unsealed and behaves differently`);
    } else if (!nativeVerifies(b)) {
      counts.acceptedCorrupt++;
      if (examples.length < 10) examples.push(`mutant ${i} (${kind}, ${seal}): verified in WASM, refused natively`);
    } else {
      counts.otherContent++;
    }
  } catch (e) {
    if (!(e instanceof Trap)) throw e;
    counts.panics++;
    if (examples.length < 10) examples.push(`mutant ${i} (${kind}, ${seal}): trapped: ${e.message}`);
    wasm.__wbg_reset_state();
    engine = null;
  } finally {
    try { engine?.free(); } catch { /* a stale object after a reset */ }
  }
}
rmSync(tmp, { recursive: true, force: true });
const secs = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`wasm mutants: ${MUTANTS} of a ${orig.length} byte bundle in ${secs} s: ${JSON.stringify(counts)}`);
console.log(`  by kind ${JSON.stringify(byKind)}`);
for (const e of examples) console.log(`  ${e}`);
const ok = counts.panics === 0 && counts.acceptedCorrupt === 0 && counts.errorAtOpen > MUTANTS / 4 && counts.errorAtVerify > 0;
process.exit(ok ? 0 : 1);
