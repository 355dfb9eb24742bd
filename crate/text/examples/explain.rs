//! Scores a text with the shipped lists and explains the result.
//!
//! `cargo run -p lachan-text --example explain -- "some text"` (or text on stdin).

mod common;

use lachan_text::AgeBand;
use std::io::Read;

fn main() {
    let set = common::shipped_set();
    let mut text = std::env::args().skip(1).collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        std::io::stdin().read_to_string(&mut text).unwrap();
    }
    println!("normalised: {}", lachan_text::normalize(&text).folded);
    let score = set.score(&text);
    for m in score.matches() {
        println!(
            "  {:>4} {:<10} {:?} ← {:?} ({}; {}) x{}",
            if m.banned {
                "BAN".to_string()
            } else {
                m.weight.to_string()
            },
            m.category.as_str(),
            &text[m.start..m.end],
            m.phrase,
            m.reason,
            m.origin,
            m.count
        );
    }
    for (c, s) in score.scores() {
        if s != 0 {
            println!("  score {c}: {s}");
        }
    }
    for band in AgeBand::ALL {
        println!("  {:>7}: {:?}", band.as_str(), score.decide(band));
    }
}
