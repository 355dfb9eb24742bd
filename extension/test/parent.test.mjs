// node --test extension/test/ : the parent's PIN (src/shared/pin.js) and
// settings merge and validation (src/shared/parent.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  afterWrongTry, FIRST_WAIT_MS, FREE_TRIES, hashSecret, MAX_WAIT_MS, newRecoveryCode, normaliseRecoveryCode,
  pinProblem, triesLeft, verifySecret, waitMs,
} from '../src/shared/pin.js';
import {
  applyPatch, approvedUntil, explainWarnings, exportSettings, isPaused, liveApprovals, managedView, nextExpiry,
  parseImport, parseSiteList, siteProblem, undoPatch, MAX_LIST,
} from '../src/shared/parent.js';

// Few iterations keep the tests fast; the algorithm is the same.
const FAST = 1000;

test('pin: a hash verifies its own PIN only, and salts differ', async () => {
  const a = await hashSecret('482913', FAST);
  const b = await hashSecret('482913', FAST);
  assert.notEqual(a.salt, b.salt);
  assert.notEqual(a.hash, b.hash);
  assert.equal(await verifySecret('482913', a), true);
  assert.equal(await verifySecret('482914', a), false);
  assert.equal(await verifySecret('', a), false);
  assert.ok(!JSON.stringify(a).includes('482913'), 'the PIN itself is never stored');
});

test('pin: malformed records never match', async () => {
  const good = await hashSecret('482913', FAST);
  for (const bad of [null, undefined, {}, { ...good, v: 2 }, { ...good, iterations: 0 }, { ...good, salt: '%%%' },
    { ...good, hash: good.hash.slice(0, 8) }]) {
    assert.equal(await verifySecret('482913', /** @type {any} */ (bad)), false, JSON.stringify(bad));
  }
});

test('pin: format rules', () => {
  assert.equal(pinProblem('482913'), null);
  assert.equal(pinProblem('90817263'), null);
  assert.equal(pinProblem('12345'), 'pinFormat');
  assert.equal(pinProblem('1234567890123'), 'pinFormat');
  assert.equal(pinProblem('48a913'), 'pinFormat');
  assert.equal(pinProblem(482913), 'pinFormat');
  assert.equal(pinProblem('000000'), 'pinEasy');
  assert.equal(pinProblem('123456'), 'pinEasy');
  assert.equal(pinProblem('987654'), 'pinEasy');
  assert.equal(pinProblem('123457'), null);
});

