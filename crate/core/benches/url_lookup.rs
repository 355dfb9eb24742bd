//! Native URL-verdict benchmarks (criterion): bundle open, `check_code` on
//! listed and unlisted URLs at 100k and 1M synthetic domains, with a
//! `HashSet<String>` parent-domain walk as the baseline in the same run,
//! and the two halves of a lookup (URL parsing, FST walk) on their own.
//!
//! With `LACHAN_BUNDLE=dist/lachan.lcb`, also the open and verify of that
//! real bundle.
//!
//! `cargo bench -p lachan-core --bench url_lookup` (about 1.5 min). Figures
//! are per batch of `BATCH` URLs; divide by it for per-URL times (criterion
//! also prints the throughput in URLs/s). Prints figures, asserts nothing
//! beyond a sanity check that the engine and the baseline agree.
use std::collections::HashSet;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use fst::raw::Fst;
use lachan_core::url::ParsedUrl;
use lachan_core::{BundleBuilder, Engine, SourceInfo, SourceKind};

/// URLs per measured iteration.
const BATCH: usize = 2_000;

/// splitmix64: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const ONSETS: &[&str] = &[
    "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "ch", "kh", "ng",
    "nh", "ph", "th", "tr", "qu", "bl", "st", "gr", "f", "j", "w", "z",
];
const VOWELS: &[&str] = &[
    "a", "e", "i", "o", "u", "y", "ai", "ao", "au", "ay", "eo", "ia", "oa", "oi", "ua", "uy", "ie",
    "ou", "ee", "oo",
];
const CODAS: &[&str] = &[
    "", "", "", "n", "ng", "nh", "c", "ch", "t", "p", "m", "s", "r", "x",
];
const TLDS: &[(&str, u32)] = &[
    ("com", 40),
    ("net", 8),
    ("org", 5),
    ("vn", 8),
    ("com.vn", 6),
    ("info", 3),
    ("xyz", 4),
    ("top", 3),
    ("io", 2),
    ("co", 2),
    ("ru", 3),
    ("de", 2),
    ("club", 2),
    ("online", 2),
    ("site", 2),
    ("net.vn", 1),
    ("edu.vn", 1),
    ("co.uk", 2),
    ("me", 1),
    ("tv", 1),
    ("bet", 1),
    ("win", 1),
];
const SUBS: &[&str] = &[
    "www", "m", "cdn", "api", "static", "img", "ads", "track", "mail", "blog",
];

fn word(r: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..1 + r.below(3) {
        s.push_str(r.pick(ONSETS));
        s.push_str(r.pick(VOWELS));
        s.push_str(r.pick(CODAS));
    }
    match r.below(10) {
        0 => s.push_str(&r.below(1000).to_string()),
        1 => {
            s.push('-');
            s.push_str(&word_simple(r));
        }
        _ => {}
    }
    s
}

fn word_simple(r: &mut Rng) -> String {
    format!("{}{}", r.pick(ONSETS), r.pick(VOWELS))
}

fn tld(r: &mut Rng) -> &'static str {
    let total: u32 = TLDS.iter().map(|t| t.1).sum();
    let mut x = r.below(total as usize) as u32;
    for (t, w) in TLDS {
        if x < *w {
            return t;
        }
        x -= w;
    }
    "com"
}

fn domain(r: &mut Rng) -> String {
    let base = format!("{}.{}", word(r), tld(r));
    if r.below(100) < 15 {
        let sub = if r.below(2) == 0 {
            r.pick(SUBS).to_string()
        } else {
            word(r)
        };
        format!("{sub}.{base}")
    } else {
        base
    }
}

struct Data {
    bundle: Vec<u8>,
    set: HashSet<String>,
    /// Reversed-host FST (the same keys as the bundle's host index).
    fst: Fst<Vec<u8>>,
    /// The prototype pre-filter over the same keys.
    filter: Prefilter,
    listed: Vec<String>,
    unlisted: Vec<String>,
}

