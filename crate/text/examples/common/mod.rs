//! Shared by the examples: load the shipped lists and read ViHOS CSV files.
#![allow(dead_code)]

use lachan_text::{parse_lists, PhraseRule, PhraseSet};

/// Reads every `lists/phrases/*.txt`.
pub fn shipped_rules() -> Vec<PhraseRule> {
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
    parse_lists(texts.iter().map(|(n, t)| (n.as_str(), t.as_str()))).unwrap_or_else(|errs| {
        for e in errs {
            eprintln!("{e}");
        }
        std::process::exit(1)
    })
}

/// Compiles the shipped lists.
pub fn shipped_set() -> PhraseSet {
    PhraseSet::compile(&shipped_rules()).expect("compile")
}

/// Minimal RFC-4180 CSV reader (quoted fields, doubled quotes, newlines inside quotes).
pub fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// A file of the data mirror: under `$LACHAN_MIRROR`, or `../shared/data`
/// beside the repository.
#[allow(dead_code)] // not every example reads the mirror
pub fn mirror_file(rel: &str) -> String {
    let base = std::env::var("LACHAN_MIRROR").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").to_string()
    });
    format!("{base}/{rel}")
}

/// ViHOS rows: (comment, offensive character offsets).
pub fn read_vihos(path: &str) -> Vec<(String, Vec<usize>)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows = read_csv(&text);
    rows.into_iter()
        .skip(1)
        .filter(|r| r.len() >= 3)
        .map(|r| {
            let spans = r[2]
                .trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect();
            (r[1].clone(), spans)
        })
        .collect()
}
