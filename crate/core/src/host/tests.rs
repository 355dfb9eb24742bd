//! Table-driven tests for host normalisation: named cases grouped by rule,
//! one loop per table.
use super::*;

/// One case: `input` normalises to `want` of `kind`, or (with `kind`
/// `None`) fails with an error containing `want`.
struct HostTest {
    name: &'static str,
    input: &'static str,
    want: &'static str,
    kind: Option<HostKind>,
}

macro_rules! ok {
    ($name:expr, $input:expr, $want:expr, $kind:ident) => {
        HostTest {
            name: $name,
            input: $input,
            want: $want,
            kind: Some(HostKind::$kind),
        }
    };
}

macro_rules! err {
    ($name:expr, $input:expr, $reason:expr) => {
        HostTest {
            name: $name,
            input: $input,
            want: $reason,
            kind: None,
        }
    };
}

const DOMAINS: &[HostTest] = &[
    ok!("plain", "example.com", "example.com", Domain),
    ok!("upper case", "WWW.BAD.COM", "www.bad.com", Domain),
    ok!("mixed case", "Www.Bad.Com", "www.bad.com", Domain),
    ok!("trailing dot", "BAD.COM.", "bad.com", Domain),
    ok!("trailing dots", "bad.com...", "bad.com", Domain),
    ok!("single label", "localhost", "localhost", Domain),
    ok!(
        "underscore",
        "_dmarc.my_host.example.com",
        "_dmarc.my_host.example.com",
        Domain
    ),
    ok!("hyphens", "-a-.b--c.com", "-a-.b--c.com", Domain),
    ok!("digits in labels", "123abc.1a.com", "123abc.1a.com", Domain),
    ok!(
        "numeric label not last",
        "1.2.3.example",
        "1.2.3.example",
        Domain
    ),
    ok!("hex-looking not last", "0x10.com", "0x10.com", Domain),
    ok!("not hex: 0xg", "a.0xg", "a.0xg", Domain),
    ok!(
        "WHATWG-allowed punctuation",
        "a!b$c.com",
        "a!b$c.com",
        Domain
    ),
    ok!(
        "label of 63",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
        Domain
    ),
];

const PERCENT: &[HostTest] = &[
    ok!("encoded letter", "%65xample.com", "example.com", Domain),
    ok!("encoded dot", "bad%2ecom", "bad.com", Domain),
    ok!("encoded upper", "%42AD.com", "bad.com", Domain),
    ok!(
        "encoded utf-8",
        "b%C3%BCcher.de",
        "xn--bcher-kva.de",
        Domain
    ),
    ok!("encoded ipv4", "%31%32%37.0.0.1", "127.0.0.1", Ipv4),
    err!("encoded slash", "bad.com%2Fx", "`/`"),
    err!("encoded space", "bad%20.com", "a space"),
    err!("bad escape", "bad%zz.com", "`%`"),
    err!("lone percent", "bad.com%", "`%`"),
    err!("not utf-8", "b%FF.com", "not UTF-8"),
];

