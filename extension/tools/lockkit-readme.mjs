// The lock kits' READMEs (Vietnamese and English): how to apply each kit and
// what it cannot do. The limits are the browsers' documented rules; the same
// list is in docs/schools.md.
import { CHROME_STORE_UPDATE_URL, isStoreUrl, LINUX_TARGETS } from './lockkit.mjs';

/** @typedef {import('./lockkit.mjs').KitInput} KitInput */
/** @typedef {'windows' | 'macos' | 'linux' | 'firefox'} Kit */

/** @param {KitInput} k */
function facts(k) {
  const selfHosted = !isStoreUrl('chrome', k.chromeUpdateUrl) || !isStoreUrl('edge', k.edgeUpdateUrl);
  return { selfHosted, off: k.privateWindows === 'disable', managed: !!k.managed };
}

/** Lines common to every kit. @param {KitInput} k @param {'vi' | 'en'} lang */
function common(k, lang) {
  const { off, managed } = facts(k);
  if (lang === 'vi') {
    return [
      '## Bộ khóa này làm gì',
      '',
      '- Cài Lá Chắn bắt buộc: trẻ không tắt hay gỡ được.',
      '- Chặn chế độ nhà phát triển (không nạp được tiện ích khác từ thư mục) và công cụ nhà phát triển (DevTools).',
      off ? '- Tắt cửa sổ ẩn danh / riêng tư.' : '- Giữ cửa sổ ẩn danh / riêng tư (Firefox: Lá Chắn chạy cả ở đó).',
      managed ? '- Kèm cài đặt của Lá Chắn (độ tuổi, danh sách…) do người lớn chọn.' : '- Không kèm cài đặt của Lá Chắn: đặt mã PIN và độ tuổi trên trang chào mừng.',
      '',
      '## Những gì bộ khóa không chặn được',
      '',
      '- Tài khoản quản trị của máy xóa được các tệp chính sách: cho trẻ dùng tài khoản thường.',
      '- Trình duyệt khác trên máy không được bảo vệ: gỡ hoặc chặn chúng.',
      '- Không có chính sách nào chặn DevTools chỉ riêng cho trang tiện ích: bộ khóa chặn DevTools ở mọi trang.',
      '',
      'Sau khi áp dụng: khởi động lại trình duyệt, mở `chrome://policy` (Edge: `edge://policy`, Firefox: `about:policies`) '
        + 'xem các chính sách đã nhận, rồi mở trang tự kiểm tra của Lá Chắn: mục "Được cài bằng chính sách" phải có dấu ✓.',
    ];
  }
  return [
    '## What this kit does',
    '',
    '- Force-installs Lá Chắn: the child cannot turn it off or remove it.',
    '- Blocks developer mode (no other extension loaded from a folder) and the developer tools (DevTools).',
    off ? '- Turns incognito / private windows off.' : '- Keeps incognito / private windows (Firefox: Lá Chắn runs there too).',
    managed ? "- Carries Lá Chắn's settings (age band, lists, …) chosen by the grown-up." : "- Carries none of Lá Chắn's settings: set the PIN and age band on the welcome page.",
    '',
    '## What this kit cannot block',
    '',
    "- An administrator account on the computer can delete policy files: give the child a standard account.",
    '- Other browsers on the computer are not protected: remove or block them.',
    '- No policy blocks DevTools only on extension pages: the kit blocks DevTools on every page.',
    '',
    'After applying it: restart the browser, open `chrome://policy` (Edge: `edge://policy`, Firefox: `about:policies`) '
      + "to see the policies it received, then Lá Chắn's self-check page: \"Installed by policy\" must show ✓.",
  ];
}

