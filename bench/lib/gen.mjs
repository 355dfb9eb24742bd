// Deterministic synthetic data: realistic-looking domains and a URL set with
// known verdicts. Same seed, same bytes, on every machine.
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';

/** mulberry32: a small seeded PRNG. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    below: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
  };
}

const ONSETS = ['b', 'c', 'd', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'x', 'ch', 'kh', 'ng',
  'nh', 'ph', 'th', 'tr', 'qu', 'bl', 'st', 'gr', 'f', 'j', 'w', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'y', 'ai', 'ao', 'au', 'ay', 'eo', 'ia', 'oa', 'oi', 'ua', 'uy', 'ie',
  'ou', 'ee', 'oo', 'uo', 'ye'];
const CODAS = ['', '', '', 'n', 'ng', 'nh', 'c', 'ch', 't', 'p', 'm', 's', 'r', 'x'];
// Words a real list is full of: gambling, adult, betting, Vietnamese.
const WORDS = ['bet', 'casino', 'slot', 'poker', 'game', 'club', 'vip', 'win', 'lucky', 'live', 'tv', 'xo', 'so',
  'keo', 'nha', 'cai', 'soi', 'cau', 'lo', 'de', 'phim', 'sex', 'hot', 'girl', 'video', 'free', 'online', 'app',
  'shop', 'news', 'tin', 'bong', 'da', 'the', 'thao', 'xem', 'truc', 'tiep', 'link', 'vao', 'moi', 'nhat', 'fun',
  'play', 'top', 'best', '88', '69', '247', '365', 'vn', 'asia', 'king', 'star', 'gold', 'red', 'blue'];
const TLDS = [['com', 40], ['net', 8], ['org', 5], ['vn', 8], ['com.vn', 6], ['info', 3], ['xyz', 4], ['top', 3],
  ['io', 2], ['co', 2], ['ru', 3], ['de', 2], ['club', 2], ['online', 2], ['site', 2], ['net.vn', 1], ['edu.vn', 1],
  ['co.uk', 2], ['me', 1], ['tv', 1], ['bet', 1], ['win', 1], ['cc', 1], ['live', 1]];
const TLD_SET = new Set(TLDS.map((t) => t[0]));
const TLD_TOTAL = TLDS.reduce((s, t) => s + t[1], 0);
const SUBS = ['www', 'm', 'cdn', 'api', 'static', 'img', 'ads', 'track', 'mail', 'blog', 'app', 'vip', 'login'];
const PATH_WORDS = ['js', 'static', 'assets', 'img', 'api', 'v1', 'v2', 'ads', 'track', 'pixel', 'lib', 'dist',
  'game', 'slot', 'video', 'tin-tuc', 'bai-viet', 'dang-nhap'];

function syllable(r) {
  return r.pick(ONSETS) + r.pick(VOWELS) + r.pick(CODAS);
}

const VI = ['cá', 'cược', 'độ', 'bóng', 'đá', 'xổ', 'số', 'nhà', 'cái', 'đánh', 'bài', 'phim', 'hay', 'trực',
  'tiếp', 'thể', 'thao', 'tài', 'xỉu', 'lô', 'đề', 'game', 'việt', 'sòng', 'bạc', 'tin', 'tức', 'mới'];

/** A Unicode Vietnamese label turned into valid punycode (xn--…). */
function idn(r) {
  const u = r.pick(VI) + r.pick(VI) + (r.below(2) === 0 ? r.pick(VI) : '');
  const a = domainToASCII(u + '.vn');
  return a ? a.slice(0, a.length - 3) : syllable(r);
}

function label(r) {
  let s = '';
  const k = r.below(10);
  if (k < 5) {
    for (let i = 1 + r.below(3); i > 0; i--) s += syllable(r);
  } else if (k < 8) {
    s = r.pick(WORDS) + r.pick(WORDS);
    if (r.below(3) === 0) s += r.pick(WORDS);
  } else if (k < 9) {
    s = syllable(r) + r.pick(WORDS);
  } else {
    s = r.pick(WORDS) + '-' + syllable(r);
  }
  const d = r.below(12);
  if (d === 0) s += String(r.below(1000));
  else if (d === 1) return idn(r); // a Vietnamese IDN label, as punycode
  return s.slice(0, 40);
}

function tld(r) {
  let x = r.below(TLD_TOTAL);
  for (const [t, w] of TLDS) {
    if (x < w) return t;
    x -= w;
  }
  return 'com';
}

export function domain(r) {
  const base = label(r) + '.' + tld(r);
  if (r.below(100) < 15) {
    const sub = r.below(2) === 0 ? r.pick(SUBS) : label(r);
    return sub + '.' + base;
  }
  return base;
}

/** Host of a URL, the cheap way (the generated URLs are all simple). */
export function hostOf(url) {
  let i = url.indexOf('://');
  i = i < 0 ? 0 : i + 3;
  let end = url.length;
  for (let j = i; j < url.length; j++) {
    const c = url.charCodeAt(j);
    if (c === 47 || c === 63 || c === 35 || c === 58) { end = j; break; } // / ? # :
  }
  return url.slice(i, end);
}

