#!/usr/bin/env node
// Lá Chắn URL-verdict benchmark: our WASM engine under Node side by side with
// uBO core and Ghostery (and Brave's adblock-rs when it is installed) on the
// same generated domain lists and URLs. Prints figures; asserts nothing.
//
//   node bench/run.mjs [--sizes 100k,1M] [--urls 100000] [--quick]
//                      [--engines lachan,lachan-buf,js-set,ubo,ubo-wasm,ghostery,adblock-rs]
//                      [--batch 100] [--passes 3] [--rebuild] [--wasm-opt] [--json FILE]
//                      [--real BUNDLE]   (default dist/lachan.lcb, when it exists)
//
// See bench/README.md for what is measured and how.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { ensureData } from './lib/gen.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const dataDir = join(here, 'data');
const pkgDir = join(here, 'pkg');

// ---- options ---------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = { sizes: '100k,1M', urls: '100000', batch: '100', passes: '3' };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--quick') {
    opt.sizes = '100k';
    opt.urls = '20000';
    opt.passes = '2';
  } else if (['--rebuild', '--wasm-opt', '--help', '-h'].includes(a)) {
    opt[a.replace(/^-+/, '')] = true;
  } else if (a.startsWith('--')) {
    opt[a.slice(2)] = argv[++i];
  } else {
    throw new Error(`unexpected argument ${a}`);
  }
}
if (opt.help || opt.h) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 11).join('\n'));
  process.exit(0);
}
const parseSize = (s) => {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(s.trim());
  if (!m) throw new Error(`bad size ${s} (use e.g. 100k or 1M)`);
  return Math.round(Number(m[1]) * ({ k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[2]] ?? 1));
};
const sizes = opt.sizes.split(',').map((s) => ({ label: s.trim(), n: parseSize(s) }));
const urlCount = parseSize(opt.urls);
const started = Date.now();