/** @param {KitInput} k @param {Kit} kit @param {'vi' | 'en'} lang */
export function readmeText(k, kit, lang) {
  const { selfHosted, off } = facts(k);
  const vi = lang === 'vi';
  /** @type {string[]} */
  let body;
  if (kit === 'windows') {
    body = vi ? [
      '# Bộ khóa Lá Chắn: Windows (Chrome và Edge)',
      '',
      'Tệp: `lachan-chrome.reg`, `lachan-edge.reg` (mã hóa UTF-16, như regedit).',
      '',
      '1. Đăng nhập bằng tài khoản quản trị, nhấp đúp tệp `.reg` của trình duyệt đang dùng, chọn *Có*.',
      '2. Khởi động lại trình duyệt.',
      '',
      '**Giới hạn.** Chrome và Edge trên Windows chỉ cài bắt buộc tiện ích *từ cửa hàng của chúng*, trừ khi máy '
        + 'đã vào miền Active Directory / Microsoft Entra ID hoặc được quản lý (Chrome Enterprise, Intune). '
        + (selfHosted ? 'Bộ khóa này dùng địa chỉ tự lưu trữ: trên máy gia đình thông thường trình duyệt sẽ bỏ qua nó; hãy tạo bộ khóa với mã cửa hàng. '
          : 'Bộ khóa này dùng mã cửa hàng nên chạy được trên máy gia đình. ')
        + (off ? '' : 'Chrome và Edge không có chính sách nào cho tiện ích chạy trong cửa sổ ẩn danh: hãy tắt ẩn danh (`--private disable`). '),
    ] : [
      '# Lá Chắn lock kit: Windows (Chrome and Edge)',
      '',
      'Files: `lachan-chrome.reg`, `lachan-edge.reg` (UTF-16, as regedit writes them).',
      '',
      '1. Signed in as an administrator, double-click the `.reg` file of the browser in use and answer *Yes*.',
      '2. Restart the browser.',
      '',
      '**Limits.** Chrome and Edge on Windows force-install only extensions *from their own store*, unless the '
        + 'computer is joined to an Active Directory / Microsoft Entra ID domain or managed (Chrome Enterprise, Intune). '
        + (selfHosted ? 'This kit uses a self-hosted address: on an ordinary home computer the browser ignores it; make the kit with the store id instead. '
          : 'This kit uses the store id, so it works on a home computer. ')
        + (off ? '' : 'No Chrome or Edge policy makes an extension run in incognito windows: turn incognito off (`--private disable`). '),
    ];
  } else if (kit === 'macos') {
    body = vi ? [
      '# Bộ khóa Lá Chắn: macOS (Chrome và Edge)',
      '',
      'Tệp: `lachan-chrome.mobileconfig`, `lachan-edge.mobileconfig` (hồ sơ cấu hình).',
      '',
      '1. Nhấp đúp tệp, rồi mở *Cài đặt hệ thống → Quyền riêng tư & Bảo mật → Hồ sơ* và bấm *Cài đặt* (cần mật khẩu quản trị).',
      '2. Khởi động lại trình duyệt.',
      '',
      '**Giới hạn.** Chrome và Edge trên macOS chỉ cài bắt buộc tiện ích ngoài cửa hàng khi hồ sơ được cài qua MDM '
        + '(phần mềm quản lý thiết bị). ' + (selfHosted ? 'Bộ khóa này dùng địa chỉ tự lưu trữ: cần MDM. ' : 'Bộ khóa này dùng mã cửa hàng: cài tay được. ')
        + 'Người dùng quản trị gỡ được hồ sơ cài tay trong Cài đặt hệ thống.',
    ] : [
      '# Lá Chắn lock kit: macOS (Chrome and Edge)',
      '',
      'Files: `lachan-chrome.mobileconfig`, `lachan-edge.mobileconfig` (configuration profiles).',
      '',
      '1. Double-click the file, then open *System Settings → Privacy & Security → Profiles* and click *Install* (needs an administrator password).',
      '2. Restart the browser.',
      '',
      '**Limits.** Chrome and Edge on macOS force-install extensions from outside their store only when the profile was '
        + 'installed by an MDM (device management). ' + (selfHosted ? 'This kit uses a self-hosted address: it needs an MDM. ' : 'This kit uses the store id: installing it by hand works. ')
        + 'An administrator user can remove a hand-installed profile in System Settings.',
    ];
  } else if (kit === 'linux') {
    const copy = LINUX_TARGETS.map((t) => `sudo install -D -m 644 ${t.file} ${t.dir}/lachan.json   # ${t.name}`);
    body = vi ? [
      '# Bộ khóa Lá Chắn: Linux (Chrome, Chromium, Edge)',
      '',
      'Chép tệp của trình duyệt vào thư mục chính sách (chủ sở hữu root, ai cũng đọc được):',
      '',
      '```sh', ...copy, '```',
      '',
      '**Giới hạn.** Trên Linux các trình duyệt nhận cả địa chỉ tự lưu trữ (tệp `.crx` và `updates.xml`). Chromium bản Snap đọc thư mục khác (`/var/snap/chromium/current/policies/managed/`).',
    ] : [
      '# Lá Chắn lock kit: Linux (Chrome, Chromium, Edge)',
      '',
      "Copy the browser's file into its policy folder (owned by root, readable by all):",
      '',
      '```sh', ...copy, '```',
      '',
      '**Limits.** On Linux the browsers also accept a self-hosted address (a `.crx` and its `updates.xml`). The Snap build of Chromium reads another folder (`/var/snap/chromium/current/policies/managed/`).',
    ];
  } else {
    body = vi ? [
      '# Bộ khóa Lá Chắn: Firefox',
      '',
      'Tệp: `policies.json`. Chép vào:',
      '',
      '- Windows: thư mục `distribution` cạnh `firefox.exe` (ví dụ `C:\\Program Files\\Mozilla Firefox\\distribution\\`);',
      '- macOS: `Firefox.app/Contents/Resources/distribution/`;',
      '- Linux: `/etc/firefox/policies/`.',
      '',
      `**Giới hạn.** Firefox bản thường chỉ cài tệp xpi đã được Mozilla ký (\`${k.xpiUrl}\`); Firefox ESR cũng vậy, `
        + 'trừ khi tắt kiểm tra chữ ký trong hồ sơ, điều không nên làm trên máy của trẻ. '
        + 'Bộ khóa chặn `about:config`, `about:debugging` và chế độ khắc phục sự cố (tắt mọi tiện ích). Muốn chặn cả trang tiện ích, thêm `"BlockAboutAddons": true` '
        + '(khi đó người lớn cũng không xem được tiện ích trên máy này).',
    ] : [
      '# Lá Chắn lock kit: Firefox',
      '',
      'File: `policies.json`. Copy it into:',
      '',
      '- Windows: a `distribution` folder beside `firefox.exe` (for example `C:\\Program Files\\Mozilla Firefox\\distribution\\`);',
      '- macOS: `Firefox.app/Contents/Resources/distribution/`;',
      '- Linux: `/etc/firefox/policies/`.',
      '',
      `**Limits.** Release Firefox installs only an xpi signed by Mozilla (\`${k.xpiUrl}\`); so does Firefox ESR `
        + 'unless signature checks are turned off in the profile, which a child\'s computer should not do. '
        + 'The kit blocks `about:config`, `about:debugging` and Troubleshoot Mode (which turns every add-on off). To block the add-ons page too, add `"BlockAboutAddons": true` '
        + '(then grown-ups cannot see the add-ons on this computer either).',
    ];
  }
  const chromeStore = k.chromeUpdateUrl === CHROME_STORE_UPDATE_URL;
  const source = kit === 'firefox' ? `xpi: ${k.xpiUrl}` : `id ${k.chromeId}${kit !== 'linux' || k.edgeId !== k.chromeId ? ` (Edge: ${k.edgeId})` : ''}; ${chromeStore ? (vi ? 'cửa hàng Chrome' : 'Chrome Web Store') : k.chromeUpdateUrl}`;
  return `${[...body, '', `${vi ? 'Nguồn cài' : 'Installs from'}: ${source}`, '', ...common(k, lang)].join('\n')}\n`;
}
