// Builds what the e2e needs into target/e2e-dist/ (git-ignored):
//   1. the lachan CLI       cargo build --release --bin lachan
//   2. the test bundle      lachan build --registry tests/e2e/fixtures/registry.toml
//   3. the extension        node extension/build.mjs --bundle ... --out target/e2e-dist
// Steps 2 and 3 are skipped when their outputs are newer than every input
// (the fixtures, lists/, extension/, docs/guide/, crate/); `--rebuild` forces them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Newest modification time under `p` (files and folders, recursively).
 * @param {string} p @returns {number} */
function newest(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const n of readdirSync(p)) if (n !== 'node_modules') m = Math.max(m, newest(join(p, n)));
  return m;
}

/** @param {string} cmd @param {string[]} args @param {string} cwd */
function run(cmd, args, cwd) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const t0 = performance.now();
  const out = execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const last = out.trim().split('\n').pop();
  console.log(`  ${last ? `${last.trim()} ` : ''}(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}

/** @param {string} root @param {{force: boolean}} o */
export function buildAll(root, { force }) {
  const out = join(root, 'target/e2e-dist');
  mkdirSync(out, { recursive: true });
  const bundle = join(out, 'test.lcb');
  const fixtures = join(root, 'tests/e2e/fixtures');
  const cli = join(root, 'target/release/lachan');
  try {
    run('cargo', ['build', '--quiet', '--release', '--bin', 'lachan'], root);
  } catch (e) {
    throw new Error(`cargo build --release --bin lachan failed: ${/** @type {any} */ (e).stderr ?? e}`);
  }
  const bundleInputs = Math.max(newest(fixtures), newest(join(root, 'lists/categories.toml')),
    newest(join(root, 'lists/policy')), newest(cli));
  if (force || newest(bundle) < bundleInputs) {
    run(cli, ['build', '--quiet', '--offline', '--strict', '--registry', join(fixtures, 'registry.toml'), '--out', bundle], root);
  } else console.log('test bundle up to date');
  const extInputs = Math.max(newest(bundle), newest(join(root, 'extension')), newest(join(root, 'lists/contacts.toml')), newest(join(root, 'docs/guide')),
    newest(join(root, 'crate')));
  const built = Math.min(newest(join(out, 'chromium/manifest.json')), newest(join(out, 'firefox/manifest.json')));
  if (force || built < extInputs) {
    run('node', [join(root, 'extension/build.mjs'), '--bundle', bundle, '--out', out], root);
  } else console.log('extension build up to date');
  const ids = JSON.parse(readFileSync(join(root, 'extension/ids.json'), 'utf8'));
  return { chromium: resolve(out, 'chromium'), firefox: resolve(out, 'firefox'), chromiumId: ids.chromium, geckoId: ids.gecko };
}
