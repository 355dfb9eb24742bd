//! The seeded mutation test: a small bundle with every section
//! (`tests/fixtures/mutants`), damaged thousands of ways (bit flips, byte
//! changes, truncations, extensions, inserted and deleted bytes, section
//! table edits), some mutants resealed (the bundle checksum recomputed, and
//! for a share also the sections' own checksums) so that the deeper
//! decoders see the damage. Each mutant is opened, used (URLs in every band,
//! texts, image hashes, policies, the export) and verified.
//!
//! Counted: typed errors at open and at verify, mutants that open and
//! verify with the original's behaviour, resealed mutants that open and
//! verify as a well-formed bundle of other content (what a build of other
//! lists would give: no decoder can tell), panics, and accepted-corrupt
//! mutants: one the checksum should have caught that opened, verified and
//! behaved differently, or one that verified although a section fails to
//! load or the upstream `fst` reader disagrees with ours. The test fails on
//! any panic or accepted-corrupt mutant. `tests/wasm/mutants.mjs` is the
//! same through the WASM build.
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use lachan_core::{checksum, AgeBand, Bundle, BundleBuilder, Engine};
use lachan_pdq::HashIndex;
use lachan_text::PhraseSet;
use lachan_vocab::checksum::{fnv1a64, lcb32};

/// Mutants per run (release; debug runs a tenth).
const MUTANTS: usize = 40_000;
const SEED: u64 = 0x4c41_4348_414e_0002;

/// splitmix64: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The fixture bundle, built with the CLI's own build.
fn fixture_bundle() -> Vec<u8> {
    let root = lachan_tests::root();
    let out = std::env::temp_dir().join(format!("lachan-mutants-{}.lcb", std::process::id()));
    let opts = lachan::build::BuildOptions {
        registry: root.join("tests/fixtures/mutants/registry.toml"),
        mirror: None,
        out: out.clone(),
        offline: true,
        quiet: true,
        strict: true,
        show_rejected: 0,
        holdout: None,
        dry_run: false,
    };
    lachan::build::build(&opts).unwrap_or_else(|e| panic!("building the fixture: {e}"));
    let bytes = std::fs::read(&out).expect("fixture written");
    let _ = std::fs::remove_file(PathBuf::from(&out));
    bytes
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The section table as written: (table position, tag, offset, length).
fn table(b: &[u8]) -> Vec<(usize, [u8; 4], usize, usize)> {
    let count = b
        .get(12..16)
        .map_or(0, |c| u32::from_le_bytes(c.try_into().unwrap()) as usize);
    (0..count.min(64))
        .map_while(|i| {
            let at = 32 + i * 24;
            let tag: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
            let off = u64_at(b, at + 8)? as usize;
            let len = u64_at(b, at + 16)? as usize;
            Some((at, tag, off, len))
        })
        .collect()
}

/// Recomputes the bundle checksum (LCB64 of the file, its field as zero).
fn reseal(b: &mut [u8]) {
    if b.len() < 32 {
        return;
    }
    b[16..24].fill(0);
    let sum = checksum(b);
    b[16..24].copy_from_slice(&sum.to_le_bytes());
}

fn crc32c_masked(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &x in data {
        crc ^= u32::from(x);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0x82f6_3b78 & 0u32.wrapping_sub(crc & 1));
        }
    }
    let sum = !crc;
    (sum.rotate_right(15)).wrapping_add(0xa282_ead8)
}

