//! A blocked Bloom filter over every listed host, in front of the FST.
//!
//! Real browsing is mostly hosts on no list. The filter answers "is this
//! host or any parent domain possibly listed?" with one hash pass over the
//! host from the right and one 64-bit word probe per label boundary; only a
//! "maybe" goes on to URL parsing and the FST walk. No false negatives: every
//! FST key's host is inserted at build time.
//!
//! Layout of the `HFLT` section: `u32` number of words,
//! `u32` probes per key, then the words (`u64`, little-endian).

/// Bits of filter per listed host (one word holds the probes of a key).
const BITS_PER_KEY: usize = 8;
/// Probes per key: with 8 bits/key in 64-bit blocks, 4 gives ~5% false
/// positives.
const PROBES: u32 = 4;

/// The hash of a host suffix, fed bytes from the right (FNV-1a 64).
#[derive(Clone, Copy)]
pub(crate) struct SuffixHash(u64);

impl SuffixHash {
    pub fn new() -> SuffixHash {
        SuffixHash(0xcbf2_9ce4_8422_2325)
    }

    #[inline]
    pub fn push(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }

    #[inline]
    fn mixed(self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h
    }
}

/// Builds the section from the hash of every key's host.
pub(crate) fn build(hashes: &[SuffixHash]) -> Vec<u8> {
    let words = (hashes.len() * BITS_PER_KEY).div_ceil(64).max(1);
    let mut bits = vec![0u64; words];
    for h in hashes {
        let (w, mask) = probe(h.mixed(), words);
        bits[w] |= mask;
    }
    let mut out = Vec::with_capacity(8 + words * 8);
    out.extend_from_slice(&(words as u32).to_le_bytes());
    out.extend_from_slice(&PROBES.to_le_bytes());
    for w in bits {
        out.extend_from_slice(&w.to_le_bytes());
    }
    out
}

#[inline]
fn probe(m: u64, words: usize) -> (usize, u64) {
    // Lemire's multiply-shift maps the low 32 bits onto 0..words without
    // a division and without rounding the filter up to a power of two.
    let w = (((m & 0xffff_ffff) * words as u64) >> 32) as usize;
    let mut mask = 0u64;
    for j in 0..PROBES {
        mask |= 1u64 << ((m >> (32 + 6 * j)) & 63);
    }
    (w, mask)
}

/// A view of the `HFLT` section.
pub(crate) struct HostFilter<'a> {
    words: &'a [u8],
    count: usize,
}

impl<'a> HostFilter<'a> {
    /// Checks the section's shape; `None` if malformed (the engine then
    /// simply walks the FST for every host).
    pub fn new(section: &'a [u8]) -> Option<HostFilter<'a>> {
        let count = u32::from_le_bytes(section.get(..4)?.try_into().ok()?) as usize;
        let probes = u32::from_le_bytes(section.get(4..8)?.try_into().ok()?);
        let words = section.get(8..)?;
        (count > 0 && probes == PROBES && words.len() == count * 8)
            .then_some(HostFilter { words, count })
    }

    #[inline]
    fn contains(&self, h: SuffixHash) -> bool {
        let (w, mask) = probe(h.mixed(), self.count);
        let word = u64::from_le_bytes(self.words[w * 8..w * 8 + 8].try_into().expect("8 bytes"));
        word & mask == mask
    }

    /// Which of `host`'s suffixes (a plain lower-case ASCII domain, and its
    /// parent domains) may be listed: bit `k` stands for the suffix of
    /// `k + 1` labels (bit 0 the last label alone), and bit 63 for every
    /// suffix of 64 labels or more. 0: no list holds the host or a parent.
    /// The FST walk then looks only at these suffixes and stops after the
    /// longest one.
    #[inline]
    pub fn suffix_mask(&self, host: &[u8]) -> u64 {
        let mut h = SuffixHash::new();
        let mut mask = 0u64;
        let mut k = 0u32;
        for i in (0..host.len()).rev() {
            h.push(host[i]);
            if i == 0 || host[i - 1] == b'.' {
                if self.contains(h) {
                    mask |= 1u64 << k.min(63);
                }
                k += 1;
            }
        }
        mask
    }

    /// Whether `host` (a plain lower-case ASCII domain) or any of its parent
    /// domains may be listed.
    #[inline]
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn may_contain_suffix(&self, host: &[u8]) -> bool {
        let mut h = SuffixHash::new();
        for i in (0..host.len()).rev() {
            h.push(host[i]);
            if (i == 0 || host[i - 1] == b'.') && self.contains(h) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(host: &str) -> SuffixHash {
        let mut h = SuffixHash::new();
        for b in host.bytes().rev() {
            h.push(b);
        }
        h
    }

    #[test]
    fn no_false_negatives_and_few_false_positives() {
        let listed: Vec<String> = (0..20_000).map(|i| format!("site{i}.example")).collect();
        let section = build(&listed.iter().map(|h| hash(h)).collect::<Vec<_>>());
        let f = HostFilter::new(&section).unwrap();
        for h in &listed {
            assert!(f.may_contain_suffix(h.as_bytes()), "{h}");
            assert!(
                f.may_contain_suffix(format!("www.{h}").as_bytes()),
                "www.{h}"
            );
        }
        for h in &listed {
            let sub = format!("a.b.{h}");
            // "site{i}.example" is 2 labels: bit 1 must be set.
            assert!(f.suffix_mask(sub.as_bytes()) & 0b10 != 0, "{sub}");
        }
        let fp = (0..20_000)
            .filter(|i| f.may_contain_suffix(format!("other{i}.test").as_bytes()))
            .count();
        assert!(fp < 2_000, "{fp} false positives of 20000");
    }

    #[test]
    fn malformed_sections_are_refused() {
        assert!(HostFilter::new(&[]).is_none());
        assert!(HostFilter::new(&[0, 0, 0, 0, 4, 0, 0, 0]).is_none());
        assert!(HostFilter::new(&[1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_none());
        let mut ok = build(&[hash("a.b")]);
        ok.pop();
        assert!(HostFilter::new(&ok).is_none());
    }
}
