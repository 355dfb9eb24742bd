// node --test extension/test/ : the page-text message shapes (shared/messages.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMessage, leavePage, pageText } from '../src/shared/messages.js';

test('pageText and leavePage are typed messages', () => {
  assert.equal(isMessage(pageText('nhà cái', true)), true);
  assert.deepEqual(pageText('x'), { type: 'pageText', text: 'x', union: false });
  assert.equal(isMessage(leavePage()), true);
});

test('a pageText without a string text is refused', () => {
  assert.equal(isMessage({ type: 'pageText' }), false);
  assert.equal(isMessage({ type: 'pageText', text: 42 }), false);
});
