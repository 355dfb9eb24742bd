//! The brand index (`BRND`): the registrable labels that identify an
//! operator on a block list (`99win`, `jun88`, `xvideos`), so that the same
//! operator is recognised on its next domain (`99win.vip`, `jun88-ok.com`,
//! `m1.jun88.app`).
//!
//! Layout: `u32` prefilter words (a power of two), the words (`u64`), then
//! an `fst::Map` from brand to `source << 2 | flags`. The prefilter holds
//! one bit per contained-match brand, set from its first four bytes, so the
//! search for brands inside a label walks the FST only from the few start
//! positions whose four bytes may begin one.
use crate::bundle::Slice;
use crate::host_index::HostIndex;

/// The label equal to the brand is a hit.
pub const EXACT: u64 = 1;
/// A label containing the brand is a hit too.
pub const CONTAINED: u64 = 2;
/// A contained brand this long is distinctive wherever it lies in a label.
const LONG: usize = 7;
/// Bytes of a brand the prefilter looks at (also the shortest contained brand).
pub const PREFIX: usize = 4;

fn prefix_bit(b: &[u8], words: usize) -> (usize, u64) {
    let mut h: u32 = 0x811c_9dc5;
    for &x in &b[..PREFIX] {
        h = (h ^ u32::from(x)).wrapping_mul(0x0100_0193);
    }
    let bit = (h as usize) & (words * 64 - 1);
    (bit / 64, 1u64 << (bit % 64))
}

/// Writes the section from `(brand, source id, flags)`, brands unique.
pub fn build(mut brands: Vec<(String, u16, u64)>) -> Result<Vec<u8>, String> {
    brands.sort();
    brands.dedup_by(|a, b| a.0 == b.0);
    let contained = brands.iter().filter(|b| b.2 & CONTAINED != 0).count();
    // ~2 bits per contained brand: a filter small enough to stay in cache
    // (32 KiB for the real lists) matters more than its false hits, which
    // cost one short FST walk each.
    let words = (contained * 2 / 64).next_power_of_two().max(1);
    let mut bits = vec![0u64; words];
    let mut map = fst::MapBuilder::memory();
    for (brand, source, flags) in &brands {
        if flags & CONTAINED != 0 && brand.len() >= PREFIX {
            let (w, m) = prefix_bit(brand.as_bytes(), words);
            bits[w] |= m;
        }
        map.insert(brand, (u64::from(*source) << 2) | flags)
            .map_err(|e| e.to_string())?;
    }
    let fst = map.into_inner().map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(4 + words * 8 + fst.len());
    out.extend_from_slice(&(words as u32).to_le_bytes());
    for w in bits {
        out.extend_from_slice(&w.to_le_bytes());
    }
    out.extend_from_slice(&fst);
    Ok(out)
}

/// A brand found in a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BrandHit {
    /// Where the brand lies in the label.
    pub start: usize,
    pub end: usize,
    /// The source list it came from.
    pub source: u16,
    /// Whether the whole label is the brand.
    pub exact: bool,
}

/// An opened brand index.
pub(crate) struct Brands {
    filter: Vec<u64>,
    index: HostIndex,
}

impl Brands {
    /// Opens the section; `None` if it is malformed.
    pub(crate) fn open(section: Slice) -> Option<Brands> {
        let b = section.as_ref();
        let words = u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as usize;
        if words == 0 || !words.is_power_of_two() {
            return None;
        }
        let fst_at = words.checked_mul(8)?.checked_add(4)?;
        let filter = b
            .get(4..fst_at)?
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        let index = HostIndex::open_any(section.sub(fst_at, b.len())?).ok()?;
        Some(Brands { filter, index })
    }

