// The text e2e's local server: fixture pages for the page-text overlay, the
// typing guard and the 5 MB cost page. Every host lands here (Chromium:
// --host-resolver-rules MAP *.test; Firefox: network.dns.forceResolve), and
// every URL carries the server's port.
import { createServer } from 'node:http';

/** @param {string} title @param {string} body @param {string} [head] */
const html = (title, body, head = '') => `<!doctype html><html lang="vi"><head><meta charset="utf-8">`
  + `<title>${title}</title>${head}</head><body>${body}</body></html>`;

const NEWS = '<h1>Tin tức hôm nay</h1><p>Thời tiết Hà Nội hôm nay nắng nhẹ, nhiệt độ từ 22 đến 28 độ C. '
  + 'Học sinh các trường tiểu học chuẩn bị cho kỳ thi cuối học kỳ.</p><p>Đội tuyển bóng đá nữ Việt Nam '
  + 'tập luyện chuẩn bị cho giải vô địch Đông Nam Á.</p>';

/** Vietnamese gambling advertising, with diacritics. */
const GAMBLING_VI = '<h1>Nhà cái uy tín số 1 Việt Nam</h1><p>Cá cược bóng đá, nổ hũ đổi thưởng, tài xỉu online. '
  + 'Đăng ký hôm nay nhận thưởng 100%, nạp rút nhanh chóng.</p><p>Game bài đổi thưởng hấp dẫn nhất.</p>';
/** The same, typed without diacritics (as in most chat and spam). */
const GAMBLING_NOVI = '<h1>Nha cai uy tin so 1 Viet Nam</h1><p>Ca cuoc bong da, no hu doi thuong, tai xiu online. '
  + 'Dang ky hom nay nhan thuong 100%, nap rut nhanh chong.</p><p>Game bai doi thuong hap dan nhat.</p>';
/** Sex education and child-protection news: must NOT be covered. */
const SEX_ED = '<h1>Giáo dục giới tính cho trẻ em: cha mẹ cần bắt đầu từ sớm</h1>'
  + '<p>Các chuyên gia khuyên cha mẹ dạy con về quy tắc vùng đồ bơi, để trẻ biết bảo vệ cơ thể mình '
  + 'và nhận biết nguy cơ bị xâm hại tình dục. Giáo dục giới tính phù hợp lứa tuổi giúp trẻ tự tin hơn.</p>'
  + '<p>Công an tỉnh đã khởi tố vụ án xâm hại trẻ em; nạn nhân được hỗ trợ tâm lý. Khi phát hiện trẻ bị xâm hại, '
  + 'hãy gọi Tổng đài quốc gia bảo vệ trẻ em 111 (miễn phí).</p><p>Sức khỏe sinh sản vị thành niên, '
  + 'kinh nguyệt, tuổi dậy thì: những điều con cần biết.</p>';
/** A newspaper's reportage on gambling's harm: over the 6-10 limit on its
 * words alone, under it as an article of a listed news site (bao.test in
 * tests/e2e/fixtures/context). */
const REPORTAGE = '<h1>Phóng sự</h1><p>Phóng sự: nhiều người chơi cá cược bóng đá trên mạng đến mất trắng tài sản, '
  + 'nợ nần chồng chất, gia đình tan vỡ.</p>';
/** A class chat's insults: bullying, over every band's limit (the evidence e2e). */
const BULLYING = '<h1>Nhóm lớp 6A</h1><p>Mày là đồ ngu, thằng ngu như bò. Cả lớp ghét mày, đừng đến trường nữa.</p>'
  + '<p>Con mẹ mày.</p>';
const SELF_HARM = '<h1>Diễn đàn</h1><p>cách tự tử không đau nhanh nhất, muốn chết cho xong</p>';

/** A video's comments: two insults (one a phrase list knows, one only the
 * comment model does), the rest friendly; a third insult arrives 700 ms
 * later, as comments load while the child scrolls. */
const COMMENTS = [
  ['c1', 'Video hay quá, cảm ơn bạn đã chia sẻ!'],
  ['c2', 'Mày bị điên à, đồ ngu, cút đi'],
  ['c3', 'Bài hát này nghe mãi không chán.'],
  ['c4', 'Bọn này toàn lũ ăn bám xã hội'],
  ['c5', 'Con đi học về là mở video này xem ngay.'],
  ['c6', 'Chúc cả nhà cuối tuần vui vẻ.'],
];
const comment = ([id, words]) => `<div class="comment c-${id}" id="${id}"><b class="author">Bạn ${id}</b><p>${words}</p></div>`;
const COMMENT_PAGE = `<h1>Bài hát thiếu nhi</h1><p>Một bài hát vui cho cả nhà.</p><section class="comments" id="list">${COMMENTS.map(comment).join('')}</section>`
  + `<script>setTimeout(() => { document.getElementById('list').insertAdjacentHTML('beforeend', ${JSON.stringify(comment(['c7', 'Nhìn mặt đã thấy ngu rồi, thứ mất dạy']))}); }, 700);</script>`;

