//! API behaviour with small inline lists: counting, combinations, banned phrases, bands,
//! diacritics, serialisation errors, chunking and incremental feeding.

use lachan_text::{parse_list, AgeBand, Category, ErrorKind, Limits, PhraseSet, FORMAT_VERSION};

fn set(list: &str) -> PhraseSet {
    PhraseSet::compile(&parse_list("t.txt", list).unwrap()).unwrap()
}

const LIST: &str = "# category: gambling\n\
60 | nhà cái | whole | operator\n\
50 | cá cược | whole | betting\n\
30 | kèo, tỉ lệ | whole | odds words together\n\
25 | casino | sub | casino\n\
# category: adult\n\
ban | child porn | whole | banned\n\
60 | dâm đãng | whole | lewd\n\
30 | dam dang | whole | unaccented only\n\
# category: self_harm\n\
60 | tự tử | whole | suicide\n\
# category: exception\n\
# applies-to: gambling, adult\n\
-100 | giáo dục | whole | education\n";

#[test]
fn each_phrase_counts_once_per_page() {
    let s = set(LIST);
    let one = s.score("nhà cái");
    let many = s.score("nhà cái nhà cái nhà cái nhà cái");
    assert_eq!(one.score(Category::Gambling), 60);
    assert_eq!(many.score(Category::Gambling), 60);
    assert_eq!(many.matches()[0].count, 4);
}

#[test]
fn combinations_need_every_part() {
    let s = set(LIST);
    assert_eq!(s.score("kèo thơm").score(Category::Gambling), 0);
    assert_eq!(s.score("tỉ lệ thuận").score(Category::Gambling), 0);
    let both = s.score("kèo hôm nay ... xem tỉ lệ bên dưới");
    assert_eq!(both.score(Category::Gambling), 30);
    let m = &both.matches()[0];
    assert_eq!(m.phrase, "kèo, tỉ lệ");
}

#[test]
fn whole_word_versus_substring() {
    let s = set(LIST);
    assert_eq!(s.score("mycasinoclub").score(Category::Gambling), 25);
    assert_eq!(s.score("nhà cáix").score(Category::Gambling), 0);
    assert_eq!(s.score("xnhà cái").score(Category::Gambling), 0);
}

#[test]
fn banned_decides_for_every_band_despite_exceptions() {
    let s = set(LIST);
    let sc = s.score("giáo dục child porn");
    assert!(sc.is_banned());
    for band in AgeBand::ALL {
        let d = sc.decide(band).unwrap();
        assert!(d.banned);
        assert_eq!(d.category, Category::Adult);
    }
}

#[test]
fn exceptions_lower_their_targets_only() {
    let s = set(LIST);
    let sc = s.score("giáo dục: nhà cái, cá cược, tự tử");
    assert_eq!(sc.score(Category::Gambling), 10);
    assert_eq!(sc.score(Category::SelfHarm), 60);
    assert_eq!(sc.score(Category::Exception), -100);
}

#[test]
fn per_band_limits() {
    let s = set(LIST);
    let sc = s.score("nhà cái"); // 60
    assert!(sc.decide(AgeBand::Under6).is_some());
    assert!(sc.decide(AgeBand::Age6To10).is_some()); // reaches 60
    assert!(sc.decide(AgeBand::Age11To14).is_none());
    let s2 = s.clone().with_limits(Limits {
        per_band: [10, 20, 30, 40],
    });
    assert!(s2.score("nhà cái").decide(AgeBand::Age15To17).is_some());
    // Limits survive serialisation.
    let back = PhraseSet::from_bytes(&s2.to_bytes()).unwrap();
    assert_eq!(back.limits(), s2.limits());
}

#[test]
fn self_harm_carries_support_and_wins() {
    let s = set(LIST);
    let d = s
        .score("nhà cái nhà cái cá cược tự tử")
        .decide(AgeBand::Under6)
        .unwrap();
    assert_eq!(d.category, Category::SelfHarm);
    assert!(d.support);
    let d = s.score("cá cược").decide(AgeBand::Under6).unwrap();
    assert!(!d.support);
}

#[test]
fn diacritics_must_agree() {
    let s = set(LIST);
    // Phrase with diacritics: exact text matches, unaccented text matches, other marks do not.
    assert_eq!(s.score("dâm đãng").score(Category::Adult), 60);
    assert_eq!(s.score("DÂM ĐÃNG").score(Category::Adult), 60);
    assert_eq!(s.score("đảm đang").score(Category::Adult), 0);
    // Phrase without diacritics matches only unaccented text.
    assert_eq!(s.score("dam dang").score(Category::Adult), 90);
    // NFD "đảm đang".
    assert_eq!(s.score("đa\u{309}m đang").score(Category::Adult), 0);
    // NFD "dâm đãng".
    assert_eq!(s.score("da\u{302}m đa\u{303}ng").score(Category::Adult), 60);
}

#[test]
fn exact_flag_rejects_unaccented_text() {
    let s = set("# category: bullying\n40 | lồn | whole exact | vulgar\n");
    assert_eq!(s.score("lồn").score(Category::Bullying), 40);
    assert_eq!(s.score("lon bia").score(Category::Bullying), 0);
    assert_eq!(s.score("lớn").score(Category::Bullying), 0);
}

