// One engine, one list size, in a process of its own (clean memory figures,
// and uBO's engine is a singleton). Started by run.mjs; prints one JSON line.
//
//   node --expose-gc worker.mjs build ENGINE LABEL     build + serialize a peer
//   node --expose-gc worker.mjs load ENGINE LABEL      open, agree, time
import { writeFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PEERS, lachanEngine, lachanBufEngine } from './lib/engines.mjs';
import { readDomains, readUrls } from './lib/gen.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const [mode, engineName, label, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];
const dataDir = opt.data ?? join(here, 'data');
const pkgDir = opt.pkg ?? join(here, 'pkg');
const batch = Number(opt.batch ?? 100);
const passes = Number(opt.passes ?? 3);

const engines = [...PEERS, lachanEngine(pkgDir), lachanBufEngine(pkgDir)];
const engine = engines.find((e) => e.name === engineName);
if (!engine) throw new Error(`unknown engine ${engineName}`);

const gc = () => {
  if (global.gc) {
    global.gc();
    global.gc();
  }
};
const mem = () => {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss };
};
const memDelta = (a, b) => Object.fromEntries(Object.keys(a).map((k) => [k, b[k] - a[k]]));
const now = () => process.hrtime.bigint();
const ms = (t0, t1) => Number(t1 - t0) / 1e6;
const serFile = (name) => join(dataDir, `ser-${name}-${label}.bin`);

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i];
}

/**
 * Per-URL ns over a stream of URLs, timed in batches of `batch` consecutive
 * URLs (one hrtime pair per batch, so the timer costs ~1% of a 0.3 µs
 * lookup). Each batch is timed on every pass and keeps its median over the
 * passes (a batch that another process preempted once does not count as slow);
 * p50/p99 are over the batches. `raw99` keeps the p99 of every single timing.
 */
function timeUrls(check, urls, nPasses) {
  const nb = Math.ceil(urls.length / batch);
  const per = Array.from({ length: nb }, () => []);
  const all = [];
  let hits = 0;
  for (let p = 0; p < nPasses; p++) {
    for (let b = 0, i = 0; i < urls.length; b++, i += batch) {
      const end = Math.min(urls.length, i + batch);
      const t0 = now();
      for (let j = i; j < end; j++) if (check(urls[j])) hits++;
      const t1 = now();
      const x = Number(t1 - t0) / (end - i);
      per[b].push(x);
      all.push(x);
    }
  }
  const samples = per.map((xs) => xs.sort((a, b) => a - b)[(xs.length - 1) >> 1]).sort((a, b) => a - b);
  all.sort((a, b) => a - b);
  const mean = all.reduce((s, x) => s + x, 0) / all.length;
  return { p50: quantile(samples, 0.5), p99: quantile(samples, 0.99), raw99: quantile(all, 0.99),
    max: all[all.length - 1], mean, hits };
}

/**
 * Per single URL: each of up to `n` URLs is checked `reps` times back to back
 * and the loop's own cost (measured with a no-op check) is taken off; gives
 * the spread between URLs (long hosts, hits with many parents), cache-warm.
 */
function timeEach(check, urls, n = 20000, reps = 10) {
  const step = Math.max(1, Math.floor(urls.length / n));
  const pick = [];
  for (let i = 0; i < urls.length && pick.length < n; i += step) pick.push(urls[i]);
  const run = (f) => {
    const xs = new Float64Array(pick.length);
    for (let i = 0; i < pick.length; i++) {
      const u = pick[i];
      const t0 = now();
      for (let r = 0; r < reps; r++) f(u);
      xs[i] = Number(now() - t0) / reps;
    }
    return xs.sort();
  };
  const noop = (u) => u.length === 0;
  run(noop);
  const floor = quantile(run(noop), 0.5);
  run(check);
  const xs = run(check);
  return { p50: quantile(xs, 0.5) - floor, p99: quantile(xs, 0.99) - floor, p999: quantile(xs, 0.999) - floor, floor, n: pick.length, reps };
}

async function build() {
  const domains = readDomains(join(dataDir, `domains-${label}.txt`));
  gc();
  const m0 = mem();
  const t0 = now();
  const { bytes } = await engine.build(domains);
  const t1 = now();
  gc();
  const m1 = mem();
  writeFileSync(serFile(engine.name), bytes);
  return { buildMs: ms(t0, t1), bytes: bytes.length, domains: domains.length, buildMem: memDelta(m0, m1) };
}

