// Builds the WASM core for the extension: cargo (wasm32) → wasm-bindgen
// --target web → wasm-opt. Output: <outDir>/lachan.js + lachan_bg.wasm, and
// wasm-bindgen's declarations lachan.d.ts (checked against types/wasm/, not shipped).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** wasm-opt feature flags: rustc 1.95 enables these for wasm32 by default,
 * and wasm-opt 108 refuses the module without them (see
 * shared/docs/extension-testing.md §2; never `strip` the wasm). */
const WASM_OPT_FEATURES = [
  '--enable-bulk-memory', '--enable-nontrapping-float-to-int', '--enable-sign-ext',
  '--enable-reference-types', '--enable-multivalue', '--enable-mutable-globals',
];

/** `__wbg_reset_state` lets the worker replace a trapped instance
 * (src/background/resilient.js). */
export const BINDGEN_FLAGS = ['--experimental-reset-state-function'];

/** binaryen's wasm-opt from extension/node_modules (npm `binaryen`, pinned):
 * Debian's wasm-opt 108 rewrites wasm-bindgen's externref table so that
 * init fails with "WebAssembly.Table.set(): Argument 1 is invalid for
 * table". Without npm's (run `npm ci` in extension/), the step is skipped.
 * @param {string} root @returns {string | null} */
function wasmOpt(root) {
  const local = join(root, 'extension/node_modules/.bin/wasm-opt');
  return existsSync(local) ? local : null;
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} cwd
 */
function run(cmd, args, cwd) {
  try {
    execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (e) {
    const hint = /** @type {any} */ (e).code === 'ENOENT'
      ? ` (${cmd} is not installed: see extension/README.md, "Requirements")` : '';
    throw new Error(`${cmd} ${args.join(' ')} failed${hint}`);
  }
}

/**
 * @param {{root: string, outDir: string, cargo: boolean, optimize: boolean, log: (s: string) => void}} o
 * @returns {{js: string, wasm: string, dts: string, bytes: number}}
 */
export function buildWasm({ root, outDir, cargo, optimize, log }) {
  const raw = join(root, 'target/wasm32-unknown-unknown/release/lachan_wasm.wasm');
  if (cargo) {
    log('cargo build -p lachan-wasm --target wasm32-unknown-unknown --release');
    run('cargo', ['build', '-p', 'lachan-wasm', '--target', 'wasm32-unknown-unknown', '--release'], root);
  }
  if (!existsSync(raw)) throw new Error(`${raw} is missing: run without --no-cargo`);
  mkdirSync(outDir, { recursive: true });
  // wasm-opt -O3 takes 15–25 s here: reuse the output for an unchanged input
  // (and unchanged flags: the salt names them).
  const hash = createHash('sha256').update(BINDGEN_FLAGS.join(' ')).update('typescript').update(readFileSync(raw)).digest('hex').slice(0, 16);
  const cache = join(root, 'target/lachan-extension-wasm', `${hash}${optimize ? '-opt' : ''}`);
  if (existsSync(join(cache, 'lachan_bg.wasm'))) {
    cpSync(cache, outDir, { recursive: true });
    log(`wasm-bindgen + wasm-opt output reused from ${cache}`);
    return { js: join(outDir, 'lachan.js'), wasm: join(outDir, 'lachan_bg.wasm'), dts: join(outDir, 'lachan.d.ts'),
      bytes: statSync(join(outDir, 'lachan_bg.wasm')).size };
  }
  run('wasm-bindgen', ['--target', 'web', ...BINDGEN_FLAGS, '--out-dir', outDir, '--out-name', 'lachan', raw], root);
  const wasm = join(outDir, 'lachan_bg.wasm');
  const opt = optimize ? wasmOpt(root) : null;
  if (opt) run(opt, ['-O3', wasm, '-o', wasm, ...WASM_OPT_FEATURES], root);
  else if (optimize) log('wasm-opt skipped: extension/node_modules/.bin/wasm-opt missing (cd extension && npm ci)');
  if (opt || !optimize) cpSync(outDir, cache, { recursive: true });
  return { js: join(outDir, 'lachan.js'), wasm, dts: join(outDir, 'lachan.d.ts'), bytes: statSync(wasm).size };
}
