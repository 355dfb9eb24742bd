//! The project's own sensitive passages (tests/passages.tsv) per age band:
//! benign pages about prevention, news, health and history must pass at
//! 11-14 and 15-17 (≤ 5 % flagged at 6-10), harmful ones must never pass at
//! 6-10, and grooming must pass at no band. The lists are tuned on the
//! `tune` half, which must meet these; the `held` half is measured and
//! printed, never tuned on. Prints the table (run with
//! `cargo test -p lachan-text --release --test passages -- --nocapture`).

mod common;

use lachan_text::{AgeBand, Category};

struct Passage {
    harmful: bool,
    category: String,
    half: String,
    text: String,
}

fn passages() -> Vec<Passage> {
    include_str!("passages.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let c: Vec<&str> = l.splitn(4, '\t').collect();
            assert_eq!(c.len(), 4, "bad line: {l}");
            assert!(c[0] == "benign" || c[0] == "harmful", "bad kind: {l}");
            assert!(c[2] == "tune" || c[2] == "held", "bad half: {l}");
            Passage {
                harmful: c[0] == "harmful",
                category: c[1].into(),
                half: c[2].into(),
                text: c[3].into(),
            }
        })
        .collect()
}

#[test]
fn passages_per_band() {
    let set = common::shipped_set();
    let all = passages();
    assert!(all.iter().filter(|p| !p.harmful).count() >= 50);
    assert!(all.iter().filter(|p| p.harmful).count() >= 30);
    let mut failures = Vec::new();
    println!("| half | passages | under-6 | 6-10 | 11-14 | 15-17 |");
    println!("|---|---|---:|---:|---:|---:|");
    for half in ["tune", "held"] {
        for harmful in [false, true] {
            let group: Vec<&Passage> = all
                .iter()
                .filter(|p| p.half == half && p.harmful == harmful)
                .collect();
            let mut row = format!(
                "| {half} | {} {} |",
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
                    let d = set.score(&p.text).decide(band);
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
                        if got != Category::from_name(&p.category) {
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
    let tuned = |p: &&Passage| !p.harmful && p.half == "tune";
    let benign = all.iter().filter(tuned).count();
    let at_6_10 = all
        .iter()
        .filter(tuned)
        .filter(|p| set.score(&p.text).decide(AgeBand::Age6To10).is_some())
        .count();
    if at_6_10 * 20 > benign {
        failures.push(format!(
            "tune: {at_6_10} of {benign} benign passages flagged at 6-10 (over 5 %)"
        ));
    }
    let (held, tune): (Vec<String>, Vec<String>) =
        failures.into_iter().partition(|f| f.starts_with("held"));
    for f in &held {
        println!("held-out miss: {f}");
    }
    assert!(tune.is_empty(), "{}", tune.join("\n"));
}
