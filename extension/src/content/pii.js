// Personal-information patterns for the typing guard (an ES module of the
// document_idle content script; also imported by the node unit tests). Pure: a string in,
// the kinds found out. Nothing is stored and nothing is sent anywhere: the
// guard only shows a gentle reminder next to the box.
//
// Kinds (the 111 hotline's "personal information posted online" cases):
//   phone    Vietnamese mobile 0[35789]x xxx xxxx and landline 02x xxxx xxxx,
//            also written +84 / 84 / (+84), with spaces, dots or dashes
//   id       CCCD (12 digits, province code 001–096), or 9/12 digits right
//            after "CCCD", "CMND", "căn cước", "chứng minh"
//   address  "số nhà 12", "12 đường/phố …", "ngõ/ngách/hẻm/kiệt 34",
//            "nhà em ở …", or two administrative units (phường/xã + quận/huyện…)
//   school   "trường tiểu học/THCS/THPT/mầm non …", "THCS/THPT <name>",
//            "học (ở) trường …", "trường <Capitalised name>", English "… school"
// Every pattern also matches text typed without diacritics.
/** Lower case, no diacritics, đ→d: "Trường THCS" → "truong thcs". Keeps length
 * per letter close but not exact (only kinds are reported, never spans).
 * @param {string} s */
export const foldText = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase();
/** The same, keeping upper case (for "trường Nguyễn Du" vs "trường hợp"). @param {string} s */
const foldKeepCase = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

// ---- phone and ID numbers ------------------------------------------------

/** Digit runs with single separators between digits, optionally led by +84/(+84). */
const NUMBER_RUN = /(?<![\d+])(?:\(\+84\)\s?|\+84[\s.-]?|)(?:\d[\s.-]?){8,13}\d(?!\d)/g;

/** @param {string} digits only digits @param {boolean} plus written with +84 */
function phoneKind(digits, plus) {
  let d = digits;
  if (plus) d = `0${d.replace(/^84/, '')}`;
  else if (/^84[35789]\d{8}$/.test(d) || /^842\d{9}$/.test(d)) d = `0${d.slice(2)}`;
  if (/^0[35789]\d{8}$/.test(d)) return true; // mobile: 10 digits
  if (/^02\d{9}$/.test(d)) return true; // landline: 02 + area + number, 11 digits
  return false;
}

/** A 12-digit CCCD number: the first three digits are a province code 001–096. @param {string} d */
const cccd = (d) => d.length === 12 && Number(d.slice(0, 3)) >= 1 && Number(d.slice(0, 3)) <= 96;

/** @param {string} text raw text @param {string} folded foldText(text) @param {Set<string>} kinds */
function numbers(text, folded, kinds) {
  for (const m of text.matchAll(NUMBER_RUN)) {
    const raw = m[0];
    const plus = /^\(?\+84/.test(raw);
    const digits = raw.replace(/\D/g, '');
    if (phoneKind(digits, plus)) kinds.add('phone');
    else if (cccd(digits)) kinds.add('id');
  }
  // An old 9-digit ID card (CMND) only with its name in front: 9 digits alone are too common.
  if (/(cccd|cmnd|can cuoc|chung minh( nhan dan| thu)?|so dinh danh)\W{0,12}(\d[\s.]?){8}\d(?!\d)/.test(folded)) kinds.add('id');
}

// ---- home address ----------------------------------------------------------

const ADDRESS = [
  /\bso nha\s*\d/, // "số nhà 12"
  /\b\d+[a-z]?(\/\d+[a-z]?)*\s*,?\s*(duong|pho|d\.)\s+\p{L}/u, // "12 đường Lê Lợi", "12/3 phố Huế"
  /\b(ngo|ngach|hem|kiet)\s*(so\s*)?\d+/, // "ngõ 34", "hẻm 12"
  /\bnha\s+(em|minh|tui|toi|tao|to|anh|chi|con|chung em|chung minh)\s+(o|tai|nam o)\s+(so|duong|pho|ngo|hem|thon|xom|ap|phuong|xa|khu|chung cu|\d)/,
  /\b(dia chi|d\/c)\s*(nha\s*)?(em|minh|tui|toi|cua\s+\p{L}+)?\s*(la|:)\s*\S/u,
  /\bmy (home )?address is\b/, /\bi live (at|on) \d/,
];
const UNIT_LOW = /\b(phuong|xa|thi tran|p\.\s?\d|khu pho|to dan pho|thon|xom|ap)\s*[\p{L}\d]/u;
const UNIT_HIGH = /\b(quan|huyen|thi xa|thanh pho|tp\.?|q\.\s?\d|tinh)\s*[\p{L}\d]/u;

/** @param {string} folded @param {Set<string>} kinds */
function address(folded, kinds) {
  if (ADDRESS.some((re) => re.test(folded)) || (UNIT_LOW.test(folded) && UNIT_HIGH.test(folded))) kinds.add('address');
}

// ---- school ----------------------------------------------------------------

const SCHOOL_LEVEL = '(tieu hoc|thcs|thpt|trung hoc co so|trung hoc pho thong|trung hoc|mam non|mau giao|pho thong|lien cap|th|mn|ptdtnt|quoc te)';
const SCHOOL = [
  new RegExp(`\\btruong\\s+${SCHOOL_LEVEL}\\s+[\\p{L}\\d]`, 'u'), // "trường THCS Nguyễn Du"
  /\b(thcs|thpt|ptdtnt)\s+(?!la\b|nay\b|nao\b|gi\b)\p{L}{2,}/u, // "THCS Nguyễn Du" (not "thpt là gì")
  /\bhoc\s+(o\s+|tai\s+)?truong\s+\p{L}/u, // "học ở trường …"
  /\b(my school is|i go to|i study at)\s+\p{L}/u,
  /\b\p{L}+\s+(primary|elementary|middle|high|secondary)\s+school\b/u,
];
/** "trường Nguyễn Du": a capitalised name after "trường" (not at a sentence start,
 * not "Trường Sa"). */
const SCHOOL_NAME = /\b[Tt]ruong\s+(?!Sa\b)[A-Z][a-z]*\s+[A-Z]/;

/** @param {string} folded @param {string} cased @param {Set<string>} kinds */
function school(folded, cased, kinds) {
  if (SCHOOL.some((re) => re.test(folded)) || SCHOOL_NAME.test(cased)) kinds.add('school');
}

/** The kinds of personal information in `text` (at most its last 4000 chars).
 * @param {string} text @returns {string[]} in the order phone, id, address, school */
export function detectPii(text) {
  const s = String(text ?? '').slice(-4000);
  /** @type {Set<string>} */
  const kinds = new Set();
  if (!s.trim()) return [];
  const folded = foldText(s);
  numbers(s, folded, kinds);
  address(folded, kinds);
  school(folded, foldKeepCase(s), kinds);
  return ['phone', 'id', 'address', 'school'].filter((k) => kinds.has(k));
}