const UNICODE: &[HostTest] = &[
    ok!("german", "bücher.de", "xn--bcher-kva.de", Domain),
    ok!("german upper", "BÜCHER.DE", "xn--bcher-kva.de", Domain),
    ok!(
        "vietnamese",
        "bộcôngan.vn",
        "xn--bcngan-jxa6332d.vn",
        Domain
    ),
    ok!(
        "vietnamese decomposed",
        "bo\u{0323}\u{0302}co\u{0302}ngan.vn",
        "xn--bcngan-jxa6332d.vn",
        Domain
    ),
    ok!(
        "vietnamese marks out of order",
        "bo\u{0302}\u{0323}co\u{0302}ngan.vn",
        "xn--bcngan-jxa6332d.vn",
        Domain
    ),
    ok!(
        "punycode kept",
        "xn--bcher-kva.de",
        "xn--bcher-kva.de",
        Domain
    ),
    ok!(
        "punycode upper",
        "XN--BCHER-KVA.DE",
        "xn--bcher-kva.de",
        Domain
    ),
    ok!(
        "punycode of upper-case unicode",
        "xn--bcher-2pa.de",
        "xn--bcher-kva.de",
        Domain
    ),
    ok!(
        "fullwidth letters",
        "ｅｘａｍｐｌｅ.com",
        "example.com",
        Domain
    ),
    ok!(
        "fullwidth upper",
        "Ｅｘａｍｐｌｅ．ＣＯＭ",
        "example.com",
        Domain
    ),
    ok!("ideographic dot", "bad。com", "bad.com", Domain),
    ok!("halfwidth dot", "bad｡com", "bad.com", Domain),
    ok!("fullwidth ipv4", "１２７．０．０．１", "127.0.0.1", Ipv4),
    ok!("soft hyphen ignored", "ba\u{00AD}d.com", "bad.com", Domain),
    ok!(
        "zero width space ignored",
        "ba\u{200B}d.com",
        "bad.com",
        Domain
    ),
    ok!("cyrillic", "пример.рф", "xn--e1afmkfd.xn--p1ai", Domain),
    ok!("emoji", "😀.com", "xn--e28h.com", Domain),
    err!(
        "punycode of a control char",
        "xn--a-a.com",
        "not valid punycode"
    ),
    err!(
        "punycode of ascii only",
        "xn--abc-.com",
        "not valid punycode"
    ),
    err!("empty punycode", "xn--.com", "not valid punycode"),
    err!(
        "truncated punycode",
        "xn--bcher-kv.de",
        "not valid punycode"
    ),
    err!("bad punycode digit", "xn--ab$c.com", "not valid punycode"),
    err!("ideographic space", "bad\u{3000}.com", "a space"),
    err!("zero width joiner", "ba\u{200D}d.com", "invisible joiner"),
    err!("unicode control", "ba\u{0085}d.com", "U+0085"),
    err!("replacement char", "ba\u{FFFD}d.com", "U+FFFD"),
];

const FORBIDDEN: &[HostTest] = &[
    err!("empty", "", "empty host"),
    err!("only dots", "...", "empty host"),
    err!("empty label", "a..b", "empty label"),
    err!("leading dot", ".bad.com", "empty label"),
    err!("space", "bad .com", "a space"),
    err!("less than", "bad<.com", "`<`"),
    err!("greater than", "bad>.com", "`>`"),
    err!("caret", "bad^.com", "`^`"),
    err!("pipe", "bad|.com", "`|`"),
    err!("hash", "bad#.com", "`#`"),
    err!("question", "bad?.com", "`?`"),
    err!("at", "a@bad.com", "`@`"),
    err!("backslash", "bad\\.com", "`\\`"),
    err!("slash", "bad/.com", "`/`"),
    err!("nul", "bad\0.com", "control"),
    err!("tab", "bad\t.com", "control"),
    err!("delete", "bad\u{7F}.com", "control"),
    err!("colon", "bad.com:80", "`:`"),
    err!(
        "label of 64",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
        "limit is 63"
    ),
    err!(
        "punycode label too long",
        "tổchứcbảovệtrẻemquốcgiaviệtnamchốnglạmdụngtrựctuyến.vn",
        "limit is 63"
    ),
];

const IPV4: &[HostTest] = &[
    ok!("dotted", "192.168.1.1", "192.168.1.1", Ipv4),
    ok!("trailing dot", "192.168.1.1.", "192.168.1.1", Ipv4),
    ok!("one decimal", "3232235777", "192.168.1.1", Ipv4),
    ok!("one hex", "0xC0A80101", "192.168.1.1", Ipv4),
    ok!("one hex lower", "0xc0a80101", "192.168.1.1", Ipv4),
    ok!("octal parts", "0300.0250.1.1", "192.168.1.1", Ipv4),
    ok!("three parts", "192.168.257", "192.168.1.1", Ipv4),
    ok!("two parts", "127.1", "127.0.0.1", Ipv4),
    ok!("hex and short", "0x7f.1", "127.0.0.1", Ipv4),
    ok!("mixed radix", "0x7F.0.00.01", "127.0.0.1", Ipv4),
    ok!("empty hex is zero", "0x.0x.0x.0x", "0.0.0.0", Ipv4),
    ok!("zero", "0", "0.0.0.0", Ipv4),
    ok!("max", "4294967295", "255.255.255.255", Ipv4),
    ok!("leading zeros decimal", "0000000127.1", "87.0.0.1", Ipv4),
    ok!("last label hex", "1.2.3.0x4", "1.2.3.4", Ipv4),
    err!("too big", "4294967296", "out of range"),
    err!("huge", "99999999999999999999999999999", "out of range"),
    err!("part above 255", "256.1.1.1", "above 255"),
    err!("last part too big", "1.2.3.256", "out of range"),
    err!("five parts", "1.2.3.4.5", "more than 4 parts"),
    err!("bad octal", "08.1.1.1", "not a decimal, hex or octal"),
    err!("numeric tld", "example.123", "not a decimal, hex or octal"),
    err!("hex tld", "example.0x1", "not a decimal, hex or octal"),
    err!("empty part", "1..1", "not a decimal, hex or octal"),
];

