//! Look-alikes of protected brands: hosts that spell a Vietnamese bank,
//! e-wallet, public-service portal or large social network (`vietcombank`,
//! `momo`, `dichvucong`) on a domain that is not theirs, or within a small
//! edit distance of it (`vietconbank`). The names and their real domains
//! are a curated list in `lists/` (META `protected`).
use serde::{Deserialize, Serialize};

/// A protected name and the domains that really are it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtectedName {
    /// The name as it appears in host labels: `vietcombank`.
    pub name: String,
    /// Its own registrable domains: `vietcombank.com.vn`.
    pub domains: Vec<String>,
}

/// Names this long or longer also match inside a label (`vietcombank-vay`).
const CONTAINED_MIN: usize = 6;
/// Names this long or longer match within edit distance 1, and
/// [`DISTANCE_2_MIN`] within 2.
const DISTANCE_1_MIN: usize = 7;
const DISTANCE_2_MIN: usize = 11;

/// Bigram bit set of a string: a cheap necessary test before the edit
/// distance (an edit removes at most two of a name's bigrams).
fn bigrams(s: &[u8]) -> u64 {
    s.windows(2).fold(0u64, |m, w| {
        m | 1u64 << ((u32::from(w[0]).wrapping_mul(31) ^ u32::from(w[1])) % 64)
    })
}

pub(crate) struct Lookalikes {
    names: Vec<(ProtectedName, u64)>,
    own: std::collections::HashSet<String>,
    /// Each short name (the longer ones are found inside labels anyway)
    /// as a whole label part, to its first index, and a bit per length
    /// among them so that most parts are never hashed.
    tokens: std::collections::HashMap<Box<[u8]>, usize>,
    token_lens: u64,
    /// Names of [`CONTAINED_MIN`] bytes or more: found inside labels and,
    /// from [`DISTANCE_1_MIN`], within an edit distance.
    long: Vec<usize>,
}

impl Lookalikes {
    pub(crate) fn new(names: &[ProtectedName]) -> Lookalikes {
        let mut tokens = std::collections::HashMap::new();
        let mut token_lens = 0u64;
        for (i, n) in names.iter().enumerate() {
            if n.name.len() < CONTAINED_MIN {
                tokens.entry(n.name.as_bytes().into()).or_insert(i);
                token_lens |= 1 << n.name.len();
            }
        }
        Lookalikes {
            names: names
                .iter()
                .map(|n| (n.clone(), bigrams(n.name.as_bytes())))
                .collect(),
            own: names
                .iter()
                .flat_map(|n| n.domains.iter().cloned())
                .collect(),
            tokens,
            token_lens,
            long: (0..names.len())
                .filter(|&i| names[i].name.len() >= CONTAINED_MIN)
                .collect(),
        }
    }

    /// Whether `domain` (registrable) belongs to a protected brand: such a
    /// site is never judged by its name at all.
    pub(crate) fn is_own(&self, domain: &str) -> bool {
        self.own.contains(domain)
    }

    /// The protected name `host` imitates, if any: the first in list order
    /// that one of the labels left of the public suffix spells (as a part,
    /// inside it when long, or within an edit distance) on a domain that is
    /// not its own. `domain` is the host's registrable domain, `labels_end`
    /// where its public suffix starts.
    pub(crate) fn find(&self, host: &str, domain: &str, labels_end: usize) -> Option<usize> {
        let mut best = usize::MAX;
        let offer = |best: &mut usize, i: usize| {
            if i < *best && !self.names[i].0.domains.iter().any(|d| d == domain) {
                *best = i;
            }
        };
        let head = host
            .as_bytes()
            .get(..labels_end.saturating_sub(1))
            .unwrap_or(&[]);
        for l in head
            .rsplit(|&b| b == b'.')
            .filter(|l| !l.is_empty())
            .take(8)
        {
            for t in l.split(|b| *b == b'-' || b.is_ascii_digit()) {
                if t.len() >= CONTAINED_MIN || self.token_lens & (1 << t.len()) == 0 {
                    continue;
                }
                if let Some(&i) = self.tokens.get(t) {
                    offer(&mut best, i);
                }
            }
            // A name inside the label has all its bigrams in the label's
            // set, and an edit removes at most two: the masks rule out
            // nearly every name before a byte is compared.
            let lmask = bigrams(l);
            for &i in &self.long {
                let (n, nmask) = &self.names[i];
                let missing = (nmask & !lmask).count_ones();
                if i >= best || missing > 4 {
                    continue;
                }
                let name = n.name.as_bytes();
                if (missing == 0 && contains(l, name)) || within(l, name) {
                    offer(&mut best, i);
                }
            }
        }
        (best != usize::MAX).then_some(best)
    }

    pub(crate) fn name(&self, i: usize) -> &ProtectedName {
        &self.names[i].0
    }
}

fn contains(label: &[u8], name: &[u8]) -> bool {
    label.windows(name.len()).any(|w| w == name)
}

/// Whether the label (or a hyphen-bounded part) is within the name's
/// allowed edit distance, without being it.
fn within(label: &[u8], name: &[u8]) -> bool {
    let k = if name.len() >= DISTANCE_2_MIN {
        2
    } else if name.len() >= DISTANCE_1_MIN {
        1
    } else {
        return false;
    };
    std::iter::once(label)
        .chain(label.split(|b| *b == b'-'))
        .any(|t| t.len().abs_diff(name.len()) <= k && distance(t, name, k) <= k)
}

/// Levenshtein distance, stopping early once it exceeds `k`.
fn distance(a: &[u8], b: &[u8], k: usize) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        let mut row_min = cur[0];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            row_min = row_min.min(cur[j + 1]);
        }
        if row_min > k {
            return k + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> Lookalikes {
        Lookalikes::new(&[
            ProtectedName {
                name: "vietcombank".into(),
                domains: vec!["vietcombank.com.vn".into()],
            },
            ProtectedName {
                name: "momo".into(),
                domains: vec!["momo.vn".into()],
            },
        ])
    }

    fn find(host: &str, domain: &str) -> Option<usize> {
        let end = host.len() - (domain.len() - domain.find('.').unwrap() - 1);
        set().find(host, domain, end)
    }

    #[test]
    fn spellings_of_a_protected_name_are_found() {
        assert_eq!(find("vietcombank-vay.xyz", "vietcombank-vay.xyz"), Some(0));
        assert_eq!(find("vietconbank.com", "vietconbank.com"), Some(0));
        assert_eq!(find("vietcombank.com.vn.login.top", "login.top"), Some(0));
        assert_eq!(find("momo247.net", "momo247.net"), Some(1));
        assert_eq!(find("nap-momo.shop", "nap-momo.shop"), Some(1));
    }

    #[test]
    fn the_real_domains_and_other_words_are_not() {
        assert_eq!(find("vietcombank.com.vn", "vietcombank.com.vn"), None);
        assert_eq!(
            find("digiapp.vietcombank.com.vn", "vietcombank.com.vn"),
            None
        );
        assert_eq!(find("momo.vn", "momo.vn"), None);
        // A short name matches only as a whole part, never inside a word.
        assert_eq!(find("momoko.jp", "momoko.jp"), None);
        assert_eq!(find("example.com", "example.com"), None);
    }
}
