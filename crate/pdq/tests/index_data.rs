//! The index against brute force on the public PDQ regression hash lists
//! (`shared/data/pdq/reg-test-input/`).

mod common;

use lachan_pdq::{hamming, parse_hash_list, Hash256, HashIndex, HashIndexBuilder, MATCH_DISTANCE};
use std::path::Path;

fn read_list(dir: &Path, name: &str) -> lachan_pdq::HashList {
    let text = std::fs::read_to_string(dir.join("reg-test-input").join(name)).unwrap();
    parse_hash_list(&text)
}

fn brute(hay: &[Hash256], q: &Hash256, radius: u32) -> Vec<(u32, u32)> {
    let mut v: Vec<(u32, u32)> = hay
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let d = hamming(h, q);
            (d <= radius).then_some((d, i as u32))
        })
        .collect();
    v.sort_unstable();
    v
}

#[test]
fn needles_in_haystack_agree_with_brute_force() {
    let Some(dir) = common::data_dir() else {
        return;
    };
    let needles = read_list(&dir, "needles.txt");
    let hay = read_list(&dir, "haystack.txt");
    assert!(needles.errors.is_empty(), "{:?}", needles.errors);
    assert!(hay.errors.is_empty(), "{:?}", hay.errors);
    assert_eq!((needles.entries.len(), hay.entries.len()), (100, 1350));
    let index = HashIndex::from_list(&hay).unwrap();
    // Through the byte format, as the bundle would load it.
    let index = HashIndex::from_bytes(&index.to_bytes()).unwrap();
    let hay_hashes: Vec<Hash256> = hay.entries.iter().map(|e| e.hash).collect();
    let mut matched_at_31 = 0;
    let mut total_hits = 0;
    for n in &needles.entries {
        for radius in [0, 8, 15, 16, 24, 31, 32, 40, 47, 48, 64] {
            let got: Vec<(u32, u32)> = index
                .query(&n.hash, radius)
                .iter()
                .map(|m| (m.distance, m.entry))
                .collect();
            assert_eq!(got, brute(&hay_hashes, &n.hash, radius), "radius {radius}");
            if radius == MATCH_DISTANCE {
                matched_at_31 += usize::from(!got.is_empty());
                total_hits += got.len();
            }
        }
    }
    println!("needles with a haystack match within 31: {matched_at_31}/100 ({total_hits} hits)");
    // Every haystack entry finds itself.
    for (i, e) in hay.entries.iter().enumerate() {
        let m = index.best_match(&e.hash, MATCH_DISTANCE).unwrap();
        assert_eq!(m.distance, 0);
        assert_eq!(hay_hashes[m.entry as usize], e.hash, "entry {i}");
    }
}

#[test]
fn long_and_short_lists() {
    let Some(dir) = common::data_dir() else {
        return;
    };
    let long = read_list(&dir, "long256.dat");
    assert!(long.errors.is_empty());
    let index = HashIndex::from_list(&long).unwrap();
    let hs: Vec<Hash256> = long.entries.iter().map(|e| e.hash).collect();
    for h in &hs {
        for radius in [0, 31, 63, 100] {
            let got: Vec<(u32, u32)> = index
                .query(h, radius)
                .iter()
                .map(|m| (m.distance, m.entry))
                .collect();
            assert_eq!(got, brute(&hs, h, radius));
        }
    }

    // short256.dat holds near-duplicate pairs plus the all-zero and all-one
    // hashes: the list parser rejects the all-zero one (line 5) with a reason.
    let short = read_list(&dir, "short256.dat");
    assert_eq!(short.entries.len(), 5);
    assert_eq!(short.errors.len(), 1);
    assert_eq!(short.errors[0].line, 5);
    println!("short256.dat: {}", short.errors[0]);
    let index = HashIndex::from_list(&short).unwrap();
    let m = index.query(&short.entries[0].hash, MATCH_DISTANCE);
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].distance, m[1].distance), (0, 4));

    // order256.dat: word-order check of the hex parser.
    let order = read_list(&dir, "order256.dat");
    let h = order.entries[0].hash;
    assert_eq!(
        h.to_hex(),
        "0000000000000001000000000000000200000000000000030000000000000004"
    );
    // Words print most significant first: w0 = 0x0004, w4 = 0x0003, w8 = 0x0002, w12 = 0x0001.
    let set: Vec<usize> = (0..256).filter(|&k| h.bit(k)).collect();
    assert_eq!(set, vec![2, 64, 65, 129, 192]);
    assert_eq!(h.count_ones(), 5);
}

#[test]
fn vector_list_file_matches_images() {
    // crate/pdq/testdata/pdq-vectors.txt (hashes of the benign test images,
    // with source and id) parses cleanly and finds the bridge image.
    let Some(dir) = common::data_dir() else {
        return;
    };
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/pdq-vectors.txt"),
    )
    .unwrap();
    let list = parse_hash_list(&text);
    assert!(list.errors.is_empty(), "{:?}", list.errors);
    let mut b = HashIndexBuilder::new();
    b.add_list(&list).unwrap();
    let index = b.build().unwrap();
    let img = image::open(dir.join("bridge-mods/sharpen-a-lot.jpg"))
        .unwrap()
        .to_rgba8();
    let (w, h) = img.dimensions();
    let q = lachan_pdq::pdq_dihedral_rgba(img.as_raw(), w, h).unwrap();
    let m = index.query_dihedral(&q, MATCH_DISTANCE);
    assert!(!m.is_empty());
    assert!(
        m.iter().any(|m| m.id == "bridge-mods/aaa-orig.jpg"),
        "{m:?}"
    );
    assert_eq!(m[0].source, "threatexchange-pdq-test-vectors");
}
