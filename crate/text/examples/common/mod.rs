//! Shared by the examples: the tests' list loaders, and the data mirror's
//! ViHOS files.
#![allow(dead_code)]

#[path = "../../tests/common/mod.rs"]
mod lists;
pub use lists::*;

/// A file of the data mirror: under `$LACHAN_MIRROR`, or `../shared/data`
/// beside the repository.
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
