//! Profiling exports: each part of a URL verdict on its own, in WASM, so the
//! Node side can tell where the time goes. See bench/profile.mjs.
use fst::raw::Fst;
use lachan_core::url::ParsedUrl;
use lachan_core::Engine;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Prof {
    engine: Engine,
    fst: Fst<Vec<u8>>,
    scratch: Vec<u8>,
    filter: Filter,
    filter32: Filter32,
    literals: Literals,
}

/// A literal pre-check for expression rules: the words one of which every
/// match must contain, indexed by their first two bytes. A URL containing
/// none of them cannot match, so the regexes run only on the rest.
#[derive(Default)]
struct Literals {
    /// For each (first byte, second byte), the words starting with them.
    table: Vec<Vec<Box<[u8]>>>,
    any: bool,
}

impl Literals {
    fn new(words: &str) -> Literals {
        let mut l = Literals {
            table: vec![Vec::new(); 1 << 16],
            any: false,
        };
        for w in words.split('\n').map(str::trim).filter(|w| w.len() >= 2) {
            let w = w.to_ascii_lowercase().into_bytes();
            l.table[(w[0] as usize) << 8 | w[1] as usize].push(w.into_boxed_slice());
            l.any = true;
        }
        l
    }

    /// Whether `text` (compared lower-case) contains one of the words.
    fn found_in(&self, text: &[u8]) -> bool {
        if !self.any {
            return true;
        }
        for i in 0..text.len().saturating_sub(1) {
            let k = (text[i].to_ascii_lowercase() as usize) << 8 | text[i + 1].to_ascii_lowercase() as usize;
            for w in &self.table[k] {
                if text.len() - i >= w.len() && text[i..i + w.len()].eq_ignore_ascii_case(w) {
                    return true;
                }
            }
        }
        false
    }
}

/// A register-blocked Bloom filter over the host part of every FST key:
/// one 64-bit word per probe. Built here at open time only to measure the
/// lookup; in a real bundle it would be a section written by the builder.
#[derive(Default)]
struct Filter {
    words: Vec<u64>,
    k: u32,
}

const FNV: u64 = 0x0000_0100_0000_01B3;
const SEED: u64 = 0xCBF2_9CE4_8422_2325;

