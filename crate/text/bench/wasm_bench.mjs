// WASM throughput of lachan-text under Node (see examples/wasm_bench.rs).
// node crate/text/bench/wasm_bench.mjs [vihos train.csv] [path to wasm_bench.wasm]
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

// The data mirror: $LACHAN_MIRROR, or ../shared/data beside the repository.
const mirror = process.env.LACHAN_MIRROR ?? new URL('../../../../shared/data', import.meta.url).pathname;
const csvPath = process.argv[2] ?? `${mirror}/text/vi/vihos/train.csv`;
const wasmPath = process.argv[3] ??
  (process.env.CARGO_TARGET_DIR ?? 'target') + '/wasm32-unknown-unknown/release/examples/wasm_bench.wasm';

// Minimal CSV reader: second column of each row (ViHOS: ,content,index_spans).
function comments(text) {
  const rows = []; let row = []; let field = ''; let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) { if (c === '"') { if (text[i + 1] === '"') { field += '"'; i++; } else q = false; } else field += c; continue; }
    if (c === '"') q = true; else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (c !== '\r') field += c;
  }
  return rows.slice(1).filter(r => r.length >= 3).map(r => r[1]);
}

const ENGLISH = 'The school library opens at eight in the morning and closes at five in the ' +
  'afternoon. Students can borrow up to three books for two weeks, and the librarian is always happy ' +
  'to recommend a good novel, a science magazine or a history of Vietnam. On Fridays the reading club ' +
  'meets in room 12 to talk about the stories they enjoyed, and parents are welcome to join. ';

const cs = comments(readFileSync(csvPath, 'utf8'));
const parts = []; let size = 0; let i = 0;
while (size < 5_000_000) {
  const c = cs[i % cs.length] + '\n'; parts.push(c); size += Buffer.byteLength(c);
  if (i % 4 === 0) { parts.push(ENGLISH + '\n'); size += ENGLISH.length + 1; }
  i++;
}
const page = Buffer.from(parts.join(''), 'utf8');
const mb = page.length / 1e6;

const t0 = performance.now();
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath));
const t1 = performance.now();
const ex = instance.exports;
const size1 = ex.compile();
const t2 = performance.now();
const rules = ex.load();
const t3 = performance.now();
console.log(`wasm instantiate ${(t1 - t0).toFixed(1)} ms; compile lists ${(t2 - t1).toFixed(1)} ms; ` +
  `from_bytes (${size1} bytes, ${rules} rules) ${(t3 - t2).toFixed(1)} ms`);
// Cold second load (JIT warm):
const t4 = performance.now(); ex.load(); const t5 = performance.now();
console.log(`from_bytes again ${(t5 - t4).toFixed(1)} ms`);

const ptr = ex.alloc(page.length);
new Uint8Array(ex.memory.buffer, ptr, page.length).set(page);
ex.score(ptr, page.length); // warm-up
let best = Infinity; let total = 0; const runs = 5; let matched = 0;
for (let r = 0; r < runs; r++) {
  const s = performance.now(); matched = ex.score(ptr, page.length); const e = performance.now() - s;
  best = Math.min(best, e); total += e;
}
console.log(`page ${mb.toFixed(2)} MB: best ${best.toFixed(1)} ms = ${(mb / (best / 1000)).toFixed(0)} MB/s, ` +
  `mean ${(mb * runs / (total / 1000)).toFixed(0)} MB/s (${matched} rules matched)`);

let bestN = Infinity;
for (let r = 0; r < runs; r++) {
  const s = performance.now(); ex.normalize_only(ptr, page.length); bestN = Math.min(bestN, performance.now() - s);
}
console.log(`normaliser alone: best ${bestN.toFixed(1)} ms = ${(mb / (bestN / 1000)).toFixed(0)} MB/s`);
