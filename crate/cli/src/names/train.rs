//! Training the host-name model: multinomial logistic regression over the
//! core's hashed host features, by seeded stochastic gradient descent, then
//! quantised to `i8`.
//!
//! Classes: benign, then each names category. Positives are the hosts of
//! that category's block lists (at most [`PER_DOMAIN`] per registrable
//! domain, so a CDN's hundred subdomains count as a few); negatives are
//! the benign sites, plus up to [`OTHER_PER_SOURCE`] hosts of each list of
//! another category (games, social networks, news…: not harmful in the way
//! the model judges). The benign class weighs as much as all harmful ones together.
use std::collections::{HashMap, HashSet};

use lachan_core::names::host_features;
use lachan_core::names::model::{encode, BENIGN};
use lachan_core::SourceKind;

use super::{mix, Inputs, SourceHosts};

/// log2 of the weight table's rows.
const LOG2_BUCKETS: u32 = 15;
const PER_DOMAIN: usize = 3;
const OTHER_PER_SOURCE: usize = 20000;
const EPOCHS: usize = 4;
const RATE: f32 = 0.03;
const L2: f32 = 1e-4;

fn hash_str(s: &str) -> u64 {
    mix(s.bytes().fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(b)))
}

/// Trains the model; returns the `HMDL` section and a note.
pub(super) fn train(
    listed: &[&SourceHosts],
    all: &[SourceHosts],
    benign: &[String],
    dict: &HashSet<String>,
    categories: &[(u16, &str)],
    inp: &Inputs<'_>,
) -> Result<(Vec<u8>, String), String> {
    let psl = &inp.psl.list;
    let classes = categories.len() + 1;
    // (features, class)
    let mut examples: Vec<(Vec<u32>, usize)> = Vec::new();
    let mut counts = vec![0usize; classes];
    let mut add = |host: &str, class: usize, examples: &mut Vec<(Vec<u32>, usize)>| {
        let Some(reg) = psl.registrable(host) else {
            return;
        };
        let mut f = Vec::with_capacity(48);
        host_features(host, reg, |h| f.push(h & ((1 << LOG2_BUCKETS) - 1)));
        examples.push((f, class));
        counts[class] += 1;
    };
    for d in benign {
        add(d, 0, &mut examples);
    }
    let mut harmful_labels: Vec<&str> = Vec::new();
    for s in all {
        let class = categories.iter().position(|(_, c)| *c == s.category);
        match (s.kind, class) {
            (SourceKind::Block, Some(c)) if listed.iter().any(|l| l.id == s.id) => {
                let mut per: HashMap<&str, usize> = HashMap::new();
                for h in &s.hosts {
                    let Some(d) = inp.psl.domain(h) else { continue };
                    let n = per.entry(d).or_default();
                    if *n < PER_DOMAIN {
                        *n += 1;
                        if *n == 1 {
                            if let Some(l) = inp.psl.label(h) {
                                harmful_labels.push(l);
                            }
                        }
                        add(h, c + 1, &mut examples);
                    }
                }
            }
            (SourceKind::Block, None) => {
                let mut hosts: Vec<&String> = s.hosts.iter().collect();
                hosts.sort_by_key(|h| hash_str(h));
                for h in hosts.into_iter().take(OTHER_PER_SOURCE) {
                    add(h, 0, &mut examples);
                }
            }
            _ => {}
        }
    }
    let made = word_hosts(&harmful_labels, benign, dict, psl);
    for h in &made {
        add(h, 0, &mut examples);
    }
    if counts.contains(&0) {
        return Err(format!(
            "host-name model: a class has no examples (benign, {}: {counts:?})",
            categories
                .iter()
                .map(|c| c.1)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // A small harmful class weighs more per example, by the square root of
    // how much smaller than the benign one it is: weighed in full (600 drug
    // sites as much as 100,000 benign examples), it learnt `.org` and a
    // six-letter label as drugs and scored `cancer.org` 0.98. Benign weighs
    // as much as there are harmful classes: a benign site is the common
    // case in real browsing.
    let harmful = (classes - 1) as f32;
    let weight: Vec<f32> = counts
        .iter()
        .enumerate()
        .map(|(c, n)| {
            if c == 0 {
                harmful
            } else {
                (counts[0] as f32 / *n as f32).sqrt()
            }
        })
        .collect();
    let buckets = 1usize << LOG2_BUCKETS;
    let mut w = vec![0f32; buckets * classes];
    let mut bias = vec![0f32; classes];
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut p = vec![0f32; classes];
    for epoch in 0..EPOCHS {
        order.sort_by_key(|i| mix((*i as u64) ^ ((epoch as u64) << 40)));
        let rate = RATE / (1.0 + epoch as f32);
        for &i in &order {
            let (f, y) = &examples[i];
            for (c, pc) in p.iter_mut().enumerate() {
                *pc = bias[c] + f.iter().map(|h| w[*h as usize * classes + c]).sum::<f32>();
            }
            let max = p.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let mut total = 0.0;
            for pc in p.iter_mut() {
                *pc = (*pc - max).exp();
                total += *pc;
            }
            let g = rate * weight[*y];
            for c in 0..classes {
                let err = p[c] / total - if c == *y { 1.0 } else { 0.0 };
                bias[c] -= g * err;
                for h in f {
                    let at = *h as usize * classes + c;
                    w[at] -= g * err + rate * L2 * w[at];
                }
            }
        }
    }
    let max = w.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-6);
    let scale = max / 127.0;
    let q: Vec<i8> = w.iter().map(|x| (x / scale).round() as i8).collect();
    let mut ids = vec![BENIGN];
    ids.extend(categories.iter().map(|c| c.0));
    let bytes = encode(LOG2_BUCKETS, &ids, &bias, scale, &q);
    let note = format!(
        "host-name model: {} examples (benign {}, of them {} made of ordinary words; {}), {} KiB",
        examples.len(),
        counts[0],
        made.len(),
        categories
            .iter()
            .zip(&counts[1..])
            .map(|(c, n)| format!("{} {n}", c.1))
            .collect::<Vec<_>>()
            .join(", "),
        bytes.len() / 1024
    );
    Ok((bytes, note))
}

/// Most made-up benign hosts (see [`word_hosts`]).
const WORD_HOSTS: usize = 30000;
/// Harmful labels sampled to find the words the lists lean on.
const WORD_SAMPLE: usize = 200_000;

/// Made-up benign host names of ordinary words: one or two dictionary
/// words (English, Vietnamese without marks) under a suffix the benign
/// sites use. A few thousand real benign sites cannot teach the model that
/// `bankofamerica` or `laodong` say nothing harmful; without these, every
/// n-gram that benign sites happen not to show leans towards the block
/// lists. Words the block lists use more than the benign sites do
/// (`porn`, `casino`, `bet`, `sex`, `nhacai`) are left out, so the
/// harmful words keep their weight.
fn word_hosts(
    harmful: &[&str],
    benign: &[String],
    dict: &HashSet<String>,
    psl: &lachan_core::names::SuffixList,
) -> Vec<String> {
    let words: Vec<&str> = {
        let mut w: Vec<&str> = dict
            .iter()
            .map(String::as_str)
            .filter(|w| (3..=12).contains(&w.len()) && w.bytes().all(|b| b.is_ascii_lowercase()))
            .collect();
        w.sort_unstable();
        w
    };
    let known: HashSet<&str> = words.iter().copied().collect();
    let count = |labels: &mut dyn Iterator<Item = &str>| -> (HashMap<&str, u32>, usize) {
        let mut c: HashMap<&str, u32> = HashMap::new();
        let mut n = 0;
        for l in labels {
            n += 1;
            let b = l.as_bytes();
            for i in 0..b.len() {
                for len in 3..=12.min(b.len() - i) {
                    if let Some(w) = known.get(&l[i..i + len]) {
                        *c.entry(w).or_default() += 1;
                    }
                }
            }
        }
        (c, n)
    };
    let step = (harmful.len() / WORD_SAMPLE).max(1);
    let (hc, hn) = count(&mut harmful.iter().step_by(step).copied());
    let benign_labels: Vec<(&str, &str)> = benign
        .iter()
        .filter_map(|d| psl.registrable(d).map(|r| (r.label(d), r.suffix(d))))
        .collect();
    let (bc, bn) = count(&mut benign_labels.iter().map(|x| x.0));
    if hn == 0 || bn == 0 {
        return Vec::new();
    }
    // A word is ordinary unless the lists use it at least twice as often as
    // the benign sites (with one made-up benign use, so that a word neither
    // set has seen counts as ordinary).
    let (ordinary, leaning): (Vec<&str>, Vec<&str>) = words.iter().partition(|w| {
        let h = f64::from(hc.get(*w).copied().unwrap_or(0)) / hn as f64;
        let b = (f64::from(bc.get(*w).copied().unwrap_or(0)) + 1.0) / bn as f64;
        h <= 2.0 * b
    });
    let leaning: HashSet<&str> = leaning.into_iter().collect();
    if ordinary.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(WORD_HOSTS);
    let mut state = 0x5eed_u64;
    let mut next = |n: usize| {
        state = mix(state);
        (state % n as u64) as usize
    };
    let mut tries = 0;
    while out.len() < WORD_HOSTS && tries < WORD_HOSTS * 4 {
        tries += 1;
        let a = ordinary[next(ordinary.len())];
        let label = match next(10) {
            0..=3 => a.to_string(),
            4 => format!("{a}-{}", ordinary[next(ordinary.len())]),
            _ => format!("{a}{}", ordinary[next(ordinary.len())]),
        };
        // Two ordinary words may join into a leaning one (`nha` + `cai`).
        let joined = label.replace('-', "");
        if (0..joined.len()).any(|i| {
            (3..=12.min(joined.len() - i)).any(|len| leaning.contains(&joined[i..i + len]))
        }) {
            continue;
        }
        let suffix = benign_labels[next(benign_labels.len())].1;
        out.push(format!("{label}.{suffix}"));
    }
    out
}
