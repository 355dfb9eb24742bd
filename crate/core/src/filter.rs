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

/// Number of words of a filter over `keys` keys.
fn words_for(keys: usize) -> usize {
    keys.saturating_mul(BITS_PER_KEY).div_ceil(64).max(1)
}

/// Builds the section, one FST key at a time (the builder and
/// `Bundle::verify`, which rebuilds it from the keys and compares).
pub(crate) struct FilterBuilder {
    bits: Vec<u64>,
}

impl FilterBuilder {
    /// A filter sized for `keys` keys.
    pub fn new(keys: usize) -> FilterBuilder {
        FilterBuilder {
            bits: vec![0; words_for(keys)],
        }
    }

    /// Adds the host of an FST key (the bytes before the first `/`,
    /// reversed as the key holds them).
    pub fn insert_key(&mut self, key: &[u8]) {
        let mut h = SuffixHash::new();
        for &b in key.iter().take_while(|b| **b != b'/') {
            h.push(b);
        }
        let (w, mask) = probe(h.mixed(), self.bits.len());
        self.bits[w] |= mask;
    }

    /// The section bytes.
    pub fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + self.bits.len() * 8);
        out.extend_from_slice(&(self.bits.len() as u32).to_le_bytes());
        out.extend_from_slice(&PROBES.to_le_bytes());
        for w in self.bits {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out
    }
}

/// The section's check at open: well-formed, and sized for the `keys` keys
/// of the index (as the builder sizes it).
pub(crate) fn check(section: &[u8], keys: u64) -> Result<(), String> {
    let filter = HostFilter::new(section).ok_or("malformed")?;
    let want = usize::try_from(keys).map(words_for).unwrap_or(0);
    if filter.count != want {
        return Err(format!(
            "{} words for {keys} keys, expected {want}",
            filter.count
        ));
    }
    Ok(())
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
        (count > 0 && probes == PROBES && Some(words.len()) == count.checked_mul(8))
            .then_some(HostFilter { words, count })
    }

    #[inline]
    fn contains(&self, h: SuffixHash) -> bool {
        let (w, mask) = probe(h.mixed(), self.count);
        // `w < count` and the words are `count * 8` bytes (checked in `new`).
        let word = self
            .words
            .get(w * 8..w * 8 + 8)
            .and_then(|b| b.try_into().ok())
            .map_or(u64::MAX, u64::from_le_bytes);
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

    /// The section over these hosts, as the builder makes it from keys.
    fn build<S: AsRef<str>>(hosts: &[S]) -> Vec<u8> {
        let mut b = FilterBuilder::new(hosts.len());
        for h in hosts {
            let key: Vec<u8> = h.as_ref().bytes().rev().collect();
            b.insert_key(&key);
        }
        b.finish()
    }

    #[test]
    fn no_false_negatives_and_few_false_positives() {
        let listed: Vec<String> = (0..20_000).map(|i| format!("site{i}.example")).collect();
        let section = build(&listed);
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
        let mut ok = build(&["a.b"]);
        assert_eq!(check(&ok, 1), Ok(()));
        assert!(check(&ok, 100).is_err(), "sized for another key count");
        ok.pop();
        assert!(HostFilter::new(&ok).is_none());
        assert!(check(&ok, 1).is_err());
    }
}