#[test]
fn tricks_are_normalised() {
    let s = set(LIST);
    for t in [
        "c a c u o c",
        "c.a.c.u.o.c",
        "cacuoc",
        "CÁ CƯỢC",
        "cá   cược",
        "c4 cuoc",
        "caaaa cuoc",
        "ca\u{301} cu\u{31b}\u{323}o\u{31b}c",
    ] {
        assert_eq!(s.score(t).score(Category::Gambling), 50, "{t:?}");
    }
}

#[test]
fn corrupt_bytes_are_errors_not_panics() {
    let s = set(LIST);
    let bytes = s.to_bytes();
    let kind = |b: &[u8]| PhraseSet::from_bytes(b).unwrap_err().kind().clone();
    assert_eq!(kind(b""), ErrorKind::BadMagic);
    assert_eq!(kind(b"hello world"), ErrorKind::BadMagic);
    assert_eq!(
        PhraseSet::from_bytes(b"").unwrap_err().to_string(),
        "not a Lá Chắn phrase set"
    );
    let mut v = bytes.clone();
    v[6] = 99;
    assert_eq!(
        kind(&v),
        ErrorKind::Version {
            expected: FORMAT_VERSION.into(),
            got: 99
        }
    );
    let mut v = bytes.clone();
    let mid = v.len() / 2;
    v[mid] ^= 0x55;
    assert_eq!(kind(&v), ErrorKind::Checksum);
    // Every truncation and every single-byte flip fails cleanly.
    for len in 0..bytes.len() {
        assert!(PhraseSet::from_bytes(&bytes[..len]).is_err());
    }
    for i in 0..bytes.len() {
        let mut v = bytes.clone();
        v[i] = v[i].wrapping_add(1);
        assert!(PhraseSet::from_bytes(&v).is_err(), "flip at {i}");
    }
}

#[test]
fn chunk_boundaries_do_not_lose_or_double_matches() {
    let s = set(LIST);
    // Long filler so that phrases land on every position around the 32 KiB chunk edge.
    for pad in 0..40 {
        let mut text = String::new();
        while text.len() < 32 * 1024 - 20 + pad {
            text.push_str("lorem ipsum ");
        }
        text.push_str("nhà cái kèo ");
        while text.len() < 100_000 {
            text.push_str("dolor sit amet ");
        }
        text.push_str("tỉ lệ casino");
        let sc = s.score(&text);
        assert_eq!(sc.score(Category::Gambling), 60 + 30 + 25, "pad {pad}");
        let nc = sc.matches().iter().find(|m| m.phrase == "nhà cái").unwrap();
        assert_eq!(&text[nc.start..nc.end], "nhà cái");
        assert_eq!(nc.count, 1);
    }
}

#[test]
fn scanner_feeds_pieces_as_one_page() {
    let s = set(LIST);
    let mut sc = s.scanner();
    sc.feed("xem kèo ");
    sc.feed("nhà cái");
    sc.feed("tỉ lệ");
    let r = sc.finish();
    assert_eq!(r.score(Category::Gambling), 90);
    let m = r.matches().iter().find(|m| m.phrase == "nhà cái").unwrap();
    let at = "xem kèo ".len();
    assert_eq!((m.start, m.end), (at, at + "nhà cái".len()));
}

#[test]
fn span_at_end_of_text_excludes_trailing_punctuation() {
    let s = set(LIST);
    for text in [
        "xem nhà cái!!!  ",
        "xem nhà cái",
        "xem n h a c a i ...",
        "nhà cái\n",
    ] {
        let sc = s.score(text);
        let m = &sc.matches()[0];
        let got = &text[m.start..m.end];
        assert!(
            got == "nhà cái" || got == "n h a c a i",
            "{text:?} → {got:?}"
        );
    }
}

#[test]
fn compile_rejects_bad_rules() {
    let mut rules = parse_list("t.txt", LIST).unwrap();
    rules[0].parts = vec!["!!!".into()];
    let e = PhraseSet::compile(&rules).unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::Rule);
    assert!(e.to_string().starts_with("invalid rule: t.txt:"), "{e}");
}

#[test]
fn random_text_never_panics_and_spans_are_char_boundaries() {
    let s = set(LIST);
    let alphabet: Vec<char> =
        "aàáâãđĐeêếệoôơờưcnhkgtz0134@$ .,-_!\n\u{301}\u{302}\u{323}\u{200b}😀Ａ"
            .chars()
            .collect();
    let mut seed: u64 = 0x1234_5678;
    for _ in 0..3000 {
        let mut text = String::new();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (seed >> 58) as usize + 1;
        for _ in 0..len * 3 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push(alphabet[(seed >> 33) as usize % alphabet.len()]);
        }
        // Sprinkle a phrase in sometimes.
        if seed & 3 == 0 {
            text.push_str(" nhà cái ");
        }
        let sc = s.score(&text);
        for m in sc.matches() {
            assert!(m.start < m.end && m.end <= text.len(), "{text:?}");
            assert!(
                text.is_char_boundary(m.start) && text.is_char_boundary(m.end),
                "{text:?}"
            );
        }
        let n = lachan_text::normalize(&text);
        assert!(n
            .folded
            .bytes()
            .all(|b| b == b' ' || b.is_ascii_lowercase() || b.is_ascii_digit()));
    }
}
