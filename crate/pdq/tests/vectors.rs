//! Validation against Meta's public PDQ test vectors in `shared/data/pdq/`.
//! Hashes are compared by Hamming distance within a tolerance, never by
//! equality (decoders and float details differ between implementations).

mod common;

use lachan_pdq::{hamming, Dihedral, Hash256, HashIndexBuilder, PdqHasher, MATCH_DISTANCE};
use std::path::Path;

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|f| f.trim().to_string()).collect())
        .collect()
}

/// Rows of (relative image path, expected hash, tolerance) from the Python reference table.
fn python_rows(dir: &Path) -> Vec<(String, Hash256, u32)> {
    read_csv(&dir.join("expected_hashes_python_reference.csv"))
        .into_iter()
        .map(|r| {
            (
                r[0].clone(),
                Hash256::from_hex(&r[1]).unwrap(),
                r[2].parse().unwrap(),
            )
        })
        .collect()
}

/// Rows of (relative image path, expected hash) from the WASM/C++ MD5 table
/// (paths rewritten from `../../../../data/x` to `x`; video rows dropped;
/// `misc-images/b.jpg` is the same file as `bridge-mods/aaa-orig.jpg`).
fn wasm_rows(dir: &Path) -> Vec<(String, Hash256)> {
    read_csv(&dir.join("PDQMD5TestData.csv"))
        .into_iter()
        .filter(|r| r[1].len() == 64)
        .map(|r| {
            let rel = r[0]
                .trim_start_matches("../")
                .trim_start_matches("data/")
                .to_string();
            let rel = if rel == "misc-images/b.jpg" {
                "bridge-mods/aaa-orig.jpg".into()
            } else {
                rel
            };
            (rel, Hash256::from_hex(&r[1]).unwrap())
        })
        .collect()
}

#[test]
fn python_reference_vectors_within_tolerance() {
    let Some(dir) = common::data_dir() else {
        return;
    };
    let hasher = PdqHasher::new(); // pre-shrink to 512, like the Python reference
    let mut worst = 0;
    for (rel, expected, tol) in python_rows(&dir) {
        let (px, w, h) = common::load_rgba(&dir.join(&rel));
        let got = hasher.hash_rgba(&px, w, h).unwrap();
        let d = hamming(&got.hash, &expected);
        println!(
            "{rel:50} {w:4}x{h:<4} q={:3} distance={d:3} (tolerance {tol})",
            got.quality
        );
        assert!(
            d <= tol,
            "{rel}: distance {d} > {tol}: got {} expected {expected}",
            got.hash
        );
        worst = worst.max(d);
    }
    println!("worst distance: {worst}");
}

#[test]
fn wasm_reference_vectors_within_tolerance() {
    let Some(dir) = common::data_dir() else {
        return;
    };
    // The WASM/C++ reference hashes at full resolution.
    let full = PdqHasher::with_max_dimension(0);
    let shrunk = PdqHasher::new();
    for (rel, expected) in wasm_rows(&dir) {
        let (px, w, h) = common::load_rgba(&dir.join(&rel));
        let a = full.hash_rgba(&px, w, h).unwrap();
        let b = shrunk.hash_rgba(&px, w, h).unwrap();
        let da = hamming(&a.hash, &expected);
        let db = hamming(&b.hash, &expected);
        println!("{rel:40} {w:4}x{h:<4} full-res distance={da:3}  pre-shrunk distance={db:3}");
        assert!(da <= 16, "{rel}: full-resolution distance {da}");
        assert!(db <= MATCH_DISTANCE, "{rel}: pre-shrunk distance {db}");
    }
}

