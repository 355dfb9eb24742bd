//! Shared helpers: load the shipped lists from `lists/phrases`.
#![allow(dead_code)]

use lachan_text::{parse_list, PhraseRule, PhraseSet, Sites};
use std::path::PathBuf;

pub fn lists_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lists/phrases")
}

pub fn shipped_rules() -> Vec<PhraseRule> {
    let mut entries: Vec<_> = std::fs::read_dir(lists_dir())
        .expect("lists/phrases")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    entries.sort();
    let mut rules = Vec::new();
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        match parse_list(&name, &text) {
            Ok(r) => rules.extend(r),
            Err(errs) => panic!(
                "{}",
                errs.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
        }
    }
    rules
}

pub fn shipped_set() -> PhraseSet {
    PhraseSet::compile(&shipped_rules()).expect("compile")
}

/// The curated page-context sites, `lists/context/*.txt`.
pub fn shipped_sites() -> Sites {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lists/context");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("lists/context")
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
    Sites::parse(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .unwrap_or_else(|e| panic!("{e:?}"))
}
