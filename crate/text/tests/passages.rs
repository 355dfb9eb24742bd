//! The project's own sensitive passages (tests/passages.tsv) per age band:
//! benign pages about prevention, news, health and history must pass at
//! 11-14 and 15-17 (≤ 5 % flagged at 6-10), harmful ones must never pass at
//! 6-10, and grooming must pass at no band. The lists are tuned on the
//! `tune` part, which must meet these; `held`, `held2` and `held3` (each
//! written after the last list change of its round) are measured and
//! printed, never tuned on.
//! Prints the table (run with
//! `cargo test -p lachan-text --release --test passages -- --nocapture`).

mod common;

use lachan_text::{AgeBand, Category, PageContext, PhraseSet, Sites, TextScore};

struct Passage {
    harmful: bool,
    category: String,
    half: String,
    /// The page it is on: a host, and whether the page is marked up as an article.
    page: Option<(String, bool)>,
    text: String,
}

impl Passage {
    fn score(&self, set: &PhraseSet, sites: Option<&Sites>) -> TextScore {
        let score = set.score(&self.text);
        match (&self.page, sites) {
            (Some((host, article)), Some(sites)) => score.in_context(PageContext {
                site: sites.kind_of(host),
                article: *article,
            }),
            _ => score,
        }
    }
}

/// The tuned part first, then the held-out ones.
const HALVES: [&str; 4] = ["tune", "held", "held2", "held3"];

fn passages() -> Vec<Passage> {
    include_str!("passages.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let c: Vec<&str> = l.splitn(5, '\t').collect();
            assert_eq!(c.len(), 5, "bad line: {l}");
            assert!(c[0] == "benign" || c[0] == "harmful", "bad kind: {l}");
            assert!(HALVES.contains(&c[2]), "bad half: {l}");
            Passage {
                harmful: c[0] == "harmful",
                category: c[1].into(),
                half: c[2].into(),
                page: (c[3] != "-").then(|| match c[3].strip_suffix("+article") {
                    Some(h) => (h.to_string(), true),
                    None => (c[3].to_string(), false),
                }),
                text: c[4].into(),
            }
        })
        .collect()
}

#[test]
fn passages_per_band() {
    let set = common::shipped_set();
    let sites = common::shipped_sites();
    let all = passages();
    assert!(all.iter().filter(|p| !p.harmful).count() >= 50);
    assert!(all.iter().filter(|p| p.harmful).count() >= 30);
    println!("| page context | half | passages | under-6 | 6-10 | 11-14 | 15-17 |");
    println!("|---|---|---|---:|---:|---:|---:|");
    // The words alone, for comparison; the assertions hold what ships: the
    // words in their page's context.
    let _ = table(&set, None, &all);
    let mut failures = table(&set, Some(&sites), &all);
    for half in HALVES {
        let benign: Vec<&Passage> = all
            .iter()
            .filter(|p| !p.harmful && p.half == half)
            .collect();
        let at_6_10 = benign
            .iter()
            .filter(|p| {
                p.score(&set, Some(&sites))
                    .decide(AgeBand::Age6To10)
                    .is_some()
            })
            .count();
        if at_6_10 * 20 > benign.len() {
            failures.push(format!(
                "{half} Age6To10: {at_6_10} of {} benign passages flagged (over 5 %)",
                benign.len()
            ));
        }
    }
    let (held, tune): (Vec<String>, Vec<String>) =
        failures.into_iter().partition(|f| !f.starts_with("tune "));
    for f in &held {
        println!("held-out miss: {f}");
    }
    assert!(tune.is_empty(), "{}", tune.join("\n"));
}

/// Prints the rows for one way of scoring and returns what breaks the rules.
fn table(set: &PhraseSet, sites: Option<&Sites>, all: &[Passage]) -> Vec<String> {
    let mut failures = Vec::new();
    let label = if sites.is_some() {
        "words and page"
    } else {
        "words only"
    };
    for half in HALVES {
        for harmful in [false, true] {
            let group: Vec<&Passage> = all
                .iter()
                .filter(|p| p.half == half && p.harmful == harmful)
                .collect();
            let mut row = format!(
                "| {label} | {half} | {} {} |",
                group.len(),
                if harmful {
                    "harmful (passing)"
                } else {
                    "benign (flagged)"
                }
            );
            for band in AgeBand::ALL {
                let mut n = 0;
                for p in &group {
                    let d = p.score(set, sites).decide(band);
                    let wrong = if harmful { d.is_none() } else { d.is_some() };
                    if wrong {
                        n += 1;
                        let must = if harmful {
                            band == AgeBand::Age6To10 || p.category == "grooming"
                        } else {
                            matches!(band, AgeBand::Age11To14 | AgeBand::Age15To17)
                        };
                        if must {
                            failures.push(format!(
                                "{half} {band:?}: {} {:?}{}",
                                if harmful { "passes" } else { "flagged" },
                                p.text,
                                d.map(|d| format!(" as {:?} {}", d.category, d.score))
                                    .unwrap_or_default()
                            ));
                        }
                    } else if harmful && p.category != "-" {
                        // Caught, but as what: the category named must be the one meant.
                        let got = d.map(|d| d.category);
                        if got != p.category.parse::<Category>().ok() {
                            failures.push(format!(
                                "{half} {band:?}: {:?} caught as {got:?}, not {}",
                                p.text, p.category
                            ));
                        }
                    }
                }
                row += &format!(" {n} |");
            }
            println!("{row}");
        }
    }
    failures
}
