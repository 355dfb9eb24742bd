// node --test extension/test/ : which URLs are search queries (background/search-match.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchQuery } from '../src/background/search-match.js';

const YES = [
  ['https://www.google.com/search?q=nh%C3%A0+c%C3%A1i&hl=vi', 'google', 'nhà cái'],
  ['https://www.google.com.vn/search?q=cach+tu+tu', 'google', 'cach tu tu'],
  ['https://google.co.uk/search/?q=x', 'google', 'x'],
  ['http://WWW.GOOGLE.COM./search?q=x', 'google', 'x'],
  ['https://www.bing.com/search?q=t%C3%A0i+x%E1%BB%89u', 'bing', 'tài xỉu'],
  ['https://www.bing.com/images/search?q=x', 'bing', 'x'],
  ['https://duckduckgo.com/?q=nha+cai&ia=web', 'duckduckgo', 'nha cai'],
  ['https://html.duckduckgo.com/html/?q=x', 'duckduckgo', 'x'],
  ['https://coccoc.com/search?query=n%E1%BB%95+h%C5%A9', 'coccoc', 'nổ hũ'],
  ['https://www.youtube.com/results?search_query=c%C3%A1ch+t%E1%BB%B1+t%E1%BB%AD', 'youtube', 'cách tự tử'],
  ['https://m.youtube.com/results?search_query=x', 'youtube', 'x'],
  ['http://www.google.com:8080/search?q=x', 'google', 'x'],
];
const NO = [
  'https://www.google.com/', 'https://www.google.com/maps?q=hanoi', 'https://www.google.com/search?q=',
  'https://www.google.com/search?q=%20%20', 'https://notgoogle.com/search?q=x', 'https://google.com.evil.test/search?q=x',
  'https://www.bing.com/?q=x', 'https://duckduckgo.com/about?q=x', 'https://coccoc.com/search?q=x',
  'https://www.youtube.com/watch?v=abc&search_query=x', 'https://text.test/search?q=nha+cai', 'not a url',
  'file:///search?q=x', 'moz-extension://abc/search?q=x',
];

for (const [url, engine, query] of YES) {
  test(`${url} is a ${engine} search`, () => assert.deepEqual(searchQuery(url), { engine, query }));
}
for (const url of NO) test(`${url} is not a search`, () => assert.equal(searchQuery(url), null));

test('very long queries are cut to 2048 characters', () => {
  assert.equal(searchQuery(`https://www.google.com/search?q=${'a'.repeat(5000)}`)?.query.length, 2048);
});
