//! The host-name model (`HMDL`): a small linear classifier over hashed
//! features of a host name, trained by `lachan build` from the block lists
//! (positives per category) and benign top sites (negatives).
//!
//! The features are the same code at training and at run time
//! ([`host_features`]); the weights are `i8` with one scale, laid out
//! bucket-major so that one feature costs one cache line for every class.
//!
//! Layout: `u32` log2 of the bucket count, `u32` classes, `f32` scale,
//! `classes × u16` category ids (`u16::MAX` = benign) padded to 4 bytes,
//! `classes × f32` biases, then `buckets × classes` `i8` weights.
use super::psl::Registrable;
use crate::bundle::Slice;

/// Category id of the benign class.
pub const BENIGN: u16 = u16::MAX;

const TAG_GRAM: u8 = 1;
const TAG_SUFFIX: u8 = 2;
const TAG_SUB: u8 = 3;
const TAG_SHAPE: u8 = 4;
const TAG_WORD: u8 = 5;
const TAG_NUMBER: u8 = 6;
const TAG_PATTERN: u8 = 7;

#[inline]
fn fnv_start(tag: u8) -> u32 {
    (0x811c_9dc5 ^ u32::from(tag)).wrapping_mul(0x0100_0193)
}

#[inline]
fn fnv(tag: u8, parts: &[&[u8]]) -> u32 {
    let mut h = fnv_start(tag);
    for p in parts {
        for &b in *p {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
        }
    }
    h ^ (h >> 15)
}

/// Calls `f` with the hash of every feature of `host` (a canonical domain
/// whose registrable part is `reg`): character 3- to 5-grams of the
/// registrable label with its ends marked, its letter and number runs, its
/// shape (length, digits, hyphens), the public suffix, and the nearest
/// subdomain label (`m1`, `sk`, `www`).
pub fn host_features(host: &str, reg: Registrable, mut f: impl FnMut(u32)) {
    let label = reg.label(host).as_bytes();
    let mut buf = [0u8; 66];
    let n = label.len().min(63);
    buf[0] = b'^';
    buf[1..=n].copy_from_slice(&label[..n]);
    buf[n + 1] = b'$';
    let marked = &buf[..n + 2];
    // The 3-, 4- and 5-grams starting at one byte share their first bytes:
    // one FNV state per start, finished after 3, 4 and 5 bytes (the same
    // hashes as `fnv(TAG_GRAM, &[gram])`, in another order, which a sum of
    // weights does not see).
    for i in 0..marked.len().saturating_sub(2) {
        let mut h = fnv_start(TAG_GRAM);
        for (k, &b) in marked[i..].iter().take(5).enumerate() {
            h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
            if k >= 2 {
                f(h ^ (h >> 15));
            }
        }
    }
    let mut digits = 0usize;
    let mut hyphens = 0usize;
    let mut run_start = 0usize;
    // The label's runs as classes and lengths (`y2072` → `a1 9 4`, `348368`
    // → `9 6`): numbered operators reuse a few shapes, in any digits.
    let mut pattern = [0u8; 8];
    let mut runs = 0usize;
    for i in 0..=n {
        let end = i == n || {
            let (a, b) = (label[i], label[run_start]);
            a == b'-' || a.is_ascii_digit() != b.is_ascii_digit()
        };
        if i < n {
            digits += usize::from(label[i].is_ascii_digit());
            hyphens += usize::from(label[i] == b'-');
        }
        if end {
            let run = &label[run_start..i];
            if !run.is_empty() && runs < 4 {
                pattern[2 * runs] = if run[0].is_ascii_digit() { b'9' } else { b'a' };
                pattern[2 * runs + 1] = b'0' + run.len().min(9) as u8;
                runs += 1;
            }
            if run.first().is_some_and(u8::is_ascii_digit) {
                let shown: &[u8] = if run.len() <= 4 { run } else { b"5+" };
                f(fnv(TAG_NUMBER, &[shown]));
            } else if run.len() >= 3 {
                f(fnv(TAG_WORD, &[run]));
            }
            run_start = if i < n && label[i] == b'-' { i + 1 } else { i };
        }
    }
    let bucket = |x: usize, edges: &[usize]| edges.iter().take_while(|e| x >= **e).count() as u8;
    f(fnv(TAG_SHAPE, &[b"len", &[bucket(n, &[5, 8, 12, 17])]]));
    f(fnv(TAG_SHAPE, &[b"dig", &[bucket(digits, &[1, 3, 5])]]));
    f(fnv(TAG_SHAPE, &[b"hyp", &[bucket(hyphens, &[1, 2])]]));
    f(fnv(TAG_SUFFIX, &[reg.suffix(host).as_bytes()]));
    f(fnv(TAG_PATTERN, &[&pattern[..2 * runs]]));
    f(fnv(
        TAG_PATTERN,
        &[&pattern[..2 * runs], reg.suffix(host).as_bytes()],
    ));
    if reg.label_start > 0 {
        let subs = &host.as_bytes()[..reg.label_start - 1];
        let near = subs.rsplit(|&b| b == b'.').next().unwrap_or(subs);
        // `www.` says nothing about a site, and lists carry it far more
        // often than the benign sets do: as a feature it taught the model
        // that `www.` itself is harmful.
        if near != b"www" {
            f(fnv(TAG_SUB, &[near]));
        }
    }
}

/// Most classes a model may have (benign + categories).
const MAX_CLASSES: usize = 16;