/// Recomputes the checksums the sections carry themselves (the FST's CRC,
/// the phrase set's and the image index's), so their decoders see the
/// damage, then the bundle's.
fn reseal_deep(b: &mut [u8]) {
    if b.len() >= 32 {
        let len = b.len() as u64;
        b[24..32].copy_from_slice(&len.to_le_bytes());
    }
    for (_, tag, off, len) in table(b) {
        let Some(s) = off.checked_add(len).and_then(|end| b.get_mut(off..end)) else {
            continue;
        };
        let n = s.len();
        match &tag {
            b"HFST" if n >= 36 => {
                let sum = crc32c_masked(&s[..n - 4]);
                s[n - 4..].copy_from_slice(&sum.to_le_bytes());
            }
            b"PHRS" if n >= 16 => {
                let sum = fnv1a64(&s[..n - 8]);
                s[n - 8..].copy_from_slice(&sum.to_le_bytes());
            }
            b"PDQI" if n >= 32 => {
                let sum = lcb32(&s[32..]);
                s[28..32].copy_from_slice(&sum.to_le_bytes());
            }
            _ => {}
        }
    }
    reseal(b);
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Seal {
    /// As damaged: the checksum should catch it.
    None,
    /// The bundle checksum recomputed.
    Outer,
    /// The sections' own checksums and the bundle's recomputed.
    Deep,
}

/// Damages `b` one of several ways.
fn mutate(rng: &mut Rng, b: &mut Vec<u8>) -> &'static str {
    let sections = table(b);
    let size = b.len();
    let in_section = |rng: &mut Rng| -> usize {
        match sections.get(rng.below(sections.len())) {
            Some(&(_, _, off, len)) if len > 0 && off + len <= size => off + rng.below(len),
            _ => rng.below(size),
        }
    };
    match rng.below(8) {
        0 => {
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(b.len());
                b[at] ^= 1 << rng.below(8);
            }
            "bit flip"
        }
        1 => {
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(b.len());
                b[at] = b[at].wrapping_add(1 + rng.below(255) as u8);
            }
            "byte change"
        }
        2 => {
            let len = rng.below(b.len());
            b.truncate(len);
            "truncation"
        }
        3 => {
            for _ in 0..1 + rng.below(64) {
                b.push(rng.next() as u8);
            }
            "extension"
        }
        4 => {
            let at = in_section(rng);
            if rng.below(2) == 0 {
                b.insert(at, rng.next() as u8);
                "inserted byte"
            } else {
                b.remove(at);
                "deleted byte"
            }
        }
        5 => {
            // A section-table edit.
            let Some(&(at, _, off, len)) = sections.get(rng.below(sections.len())) else {
                b[12] ^= 1;
                return "section count";
            };
            match rng.below(6) {
                0 => b[at + rng.below(4)] ^= 1 << rng.below(8),
                1 => {
                    let v = (off as u64)
                        .wrapping_add(8 * (rng.below(5) as u64))
                        .wrapping_sub(16);
                    b[at + 8..at + 16].copy_from_slice(&v.to_le_bytes());
                }
                2 => {
                    let v = (len as u64)
                        .wrapping_add(rng.below(33) as u64)
                        .wrapping_sub(16);
                    b[at + 16..at + 24].copy_from_slice(&v.to_le_bytes());
                }
                3 => {
                    let c = u32::from_le_bytes(b[12..16].try_into().unwrap());
                    let c = if rng.below(2) == 0 {
                        c.wrapping_sub(1)
                    } else {
                        c + 1
                    };
                    b[12..16].copy_from_slice(&c.to_le_bytes());
                }
                4 => {
                    // Swap two entries.
                    let other = 32 + 24 * rng.below(sections.len());
                    for k in 0..24 {
                        b.swap(at + k, other + k);
                    }
                }
                _ => {
                    // Drop the entry (the table shrinks, the payload stays).
                    let end = 32 + 24 * sections.len();
                    b.copy_within(at + 24..end, at);
                    b[end - 24..end].fill(0);
                    let c = u32::from_le_bytes(b[12..16].try_into().unwrap());
                    b[12..16].copy_from_slice(&c.saturating_sub(1).to_le_bytes());
                }
            }
            "section table"
        }
        _ => {
            // Inside one section, so that every decoder sees damage.
            for _ in 0..1 + rng.below(3) {
                let at = in_section(rng);
                if rng.below(2) == 0 {
                    b[at] ^= 1 << rng.below(8);
                } else {
                    b[at] = rng.next() as u8;
                }
            }
            "inside a section"
        }
    }
}

const URLS: &[&str] = &[
    "https://adult-one.example/",
    "http://www.adult-one.example/x?y=1",
    "https://good.adult-one.example/",
    "https://adult-two.example:8443/a",
    "https://adult-three.example/",
    "https://www.adult-three.example/page",
    "https://bücher.example/",
    "https://a.sub.deep.adult-four.test/",
    "http://198.51.100.7/",
    "http://[2001:db8::7]/",
    "https://casino-one.example/",
    "https://casino-two.example/",
    "https://casino42.example/play",
    "https://news.example/bet-online/today",
    "https://bet-99.test/",
    "https://lottery.example.invalid/",
    "https://forum.example/adult/thread",
    "https://forum.example/adulthood",
    "https://video.example/watch/bad?x",
    "https://video.example/watch/good",
    "https://pics.example/gallery/nsfw?id=1",
    "https://social.example/",
    "https://chat.social.example/room",
    "https://school.example/",
    "https://unlisted.example/",
    "https://translate.google.com/translate?u=https://adult-two.example/",
    "https://ADULT-ONE.example./",
    "not a url",
];