/** Ground truth: the host or one of its parent domains is in the set. */
export function listedIn(set, host) {
  let h = host;
  for (;;) {
    if (set.has(h)) return true;
    const i = h.indexOf('.');
    if (i < 0) return false;
    h = h.slice(i + 1);
  }
}

function path(r) {
  let p = '/' + r.pick(PATH_WORDS);
  for (let i = r.below(3); i > 0; i--) p += '/' + label(r);
  const t = r.below(4);
  if (t === 0) p += '.js';
  else if (t === 1) p += '.png';
  if (r.below(3) === 0) p += '?v=' + r.below(10000) + '&ref=' + syllable(r);
  return p;
}

/**
 * Generates `n` unique domains and `urls` URLs (half listed). Returns
 * { domains: string[], urls: [url, listed:boolean, kind][] }.
 */
export function generate(n, urlCount, seed = 0x1ac4a7) {
  const r = rng(seed ^ n);
  const set = new Set();
  const domains = [];
  while (domains.length < n) {
    const d = domain(r);
    if (!set.has(d)) {
      set.add(d);
      domains.push(d);
    }
  }
  const listedKinds = {
    host: (d) => `https://${d}/`,
    www: (d) => `https://${r.pick(SUBS)}.${d}/`,
    path: (d) => `https://${d}${path(r)}`,
    deep: (d) => `http://${label(r)}.${r.pick(SUBS)}.${d}${path(r)}`,
    port: (d) => `https://${d}:8443${path(r)}`,
  };
  const listedWeights = [['host', 25], ['www', 25], ['path', 30], ['deep', 15], ['port', 5]];
  const firstLabelRest = (d) => d.slice(d.indexOf('.') + 1);
  const unlistedKinds = {
    // Label-boundary neighbours: notbad.com beside bad.com, badx.com.
    not: (d) => `https://not${d}/`,
    glued: (d) => `https://${d.replace('.', r.pick(['x', '1', 's']) + '.')}/`,
    // Same name, other TLD; a TLD grown by one label (bad.com.vn).
    othertld: (d) => `https://${d.split('.')[0]}.${tld(r)}${path(r)}`,
    grown: (d) => `https://${d}.${r.pick(['vn', 'net', 'co'])}/`,
    // A listed domain as the left part of an unrelated host.
    left: (d) => `https://${d}.${label(r)}.${tld(r)}/`,
    // Parent of a listed entry (listed cdn.foo.com, asked foo.com).
    parent: (d) => {
      const p = firstLabelRest(d);
      return p.includes('.') && !TLD_SET.has(p) ? `https://${p}/` : `https://${domain(r)}/`;
    },
    // A listed domain only in the query string.
    query: (d) => `https://${domain(r)}/out?u=https://${d}/`,
    // Ordinary browsing: fresh domains.
    fresh: () => `https://${domain(r)}${path(r)}`,
    freshwww: () => `https://www.${domain(r)}/`,
  };
  const unlistedWeights = [['not', 10], ['glued', 5], ['othertld', 8], ['grown', 5], ['left', 5], ['parent', 4],
    ['query', 3], ['fresh', 40], ['freshwww', 20]];
  const pickKind = (weights) => {
    const total = weights.reduce((s, w) => s + w[1], 0);
    let x = r.below(total);
    for (const [k, w] of weights) {
      if (x < w) return k;
      x -= w;
    }
    return weights[0][0];
  };
  const urls = [];
  const half = Math.floor(urlCount / 2);
  let listed = 0;
  let unlisted = 0;
  let guard = 0;
  while (listed + unlisted < urlCount && guard++ < urlCount * 50) {
    const wantListed = listed < half && (unlisted >= urlCount - half || r.below(2) === 0);
    const d = domains[r.below(domains.length)];
    const kind = wantListed ? pickKind(listedWeights) : pickKind(unlistedWeights);
    const url = (wantListed ? listedKinds : unlistedKinds)[kind](d);
    const truth = listedIn(set, hostOf(url));
    if (truth !== wantListed) continue; // e.g. a "fresh" domain that happens to be listed
    urls.push([url, truth, kind]);
    if (truth) listed++;
    else unlisted++;
  }
  return { domains, urls };
}

/** Writes (or reuses) bench/data/domains-LABEL.txt and urls-LABEL-N.tsv. */
export function ensureData(dataDir, label, n, urlCount) {
  mkdirSync(dataDir, { recursive: true });
  const dFile = join(dataDir, `domains-${label}.txt`);
  const uFile = join(dataDir, `urls-${label}-${urlCount}.tsv`);
  if (existsSync(dFile) && existsSync(uFile)) return { dFile, uFile, reused: true };
  const t = performance.now();
  const { domains, urls } = generate(n, urlCount);
  writeFileSync(dFile, domains.join('\n') + '\n');
  writeFileSync(uFile, urls.map((u) => `${u[0]}\t${u[1] ? 1 : 0}\t${u[2]}`).join('\n') + '\n');
  return { dFile, uFile, reused: false, ms: performance.now() - t };
}

export function readDomains(file) {
  const t = readFileSync(file, 'utf8');
  return t.split('\n').filter((l) => l.length > 0);
}

export function readUrls(file) {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => {
    const [url, listed, kind] = l.split('\t');
    return { url, listed: listed === '1', kind };
  });
}