const IPV6: &[HostTest] = &[
    ok!("loopback bracketed", "[::1]", "::1", Ipv6),
    ok!("loopback bare", "::1", "::1", Ipv6),
    ok!("upper case", "[2001:DB8::1]", "2001:db8::1", Ipv6),
    ok!(
        "leading zeros",
        "[2001:0db8:0000:0000:0000:0000:0000:0001]",
        "2001:db8::1",
        Ipv6
    ),
    ok!(
        "longest run compressed",
        "[2001:0:0:1:0:0:0:1]",
        "2001:0:0:1::1",
        Ipv6
    ),
    ok!(
        "first of equal runs",
        "[2001:db8:0:0:1:0:0:1]",
        "2001:db8::1:0:0:1",
        Ipv6
    ),
    ok!(
        "single zero not compressed",
        "[2001:db8:0:1:1:1:1:1]",
        "2001:db8:0:1:1:1:1:1",
        Ipv6
    ),
    ok!("all zeros", "[0:0:0:0:0:0:0:0]", "::", Ipv6),
    ok!("ipv4 mapped", "[::ffff:1.2.3.4]", "::ffff:1.2.3.4", Ipv6),
    ok!(
        "ipv4 mapped hex",
        "[::FFFF:0102:0304]",
        "::ffff:1.2.3.4",
        Ipv6
    ),
    ok!("ipv4 tail", "[64:ff9b::1.2.3.4]", "64:ff9b::102:304", Ipv6),
    err!("no closing bracket", "[::1", "no closing"),
    err!("two compressions", "[1::2::3]", "not a valid IPv6"),
    err!("too many pieces", "[1:2:3:4:5:6:7:8:9]", "not a valid IPv6"),
    err!("piece too long", "[12345::1]", "not a valid IPv6"),
    err!("zone id", "[fe80::1%25eth0]", "not a valid IPv6"),
    err!("empty brackets", "[]", "not a valid IPv6"),
    err!("bad ipv4 tail", "[::1.2.3.256]", "not a valid IPv6"),
];

fn run(table: &[HostTest]) {
    for t in table {
        let got = normalize_host(t.input);
        match (t.kind, got) {
            (Some(kind), Ok(h)) => {
                assert_eq!(h.as_str(), t.want, "{}: {:?}", t.name, t.input);
                assert_eq!(h.kind(), kind, "{}: {:?}", t.name, t.input);
            }
            (Some(_), Err(e)) => panic!("{}: {:?} failed: {e}", t.name, t.input),
            (None, Ok(h)) => panic!("{}: {:?} gave {h:?}, want an error", t.name, t.input),
            (None, Err(e)) => assert!(
                e.to_string().contains(t.want),
                "{}: {:?}: error {e:?} does not mention {:?}",
                t.name,
                t.input,
                t.want
            ),
        }
    }
}

#[test]
fn domains() {
    run(DOMAINS);
}

#[test]
fn percent_encoding() {
    run(PERCENT);
}

#[test]
fn unicode() {
    run(UNICODE);
}

#[test]
fn forbidden() {
    run(FORBIDDEN);
}

#[test]
fn ipv4() {
    run(IPV4);
}

#[test]
fn ipv6() {
    run(IPV6);
}