const TEXTS: &[&str] = &[
    "Nhà cái uy tín, cá cược bóng đá",
    "NHA CAI kèo tỉ lệ hôm nay",
    "Công an triệt phá đường dây cá cược",
    "một ngày đẹp trời",
];

const HASHES: &[&str] = &[
    "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22",
    "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b23",
    "e64cc9d91e623842f8d1f1d9a398e78c9f199a3bd87924f2b7e11e0bf061b064",
    "0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff",
    "1111111111111111111111111111111111111111111111111111111111111111",
];

const PARENT: &str = r#"{"age_band":"11-14","categories":{"social_networks":"allow","gambling":"warn"},"allow":["casino-two.example"],"block":["unlisted.example/x"]}"#;

/// What an engine answers to the fixed probes, as text.
fn behaviour(engine: &mut Engine) -> Vec<String> {
    let mut out = Vec::new();
    let bands = [
        None,
        Some(AgeBand::Under6),
        Some(AgeBand::Age6To10),
        Some(AgeBand::Age11To14),
        Some(AgeBand::Age15To17),
    ];
    let run = |engine: &Engine, out: &mut Vec<String>| {
        for url in URLS {
            for band in bands {
                let v = engine.check_url(url, band);
                out.push(serde_json::to_string(&v).unwrap());
                out.push(engine.check_code(url, band).to_string());
            }
        }
        for text in TEXTS {
            for band in bands {
                out.push(serde_json::to_string(&engine.check_text(text, band)).unwrap());
            }
        }
        for h in HASHES {
            out.push(format!(
                "{:?}",
                engine.check_image_hash(h).map(|m| m.map(|m| m.distance))
            ));
            out.push(serde_json::to_string(&engine.check_image_hash(h).ok()).unwrap());
        }
    };
    run(engine, &mut out);
    out.push(format!("{:?}", engine.validate_layer("parent", PARENT)));
    out.push(serde_json::to_string(&engine.default_table()).unwrap());
    out.push(format!("{:?}", engine.set_policy(Some(PARENT), None)));
    run(engine, &mut out);
    engine.set_policy(None, None);
    let b = engine.bundle();
    out.push(serde_json::to_string(&b.info()).unwrap());
    out.push(format!(
        "{:?}",
        b.export_rules().map(|r| serde_json::to_string(&r).unwrap())
    ));
    out.push(format!(
        "{} {}",
        engine.has_phrases(),
        engine.image_hashes()
    ));
    out
}

/// For a bundle that verified: every section loads, the upstream `fst`
/// reader lists exactly the keys our export lists, and (unless the
/// sections' own checksums were recomputed, which lets their bytes change
/// without changing their meaning) the bundle is byte for byte what a
/// build of its own content writes. `Err` says what failed.
fn consistent(bundle: &Bundle, engine: &Engine, bytes: &[u8], seal: Seal) -> Result<(), String> {
    if seal != Seal::Deep {
        let rebuilt = BundleBuilder::from_bundle(bundle)
            .and_then(BundleBuilder::build)
            .map_err(|e| format!("cannot rebuild a verified bundle: {e}"))?;
        if rebuilt != bytes {
            return Err("a build of its own content gives other bytes".into());
        }
    }
    if let Some(p) = bundle.section(b"PHRS") {
        PhraseSet::from_bytes(p).map_err(|e| format!("phrases do not load: {e}"))?;
        if !engine.has_phrases() {
            return Err("the engine has no phrases".into());
        }
    }
    if let Some(p) = bundle.section(b"PDQI") {
        let idx = HashIndex::from_bytes(p).map_err(|e| format!("hashes do not load: {e}"))?;
        if engine.image_hashes() != idx.len() {
            return Err("the engine lost image hashes".into());
        }
    }
    let ours: Vec<Vec<u8>> = bundle
        .export_rules()
        .map_err(|e| format!("export failed after verify: {e}"))?
        .iter()
        .map(|r| {
            let (host, path) = r.rule.split_at(r.rule.find('/').unwrap_or(r.rule.len()));
            let mut key: Vec<u8> = host.bytes().rev().collect();
            key.extend_from_slice(path.as_bytes());
            key
        })
        .collect();
    let fst_bytes = bundle.section(b"HFST").ok_or("no HFST")?.to_vec();
    let upstream = catch_unwind(move || {
        use fst::Streamer;
        let map = fst::Map::new(fst_bytes).map_err(|e| e.to_string())?;
        let mut keys = Vec::new();
        let mut s = map.stream();
        while let Some((k, _)) = s.next() {
            keys.push(k.to_vec());
        }
        Ok::<_, String>(keys)
    })
    .map_err(|_| "the upstream fst reader panicked on a verified index".to_string())??;
    if upstream != ours {
        return Err("the upstream fst reader lists other keys".into());
    }
    Ok(())
}

