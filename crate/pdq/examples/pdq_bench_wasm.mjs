// Runs the pdq_bench_wasm exports under node and prints timings.
// Usage: node pdq_bench_wasm.mjs path/to/pdq_bench_wasm.wasm [--quick]
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const path = process.argv[2];
const quick = process.argv.includes("--quick");
const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
const x = instance.exports;

function time(reps, f) {
  for (let i = 0; i < 3; i++) f(); // warm-up (lets the engine tier up)
  const t = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - t) / reps;
}

// Global warm-up so that the first row does not pay for the engine's tier-up.
x.prepare_image(256);
for (let i = 0; i < 50; i++) x.hash_image(1, i & 1, (i >> 1) & 1);

console.log("== WASM (node " + process.version + "): PDQ hash time per image size, ms");
console.log("      size    default   dihedral   full-res");
for (const size of [64, 256, 512, 1024, 2048]) {
  x.prepare_image(size);
  const reps = quick ? 2 : Math.max(3, Math.min(100, Math.floor(4e6 / (size * size))));
  const a = time(reps, () => x.hash_image(1, 0, 0));
  const b = time(reps, () => x.hash_image(1, 0, 1));
  const c = time(Math.min(reps, 10), () => x.hash_image(1, 1, 0));
  console.log(`${(size + "x" + size).padStart(10)} ${a.toFixed(3).padStart(10)} ${b.toFixed(3).padStart(10)} ${c.toFixed(3).padStart(10)}`);
}

console.log("\n== WASM: radius-31 query vs list size (half the queries planted near-duplicates)");
console.log("  entries  build ms  bytes MB   open ms  index us/q  brute us/q   hits/q");
for (const n of quick ? [10000, 100000] : [10000, 100000, 1000000]) {
  let t = performance.now();
  const bytes = x.prepare_index(n);
  const build = performance.now() - t;
  t = performance.now();
  x.reopen_index();
  const open = performance.now() - t;
  const nq = 2000;
  x.query_index(nq); // warm-up
  x.query_brute(10);
  t = performance.now();
  const hits = x.query_index(nq);
  const idx = ((performance.now() - t) * 1000) / nq;
  const nb = n >= 1000000 ? 50 : 200;
  t = performance.now();
  x.query_brute(nb);
  const brute = ((performance.now() - t) * 1000) / nb;
  console.log(`${String(n).padStart(9)} ${build.toFixed(0).padStart(9)} ${(bytes / 1e6).toFixed(1).padStart(9)} ${open.toFixed(1).padStart(9)} ${idx.toFixed(2).padStart(11)} ${brute.toFixed(1).padStart(11)} ${(hits / nq).toFixed(2).padStart(8)}`);
}
