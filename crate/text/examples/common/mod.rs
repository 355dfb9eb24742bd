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
    lachan_text::parse_labelled_csv(&text)
}

/// The project's own labelled posts (`lists/comments/*.txt`), as `lachan
/// build` reads them.
#[allow(dead_code)]
pub fn own_posts() -> Vec<(String, bool)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../lists/comments");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    files
        .iter()
        .flat_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            lachan_text::parse_labelled_tsv(&p.display().to_string(), &text).expect("own posts")
        })
        .collect()
}