/// An opened model: the header decoded once, the weights read in place.
pub(crate) struct Model {
    mask: usize,
    classes: usize,
    scale: f32,
    categories: [u16; MAX_CLASSES],
    bias: [f32; MAX_CLASSES],
    weights: Slice,
    /// Where the weights start in `weights`.
    at: usize,
}

impl Model {
    /// Opens the section; `None` if malformed.
    pub(crate) fn open(section: Slice) -> Option<Model> {
        let b = section.as_ref();
        let u32_at = |at: usize| -> Option<u32> {
            Some(u32::from_le_bytes(
                b.get(at..at.checked_add(4)?)?.try_into().ok()?,
            ))
        };
        let log2 = u32_at(0)?;
        let classes = u32_at(4)? as usize;
        if !(8..=24).contains(&log2) || !(2..=MAX_CLASSES).contains(&classes) {
            return None;
        }
        let scale = f32::from_bits(u32_at(8)?);
        let ids_at = 12;
        let bias_at = ids_at + (classes * 2).next_multiple_of(4);
        let w_at = bias_at + classes * 4;
        let buckets = 1usize << log2;
        if w_at + buckets * classes != b.len() || !scale.is_finite() {
            return None;
        }
        let mut categories = [0u16; MAX_CLASSES];
        let mut bias = [0f32; MAX_CLASSES];
        for c in 0..classes {
            categories[c] = u16::from_le_bytes([b[ids_at + 2 * c], b[ids_at + 2 * c + 1]]);
            bias[c] = f32::from_bits(u32_at(bias_at + 4 * c)?);
            if !bias[c].is_finite() {
                return None;
            }
        }
        Some(Model {
            mask: buckets - 1,
            classes,
            scale,
            categories,
            bias,
            weights: section,
            at: w_at,
        })
    }

    /// The most likely harmful class and its log-odds against the other
    /// classes (whatever the benign class scores: the policy's bands decide
    /// what it means).
    pub(crate) fn margin(&self, host: &str, reg: Registrable) -> Option<(u16, f32)> {
        let n = self.classes;
        let weights = &self.weights.as_ref()[self.at..];
        let mut sums = [0i32; MAX_CLASSES];
        host_features(host, reg, |h| {
            let row = &weights[(h as usize & self.mask) * n..][..n];
            for (s, w) in sums.iter_mut().zip(row) {
                *s += i32::from(*w as i8);
            }
        });
        let mut logits = [0f32; MAX_CLASSES];
        for ((l, b), s) in logits.iter_mut().zip(&self.bias).zip(&sums).take(n) {
            *l = b + self.scale * *s as f32;
        }
        // The most likely harmful class, and its log-odds against all the
        // other classes together (the benign one included): a margin keeps
        // its resolution where a softmax probability rounds to 1.
        let mut best = None::<usize>;
        for c in 0..n {
            if self.categories[c] != BENIGN && best.is_none_or(|b| logits[c] > logits[b]) {
                best = Some(c);
            }
        }
        let b = best?;
        let rest_max = (0..n)
            .filter(|c| *c != b)
            .map(|c| logits[c])
            .fold(f32::NEG_INFINITY, f32::max);
        let rest: f32 = (0..n)
            .filter(|c| *c != b)
            .map(|c| (logits[c] - rest_max).exp())
            .sum();
        let margin = logits[b] - (rest_max + rest.ln());
        Some((self.categories[b], margin))
    }
}

/// Log-odds per unit of the score's logit. The raw log-odds of a linear
/// model run past 30 on names the benign sites never showed, where a
/// plain sigmoid rounds to 1 and no policy band could tell them apart;
/// scaled by 4 they spread over the whole range (a score of 0.9 is
/// log-odds 8.8).
const TEMPERATURE: f32 = 4.0;

/// The score (0 to 1) of a log-odds margin: what the policy's bands and
/// the verdict's reason speak of.
pub fn score(margin: f32) -> f32 {
    1.0 / (1.0 + (-margin / TEMPERATURE).exp())
}

/// Writes the section. `weights` is `buckets × classes`, bucket-major.
pub fn encode(log2: u32, categories: &[u16], bias: &[f32], scale: f32, weights: &[i8]) -> Vec<u8> {
    let classes = categories.len();
    let mut out = Vec::new();
    out.extend_from_slice(&log2.to_le_bytes());
    out.extend_from_slice(&(classes as u32).to_le_bytes());
    out.extend_from_slice(&scale.to_bits().to_le_bytes());
    for c in categories {
        out.extend_from_slice(&c.to_le_bytes());
    }
    while out.len() % 4 != 0 {
        out.push(0);
    }
    for b in bias {
        out.extend_from_slice(&b.to_bits().to_le_bytes());
    }
    out.extend(weights.iter().map(|w| *w as u8));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rolling n-grams are exactly the hashes of each gram alone.
    #[test]
    fn rolling_grams_match_each_gram_hashed_alone() {
        let host = "sk.jun88-vip.com.vn";
        let reg = Registrable {
            label_start: 3,
            suffix_start: 13,
            private: false,
        };
        let mut got = Vec::new();
        host_features(host, reg, |h| got.push(h));
        let marked = b"^jun88-vip$";
        let mut want: Vec<u32> = (3..=5)
            .flat_map(|g| marked.windows(g).map(|w| fnv(TAG_GRAM, &[w])))
            .collect();
        want.sort_unstable();
        let mut grams: Vec<u32> = got
            .into_iter()
            .filter(|h| want.binary_search(h).is_ok())
            .collect();
        grams.sort_unstable();
        assert_eq!(grams, want);
    }
}