#[test]
fn total_length() {
    let label = "a".repeat(63);
    let ok = [label.as_str(); 4].join(".");
    assert_eq!(ok.len(), 255);
    let e = normalize_host(&ok).unwrap_err();
    assert!(e.to_string().contains("limit is 253"), "{e}");
    let fits = format!("{}.{}.{}.{}", label, label, label, "a".repeat(61));
    assert_eq!(normalize_host(&fits).unwrap().as_str().len(), 253);
}

#[test]
fn canonical_form_is_a_fixed_point() {
    for table in [DOMAINS, PERCENT, UNICODE, IPV4, IPV6] {
        for t in table.iter().filter(|t| t.kind.is_some()) {
            let h = normalize_host(t.input).unwrap();
            let again = normalize_host(h.as_str()).unwrap();
            assert_eq!(again, h, "{}", t.name);
        }
    }
}

#[test]
fn ip_helpers() {
    let h = normalize_host("[::ffff:127.0.0.1]").unwrap();
    assert_eq!(h.ipv4(), Some(Ipv4Addr::new(127, 0, 0, 1)));
    assert_eq!(
        normalize_host("0x7f.1").unwrap().ipv4(),
        Some(Ipv4Addr::new(127, 0, 0, 1))
    );
    assert_eq!(normalize_host("[::1]").unwrap().ipv4(), None);
    assert_eq!(normalize_host("bad.com").unwrap().ip(), None);
}

#[test]
fn suffixes() {
    let h = normalize_host("a.b.example.com").unwrap();
    let got: Vec<&str> = h.suffixes().collect();
    assert_eq!(got, ["a.b.example.com", "b.example.com", "example.com"]);
    let h = normalize_host("localhost").unwrap();
    assert_eq!(h.suffixes().collect::<Vec<_>>(), ["localhost"]);
    let h = normalize_host("10.0.0.1").unwrap();
    assert_eq!(h.suffixes().collect::<Vec<_>>(), ["10.0.0.1"]);
}

#[test]
fn errors_are_short_for_huge_input() {
    let huge = format!("{}<", "a".repeat(100_000));
    let e = normalize_host(&huge).unwrap_err();
    assert!(e.to_string().len() < 300, "{}", e.to_string().len());
}

/// A tiny xorshift generator: no extra dependency for property tests.
pub(crate) struct XorShift(pub(crate) u64);

impl XorShift {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn garbage_never_panics_and_output_is_canonical() {
    const ALPHABET: &[&str] = &[
        "a", "B", "0", "9", "x", "X", ".", ".", "-", "_", "%", "2e", "41", "ff", "[", "]", ":",
        "::", "0x", "ü", "Ｅ", "。", "\u{0301}", "\u{200B}", " ", "@", "/", "xn--", "255", "08",
    ];
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    for _ in 0..20_000 {
        let len = (rng.next() % 12) as usize;
        let s: String = (0..len)
            .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
            .collect();
        if let Ok(h) = normalize_host(&s) {
            assert!(h.as_str().is_ascii(), "{s:?} → {h:?}");
            assert!(!h.as_str().is_empty(), "{s:?}");
            assert_eq!(
                normalize_host(h.as_str()).as_ref(),
                Ok(&h),
                "fixed point for {s:?}"
            );
        }
    }
    for _ in 0..5_000 {
        let len = (rng.next() % 40) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let _ = normalize_host(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn forbidden_table_matches_names() {
    for b in 0..=255u8 {
        assert_eq!(
            super::FORBIDDEN[usize::from(b)],
            forbidden_name(b).is_some(),
            "byte {b:#04x}"
        );
    }
}

#[test]
fn canonical_fast_check_agrees_with_general_path() {
    let mut rng = XorShift(0x1234_5678_9ABC_DEF1);
    const BYTES: &[u8] = b"abxz019-_..";
    for _ in 0..50_000 {
        let len = (rng.next() % 16) as usize;
        let s: String = (0..len)
            .map(|_| char::from(BYTES[(rng.next() % BYTES.len() as u64) as usize]))
            .collect();
        if is_canonical_domain(s.as_bytes()) {
            let slow = finish_domain(&s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
            assert_eq!(slow.as_str(), s, "{s:?}");
            assert_eq!(slow.kind(), HostKind::Domain, "{s:?}");
        }
    }
}
