// The credits shipped in every package (tools/notice.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crateCredits, listCredits, noticeText, npmCredits, trainingCredits } from '../tools/notice.mjs';

const sources = [
  { name: 'hostsvn-gambling', category: 'gambling', licence: 'MIT',
    upstream: 'https://example.org/hostsvn/domain.txt — hostsVN (c) BigDargon' },
  { name: 'ut1-adult', category: 'adult', licence: 'CC-BY-SA-4.0',
    upstream: 'https://example.org/ut1/adult — UT1 blacklists by Fabrice Prigent, Université Toulouse Capitole' },
  { name: 'lachan-allow', category: 'allow', licence: '', upstream: '' },
];

test('each list keeps its address, licence and credit apart', () => {
  const l = listCredits(sources);
  assert.deepEqual(l[1], { name: 'ut1-adult', licence: 'CC-BY-SA-4.0', url: 'https://example.org/ut1/adult',
    credit: 'UT1 blacklists by Fabrice Prigent, Université Toulouse Capitole', category: 'adult' });
  assert.equal(l[2].licence, 'unknown');
  assert.equal(l[2].credit, '');
});

test('the notice names every list with its credit and states the share-alike terms once', () => {
  const text = noticeText({ project: { name: 'Lá Chắn', licence: 'MIT OR Apache-2.0' }, lists: listCredits(sources),
    crates: [{ name: 'fst', version: '0.4.7', licence: 'Unlicense/MIT', repository: 'https://github.com/BurntSushi/fst' }],
    npm: [] });
  assert.match(text, /ut1-adult \(adult\): CC-BY-SA-4\.0, UT1 blacklists by Fabrice Prigent/);
  assert.match(text, /hostsvn-gambling \(gambling\): MIT, hostsVN \(c\) BigDargon/);
  assert.equal(text.match(/Attribution-ShareAlike 4\.0/g)?.length, 1);
  assert.match(text, /fst 0\.4\.7: Unlicense\/MIT/);
  assert.match(text, /npm packages shipped: none\./);
  // Without a share-alike list there are no share-alike terms to state.
  const mitOnly = noticeText({ project: { name: 'x', licence: 'MIT' }, lists: listCredits(sources.slice(0, 1)), crates: [], npm: [] });
  assert.doesNotMatch(mitOnly, /ShareAlike/);
});

test('the data a learned section was trained on is credited like a list', () => {
  const trained = trainingCredits([{ section: 'TMDL', name: 'vihos-train', licence: 'MIT',
    upstream: 'https://example.org/ViHOS — ViHOS (Hoang et al., EACL 2023)' }]);
  const text = noticeText({ project: { name: 'x', licence: 'MIT' }, lists: listCredits([...sources, ...trained]), crates: [], npm: [] });
  assert.match(text, /vihos-train \(trained into TMDL\): MIT, ViHOS \(Hoang et al\., EACL 2023\)/);
  assert.deepEqual(trainingCredits(undefined), []);
});

test('only the normal dependencies of the shipped crate are credited', () => {
  /** @param {string} name @param {string | null} [source] */
  const pkg = (name, source = 'registry+https://github.com/rust-lang/crates.io-index') =>
    ({ id: `${name}-id`, name, version: '1.0.0', license: 'MIT', repository: '', source });
  const metadata = {
    packages: [pkg('lachan-wasm', null), pkg('lachan-core', null), pkg('fst'), pkg('criterion'), pkg('cc'), pkg('memchr')],
    resolve: { nodes: [
      { id: 'lachan-wasm-id', deps: [
        { pkg: 'lachan-core-id', dep_kinds: [{ kind: null }] },
        { pkg: 'criterion-id', dep_kinds: [{ kind: 'dev' }] },
      ] },
      { id: 'lachan-core-id', deps: [
        { pkg: 'fst-id', dep_kinds: [{ kind: null }] },
        { pkg: 'cc-id', dep_kinds: [{ kind: 'build' }] },
      ] },
      { id: 'fst-id', deps: [{ pkg: 'memchr-id', dep_kinds: [{ kind: null }] }] },
      { id: 'criterion-id', deps: [] }, { id: 'cc-id', deps: [] }, { id: 'memchr-id', deps: [] },
    ] },
  };
  assert.deepEqual(crateCredits(metadata, 'lachan-wasm').map((c) => c.name), ['fst', 'memchr']);
  assert.throws(() => crateCredits(metadata, 'nope'), /no package nope/);
});

test('dev dependencies never count as shipped npm packages', () => {
  assert.deepEqual(npmCredits({ devDependencies: { 'web-ext': '1' } }), []);
  assert.deepEqual(npmCredits({ dependencies: { a: '1.2.3' } }), ['a@1.2.3']);
});
