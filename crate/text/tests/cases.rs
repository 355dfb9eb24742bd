//! Table-driven cases from `tests/cases.tsv` against the shipped lists.

mod common;

use lachan_text::{AgeBand, Category};

/// Decodes `\uXXXX` escapes so the fixture can hold NFD text visibly.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\\u") {
        out.push_str(&rest[..i]);
        let hex = &rest[i + 2..i + 6];
        out.push(char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap());
        rest = &rest[i + 6..];
    }
    out.push_str(rest);
    out
}

#[test]
fn fixture_cases() {
    let set = common::shipped_set();
    let fixture = include_str!("cases.tsv");
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, line) in fixture.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        assert_eq!(cols.len(), 4, "cases.tsv:{}: bad line", i + 1);
        let band = cols[1].parse::<AgeBand>().expect("band");
        let cat = cols[2].parse::<Category>().ok();
        let text = unescape(cols[3]);
        let score = set.score(&text);
        let d = score.decide(band);
        let matched = |c| score.matches().iter().any(|m| m.category == c);
        let ok = match cols[0] {
            "flag" => d.map(|d| d.category) == cat,
            "clean" => d.is_none(),
            "match" => matched(cat.unwrap()),
            "nomatch" => !matched(cat.unwrap()),
            "banned" => score.is_banned() && d.is_some_and(|d| d.banned && Some(d.category) == cat),
            "support" => d.is_some_and(|d| d.support && d.category == Category::SelfHarm),
            other => panic!("cases.tsv:{}: unknown expectation {other}", i + 1),
        };
        n += 1;
        if !ok {
            let why: Vec<String> = score
                .matches()
                .iter()
                .map(|m| format!("{}:{}={}", m.category, m.phrase, m.weight))
                .collect();
            failures.push(format!(
                "cases.tsv:{}: expected {} {} at {}: got {:?}; matches [{}]",
                i + 1,
                cols[0],
                cols[2],
                cols[1],
                d,
                why.join(", ")
            ));
        }
    }
    assert!(n > 50);
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn shipped_lists_round_trip() {
    let set = common::shipped_set();
    let bytes = set.to_bytes();
    let back = lachan_text::PhraseSet::from_bytes(&bytes).unwrap();
    assert_eq!(back.rules(), set.rules());
    assert_eq!(back.to_bytes(), bytes);
    let t = "nhà cái uy tín, đm thằng ngu";
    assert_eq!(back.score(t), set.score(t));
}

#[test]
fn spans_point_into_original_text() {
    let set = common::shipped_set();
    let text = "Xin chào! NHÀ CÁI uy tín, c a c u o c online, S.E.X video";
    let score = set.score(text);
    let spans: Vec<&str> = score
        .matches()
        .iter()
        .map(|m| &text[m.start..m.end])
        .collect();
    assert!(spans.contains(&"NHÀ CÁI"), "{spans:?}");
    assert!(spans.contains(&"c a c u o c"), "{spans:?}");
    assert!(spans.contains(&"S.E.X video"), "{spans:?}");
}

#[test]
fn shipped_lists_have_no_duplicate_rules() {
    use std::collections::HashMap;
    let rules = common::shipped_rules();
    let mut seen: HashMap<(Category, Vec<String>, bool, bool), String> = HashMap::new();
    let mut dups = Vec::new();
    for r in &rules {
        let mut parts: Vec<String> = r
            .parts
            .iter()
            .map(|p| lachan_text::normalize(p).exact)
            .collect();
        parts.sort();
        let key = (r.category, parts, r.whole_word, r.exact);
        if let Some(first) = seen.insert(key, r.origin.clone()) {
            dups.push(format!("{} duplicates {}", r.origin, first));
        }
    }
    assert!(dups.is_empty(), "{}", dups.join("\n"));
}