test('pin: recovery codes are random, readable, and typed loosely', async () => {
  const a = newRecoveryCode();
  const b = newRecoveryCode();
  assert.match(a, /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  assert.notEqual(a, b);
  const stored = await hashSecret(normaliseRecoveryCode(a), FAST);
  assert.equal(await verifySecret(normaliseRecoveryCode(` ${a.toLowerCase().replace(/-/g, ' ')} `), stored), true);
  assert.equal(normaliseRecoveryCode('abcd-eFgh-oil1'), 'ABCDEFGH0111');
  assert.equal(await verifySecret(normaliseRecoveryCode(b), stored), false);
});

test('pin guard: free tries, then a doubling wait with a ceiling', () => {
  const now = 1_000_000;
  let g = null;
  for (let i = 1; i < FREE_TRIES; i++) {
    g = afterWrongTry(g, now);
    assert.equal(waitMs(g, now), 0, `try ${i}`);
    assert.equal(triesLeft(g), FREE_TRIES - i);
  }
  g = afterWrongTry(g, now);
  assert.equal(waitMs(g, now), FIRST_WAIT_MS);
  assert.equal(waitMs(g, now + FIRST_WAIT_MS), 0);
  g = afterWrongTry(g, now);
  assert.equal(waitMs(g, now), 2 * FIRST_WAIT_MS);
  for (let i = 0; i < 40; i++) g = afterWrongTry(g, now);
  assert.equal(waitMs(g, now), MAX_WAIT_MS);
});

test('managedView: locks filtered and reported, options page on unless false', () => {
  assert.deepEqual(managedView(undefined), { present: false, schoolName: '', locks: [], optionsPage: true, problems: [],
    sets: { ageBand: null, categories: {} } });
  const v = managedView({ schoolName: 'Kim Đồng', locks: ['ageBand', 'pauze', 'allow', 'ageBand', 7], optionsPage: false });
  assert.deepEqual(v.locks, ['ageBand', 'allow']);
  assert.equal(v.optionsPage, false);
  assert.equal(v.present, true);
  assert.equal(v.problems.length, 2);
  assert.match(v.problems[0], /pauze/);
  assert.equal(managedView({ locks: 'all' }).problems[0], 'locks: not a list');
  // A band the school sets is locked even when `locks` does not say so; its
  // category actions are reported so the page can show them as the school's.
  const sets = managedView({ ageBand: '11-14', categories: { gambling: 'warn', adult: 'maybe' } });
  assert.deepEqual(sets.locks, ['ageBand']);
  assert.deepEqual(sets.sets, { ageBand: '11-14', categories: { gambling: 'warn' } });
  assert.deepEqual(managedView({ ageBand: 'teen' }).locks, []);
});

test('applyPatch: merges into the parent layer, null restores the default', () => {
  const s0 = { parentPolicy: { age_band: '6-10', categories: { dating: 'warn' } } };
  const r = applyPatch(s0, { age_band: '11-14', categories: { gambling: 'block', dating: null }, allow: ['khanacademy.org'], safeSearch: false }, []);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.refused, []);
  assert.deepEqual(r.settings, { parentPolicy: { age_band: '11-14', categories: { gambling: 'block' }, allow: ['khanacademy.org'] }, safeSearch: false });
  assert.deepEqual(s0.parentPolicy.categories, { dating: 'warn' }, 'input untouched');
  const back = applyPatch(r.settings, { age_band: null, categories: { gambling: null }, allow: [], safeSearch: null }, []);
  assert.deepEqual(back.settings, { parentPolicy: null });
});

test('applyPatch: locked keys are refused by name, the rest applies', () => {
  const r = applyPatch({ parentPolicy: null }, { age_band: '15-17', block: ['x.example'], categories: { adult: 'allow' } }, ['ageBand', 'categories']);
  assert.deepEqual(r.refused, ['ageBand', 'categories']);
  assert.deepEqual(r.settings.parentPolicy, { block: ['x.example'] });
});

test('applyPatch: bad shapes are errors, never silently kept', () => {
  const r = applyPatch({ parentPolicy: null }, /** @type {any} */ ({
    age_band: 'teen', categories: { adult: 'maybe' }, allow: 'a.com', block: [1], safeSearch: 'yes', colour: 'red',
  }), []);
  assert.equal(r.errors.length, 6, r.errors.join('\n'));
  assert.deepEqual(r.settings, { parentPolicy: null });
  const many = applyPatch({ parentPolicy: null }, { block: Array.from({ length: MAX_LIST + 1 }, (_, i) => `s${i}.example`) }, []);
  assert.match(many.errors[0], /at most/);
});

test('undoPatch: a patch that restores what the change replaced', () => {
  const before = { parentPolicy: { age_band: '6-10', allow: ['a.example'], categories: { dating: 'warn' } }, safeSearch: true };
  const change = { age_band: '15-17', allow: ['a.example', 'b.example'], categories: { dating: 'allow', gambling: 'warn' }, safeSearch: false };
  const after = applyPatch(before, change, []).settings;
  const undone = applyPatch(after, undoPatch(before, change), []).settings;
  assert.deepEqual(undone, before);
});

test('parseSiteList: comments, blanks and repeats, with line numbers', () => {
  const r = parseSiteList('# school sites\nkhanacademy.org\n\n  olm.vn  \nKhanAcademy.org\nhttps://violympic.vn/x\n');
  assert.deepEqual(r.entries, ['khanacademy.org', 'olm.vn', 'https://violympic.vn/x']);
  assert.deepEqual(r.lines, [2, 4, 6]);
  assert.deepEqual(r.duplicates, [{ line: 5, first: 2, text: 'KhanAcademy.org' }]);
});