/** A big page (≈ mb MB of HTML, mostly clean Vietnamese news text in many
 * elements); with harm=1 a gambling ad is the very last paragraph, so the
 * overlay appears only after the whole page was read and scored. */
function bigPage(mb, harm) {
  const sentences = [
    'Thời tiết hôm nay nắng nhẹ, chiều tối có mưa rào rải rác ở các tỉnh phía Bắc.',
    'Học sinh lớp năm ôn tập môn toán và tiếng Việt chuẩn bị cho kỳ thi cuối năm.',
    'Thư viện thành phố mở thêm phòng đọc dành cho thiếu nhi vào cuối tuần.',
    'The city library opens a new reading room for children every weekend this summer.',
    'Đội bóng của trường giành giải nhì trong giải thi đấu giao hữu cấp quận.',
    'Nông dân thu hoạch lúa sớm để tránh đợt mưa lớn dự báo vào tuần tới.',
  ];
  const parts = [];
  let size = 0;
  let i = 0;
  const target = mb * 1024 * 1024;
  while (size < target) {
    const p = `<div class="item"><h3>Mục ${i}</h3><p>${sentences[i % 6]} ${sentences[(i + 2) % 6]}</p>`
      + `<span class="meta">Cập nhật lúc ${i % 24}:${String(i % 60).padStart(2, '0')}</span></div>`;
    parts.push(p);
    size += Buffer.byteLength(p);
    i++;
  }
  if (harm) parts.push(`<section id="end">${GAMBLING_VI}</section>`);
  // Long tasks on the main thread (Chromium reports them), for the cost figures.
  const probe = '<script>window.__longtasks = []; try { new PerformanceObserver((l) => { for (const e of l.getEntries()) '
    + 'window.__longtasks.push({start: e.startTime, ms: e.duration}); }).observe({type: "longtask", buffered: true}); } catch {}</script>';
  return html('Trang lớn', `<main>${parts.join('')}</main>`, probe);
}

/** @param {URL} url */
function page(url) {
  switch (url.pathname) {
    case '/news': return html('Tin tức', `<main id="marker">${NEWS}</main>`);
    case '/gambling-vi': return html('Khuyến mãi', `<main id="marker">${NEWS}${GAMBLING_VI}</main>`);
    case '/gambling-novi': return html('Khuyen mai', `<main id="marker">${GAMBLING_NOVI}</main>`);
    case '/reportage': return html('Phóng sự', `<main id="marker"><article>${REPORTAGE}</article></main>`,
      '<meta property="og:type" content="article">');
    case '/reportage-plain': return html('Phóng sự', `<main id="marker">${REPORTAGE}</main>`);
    case '/comments': return html('Bình luận', `<main id="marker">${COMMENT_PAGE}</main>`);
    case '/sex-ed': return html('Giáo dục giới tính', `<main id="marker">${SEX_ED}</main>`);
    case '/self-harm': return html('Diễn đàn', `<main id="marker">${SELF_HARM}</main>`);
    case '/bullying': return html('Nhóm lớp', `<main id="marker">${BULLYING}</main>`);
    // Gambling text in a display:none block and in a script: never read.
    case '/hidden': return html('Ẩn', `<main id="marker">${NEWS}<div style="display:none">${GAMBLING_VI}</div>`
      + `<template>${GAMBLING_VI}</template><script>var ad = ${JSON.stringify(GAMBLING_VI)};</script></main>`);
    // Clean at load; gambling text added by a page script 600 ms later (the MutationObserver path).
    case '/dynamic': return html('Động', `<main id="marker">${NEWS}<div id="feed"></div></main>`
      + `<script>setTimeout(() => { const d = document.createElement('div'); d.innerHTML = ${JSON.stringify(GAMBLING_NOVI)}; `
      + `document.getElementById('feed').append(d); }, 600);</script>`);
    // A chat page: a textarea, a contenteditable box, and a form's phone field (no reminder there).
    case '/chat': return html('Trò chuyện', `<main id="marker"><h1>Trò chuyện</h1>`
      + `<textarea id="msg" placeholder="Nhắn tin…" rows="3" cols="50"></textarea>`
      + `<div id="post" contenteditable="true" style="border:1px solid #999;min-height:3em;width:30em"></div>`
      + `<form><label>Số điện thoại <input id="tel" name="phone" type="text"></label></form>`
      + `<p>${'Chào mừng bạn đến phòng trò chuyện. '.repeat(3)}</p></main>`);
    case '/big': return bigPage(Number(url.searchParams.get('mb') ?? 5), url.searchParams.get('harm') === '1');
    default: return html('ok', `<main id="marker">ok ${url.pathname}</main>`);
  }
}

/** @returns {Promise<{port: number, hits: {host: string, path: string}[], close: () => Promise<void>}>} */
export async function startPages() {
  /** @type {{host: string, path: string}[]} */
  const hits = [];
  const server = createServer((req, res) => {
    hits.push({ host: String(req.headers.host ?? '').replace(/:\d+$/, ''), path: req.url ?? '/' });
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/favicon.ico') { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page(url));
  });
  await new Promise((ok) => server.listen(0, '0.0.0.0', () => ok(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return { port, hits, close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok(undefined)); }) };
}