// ---- setup: npm packages, the example, the WASM package ---------------------
function sh(cmd, args, o = {}) {
  const r = spawnSync(cmd, args, { stdio: o.capture ? 'pipe' : 'inherit', encoding: 'utf8', ...o });
  if (r.status !== 0) {
    const out = o.capture ? `\n${r.stdout ?? ''}${r.stderr ?? ''}` : '';
    throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})${out}`);
  }
  return r.stdout;
}
const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (!existsSync(join(here, 'node_modules/@gorhill/ubo-core'))) {
  console.log('setup: npm ci in bench/ (adblock-rs is optional and compiles Rust, ~1.5 min)');
  sh('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: here,
    env: { ...process.env, RUSTUP_TOOLCHAIN: process.env.RUSTUP_TOOLCHAIN ?? 'stable' },
  });
}

const targetDir = process.env.CARGO_TARGET_DIR ? resolve(process.env.CARGO_TARGET_DIR) : join(root, 'target');
const buildPlain = join(targetDir, 'release/examples/build_plain');
console.log('setup: cargo build --release -p lachan-core --example build_plain');
sh('cargo', ['build', '--release', '-q', '-p', 'lachan-core', '--example', 'build_plain'], { cwd: root });

// The WASM build always goes to the workspace target (as the Makefile does).
const wasmFile = join(root, 'target/wasm32-unknown-unknown/release/lachan_wasm.wasm');
if (opt.rebuild || !existsSync(wasmFile)) {
  console.log('setup: cargo build --release -p lachan-wasm --target wasm32-unknown-unknown');
  sh('cargo', ['build', '--release', '-q', '-p', 'lachan-wasm', '--target', 'wasm32-unknown-unknown'], {
    cwd: root,
    env: { ...process.env, CARGO_TARGET_DIR: join(root, 'target') },
  });
}
const pkgJs = join(pkgDir, 'lachan.js');
if (opt.rebuild || !existsSync(pkgJs) || statSync(pkgJs).mtimeMs < statSync(wasmFile).mtimeMs) {
  console.log('setup: wasm-bindgen --target nodejs --out-dir bench/pkg');
  sh('wasm-bindgen', ['--target', 'nodejs', '--out-dir', pkgDir, '--out-name', 'lachan', wasmFile]);
  const bg = join(pkgDir, 'lachan_bg.wasm');
  if (opt['wasm-opt'] && have('wasm-opt')) {
    // Opt-in: Debian's binaryen 108 rewrites wasm-bindgen's externref table
    // into one Node rejects; the result is smoke-tested and dropped if so.
    console.log('setup: wasm-opt -O3 bench/pkg/lachan_bg.wasm');
    copyFileSync(bg, bg + '.unopt');
    sh('wasm-opt', ['-O3', '--enable-reference-types', '--enable-multivalue', '--enable-bulk-memory',
      '--enable-nontrapping-float-to-int', '--enable-sign-ext', '--enable-mutable-globals', bg + '.unopt', '-o', bg]);
    writeFileSync(join(pkgDir, 'package.json'), '{ "type": "commonjs" }\n');
    if (spawnSync(process.execPath, ['-e', `require(${JSON.stringify(pkgJs)})`], { stdio: 'ignore' }).status !== 0) {
      console.log('note: the wasm-opt output does not load in Node (old binaryen?); using the unoptimised .wasm');
      copyFileSync(bg + '.unopt', bg);
      rmSync(bg + '.unopt');
    }
  }
}
// bench/package.json says "type": "module"; the nodejs glue is CommonJS.
writeFileSync(join(pkgDir, 'package.json'), '{ "type": "commonjs" }\n');
const wasmSize = statSync(join(pkgDir, 'lachan_bg.wasm')).size;
const wasmGz = spawnSync('sh', ['-c', `gzip -9c '${join(pkgDir, 'lachan_bg.wasm')}' | wc -c`], { encoding: 'utf8' });

// ---- run -------------------------------------------------------------------
const available = (name) => {
  if (name !== 'adblock-rs') return true;
  return spawnSync(process.execPath, ['-e', "require('adblock-rs')"], { cwd: here, stdio: 'ignore' }).status === 0;
};
const wanted = (opt.engines ?? 'lachan,lachan-buf,js-set,ubo,ubo-wasm,ghostery,adblock-rs').split(',').map((s) => s.trim());
const engines = wanted.filter((e) => {
  if (available(e)) return true;
  console.log(`note: ${e} is not installed (optional; RUSTUP_TOOLCHAIN=stable npm install in bench/), skipped`);
  return false;
});

function worker(mode, engine, label, extra = []) {
  const args = ['--expose-gc', '--max-old-space-size=8192', join(here, 'worker.mjs'), mode, engine, label,
    '--batch', opt.batch, '--passes', opt.passes, '--data', dataDir, '--pkg', pkgDir, ...extra];
  const r = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', timeout: 8 * 60e3, maxBuffer: 1 << 26 });
  const line = (r.stdout ?? '').trim().split('\n').pop();
  if (r.status !== 0 || !line?.startsWith('{')) {
    console.log(`  ! ${engine} ${mode} ${label} failed (${r.status ?? r.signal}): ${(r.stderr ?? '').trim().slice(-800)}`);
    return null;
  }
  if (r.stderr?.trim()) process.stderr.write(r.stderr.split('\n').map((l) => `  [${engine}] ${l}`).join('\n') + '\n');
  return JSON.parse(line);
}

const results = { machine: {}, sizes: {}, real: null };
results.machine = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  wasmBytes: wasmSize,
  wasmGzipBytes: Number(wasmGz.stdout?.trim()),
  wasmOpt: existsSync(join(pkgDir, 'lachan_bg.wasm.unopt')),
};

for (const { label, n } of sizes) {
  console.log(`\n== ${label}: ${n} domains, ${urlCount} URLs ==`);
  const d = ensureData(dataDir, label, n, urlCount);
  console.log(d.reused ? `data: reusing ${d.dFile}` : `data: generated in ${(d.ms / 1e3).toFixed(1)} s`);
  const per = {};
  const bundle = join(dataDir, `lachan-${label}.lcb`);
  if (engines.includes('lachan')) {
    const out = sh(buildPlain, [d.dFile, bundle], { capture: true });
    const build = JSON.parse(out.trim().split('\n').pop());
    console.log(`lachan: build_plain ${build.build_s.toFixed(2)} s native, ${build.bytes} bytes`);
    const load = worker('load', 'lachan', label, ['--bundle', bundle, '--urls', d.uFile]);
    per.lachan = { build: { buildMs: build.build_s * 1e3, bytes: build.bytes, domains: build.domains }, load };
    if (engines.includes('lachan-buf')) {
      // Same bundle, asked through the input buffer in WASM memory.
      const loadBuf = worker('load', 'lachan-buf', label, ['--bundle', bundle, '--urls', d.uFile]);
      per['lachan-buf'] = { build: per.lachan.build, load: loadBuf };
    }
  }
  for (const e of engines.filter((x) => !x.startsWith('lachan'))) {
    process.stdout.write(`${e}: build… `);
    const build = worker('build', e, label);
    if (!build) continue;
    process.stdout.write(`${(build.buildMs / 1e3).toFixed(1)} s; load + verdicts… `);
    const load = worker('load', e, label, ['--urls', d.uFile]);
    console.log(load ? 'done' : 'failed');
    per[e] = { build, load };
  }
  results.sizes[label] = { n, urls: urlCount, per };
  printSize(label, n, per);
}

const real = opt.real ? resolve(opt.real) : join(root, 'dist/lachan.lcb');
if (engines.includes('lachan') && existsSync(real)) {
  const last = sizes[sizes.length - 1];
  const uFile = join(dataDir, `urls-${last.label}-${urlCount}.tsv`);
  const load = worker('load', 'lachan', 'real', ['--bundle', real, '--urls', uFile, '--no-truth', '1']);
  results.real = load;
  if (load) printReal(load, last.label);
  if (engines.includes('lachan-buf')) {
    const loadBuf = worker('load', 'lachan-buf', 'real', ['--bundle', real, '--urls', uFile, '--no-truth', '1']);
    results.realBuf = loadBuf;
    if (loadBuf) {
      console.log(`  through the input buffer (lachan-buf): p50 ${us(loadBuf.all.p50)} µs, p99 ${us(loadBuf.all.p99)} µs`);
    }
  }
} else {
  console.log('\n(no dist/lachan.lcb: build it with `cargo run --release --bin lachan -- build` for real-list figures)');
}

if (opt.json) writeFileSync(opt.json, JSON.stringify(results, null, 2));
console.log(`\nmachine: ${results.machine.cpus} vCPU ${results.machine.cpu}, Node ${process.version}; ` +
  `lachan .wasm ${(wasmSize / 1024).toFixed(0)} KB (${(results.machine.wasmGzipBytes / 1024).toFixed(0)} KB gzip` +
  `${results.machine.wasmOpt ? ', wasm-opt -O3' : ''}); total ${((Date.now() - started) / 1e3).toFixed(0)} s`);

// ---- printing --------------------------------------------------------------
function us(ns) {
  return Number.isFinite(ns) ? (ns / 1e3).toFixed(ns < 10e3 ? 3 : 1) : '-';
}
function mb(b) {
  return b == null ? '-' : (b / 1e6).toFixed(2);
}
function pad(s, w, left = false) {
  s = String(s);
  return left ? s.padEnd(w) : s.padStart(w);
}

function printSize(label, n, per) {
  const cols = [['engine', 10, true], ['agree', 9], ['p50 µs', 7], ['p99 µs', 7], ['mean', 7], ['listed', 7],
    ['unlist.', 7], ['1url50', 7], ['1url99', 7], ['build s', 7], ['ser. MB', 7], ['B/dom', 6], ['open ms', 8],
    ['mem MB', 7], ['wasm MB', 7]];
  console.log(`\n-- ${label} domains: per-URL time (batches of ${opt.batch}, ${opt.passes} passes), ` +
    'build, serialized size, open, memory --');
  console.log('   (p50/p99: per-URL time over batches; listed/unlist.: p50 on each half alone; 1url50/1url99: each URL ' +
    'timed alone ×10, loop cost taken off; see README)');
  console.log(cols.map(([h, w, l]) => pad(h, w, l)).join(' '));
  for (const [name, r] of Object.entries(per)) {
    const L = r.load;
    const a = L?.agree;
    const agree = a ? (a.falsePositives + a.falseNegatives === 0 ? 'all ok' : `${a.falsePositives}fp/${a.falseNegatives}fn`) : '-';
    const memB = L?.mem ? L.mem.heap + L.mem.external : null;
    const row = [name, agree, us(L?.all.p50), us(L?.all.p99), us(L?.all.mean), us(L?.listed.p50), us(L?.unlisted.p50),
      us(L?.each.p50), us(L?.each.p99),
      (r.build.buildMs / 1e3).toFixed(2), mb(r.build.bytes), (r.build.bytes / n).toFixed(2),
      L && Number.isFinite(L.openMs) ? (L.openWarmMs ?? L.openMs).toFixed((L.openWarmMs ?? L.openMs) < 10 ? 3 : 0) : 'n/a', mb(memB), L?.wasmMem ? mb(L.wasmMem) : ''];
    console.log(row.map((v, i) => pad(v, cols[i][1], cols[i][2])).join(' '));
  }
  for (const [name, r] of Object.entries(per)) {
    const a = r.load?.agree;
    if (a && a.falsePositives + a.falseNegatives > 0) {
      console.log(`  disagreements ${name}: ${JSON.stringify(a.byKind)}; e.g. ${a.examples.slice(0, 3).join(' | ')}`);
    }
    if (r.load?.openNote) console.log(`  ${name}: ${r.load.openNote}`);
    if (a?.fullVerdictDisagreements) console.log(`  ${name}: full-verdict (JSON) disagreements ${a.fullVerdictDisagreements}`);
  }
  const ours = per.lachan?.load;
  if (ours) {
    console.log(`  lachan open: first ${ours.openMs.toFixed(3)} ms, warm median ${ours.openWarmMs?.toFixed(3)} ms; ` +
      `verify (checksum) ${ours.verifyMs?.toFixed(2)} ms; WASM memory ${mb(ours.wasmMemBefore)} → ${mb(ours.wasmMem)} MB ` +
      `after open (bundle ${mb(ours.size)} MB); module load ${ours.initMs.toFixed(1)} ms`);
    for (const oursName of ['lachan', 'lachan-buf']) {
      const o = per[oursName]?.load;
      if (!o) continue;
      for (const [name, r] of Object.entries(per)) {
        if (name.startsWith('lachan') || !r.load) continue;
        const f = (k) => (r.load.all[k] / o.all[k]).toFixed(1);
        console.log(`  ${pad(name, 10, true)} / ${oursName}: p50 ${f('p50')}×  p99 ${f('p99')}×  mean ${f('mean')}×` +
          `  unlisted p50 ${(r.load.unlisted.p50 / o.unlisted.p50).toFixed(1)}×` +
          `  1url p50 ${(r.load.each.p50 / o.each.p50).toFixed(1)}× p99 ${(r.load.each.p99 / o.each.p99).toFixed(1)}×` +
          `  size ${(r.build.bytes / per.lachan.build.bytes).toFixed(1)}×`);
      }
    }
  }
}

function printReal(L, label) {
  console.log(`\n-- real default bundle ${opt.real ?? 'dist/lachan.lcb'} --`);
  console.log(`  ${L.size} bytes, ${L.keys ?? '?'} keys → ${L.keys ? (L.size / L.keys).toFixed(2) : '?'} bytes/key ` +
    `(FST ${L.fstBytes ? (L.fstBytes / L.keys).toFixed(2) : '?'} bytes/key)`);
  console.log(`  open: first ${L.openMs.toFixed(3)} ms, warm median ${L.openWarmMs?.toFixed(3)} ms; verify ${L.verifyMs?.toFixed(2)} ms; ` +
    `WASM memory ${mb(L.wasmMem)} MB`);
  console.log(`  the ${label} URL set against it: p50 ${us(L.all.p50)} µs, p99 ${us(L.all.p99)} µs ` +
    `(hits: ${L.all.hits / Number(opt.passes)} of ${urlCount})`);
}
