//! Deriving brands from the block lists.
//!
//! A brand is a registrable label that identifies an operator: the label
//! itself (`jun88` of `jun88.com`), and the stems its family shows — a
//! stem shared by two or more listed labels that differ only by trailing
//! digits or a hyphenated part (`99ok` of `99ok02`, `99ok3`; `xnxx` of
//! `xnxx-com`, `xnxx-tv`).
//!
//! Only labels whose whole registrable domain is listed count (a listed
//! subdomain of a platform, `12bet.zendesk.com`, names no operator).
//!
//! The rule for keeping one (distinctive):
//! * 4 bytes or more with a letter, not a dictionary word (English, or a
//!   Vietnamese word without marks), and not the label of a benign site or
//!   of a protected brand: then a host whose label **is** the brand matches,
//!   under any suffix;
//! * 5 bytes or more, and not two dictionary words joined, and found inside
//!   no benign label: then a label that **contains** it matches too
//!   (`new99winvip`).
//! * a brand seen in several categories goes to the one with the most
//!   labels, and is dropped on a tie.
use std::collections::{HashMap, HashSet};

use lachan_core::names::brand::{CONTAINED, EXACT};

use super::{Psl, SourceHosts};

const EXACT_MIN: usize = 4;
const CONTAINED_MIN: usize = 5;
/// Substrings of benign labels are indexed up to this length; a longer
/// brand is checked against them by its prefix of this length (a benign
/// label containing the brand contains that prefix too, so this only
/// ever drops more brands).
const SUBSTRING_MAX: usize = 24;

/// The family key of a label: without trailing digits, and without what
/// follows a first hyphen. `lachan eval` groups held-out domains by it.
pub fn brand_key(label: &str) -> &str {
    let base = label.split('-').next().unwrap_or(label);
    let trimmed = base.trim_end_matches(|c: char| c.is_ascii_digit());
    if trimmed.len() >= EXACT_MIN {
        trimmed
    } else {
        base
    }
}

/// The stems a label offers its family: the label less trailing digits, and
/// its first hyphen-separated part.
fn stems(label: &str) -> impl Iterator<Item = &str> {
    let digits = label.trim_end_matches(|c: char| c.is_ascii_digit());
    let hyphen = label.split('-').next().unwrap_or(label);
    [digits, hyphen]
        .into_iter()
        .filter(move |s| s.len() < label.len() && s.len() >= EXACT_MIN)
}

fn has_letter(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_lowercase())
}

/// Four bytes mixing letters and digits (`fb88`, `k8vn`): as distinctive
/// as five letters.
fn mixed(s: &str) -> bool {
    s.len() >= EXACT_MIN && has_letter(s) && s.bytes().any(|b| b.is_ascii_digit())
}

fn two_words(s: &str, dict: &HashSet<String>) -> bool {
    (2..s.len().saturating_sub(1))
        .any(|i| s.is_char_boundary(i) && dict.contains(&s[..i]) && dict.contains(&s[i..]))
}

fn fingerprint(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// `(brand, source id, flags)` for the brand index.
pub(super) fn derive(
    listed: &[&SourceHosts],
    psl: &Psl,
    reserved: &HashSet<String>,
    dict: &HashSet<String>,
) -> Vec<(String, u16, u64)> {
    let mut benign_subs: HashSet<u64> = HashSet::new();
    for l in reserved {
        let b = l.as_bytes();
        for i in 0..b.len() {
            for n in EXACT_MIN..=SUBSTRING_MAX.min(b.len() - i) {
                benign_subs.insert(fingerprint(&b[i..i + n]));
            }
        }
    }
    // A label names an operator only where the list blocks its whole
    // registrable domain: `12bet.zendesk.com` on a gambling list says
    // nothing of `zendesk`.
    let whole: HashSet<&str> = listed
        .iter()
        .flat_map(|s| s.hosts.iter())
        .filter_map(|h| {
            let d = psl.domain(h)?;
            (h == d || h.strip_prefix("www.") == Some(d)).then_some(d)
        })
        .collect();
    // label -> category -> (source -> count)
    let mut labels: HashMap<String, HashMap<&str, HashMap<u16, usize>>> = HashMap::new();
    for s in listed {
        let mut seen = HashSet::new();
        for h in &s.hosts {
            let (Some(label), Some(domain)) = (psl.label(h), psl.domain(h)) else {
                continue;
            };
            if label.starts_with("xn--") || !whole.contains(domain) || !seen.insert(label) {
                continue;
            }
            *labels
                .entry(label.to_string())
                .or_default()
                .entry(s.category.as_str())
                .or_default()
                .entry(s.id)
                .or_default() += 1;
        }
    }
    // Stems shared by two or more listed labels.
    let mut stem_labels: HashMap<&str, Vec<&str>> = HashMap::new();
    for label in labels.keys() {
        for st in stems(label) {
            stem_labels.entry(st).or_default().push(label.as_str());
        }
    }
    let mut candidates: HashMap<String, HashMap<&str, HashMap<u16, usize>>> = labels.clone();
    for (st, members) in &stem_labels {
        if members.len() < 2 {
            continue;
        }
        let slot = candidates.entry(st.to_string()).or_default();
        for m in members {
            for (cat, srcs) in &labels[*m] {
                for (src, n) in srcs {
                    *slot.entry(cat).or_default().entry(*src).or_default() += n;
                }
            }
        }
    }
    let mut out = Vec::new();
    for (brand, cats) in candidates {
        if brand.len() < EXACT_MIN
            || !has_letter(&brand)
            || brand.starts_with('-')
            || brand.ends_with('-')
            || dict.contains(&brand)
            || reserved.contains(&brand)
        {
            continue;
        }
        let mut totals: Vec<(&str, usize, u16)> = cats
            .iter()
            .map(|(c, srcs)| {
                let total = srcs.values().sum();
                let top = srcs.iter().max_by_key(|(id, n)| (**n, u16::MAX - **id));
                (*c, total, top.map_or(0, |(id, _)| *id))
            })
            .collect();
        totals.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        if totals.len() > 1 && totals[0].1 == totals[1].1 {
            continue;
        }
        let source = totals[0].2;
        let mut flags = EXACT;
        let probe = &brand.as_bytes()[..brand.len().min(SUBSTRING_MAX)];
        if (brand.len() >= CONTAINED_MIN || mixed(&brand))
            && !two_words(&brand, dict)
            && !benign_subs.contains(&fingerprint(probe))
        {
            flags |= CONTAINED;
        }
        out.push((brand, source, flags));
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_keys_and_stems() {
        assert_eq!(brand_key("99ok02"), "99ok");
        assert_eq!(brand_key("jun88-ok"), "jun88");
        assert_eq!(brand_key("xnxx-com"), "xnxx");
        assert_eq!(brand_key("w88"), "w88");
        let s: Vec<&str> = stems("99ok02").collect();
        assert_eq!(s, ["99ok"]);
        let s: Vec<&str> = stems("xnxx-com").collect();
        assert_eq!(s, ["xnxx"]);
    }
}
