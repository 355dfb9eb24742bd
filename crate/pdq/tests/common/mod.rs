//! Shared helpers for the data-driven tests: locate `shared/data/pdq` and
//! decode images with the `image` crate (dev-dependency only).
#![allow(dead_code)]

use std::path::PathBuf;

/// `pdq/` of the data mirror (`$LACHAN_MIRROR`, else `../shared/data` beside
/// the repository), or `None` (after printing a notice) when it is missing
/// and `LACHAN_SKIP_DATA=1`. Panics when missing otherwise: CI always has
/// `shared/` beside the checkout.
pub fn data_dir() -> Option<PathBuf> {
    let mirror = std::env::var_os("LACHAN_MIRROR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        PathBuf::from,
    );
    let dir = mirror.join("pdq");
    if dir.join("expected_hashes_python_reference.csv").is_file() {
        return Some(dir);
    }
    if std::env::var("LACHAN_SKIP_DATA").as_deref() == Ok("1") {
        eprintln!(
            "SKIP: PDQ test data not found at {} (LACHAN_SKIP_DATA=1)",
            dir.display()
        );
        return None;
    }
    panic!(
        "PDQ test data not found at {}; set LACHAN_MIRROR, put shared/ beside the checkout, or set LACHAN_SKIP_DATA=1",
        dir.display()
    );
}

/// Decodes an image file to RGBA8 (cached per test binary: several tests
/// use the same bridge images, and decoding dominates debug-mode test time).
pub fn load_rgba(path: &std::path::Path) -> (Vec<u8>, u32, u32) {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Decoded = Arc<(Vec<u8>, u32, u32)>;
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Decoded>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.lock().unwrap().get(path).cloned() {
        return (hit.0.clone(), hit.1, hit.2);
    }
    let img = image::open(path)
        .unwrap_or_else(|e| panic!("decode {}: {e}", path.display()))
        .to_rgba8();
    let (w, h) = img.dimensions();
    let decoded: Decoded = Arc::new((img.into_raw(), w, h));
    cache
        .lock()
        .unwrap()
        .insert(path.to_path_buf(), decoded.clone());
    (decoded.0.clone(), w, h)
}