#[derive(Default, Debug)]
struct Counts {
    error_at_open: usize,
    error_at_verify: usize,
    same: usize,
    other_content: usize,
    panics: usize,
    accepted_corrupt: usize,
}

enum Outcome {
    ErrorAtOpen,
    ErrorAtVerify,
    Same,
    OtherContent,
    AcceptedCorrupt(String),
}

fn run_mutant(m: Vec<u8>, seal: Seal, original: &[String]) -> Outcome {
    let Ok(mut engine) = Engine::from_bytes(m.clone()) else {
        return Outcome::ErrorAtOpen;
    };
    // Used before and after verify: nothing may panic either way.
    let seen = behaviour(&mut engine);
    if engine.bundle().verify().is_err() {
        return Outcome::ErrorAtVerify;
    }
    if seen == original {
        return Outcome::Same;
    }
    if seal == Seal::None {
        return Outcome::AcceptedCorrupt(
            "verified without a reseal and behaves differently".into(),
        );
    }
    match consistent(engine.bundle(), &engine, &m, seal) {
        Ok(()) => {
            if std::env::var_os("MUTANTS_DEBUG").is_some() {
                let d = seen.iter().zip(original).find(|(a, b)| a != b);
                eprintln!("OTHER {seal:?}: {d:?}");
            }
            Outcome::OtherContent
        }
        Err(why) => Outcome::AcceptedCorrupt(why),
    }
}

#[test]
fn corrupt_bundles_are_typed_errors_never_panics_never_accepted() {
    let original_bytes = fixture_bundle();
    let mut original_engine = Engine::from_bytes(original_bytes.clone()).expect("fixture opens");
    original_engine.bundle().verify().expect("fixture verifies");
    let original = behaviour(&mut original_engine);
    assert!(original_engine.has_phrases() && original_engine.image_hashes() == 3);

    let n = if cfg!(debug_assertions) {
        MUTANTS / 10
    } else {
        MUTANTS
    };
    let mut rng = Rng(SEED);
    let mut counts = Counts::default();
    let mut examples: Vec<String> = Vec::new();
    let mut by_kind: std::collections::BTreeMap<&str, usize> = Default::default();
    let start = std::time::Instant::now();
    for i in 0..n {
        let mut m = original_bytes.clone();
        let kind = mutate(&mut rng, &mut m);
        if m == original_bytes {
            m.push(0); // a mutation that changed nothing: make it an extension
        }
        let seal = match rng.below(10) {
            0..=2 => Seal::None,
            3..=6 => Seal::Outer,
            _ => Seal::Deep,
        };
        match seal {
            Seal::None => {}
            Seal::Outer => reseal(&mut m),
            Seal::Deep => reseal_deep(&mut m),
        }
        *by_kind.entry(kind).or_default() += 1;
        match catch_unwind(AssertUnwindSafe(|| run_mutant(m, seal, &original))) {
            Ok(Outcome::ErrorAtOpen) => counts.error_at_open += 1,
            Ok(Outcome::ErrorAtVerify) => counts.error_at_verify += 1,
            Ok(Outcome::Same) => counts.same += 1,
            Ok(Outcome::OtherContent) => counts.other_content += 1,
            Ok(Outcome::AcceptedCorrupt(why)) => {
                counts.accepted_corrupt += 1;
                if examples.len() < 10 {
                    examples.push(format!("mutant {i} ({kind}, {seal:?}): accepted: {why}"));
                }
            }
            Err(_) => {
                counts.panics += 1;
                if examples.len() < 10 {
                    examples.push(format!("mutant {i} ({kind}, {seal:?}): panicked"));
                }
            }
        }
    }
    println!(
        "{n} mutants of a {} byte bundle in {:.1} s: {counts:?}; by kind {by_kind:?}",
        original_bytes.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(
        counts.panics == 0 && counts.accepted_corrupt == 0,
        "{counts:?}\n{}",
        examples.join("\n")
    );
    // The mutants must reach every outcome but the bad ones, or the test
    // proves little.
    assert!(
        counts.error_at_open > n / 4 && counts.error_at_verify > 0,
        "{counts:?}"
    );
}
