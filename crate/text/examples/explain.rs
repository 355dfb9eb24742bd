//! Scores a text with the shipped lists and explains the result.
//!
//! `cargo run -p lachan-text --example explain -- "some text"` (or text on stdin).

use lachan_text::{parse_lists, AgeBand, PhraseSet};
use std::io::Read;

/// Reads and compiles every `lists/phrases/*.txt`.
fn load() -> PhraseSet {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lists/phrases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("lists/phrases")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(p).unwrap())
        })
        .collect();
    let rules =
        parse_lists(texts.iter().map(|(n, t)| (n.as_str(), t.as_str()))).unwrap_or_else(|errs| {
            for e in errs {
                eprintln!("{e}");
            }
            std::process::exit(1)
        });
    PhraseSet::compile(&rules).expect("compile")
}

fn main() {
    let set = load();
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
            m.category.name(),
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
        println!("  {:>7}: {:?}", band.name(), score.decide(band));
    }
}