#[test]
fn low_quality_images_are_flagged() {
    let Some(dir) = common::data_dir() else {
        return;
    };
    for rel in [
        "misc-images/small.jpg",
        "reg-test-input/labelme-subset/q0003.jpg",
        "reg-test-input/labelme-subset/q0004.jpg",
    ] {
        let (px, w, h) = common::load_rgba(&dir.join(rel));
        let got = PdqHasher::new().hash_rgba(&px, w, h).unwrap();
        println!("{rel}: quality {}", got.quality);
        assert!(got.is_low_quality(), "{rel}: quality {}", got.quality);
    }
    for rel in [
        "bridge-mods/aaa-orig.jpg",
        "misc-images/c.png",
        "reg-test-input/labelme-subset/q2821.jpg",
    ] {
        let (px, w, h) = common::load_rgba(&dir.join(rel));
        let got = PdqHasher::new().hash_rgba(&px, w, h).unwrap();
        println!("{rel}: quality {}", got.quality);
        assert!(!got.is_low_quality(), "{rel}: quality {}", got.quality);
    }
}

#[test]
fn dihedral_images_match_original_via_dihedral_hashes() {
    let Some(dir) = common::data_dir() else {
        return;
    };
    let dih = dir.join("reg-test-input/dih");
    let (px, w, h) = common::load_rgba(&dih.join("bridge-1-original.jpg"));
    let original = PdqHasher::new().hash_dihedral_rgba(&px, w, h).unwrap();
    let names = [
        ("bridge-1-original.jpg", Dihedral::Original),
        ("bridge-2-rotate-90.jpg", Dihedral::Rotate90),
        ("bridge-3-rotate-180.jpg", Dihedral::Rotate180),
        ("bridge-4-rotate-270.jpg", Dihedral::Rotate270),
        ("bridge-5-flipx.jpg", Dihedral::FlipX),
        ("bridge-6-flipy.jpg", Dihedral::FlipY),
        ("bridge-7-flip-plus-1.jpg", Dihedral::FlipPlus1),
        ("bridge-8-flip-minus-1.jpg", Dihedral::FlipMinus1),
    ];
    // A list holding only the original's plain hash; each transformed image,
    // queried with its 8 dihedral hashes, must find it within radius 31.
    let mut b = HashIndexBuilder::new();
    b.add(original.hashes[0], "test", "bridge").unwrap();
    let index = b.build().unwrap();
    for (file, transform) in names {
        let (px, w, h) = common::load_rgba(&dih.join(file));
        let q = PdqHasher::new().hash_dihedral_rgba(&px, w, h).unwrap();
        let plain = hamming(&q.hashes[0], &original.hashes[0]);
        // The original's dihedral hash for this transform predicts the image's hash.
        let predicted = hamming(&original.get(transform), &q.hashes[0]);
        let m = index.query_dihedral(&q, MATCH_DISTANCE);
        println!(
            "{file:28} plain distance={plain:3} predicted-by-{:10} distance={predicted:3} best={:?}",
            transform.name(),
            m.first().map(|m| (m.distance, m.transform.name()))
        );
        assert!(
            predicted <= MATCH_DISTANCE,
            "{file}: predicted distance {predicted}"
        );
        assert_eq!(m.len(), 1, "{file}: not matched");
        assert!(m[0].distance <= MATCH_DISTANCE);
    }
}

#[test]
fn bridge_modifications_match_original() {
    let Some(dir) = common::data_dir() else {
        return;
    };
    let mods = dir.join("bridge-mods");
    let (px, w, h) = common::load_rgba(&mods.join("aaa-orig.jpg"));
    let orig = PdqHasher::new().hash_rgba(&px, w, h).unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&mods)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    files.sort();
    assert!(files.len() >= 12);
    for f in files {
        let (px, w, h) = common::load_rgba(&f);
        let got = PdqHasher::new().hash_rgba(&px, w, h).unwrap();
        let d = hamming(&got.hash, &orig.hash);
        println!(
            "{:28} {w:4}x{h:<4} q={:3} distance to original={d}",
            f.file_name().unwrap().to_string_lossy(),
            got.quality
        );
        assert!(d <= MATCH_DISTANCE, "{}: distance {d}", f.display());
    }
}
