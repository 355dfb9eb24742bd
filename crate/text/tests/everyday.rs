//! No shipped phrase matches everyday text (lists/curated/everyday_text.txt,
//! and the data mirror's Vietnamese common words when present): the class
//! of bug where a phrase folds to a lone letter (`xxx` → `x`) or an insult's
//! unaccented form is an everyday phrase (`con đĩ` → `con di`).

mod common;

use lachan_text::{Category, PhraseSet};

/// The matches of `text` outside the exception list, as `phrase (origin)`.
fn hits(set: &PhraseSet, text: &str) -> Vec<String> {
    set.score(text)
        .matches()
        .iter()
        .filter(|m| m.category != Category::Exception)
        .map(|m| format!("{:?} ({})", m.phrase, m.origin))
        .collect()
}

/// Latin letters without their Vietnamese marks, as text typed without
/// diacritics reads.
fn unaccented(s: &str) -> String {
    s.chars()
        .map(|c| {
            let folded = lachan_text::normalize(&c.to_string()).folded;
            match folded.as_bytes() {
                [b] if c.is_alphabetic() => {
                    if c.is_uppercase() {
                        b.to_ascii_uppercase() as char
                    } else {
                        *b as char
                    }
                }
                _ => c,
            }
        })
        .collect()
}

#[test]
fn everyday_text_matches_no_phrase() {
    let set = common::shipped_set();
    let path = common::lists_dir().join("../curated/everyday_text.txt");
    let text = std::fs::read_to_string(&path).expect("lists/curated/everyday_text.txt");
    let mut failures = Vec::new();
    let mut lines = 0;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (sample, why) = line.split_once('|').expect("text | why");
        assert!(!why.trim().is_empty(), "line {}: no reason", i + 1);
        lines += 1;
        let h = hits(&set, sample.trim());
        if !h.is_empty() {
            failures.push(format!(
                "line {}: {:?} matches {}",
                i + 1,
                sample.trim(),
                h.join(", ")
            ));
        }
    }
    assert!(lines >= 10, "only {lines} samples");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn common_vietnamese_words_match_no_phrase() {
    let mirror = std::env::var("LACHAN_MIRROR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").into());
    let path = std::path::Path::new(&mirror).join("text/vi/vietnamese-stopwords.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: no data mirror at {}", path.display());
        return;
    };
    let set = common::shipped_set();
    let mut failures = Vec::new();
    let mut words = 0;
    // A common word may be on a list as itself (`chết tiệt`); what must
    // not happen is that the word typed without its marks matches a phrase
    // the word itself does not (`từ từ`, slowly, as `tu tu` for `tự tử`).
    for w in text.lines().map(str::trim).filter(|w| !w.is_empty()) {
        let w = w.replace('_', " ");
        words += 1;
        let own = hits(&set, &w);
        let bare = unaccented(&w);
        let extra: Vec<String> = hits(&set, &bare)
            .into_iter()
            .filter(|h| !own.contains(h))
            .collect();
        if !extra.is_empty() {
            failures.push(format!(
                "{w:?} typed as {bare:?} matches {}",
                extra.join(", ")
            ));
        }
    }
    assert!(words > 1000, "only {words} words in {}", path.display());
    assert!(
        failures.is_empty(),
        "{} of {words} common words match:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn unaccented_drops_only_the_marks() {
    assert_eq!(unaccented("Con đi học về"), "Con di hoc ve");
    assert_eq!(unaccented("x + 3"), "x + 3");
}