fn baseline_host(url: &str) -> &str {
    let rest = url.find("://").map_or(url, |i| &url[i + 3..]);
    let end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    &rest[..end]
}

/// The baseline: the host and each parent domain looked up in a hash set.
fn baseline(set: &HashSet<String>, url: &str) -> bool {
    let mut h = baseline_host(url);
    loop {
        if set.contains(h) {
            return true;
        }
        match h.find('.') {
            Some(i) => h = &h[i + 1..],
            None => return false,
        }
    }
}

/// A plain FST walk over a host: the core of the engine's lookup.
fn fst_walk(fst: &Fst<Vec<u8>>, host: &[u8]) -> bool {
    let mut node = fst.root();
    for i in (0..host.len()).rev() {
        let Some(ti) = node.find_input(host[i]) else {
            return false;
        };
        node = fst.node(node.transition(ti).addr);
        if node.is_final() && (i == 0 || host[i - 1] == b'.') {
            return true;
        }
    }
    false
}

/// Prototype of the proposed negative fast path (see bench/README.md): the
/// host sliced out of the URL without copying, then a register-blocked
/// Bloom filter over every key's host (8 bits/key, 3 bits set in one u64
/// word) probed at each label boundary, then the FST walk only on a maybe.
struct Prefilter {
    words: Vec<u64>,
}