fn mix(h: u64) -> u64 {
    let h = (h ^ (h >> 31)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

impl Filter {
    fn build(fst: &Fst<Vec<u8>>, bits_per_key: f64, k: u32) -> Filter {
        use fst::Streamer;
        let n = fst.len().max(1);
        let m = ((n as f64 * bits_per_key / 64.0).ceil() as usize).max(1);
        let mut f = Filter {
            words: vec![0; m],
            k,
        };
        let mut s = fst.stream();
        while let Some((key, _)) = s.next() {
            let host = match key.iter().position(|b| *b == b'/') {
                Some(i) => &key[..i],
                None => key,
            };
            let mut h = SEED;
            for &b in host {
                h = (h ^ b as u64).wrapping_mul(FNV);
            }
            f.insert(mix(h));
        }
        f
    }

    #[inline]
    fn pos(&self, h: u64) -> (usize, u64) {
        let idx = (((h >> 32) * self.words.len() as u64) >> 32) as usize;
        let mut bits = 0u64;
        for j in 0..self.k {
            bits |= 1u64 << ((h >> (6 * j)) & 63);
        }
        (idx, bits)
    }

    fn insert(&mut self, h: u64) {
        let (i, bits) = self.pos(h);
        self.words[i] |= bits;
    }

    #[inline]
    fn may_contain(&self, h: u64) -> bool {
        let (i, bits) = self.pos(h);
        self.words[i] & bits == bits
    }

    /// Whether some parent domain of `host` (lower-case, with a dot) may be
    /// a key. One pass from the right; a probe at each label boundary.
    #[inline]
    fn may_match(&self, host: &[u8]) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let mut h = SEED;
        let mut dot = false;
        for i in (0..host.len()).rev() {
            h = (h ^ host[i].to_ascii_lowercase() as u64).wrapping_mul(FNV);
            if i == 0 || host[i - 1] == b'.' {
                if dot && self.may_contain(mix(h)) {
                    return true;
                }
            }
            dot |= host[i] == b'.';
        }
        false
    }
}

#[wasm_bindgen]
impl Prof {
    /// As the facade does it: `&[u8]` (copied by the glue) then `to_vec()`.
    pub fn open(bytes: &[u8]) -> Result<Prof, JsError> {
        Prof::build(bytes.to_vec())
    }

    /// Taking the glue's copy by value: one copy instead of two.
    #[wasm_bindgen(js_name = openOwned)]
    pub fn open_owned(bytes: Vec<u8>) -> Result<Prof, JsError> {
        Prof::build(bytes)
    }

    fn build(bytes: Vec<u8>) -> Result<Prof, JsError> {
        let engine = Engine::from_bytes(bytes).map_err(|e| JsError::new(&e.to_string()))?;
        let hfst = engine
            .bundle()
            .section(b"HFST")
            .ok_or_else(|| JsError::new("no HFST"))?
            .to_vec();
        let fst = Fst::new(hfst).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Prof {
            engine,
            fst,
            scratch: vec![0; 8192],
            filter: Filter::default(),
            filter32: Filter32::default(),
            literals: Literals::default(),
        })
    }

    /// Builds the prototype pre-filter (bits per key, bits set per key);
    /// returns its size in bytes.
    #[wasm_bindgen(js_name = buildFilter)]
    pub fn build_filter(&mut self, bits_per_key: f64, k: u32) -> u32 {
        self.filter = Filter::build(&self.fst, bits_per_key, k);
        (self.filter.words.len() * 8) as u32
    }

    /// Builds the 32-bit filter JS probes; returns its size in bytes.
    #[wasm_bindgen(js_name = buildFilter32)]
    pub fn build_filter32(&mut self, bits_per_key: f64) -> u32 {
        self.filter32 = Filter32::build(&self.fst, bits_per_key);
        (self.filter32.words.len() * 4) as u32
    }

    /// Sets the literal pre-check's words (newline-separated).
    #[wasm_bindgen(js_name = setLiterals)]
    pub fn set_literals(&mut self, words: &str) {
        self.literals = Literals::new(words);
    }

    /// The literal pre-check alone over the URL after the scheme: 1 = a
    /// word is there (the regexes must run), 0 = no expression can match.
    #[wasm_bindgen(js_name = literalScan)]
    pub fn literal_scan(&self, url: &str) -> u32 {
        let b = url.as_bytes();
        let from = url.find("://").map_or(0, |i| i + 3);
        self.literals.found_in(&b[from..]) as u32
    }

    /// Where the 32-bit filter's words are in WASM memory.
    #[wasm_bindgen(js_name = filter32Ptr)]
    pub fn filter32_ptr(&self) -> *const u32 {
        self.filter32.words.as_ptr()
    }

    /// How many 32-bit words.
    #[wasm_bindgen(js_name = filter32Len)]
    pub fn filter32_len(&self) -> u32 {
        self.filter32.words.len() as u32
    }

    /// The filter alone on the host: 1 = may be listed.
    #[wasm_bindgen(js_name = filterOnly)]
    pub fn filter_only(&self, url: &str) -> u32 {
        match plain_host(url.as_bytes()) {
            Some(h) => self.filter.may_match(h) as u32,
            None => 9,
        }
    }

    /// Proposed: host slice → filter → (maybe) FST walk → (hit) full path.
    #[wasm_bindgen(js_name = filteredCode)]
    pub fn filtered_code(&self, url: &str) -> u32 {
        if let Some(host) = plain_host(url.as_bytes()) {
            if !self.filter.may_match(host) || walk(&self.fst, host) == Walk::Miss {
                return 0;
            }
        }
        self.engine.check_code(url, None)
    }

    /// As `filteredCode`, over the scheme and authority JS wrote into the
    /// scratch buffer (JS stops copying at the first '/', '?' or '#' after
    /// "://"). Returns NEED_FULL when JS must call `checkCode(url)`.
    #[wasm_bindgen(js_name = checkAuthority)]
    pub fn check_authority(&self, len: usize) -> u32 {
        let bytes = &self.scratch[..len.min(self.scratch.len())];
        if let Some(host) = plain_host(bytes) {
            if !self.filter.may_match(host) || walk(&self.fst, host) == Walk::Miss {
                return 0;
            }
        }
        NEED_FULL
    }

    /// Just the engine open (for timing `Engine::from_bytes` without the FST copy above).
    #[wasm_bindgen(js_name = engineOnly)]
    pub fn engine_only(bytes: Vec<u8>) -> u32 {
        Engine::from_bytes(bytes).map(|e| e.bundle().info().keys as u32).unwrap_or(0)
    }

    /// The string crossing alone.
    #[wasm_bindgen(js_name = noopStr)]
    pub fn noop_str(&self, url: &str) -> u32 {
        url.len() as u32
    }

    /// A number crossing alone (call overhead).
    #[wasm_bindgen(js_name = noopNum)]
    pub fn noop_num(&self, x: u32) -> u32 {
        x + 1
    }

    /// URL parsing and host normalisation as the engine does it.
    pub fn parse(&self, url: &str) -> u32 {
        match ParsedUrl::parse(url) {
            Ok(p) => p.host().as_str().len() as u32,
            Err(_) => 0,
        }
    }

    /// The facade's hot path.
    #[wasm_bindgen(js_name = checkCode)]
    pub fn check_code(&self, url: &str) -> u32 {
        self.engine.check_code(url, None)
    }

    /// Allocation-free host slice + the raw FST walk (no verdict logic).
    #[wasm_bindgen(js_name = hostWalk)]
    pub fn host_walk(&self, url: &str) -> u32 {
        match plain_host(url.as_bytes()) {
            Some(h) => walk(&self.fst, h) as u32,
            None => 9,
        }
    }

    /// Allocation-free host slice alone.
    #[wasm_bindgen(js_name = hostOnly)]
    pub fn host_only(&self, url: &str) -> u32 {
        plain_host(url.as_bytes()).map_or(9, |h| h.len() as u32)
    }

    /// The proposed fast path: the allocation-free host walk answers the
    /// unlisted case; anything else (a hit, URL-prefix rules under a
    /// matched domain, a host it does not handle) goes to `check_code`.
    #[wasm_bindgen(js_name = fastCode)]
    pub fn fast_code(&self, url: &str) -> u32 {
        self.fast(url.as_bytes(), url)
    }

    fn fast(&self, bytes: &[u8], url: &str) -> u32 {
        if let Some(h) = plain_host(bytes) {
            if walk(&self.fst, h) == Walk::Miss {
                return 0;
            }
        }
        self.engine.check_code(url, None)
    }

    /// Where JS writes a URL's UTF-8 bytes for `checkScratch`.
    #[wasm_bindgen(js_name = scratchPtr)]
    pub fn scratch_ptr(&mut self) -> *const u8 {
        self.scratch.as_ptr()
    }

    /// The fast path over bytes JS wrote into the scratch buffer: no
    /// allocation and no string conversion on either side.
    #[wasm_bindgen(js_name = checkScratch)]
    pub fn check_scratch(&self, len: usize) -> u32 {
        let bytes = &self.scratch[..len.min(self.scratch.len())];
        if let Some(h) = plain_host(bytes) {
            if walk(&self.fst, h) == Walk::Miss {
                return 0;
            }
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => self.engine.check_code(s, None),
            Err(_) => 0,
        }
    }

    /// `check_code` over many URLs in one call (one crossing for a batch),
    /// newline-separated; returns how many were blocked.
    #[wasm_bindgen(js_name = checkMany)]
    pub fn check_many(&self, urls: &str) -> u32 {
        urls.split('\n')
            .filter(|u| self.fast(u.as_bytes(), u) & 3 == 2)
            .count() as u32
    }
}

