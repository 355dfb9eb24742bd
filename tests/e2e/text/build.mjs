// Builds the text e2e's extension into target/e2e-text/ (git-ignored):
// the e2e fixture registry (tests/e2e/fixtures/registry.toml: `.test`
// domains, real categories and policy) PLUS the project's phrase lists
// (lists/phrases, which `lachan build` reads from `phrases/` beside the
// registry), so page text and search queries are scored with the real rules.
//   target/e2e-text/reg/registry.toml   copy of the fixture registry
//   target/e2e-text/reg/lists    →      symlink to tests/e2e/fixtures/lists
//   target/e2e-text/reg/phrases  →      symlink to lists/phrases
//   target/e2e-text/reg/context  →      symlink to tests/e2e/fixtures/context
//                                       (made-up news sites on .test)
//   target/e2e-text/reg/comments →      symlink to lists/comments, and the
//                                       registry's [comments] table appended:
//                                       the comment model as shipped (trained
//                                       from the mirror's ViHOS when present)
// (reg/ is three levels below the root, like the fixture registry, so its
// relative `../../../lists/...` paths resolve the same.)
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** @param {string} cmd @param {string[]} args @param {string} cwd */
function run(cmd, args, cwd) {
  const t0 = performance.now();
  const out = execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const last = out.trim().split('\n').pop();
  console.log(`$ ${cmd} ${args.join(' ')}\n  ${last ? `${last.trim()} ` : ''}(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/** `skipCargo`: use the CLI already in target/release (with --skip-wasm-build).
 * @param {string} root @param {{skipCargo?: boolean}} [o] */
export function buildTextE2e(root, { skipCargo = false } = {}) {
  const out = join(root, 'target/e2e-text');
  const reg = join(out, 'reg');
  rmSync(reg, { recursive: true, force: true });
  mkdirSync(reg, { recursive: true });
  copyFileSync(join(root, 'tests/e2e/fixtures/registry.toml'), join(reg, 'registry.toml'));
  symlinkSync(join(root, 'tests/e2e/fixtures/lists'), join(reg, 'lists'));
  symlinkSync(join(root, 'lists/phrases'), join(reg, 'phrases'));
  symlinkSync(join(root, 'tests/e2e/fixtures/context'), join(reg, 'context'));
  symlinkSync(join(root, 'lists/comments'), join(reg, 'comments'));
  const shipped = readFileSync(join(root, 'lists/registry.toml'), 'utf8');
  const table = shipped.slice(shipped.indexOf('\n[comments]'));
  if (!table.startsWith('\n[comments]')) throw new Error('lists/registry.toml has no [comments] table');
  appendFileSync(join(reg, 'registry.toml'), table);
  if (!skipCargo || !existsSync(join(root, 'target/release/lachan'))) run('cargo', ['build', '--quiet', '--release', '--bin', 'lachan'], root);
  const bundle = join(out, 'text-e2e.lcb');
  run(join(root, 'target/release/lachan'), ['build', '--quiet', '--offline', '--strict', '--registry', join(reg, 'registry.toml'), '--out', bundle], root);
  const wasm = join(root, 'target/wasm32-unknown-unknown/release/lachan_wasm.wasm');
  const args = [join(root, 'extension/build.mjs'), '--bundle', bundle, '--out', join(out, 'dist')];
  if (skipCargo || (existsSync(wasm) && process.env.LACHAN_E2E_CARGO !== '1')) args.push('--skip-wasm-build');
  run('node', args, root);
  const ids = JSON.parse(readFileSync(join(root, 'extension/ids.json'), 'utf8'));
  return { chromium: resolve(out, 'dist/chromium'), firefox: resolve(out, 'dist/firefox'), chromiumId: ids.chromium, geckoId: ids.gecko };
}
