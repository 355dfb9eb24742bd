// One adapter per engine. Every engine gets the same domains: peers as
// `||domain^` network filters matched with request type `script` (uBO does
// not block `main_frame` with `||domain^`), ours as a bundle built by
// crate/core/examples/build_plain.rs and opened in the WASM build.
//
// build(domains) -> { bytes: Uint8Array|string, meta? }   (timed by the caller)
// load(serialized) -> handle                              (timed by the caller)
// check(handle) -> (url) => boolean (true = blocked)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { hostOf } from './gen.mjs';

const require = createRequire(import.meta.url);
export const ORIGIN = 'https://origin.invalid/';

const filters = (domains) => domains.map((d) => `||${d}^`).join('\n');

const setEngine = {
  name: 'js-set',
  label: 'JS Set of hosts (parent walk)',
  async build(domains) {
    const s = new Set(domains);
    return { handle: s, bytes: Buffer.from(domains.join('\n') + '\n') };
  },
  async load(bytes) {
    const text = Buffer.from(bytes).toString('utf8');
    return new Set(text.split('\n').filter((l) => l));
  },
  check(set) {
    return (url) => {
      let h = hostOf(url);
      for (;;) {
        if (set.has(h)) return true;
        const i = h.indexOf('.');
        if (i < 0) return false;
        h = h.slice(i + 1);
      }
    };
  },
};

async function uboModule(wasm) {
  const ubo = await import('@gorhill/ubo-core');
  if (wasm) {
    const ok = await ubo.enableWASM();
    if (!ok) throw new Error('uBO enableWASM() failed');
  }
  return ubo;
}

const uboEngine = (wasm) => ({
  name: wasm ? 'ubo-wasm' : 'ubo',
  label: wasm ? 'uBO core 0.1.30 (WASM tries)' : 'uBO core 0.1.30 (JS)',
  async build(domains) {
    const { StaticNetFilteringEngine } = await uboModule(wasm);
    const snfe = await StaticNetFilteringEngine.create();
    await snfe.useLists([{ name: 'bench', raw: filters(domains) }]);
    const s = await snfe.serialize();
    return { handle: snfe, bytes: Buffer.from(s, 'utf8') };
  },
  async prepare() {
    // Module load, WASM tries and the public suffix list: one-time costs that
    // do not depend on the lists, so they are kept out of the open time.
    const { StaticNetFilteringEngine } = await uboModule(wasm);
    return StaticNetFilteringEngine.create();
  },
  async load(bytes, snfe) {
    await snfe.deserialize(Buffer.from(bytes).toString('utf8'));
    return snfe;
  },
  check(snfe) {
    return (url) => snfe.matchRequest({ originURL: ORIGIN, url, type: 'script' }) === 1;
  },
});

const GHOSTERY_CONFIG = {
  loadCosmeticFilters: false,
  loadNetworkFilters: true,
  // The result cache would turn the 2nd and 3rd timed pass into cache hits.
  enableInMemoryCache: false,
  enableOptimizations: true,
};

const ghosteryEngine = {
  name: 'ghostery',
  label: 'Ghostery adblocker 2.18.2',
  async build(domains) {
    const { FiltersEngine } = await import('@ghostery/adblocker');
    const e = FiltersEngine.parse(filters(domains), GHOSTERY_CONFIG);
    return { handle: e, bytes: e.serialize() };
  },
  async prepare() {
    return import('@ghostery/adblocker');
  },
  async load(bytes, mod) {
    return mod.FiltersEngine.deserialize(new Uint8Array(bytes));
  },
  check(e) {
    // Resolved once: the module is already loaded by prepare().
    const { Request } = require('@ghostery/adblocker');
    return (url) => e.match(Request.fromRawDetails({ url, sourceUrl: ORIGIN, type: 'script' })).match;
  },
};

function adblockRs() {
  return require('adblock-rs');
}

const braveEngine = {
  name: 'adblock-rs',
  label: 'Brave adblock-rs 0.13.3 (native addon)',
  optional: true,
  available() {
    try {
      adblockRs();
      return true;
    } catch {
      return false;
    }
  },
  async build(domains) {
    const { FilterSet, Engine } = adblockRs();
    const fs = new FilterSet(false);
    fs.addFilters(filters(domains));
    const e = new Engine(fs);
    return { handle: e, bytes: new Uint8Array(e.serialize()) };
  },
  async prepare() {
    const { FilterSet, Engine } = adblockRs();
    return new Engine(new FilterSet(false));
  },
  async load(bytes, e) {
    const u = new Uint8Array(bytes);
    e.deserialize(u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength));
    return e;
  },
  check(e) {
    return (url) => e.check(url, ORIGIN, 'script');
  },
};

/** Ours: the WASM build (bench/pkg, wasm-bindgen --target nodejs). */
let lachanInstance = null;
export function lachanPkg(pkgDir) {
  // The nodejs glue keeps its instance private; catch it as it is made so
  // that the benchmark can read the size of WASM memory.
  const Original = WebAssembly.Instance;
  WebAssembly.Instance = function (module, imports) {
    const inst = new Original(module, imports);
    lachanInstance ??= inst;
    return inst;
  };
  try {
    return require(`${pkgDir}/lachan.js`);
  } finally {
    WebAssembly.Instance = Original;
  }
}

export const lachanEngine = (pkgDir) => ({
  name: 'lachan',
  label: 'Lá Chắn (WASM, FST bundle)',
  async prepare() {
    return lachanPkg(pkgDir);
  },
  async load(bytes, pkg) {
    return pkg.Engine.open(bytes);
  },
  check(e) {
    return (url) => (e.checkCode(url, 255) & 3) === 2;
  },
  wasmMemory() {
    return lachanInstance?.exports.memory.buffer.byteLength;
  },
});

// The same engine and bundle, asked through the input buffer in WASM memory
// (lib/fastcheck.cjs: JS writes the URL bytes, no string crossing).
export const lachanBufEngine = (pkgDir) => ({
  ...lachanEngine(pkgDir),
  name: 'lachan-buf',
  label: 'Lá Chắn (WASM, URL written into WASM memory)',
  check(e) {
    const pkg = lachanPkg(pkgDir);
    if (!pkg.wasmMemory || !e.inputBuffer) return (url) => (e.checkCode(url, 255) & 3) === 2;
    const checkCode = require('./fastcheck.cjs').fastChecker(e, pkg.wasmMemory());
    return (url) => (checkCode(url, 255) & 3) === 2;
  },
});

export const PEERS = [setEngine, uboEngine(false), uboEngine(true), ghosteryEngine, braveEngine];

export function readBytes(file) {
  return readFileSync(file);
}