fn mix(h: u64) -> u64 {
    let h = (h ^ (h >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

const FNV: u64 = 0x0000_0100_0000_01B3;
const FNV_SEED: u64 = 0xCBF2_9CE4_8422_2325;

impl Prefilter {
    fn build(keys: &[Vec<u8>], bits_per_key: usize) -> Prefilter {
        let mut f = Prefilter {
            words: vec![0; (keys.len() * bits_per_key).div_ceil(64).max(1)],
        };
        for k in keys {
            let h = k
                .iter()
                .fold(FNV_SEED, |h, &b| (h ^ b as u64).wrapping_mul(FNV));
            let (i, bits) = f.pos(mix(h));
            f.words[i] |= bits;
        }
        f
    }

    fn pos(&self, h: u64) -> (usize, u64) {
        let i = (((h >> 32) * self.words.len() as u64) >> 32) as usize;
        (
            i,
            1 << (h & 63) | 1 << ((h >> 6) & 63) | 1 << ((h >> 12) & 63),
        )
    }

    /// Whether the host or a parent domain may be a key.
    fn may_match(&self, host: &[u8]) -> bool {
        let mut h = FNV_SEED;
        let mut dot = false;
        for i in (0..host.len()).rev() {
            h = (h ^ host[i].to_ascii_lowercase() as u64).wrapping_mul(FNV);
            if (i == 0 || host[i - 1] == b'.') && dot {
                let (w, bits) = self.pos(mix(h));
                if self.words[w] & bits == bits {
                    return true;
                }
            }
            dot |= host[i] == b'.';
        }
        false
    }
}

/// The host of a plain `http(s)://` URL as a slice of it; `None` sends the
/// URL to the full parser (userinfo, escapes, IP literals, non-ASCII…).
fn plain_host(url: &[u8]) -> Option<&[u8]> {
    let rest = if url.len() >= 8 && url[..8].eq_ignore_ascii_case(b"https://") {
        &url[8..]
    } else if url.len() >= 7 && url[..7].eq_ignore_ascii_case(b"http://") {
        &url[7..]
    } else {
        return None;
    };
    let mut end = rest.len();
    let mut host_end = usize::MAX;
    for (i, &b) in rest.iter().enumerate() {
        match b {
            b'/' | b'?' | b'#' | b'\\' => {
                end = i;
                break;
            }
            b':' => host_end = host_end.min(i),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {}
            _ => return None,
        }
    }
    let mut host = &rest[..host_end.min(end)];
    while let [h @ .., b'.'] = host {
        host = h;
    }
    match host.last() {
        None | Some(b'0'..=b'9') => None,
        _ => Some(host),
    }
}

/// The proposed negative path: `Some(false)` = not listed, decided here.
fn fast_negative(filter: &Prefilter, fst: &Fst<Vec<u8>>, url: &str) -> Option<bool> {
    let host = plain_host(url.as_bytes())?;
    if !filter.may_match(host) {
        return Some(false);
    }
    // Lower-case ASCII only: a plain host, so the walk can compare bytes.
    let lower: Vec<u8> = host.to_ascii_lowercase();
    (!fst_walk(fst, &lower)).then_some(false)
}

fn make(n: usize, seed: u64) -> Data {
    let mut r = Rng(seed);
    let mut set = HashSet::with_capacity(n);
    let mut order = Vec::with_capacity(n);
    while set.len() < n {
        let d = domain(&mut r);
        if set.insert(d.clone()) {
            order.push(d);
        }
    }
    let mut b = BundleBuilder::new();
    let src = b
        .source(SourceInfo {
            name: "synthetic".into(),
            category: "bench".into(),
            kind: SourceKind::Block,
            licence: String::new(),
            upstream: String::new(),
            bands: vec![],
            entries: 0,
        })
        .expect("source");
    let mut keys: Vec<Vec<u8>> = Vec::with_capacity(n);
    for d in &order {
        b.add_domain(src, d).expect("valid domain");
        keys.push(d.bytes().rev().collect());
    }
    let bundle = b.build().expect("build");
    keys.sort_unstable();
    let fst = fst::raw::Builder::memory();
    let mut fb = fst;
    for k in &keys {
        fb.add(k).expect("sorted");
    }
    let fst = Fst::new(fb.into_inner().expect("fst")).expect("fst");
    let filter = Prefilter::build(&keys, 8);

    let mut listed = Vec::with_capacity(BATCH);
    let mut unlisted = Vec::with_capacity(BATCH);
    while listed.len() < BATCH {
        let d = &order[r.below(order.len())];
        let url = match r.below(4) {
            0 => format!("https://{d}/"),
            1 => format!("https://{}.{d}/", r.pick(SUBS)),
            2 => format!(
                "https://{d}/{}/{}.js?v={}",
                word(&mut r),
                word(&mut r),
                r.below(99)
            ),
            _ => format!("http://{}.{}.{d}/x", word(&mut r), r.pick(SUBS)),
        };
        if baseline(&set, &url) {
            listed.push(url);
        }
    }
    while unlisted.len() < BATCH {
        let d = &order[r.below(order.len())];
        let url = match r.below(4) {
            // Label-boundary neighbour: notlisted.com next to listed.com.
            0 => format!("https://not{d}/"),
            // Same name under another TLD.
            1 => format!(
                "https://{}.{}/",
                d.split('.').next().unwrap_or("x"),
                tld(&mut r)
            ),
            // A fresh domain with a path.
            2 => format!("https://{}/{}/a.js", domain(&mut r), word(&mut r)),
            _ => format!("https://www.{}/", domain(&mut r)),
        };
        if !baseline(&set, &url) {
            unlisted.push(url);
        }
    }
    Data {
        bundle,
        set,
        fst,
        filter,
        listed,
        unlisted,
    }
}

/// Open and verify of a real bundle, when `LACHAN_BUNDLE` names one (e.g.
/// `dist/lachan.lcb` after `make bundle`).
fn real_bundle(c: &mut Criterion) {
    let Some(path) = std::env::var_os("LACHAN_BUNDLE") else {
        return;
    };
    let bytes = std::fs::read(&path).expect("LACHAN_BUNDLE");
    let engine = Engine::from_bytes(bytes.clone()).expect("open");
    let mut g = c.benchmark_group("open/real");
    g.sample_size(20).measurement_time(Duration::from_secs(3));
    g.warm_up_time(Duration::from_millis(300));
    g.bench_function("Engine::from_bytes", |b| {
        b.iter_batched(
            || bytes.clone(),
            |bytes| Engine::from_bytes(bytes).expect("open"),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("Bundle::verify", |b| {
        b.iter(|| engine.bundle().verify().expect("verify"))
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    real_bundle(c);
    for (label, n) in [("100k", 100_000usize), ("1M", 1_000_000)] {
        let t = std::time::Instant::now();
        let data = make(n, 0x1AC4A7 ^ n as u64);
        let engine = Engine::from_bytes(data.bundle.clone()).expect("open");
        let disagree = data
            .listed
            .iter()
            .filter(|u| engine.check_code(u, None) & 3 != 2)
            .count()
            + data
                .unlisted
                .iter()
                .filter(|u| engine.check_code(u, None) & 3 != 0)
                .count();
        eprintln!(
            "[{label}] {n} domains, bundle {} bytes ({:.2} bytes/domain), setup {:.1} s, \
             engine vs HashSet disagreements: {disagree} of {}",
            data.bundle.len(),
            data.bundle.len() as f64 / n as f64,
            t.elapsed().as_secs_f64(),
            2 * BATCH
        );

        let mut g = c.benchmark_group(format!("open/{label}"));
        g.sample_size(20).measurement_time(Duration::from_secs(2));
        g.warm_up_time(Duration::from_millis(300));
        g.bench_function("Engine::from_bytes", |b| {
            b.iter_batched(
                || data.bundle.clone(),
                |bytes| Engine::from_bytes(bytes).expect("open"),
                BatchSize::LargeInput,
            )
        });
        g.bench_function("Bundle::verify", |b| {
            b.iter(|| engine.bundle().verify().expect("verify"))
        });
        g.finish();

        let mut g = c.benchmark_group(format!("lookup/{label}"));
        g.sample_size(20)
            .measurement_time(Duration::from_secs(2))
            .warm_up_time(Duration::from_millis(300))
            .throughput(Throughput::Elements(BATCH as u64));
        for (kind, urls) in [("listed", &data.listed), ("unlisted", &data.unlisted)] {
            g.bench_with_input(BenchmarkId::new("check_code", kind), urls, |b, urls| {
                b.iter(|| {
                    let mut acc = 0u32;
                    for u in urls {
                        acc = acc.wrapping_add(engine.check_code(black_box(u), None));
                    }
                    acc
                })
            });
            g.bench_with_input(BenchmarkId::new("hashset_walk", kind), urls, |b, urls| {
                b.iter(|| {
                    let mut acc = 0u32;
                    for u in urls {
                        acc += baseline(&data.set, black_box(u)) as u32;
                    }
                    acc
                })
            });
            // The two halves of check_code, alone.
            g.bench_with_input(BenchmarkId::new("part_parse_url", kind), urls, |b, urls| {
                b.iter(|| {
                    let mut acc = 0usize;
                    for u in urls {
                        if let Ok(p) = ParsedUrl::parse(black_box(u)) {
                            acc += p.host().as_str().len();
                        }
                    }
                    acc
                })
            });
            // The proposed negative path (a maybe goes on to check_code).
            g.bench_with_input(
                BenchmarkId::new("proposed_fast_path", kind),
                urls,
                |b, urls| {
                    b.iter(|| {
                        let mut acc = 0u32;
                        for u in urls {
                            acc += match fast_negative(&data.filter, &data.fst, black_box(u)) {
                                Some(_) => 0,
                                None => engine.check_code(u, None) & 3,
                            };
                        }
                        acc
                    })
                },
            );
            let hosts: Vec<&str> = urls.iter().map(|u| baseline_host(u)).collect();
            g.bench_with_input(
                BenchmarkId::new("part_fst_walk", kind),
                &hosts,
                |b, hosts| {
                    b.iter(|| {
                        let mut acc = 0u32;
                        for h in hosts {
                            acc += fst_walk(&data.fst, black_box(h.as_bytes())) as u32;
                        }
                        acc
                    })
                },
            );
        }
        g.finish();
    }
}

criterion_group!(url_lookup, benches);
criterion_main!(url_lookup);
