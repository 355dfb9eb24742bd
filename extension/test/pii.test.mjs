// node --test extension/test/ : the typing guard's personal-information patterns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectPii } from '../src/content/pii.js';

/** @type {[string, string[]][]} */
const MUST = [
  // phone
  ['số của mình là 0912 345 678 nhé', ['phone']],
  ['sdt 0912345678', ['phone']],
  ['gọi 0912.345.678', ['phone']],
  ['zalo: 091-234-5678', ['phone']],
  ['+84 912 345 678', ['phone']],
  ['(+84) 38 123 4567', ['phone']],
  ['84987654321', ['phone']],
  ['nhà mình: 024 3826 1234', ['phone']],
  ['03 87 65 43 21', ['phone']],
  // id
  ['CCCD 001203012345', ['id']],
  ['so can cuoc cua em 079 205 012 345', ['id']],
  ['cmnd: 123456789', ['id']],
  // address
  ['nhà em ở số 12 đường Lê Lợi', ['address']],
  ['nha minh o so 5 ngo 34 pho Hue', ['address']],
  ['số nhà 45 nhé', ['address']],
  ['12/3 đường Nguyễn Trãi', ['address']],
  ['hẻm 102 Lý Thường Kiệt', ['address']],
  ['phường Bến Nghé, quận 1', ['address']],
  ['xa Tan Lap huyen Dan Phuong', ['address']],
  ['địa chỉ nhà em là 7 Tràng Tiền', ['address']],
  // school
  ['em học trường THCS Nguyễn Du', ['school']],
  ['truong tieu hoc Kim Dong', ['school']],
  ['mình học THPT Chu Văn An', ['school']],
  ['học ở trường Marie Curie', ['school']],
  ['tớ ở trường Nguyễn Bỉnh Khiêm', ['school']],
  ['I go to Lincoln High School', ['school']],
  // several
  ['mình tên Lan, học trường THCS Ngô Sĩ Liên, sđt 0987 654 321', ['phone', 'school']],
];

const MUST_NOT = [
  'chào bạn, hôm nay trời đẹp quá',
  'bài này có 12 câu hỏi, làm trong 45 phút',
  'năm 2024 có 366 ngày',
  'giá 1.250.000 đồng',
  'mã đơn hàng 123456789', // 9 digits without an ID word
  'trường hợp này khó quá',
  'Trường hợp này thì sao',
  'quần đảo Trường Sa',
  'thpt là gì vậy',
  'đường đi khó quá',
  'mình ở nhà cả ngày',
  'score 123 456 789 012 345 678', // long digit run, not a phone or CCCD
  '',
];

for (const [text, kinds] of MUST) {
  test(`flags ${JSON.stringify(text)} as ${kinds.join('+')}`, () => {
    assert.deepEqual(detectPii(text), kinds);
  });
}
for (const text of MUST_NOT) {
  test(`does not flag ${JSON.stringify(text)}`, () => {
    assert.deepEqual(detectPii(text), []);
  });
}

test('NFD input (decomposed diacritics) is folded the same', () => {
  assert.deepEqual(detectPii('trường THCS Nguyễn Du'.normalize('NFD')), ['school']);
  assert.deepEqual(detectPii('số nhà 5'.normalize('NFD')), ['address']);
});

test('only the last 4000 characters are read', () => {
  assert.deepEqual(detectPii(`0912345678 ${'a'.repeat(5000)}`), []);
  assert.deepEqual(detectPii(`${'a '.repeat(5000)} 0912345678`), ['phone']);
});