    /// The best brand in `label`: the label itself when it is an exact
    /// brand, else the brand with a number or a hyphenated part added
    /// (`betway112`, `2-joycasino`, `1win-1076`, `catcasino-3n`: exact
    /// brands too, since the family shape is the operator's habit, not a
    /// word's), else the longest contained brand.
    ///
    /// One FST walk per start position answers all three: the walk from 0
    /// passes the whole label and the affix variants that start there, and
    /// a contained brand can only start where the prefilter lets a walk
    /// begin.
    pub(crate) fn find(&self, label: &str) -> Option<BrandHit> {
        let l = label.as_bytes();
        let n = l.len();
        let raw = self.index.raw();
        let root = self.index.root();
        let affix = |b: &u8| b.is_ascii_digit() || *b == b'-';
        let lead = l.iter().take_while(|b| affix(b)).count();
        let trail = l[lead..].iter().rev().take_while(|b| affix(b)).count();
        let first = l.iter().position(|b| *b == b'-').unwrap_or(n);
        let last = l.iter().rposition(|b| *b == b'-').map_or(0, |i| i + 1);
        let mut spans = [
            (0, n - trail),
            (lead, n),
            (lead, n - trail),
            (0, first),
            (last, n),
        ];
        for s in &mut spans {
            if s.1 < s.0 + PREFIX || s.1 - s.0 == n || !distinct(&l[s.0..s.1]) {
                *s = (usize::MAX, usize::MAX); // never a hit
            }
        }
        let mut whole: Option<u64> = None;
        let mut variant: [Option<u64>; 5] = [None; 5];
        let mut best: Option<BrandHit> = None;
        for start in 0..n {
            let spans_here = spans.iter().any(|s| s.0 == start);
            let contained_here = start + PREFIX <= n && {
                let (w, m) = prefix_bit(&l[start..], self.filter.len());
                self.filter[w] & m != 0
            };
            if start != 0 && !spans_here && !contained_here {
                continue;
            }
            let mut addr = root;
            let mut out = 0u64;
            for (i, &c) in l[start..].iter().enumerate() {
                let Some((next, o)) = raw.step(addr, c) else {
                    break;
                };
                addr = next;
                out = out.wrapping_add(o);
                let end = start + i + 1;
                let Some(f) = raw.final_output(addr) else {
                    continue;
                };
                let v = out.wrapping_add(f);
                if start == 0 && end == n {
                    whole = Some(v);
                }
                for (k, s) in spans.iter().enumerate() {
                    if *s == (start, end) {
                        variant[k] = Some(v);
                    }
                }
                let len = end - start;
                if contained_here
                    && len >= PREFIX
                    && best.is_none_or(|b| b.end - b.start < len)
                    && v & CONTAINED != 0
                    && !(start == 0 && len == n)
                    && bounded(l, start, end)
                {
                    best = Some(BrandHit {
                        start,
                        end,
                        source: (v >> 2) as u16,
                        exact: false,
                    });
                }
            }
        }
        let named = |v: Option<u64>| v.filter(|v| v & (EXACT | CONTAINED) != 0);
        if let Some(v) = named(whole) {
            return Some(BrandHit {
                start: 0,
                end: n,
                source: (v >> 2) as u16,
                exact: true,
            });
        }
        for (k, v) in variant.iter().enumerate() {
            if let Some(v) = named(*v) {
                return Some(BrandHit {
                    start: spans[k].0,
                    end: spans[k].1,
                    source: (v >> 2) as u16,
                    exact: false,
                });
            }
        }
        best
    }
}

/// Whether a brand found at `start..end` inside label `l` is a hit: a long
/// one anywhere, a short one touching a token boundary, a four-byte one
/// (`fb88`) on both sides (`fb88map`, not `xfb88` or `reson8`).
fn bounded(l: &[u8], start: usize, end: usize) -> bool {
    let len = end - start;
    if len >= LONG {
        return true;
    }
    let (a, b) = (boundary(l, start), boundary(l, end));
    if len <= PREFIX {
        a
    } else {
        a || b
    }
}

/// Whether a brand of four bytes may stand for an operator on a family
/// shape: only mixing letters and digits (`fb88`, not `moto` or `dwin`).
fn distinct(b: &[u8]) -> bool {
    b.len() > PREFIX || (b.iter().any(u8::is_ascii_digit) && b.iter().any(u8::is_ascii_lowercase))
}

/// Whether a token of the label starts or ends at `at`: an end of the
/// label, a hyphen, or a change between letters and digits. A short brand
/// found inside a label must touch one (`new99winvip`, `sk-jun88`): in the
/// middle of a word (`ichan` in `omnichannel`) it is chance.
fn boundary(l: &[u8], at: usize) -> bool {
    if at == 0 || at >= l.len() {
        return true;
    }
    let (a, b) = (l[at - 1], l[at]);
    a == b'-' || b == b'-' || a.is_ascii_digit() != b.is_ascii_digit()
}