test('explainWarnings: engine paths become list lines', () => {
  const lines = { allow: [2, 4, 6], block: [1] };
  const out = explainWarnings([
    { path: 'allow[1]', message: '"not a host": contains a space' },
    { path: 'block[0]', message: '"x": needs a dot' },
    { path: 'categories.gamblng', message: 'unknown category' },
  ], lines);
  assert.deepEqual(out, [
    { field: 'allow', line: 4, message: '"not a host": contains a space' },
    { field: 'block', line: 1, message: '"x": needs a dot' },
    { field: 'categories', line: null, message: 'categories.gamblng: unknown category' },
  ]);
});

test('export and import round-trip; foreign files are refused', () => {
  const s = { parentPolicy: { age_band: '11-14', categories: { dating: 'warn' }, allow: ['olm.vn'], block: ['x.example'] }, safeSearch: true, pausedUntil: 5 };
  const file = exportSettings(s, Date.UTC(2026, 10, 24));
  assert.equal(file.exported, '2026-11-24T00:00:00.000Z');
  assert.ok(!('pausedUntil' in file.settings));
  const { patch, errors } = parseImport(JSON.stringify(file));
  assert.deepEqual(errors, []);
  const back = applyPatch({ parentPolicy: null }, /** @type {any} */ (patch), []).settings;
  assert.deepEqual(back, { parentPolicy: s.parentPolicy, safeSearch: true });
  assert.equal(parseImport('{nope').errors[0].code, 'notJson');
  assert.deepEqual(parseImport('{"format":"other"}'), { patch: null, errors: [{ code: 'notOurs', detail: 'other' }] });
  assert.deepEqual(parseImport(JSON.stringify({ ...file, version: 2 })).errors, [{ code: 'version', detail: '2' }]);
  assert.equal(parseImport(JSON.stringify({ ...file, settings: null })).errors[0].code, 'noSettings');
  const extra = parseImport(JSON.stringify({ ...file, settings: { ...file.settings, pin: '1' } }));
  assert.deepEqual(extra.errors, [{ code: 'unknownKey', detail: 'pin' }]);
  assert.ok(extra.patch && !('pin' in extra.patch));
});

test('siteProblem: the usual mistakes get a reason a parent understands', () => {
  assert.equal(siteProblem('not a site'), 'space');
  assert.equal(siteProblem('https://olm vn/x'), 'space');
  assert.equal(siteProblem('olmvn'), 'noDot');
  assert.equal(siteProblem('olm.vn!'), 'chars');
  assert.equal(siteProblem('trường.vn'), 'other', 'Unicode letters are allowed (punycode)');
  assert.equal(siteProblem('*.example.com/path'), 'other');
});

test('approvals: expiry, parent domains, soonest expiry', () => {
  const now = 10_000;
  const a = { 'games.example': now + 5, 'old.example': now - 1, 'x.test': now + 100 };
  assert.deepEqual(liveApprovals(a, now), { 'games.example': now + 5, 'x.test': now + 100 });
  assert.equal(approvedUntil(a, 'games.example', now), now + 5);
  assert.equal(approvedUntil(a, 'www.games.example', now), now + 5);
  assert.equal(approvedUntil(a, 'othergames.example', now), 0);
  assert.equal(approvedUntil(a, 'old.example', now), 0);
  assert.equal(approvedUntil(a, 'games.example', now + 5), 0, 'ends at the approved time');
  assert.equal(nextExpiry([now + 100, now - 3, now + 5, NaN], now), now + 5);
  assert.equal(nextExpiry([], now), 0);
  assert.equal(isPaused({ parentPolicy: null, pausedUntil: now + 1 }, now), true);
  assert.equal(isPaused({ parentPolicy: null, pausedUntil: now }, now), false);
});

test('the managed schema offers exactly the locks and bands the extension knows', async () => {
  const { LOCKABLE, BANDS } = await import('../src/shared/parent.js');
  const { readFileSync } = await import('node:fs');
  const schema = JSON.parse(readFileSync(new URL('../src/managed_schema.json', import.meta.url), 'utf8'));
  assert.deepEqual(schema.properties.locks.items.enum, [...LOCKABLE]);
  assert.deepEqual(schema.properties.ageBand.enum, [...BANDS]);
});