/// The same filter with 32-bit words and a 32-bit hash, so that JS can probe
/// it in WASM memory without calling into WASM (see bench/profile.mjs).
#[derive(Default)]
struct Filter32 {
    words: Vec<u32>,
}

fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

impl Filter32 {
    fn build(fst: &Fst<Vec<u8>>, bits_per_key: f64) -> Filter32 {
        use fst::Streamer;
        let n = fst.len().max(1);
        let m = ((n as f64 * bits_per_key / 32.0).ceil() as usize).max(1);
        let mut f = Filter32 { words: vec![0; m] };
        let mut s = fst.stream();
        while let Some((key, _)) = s.next() {
            let host = match key.iter().position(|b| *b == b'/') {
                Some(i) => &key[..i],
                None => key,
            };
            let mut h = 0x811c_9dc5u32;
            for &b in host {
                h = (h ^ b as u32).wrapping_mul(0x0100_0193);
            }
            let (i, bits) = f.pos(fmix32(h));
            f.words[i] |= bits;
        }
        f
    }

    #[inline]
    fn pos(&self, x: u32) -> (usize, u32) {
        let idx = ((x as u64 * self.words.len() as u64) >> 32) as usize;
        let y = x.wrapping_mul(0x9E37_79B1);
        (idx, 1 << (y >> 27) | 1 << ((y >> 22) & 31) | 1 << ((y >> 17) & 31))
    }
}

/// `checkAuthority`: not decided from the host alone.
pub const NEED_FULL: u32 = u32::MAX;

#[derive(PartialEq, Eq)]
enum Walk {
    /// No key is the host or a parent domain, and no URL rule hangs off one.
    Miss,
    /// Something matched (or may): take the full path.
    Maybe,
}

/// The reversed-host walk, stopping at the first byte the FST lacks.
fn walk(fst: &Fst<Vec<u8>>, host: &[u8]) -> Walk {
    let mut node = fst.root();
    for i in (0..host.len()).rev() {
        let Some(ti) = node.find_input(host[i].to_ascii_lowercase()) else {
            return Walk::Miss;
        };
        node = fst.node(node.transition(ti).addr);
        if i == 0 || host[i - 1] == b'.' {
            if node.is_final() || node.find_input(b'/').is_some() {
                return Walk::Maybe;
            }
        }
    }
    Walk::Miss
}

/// The host of an `http(s)://` URL as a slice of the URL (any case: the
/// walk and the filter lower-case as they read), when it is a plain DNS name
/// (letters, digits, '-', '_', '.'; no userinfo, no percent escapes, not an
/// IP literal). `None` = let the full parser decide. No copy, no allocation.
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
            _ => return None, // '@' (userinfo), '%', '[', non-ASCII, spaces…
        }
    }
    let mut host = &rest[..host_end.min(end)];
    while let [h @ .., b'.'] = host {
        host = h;
    }
    match host.last() {
        // A numeric last label is an IPv4 form (decimal, hex, octal…).
        None | Some(b'0'..=b'9') => None,
        _ if host.len() > 253 || host.starts_with(b"0x") || host.starts_with(b"0X") => None,
        _ => Some(host),
    }
}