async function load() {
  const urlsFile = opt.urls ?? join(dataDir, `urls-${label}.tsv`);
  const rows = readUrls(urlsFile);
  const urls = rows.map((r) => r.url);
  const file = opt.bundle ?? serFile(engine.name);

  const ti0 = now();
  const ctx = engine.prepare ? await engine.prepare() : undefined;
  const ti1 = now();

  gc();
  const m0 = mem();
  let bytes = readFileSync(file);
  const size = bytes.length;
  const wasm0 = engine.wasmMemory ? engine.wasmMemory(ctx) : undefined;
  const t0 = now();
  let handle = await engine.load(bytes, ctx);
  const t1 = now();
  bytes = null;
  gc();
  const m1 = mem();
  const out = {
    size,
    initMs: ms(ti0, ti1),
    openMs: ms(t0, t1),
    mem: memDelta(m0, m1),
  };
  if (engine.wasmMemory) {
    out.wasmMemBefore = wasm0;
    out.wasmMem = engine.wasmMemory(ctx);
    // Open again a few times: the first open pays for growing WASM memory.
    const again = [];
    const raw = readFileSync(file);
    for (let i = 0; i < 15; i++) {
      const a = now();
      const e = await engine.load(raw, ctx);
      const b = now();
      again.push(ms(a, b));
      e.free();
    }
    again.sort((a, b) => a - b);
    out.openWarmMs = again[Math.floor(again.length / 2)];
    out.wasmMemAfterReopen = engine.wasmMemory(ctx);
    try {
      const info = JSON.parse(handle.info());
      out.keys = info.keys;
      out.fstBytes = info.fst_size;
    } catch {
      // older facades: no info()
    }
    const tv0 = now();
    try {
      handle.verify();
      out.verifyMs = ms(tv0, now());
    } catch (e) {
      out.verifyError = String(e);
    }
  }

  let check = engine.check(handle);
  const probe = rows.find((r) => r.listed);
  if (opt['no-truth'] === undefined && probe && !check(probe.url) && engine.build) {
    // adblock-rs 0.13 cannot read back its own serialization of 1M filters
    // (its deserialize() fails silently): rebuild from the list instead.
    out.openNote = 'deserialize() failed silently (engine empty); rebuilt from the list, open time n/a';
    out.openMs = NaN;
    out.mem = null;
    const domains = readDomains(join(dataDir, `domains-${label}.txt`));
    handle = (await engine.build(domains)).handle;
    check = engine.check(handle);
  }
  if (opt['no-truth'] === undefined) {
    // Agreement with the ground truth on every URL (also the JIT warm-up).
    let fp = 0;
    let fn = 0;
    const examples = [];
    const byKind = {};
    for (const r of rows) {
      const got = check(r.url);
      if (got !== r.listed) {
        if (got) fp++;
        else fn++;
        byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
        if (examples.length < 6) examples.push(`${r.url} expected ${r.listed ? 'block' : 'allow'} (${r.kind})`);
      }
    }
    out.agree = { urls: rows.length, falsePositives: fp, falseNegatives: fn, byKind, examples };
    if (engine.name.startsWith('lachan')) {
      // The full verdict path (JSON) on a sample must say the same.
      let bad = 0;
      for (const r of rows.slice(0, 2000)) {
        const v = JSON.parse(handle.check(r.url));
        if ((v.action === 'block') !== r.listed) bad++;
      }
      out.agree.fullVerdictDisagreements = bad;
    }
  } else {
    for (const u of urls) check(u); // warm-up
  }

  // Shuffled order, the same for every engine (rows are already mixed).
  out.all = timeUrls(check, urls, passes);
  out.listed = timeUrls(check, rows.filter((r) => r.listed).map((r) => r.url), 1);
  out.unlisted = timeUrls(check, rows.filter((r) => !r.listed).map((r) => r.url), 1);
  out.each = timeEach(check, urls, Number(opt.each ?? 20000));
  return out;
}

const result = mode === 'build' ? await build() : await load();
process.stdout.write(JSON.stringify({ engine: engine.name, label, mode, ...result }) + '\n');
process.exit(0);
