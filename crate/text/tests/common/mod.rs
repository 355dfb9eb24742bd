//! Shared helpers (the examples include this file too): load the shipped
//! lists of `lists/phrases`, `lists/context` and `lists/comments`.
#![allow(dead_code)]

use lachan_text::{parse_lists, PhraseRule, PhraseSet, Sites};
use std::path::PathBuf;

pub fn lists_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lists/phrases")
}

/// Every `lists/<folder>/*.txt`, sorted, as (file name, text).
pub fn list_files(folder: &str) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../lists")
        .join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("lists/{folder}: {e}"))
        .map(|e| e.unwrap().path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    files
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(p).unwrap())
        })
        .collect()
}

pub fn shipped_rules() -> Vec<PhraseRule> {
    let texts = list_files("phrases");
    assert!(!texts.is_empty(), "no lists/phrases/*.txt");
    parse_lists(texts.iter().map(|(n, t)| (n.as_str(), t.as_str()))).unwrap_or_else(|errs| {
        panic!(
            "{}",
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

pub fn shipped_set() -> PhraseSet {
    PhraseSet::compile(&shipped_rules()).expect("compile")
}

/// The curated page-context sites, `lists/context/*.txt`.
pub fn shipped_sites() -> Sites {
    let texts = list_files("context");
    Sites::parse(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .unwrap_or_else(|e| panic!("{e:?}"))
}

/// The project's own labelled posts (`lists/comments/*.txt`), as `lachan
/// build` reads them.
pub fn own_posts() -> Vec<(String, bool)> {
    list_files("comments")
        .iter()
        .flat_map(|(n, t)| lachan_text::parse_labelled_tsv(n, t).expect("own posts"))
        .collect()
}
