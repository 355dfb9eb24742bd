// node --test tests/wasm/ : the worker's engine wrapper
// (extension/src/background/resilient.js) recovers from a WASM trap, with a
// real WASM build whose `test-trap` feature can force one (Makefile
// test-wasm builds it into target/wasm-node-trap; the bundle is the
// mutation-test fixture, target/mutants.lcb).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { ResilientEngine, UNDECIDED_CODE, isTrap } from '../../extension/src/background/resilient.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PKG = process.env.LACHAN_WASM_TRAP_PKG ?? path.join(ROOT, 'target/wasm-node-trap');
const BUNDLE = process.env.LACHAN_MUTANTS_BUNDLE ?? path.join(ROOT, 'target/mutants.lcb');
const wasm = createRequire(import.meta.url)(path.join(PKG, 'lachan.js'));
const bytes = new Uint8Array(readFileSync(BUNDLE));

const LISTED = 'https://adult-one.example/';
const SOCIAL = 'https://social.example/';
const PARENT = JSON.stringify({ age_band: '15-17', block: ['unlisted.example'] });
const TRAPS_ALWAYS = 'https://lachan-test-trap.example/';

/** A wrapper over the trap build, recording what it reports. */
function open() {
  /** @type {{method: string, recovered: boolean}[]} */
  const reports = [];
  const engine = new ResilientEngine({
    Engine: wasm.Engine, reset: wasm.__wbg_reset_state, bytes,
    onTrap: (method, _e, recovered) => reports.push({ method, recovered }),
  });
  return { engine, reports };
}

test('without the wrapper, one trap poisons the engine (the bug this guards against)', () => {
  wasm.__wbg_reset_state();
  const raw = wasm.Engine.open(bytes);
  raw.setPolicy(PARENT, undefined);
  wasm.armTrapForTests();
  assert.throws(() => raw.checkCode(LISTED, 255), WebAssembly.RuntimeError);
  assert.throws(() => raw.setPolicy(PARENT, undefined), (e) => isTrap(e));
  wasm.__wbg_reset_state();
});

test('wasm_trap_reopens_the_last_good_bundle', () => {
  const { engine, reports } = open();
  engine.setPolicy(PARENT, undefined);
  const want = engine.checkCode(LISTED, 255);
  assert.equal(want & 3, 2, 'listed: block');
  assert.equal(engine.checkCode(SOCIAL, 255) & 3, 0, 'the parent set 15-17, where social networks are allowed');
  wasm.armTrapForTests();
  // The pending call traps, is retried on a fresh instance, and answered.
  assert.equal(engine.checkCode(LISTED, 255), want);
  assert.equal(engine.traps, 1);
  assert.deepEqual(reports, [{ method: 'checkCode', recovered: true }]);
  // The policy layers were applied again to the new instance.
  assert.equal(engine.policyBand(), '15-17');
  assert.equal(engine.checkCode('https://unlisted.example/', 255) & 3, 2, "the parent's own block list");
  assert.equal(engine.checkCode(SOCIAL, 255) & 3, 0);
  // And it keeps working: setPolicy (what used to throw until a restart).
  assert.doesNotThrow(() => engine.setPolicy(undefined, undefined));
  assert.equal(engine.policyBand(), '6-10');
  assert.equal(engine.checkCode(SOCIAL, 255) & 3, 2, 'defaults: social networks blocked at 6-10');
});

test('every kind of call recovers from one trap', () => {
  const { engine } = open();
  engine.setPolicy(PARENT, undefined);
  const calls = {
    check: () => JSON.parse(engine.check(LISTED, undefined)).action,
    checkText: () => JSON.parse(engine.checkText('Nhà cái uy tín, cá cược bóng đá', undefined)).action,
    setPolicy: () => JSON.parse(engine.setPolicy(PARENT, undefined)).length,
    verify: () => engine.verify(),
    policyBand: () => engine.policyBand(),
  };
  const want = Object.fromEntries(Object.entries(calls).map(([k, f]) => [k, f()]));
  for (const [name, f] of Object.entries(calls)) {
    wasm.armTrapForTests();
    assert.deepEqual(f(), want[name], name);
  }
  assert.equal(engine.traps, Object.keys(calls).length);
});

test('a call that traps every time is never answered allow', () => {
  const { engine, reports } = open();
  assert.equal(engine.checkCode(TRAPS_ALWAYS, 255), UNDECIDED_CODE);
  assert.equal(UNDECIDED_CODE & 3, 2, 'block');
  const v = JSON.parse(engine.check(TRAPS_ALWAYS, undefined));
  assert.equal(v.action, 'block');
  assert.match(v.reason, /could not check/);
  assert.equal(JSON.parse(engine.checkText('lachan-test-trap', undefined)).action, 'warn');
  assert.deepEqual(reports.map((r) => r.recovered), [false, false, false]);
  // The engine is alive for the next call.
  assert.equal(engine.checkCode('https://unlisted.example/', 255), 0);
  assert.equal(engine.checkCode(LISTED, 255) & 3, 2);
});

test('a policy that traps every time is left out with a warning; the defaults apply', () => {
  const { engine } = open();
  engine.setPolicy(PARENT, undefined);
  const warnings = JSON.parse(engine.setPolicy(JSON.stringify({ age_band: '15-17', allow: ['lachan-test-trap.example'] }), undefined));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /left out/);
  assert.equal(engine.policyBand(), '6-10');
  assert.equal(engine.checkCode(LISTED, 255) & 3, 2);
  // A later good policy applies again.
  engine.setPolicy(PARENT, undefined);
  assert.equal(engine.policyBand(), '15-17');
});

test('isTrap tells traps and poisoned calls from ordinary errors', () => {
  assert.ok(isTrap(new WebAssembly.RuntimeError('unreachable')));
  assert.ok(isTrap(new Error('recursive use of an object detected which would lead to unsafe aliasing in rust')));
  assert.ok(!isTrap(new Error('unknown age band "x"; use under-6, 6-10, 11-14 or 15-17')));
  const { engine } = open();
  assert.throws(() => engine.check(LISTED, 'x'), /unknown age band/);
  assert.equal(engine.traps, 0);
});
