//! Differential tests of the hand-written URL and host code against
//! independent implementations of the WHATWG URL Standard:
//!
//! * the `url` crate, on generated and tricky inputs (case, IDN and
//!   punycode, IPv4 forms, trailing dots, user info, ports,
//!   percent-encoding, backslashes);
//! * the Web Platform Tests' URL data (`tests/fixtures/wpt/`): the host
//!   cases of `urltestdata.json` and every case of `toascii.json`.
//!
//! The host the core extracts must equal the reference's host normalised
//! the way the core normalises ([`normalise`]: trailing dots dropped, an
//! IPv6 address that reaches an IPv4 host written as that IPv4 address), or
//! the difference must be one of [`DELIBERATE`], each with its reason.
use std::net::Ipv6Addr;

use lachan_core::host::{embedded_ipv4, normalize_host};
use lachan_core::url::ParsedUrl;

/// What one side made of an input: the normalised host and port, or none.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Parsed {
    host: String,
    port: Option<u16>,
}

/// The core's answer.
fn core(input: &str) -> Option<Parsed> {
    let u = ParsedUrl::parse(input).ok()?;
    Some(Parsed {
        host: u.host().as_str().to_string(),
        port: u.port(),
    })
}

/// A WHATWG host normalised as the core normalises hosts: trailing dots
/// dropped, IPv6 without brackets, an IPv6 address that reaches an IPv4
/// host as that address.
fn normalise(host: &str) -> String {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        let Ok(a) = inner.parse::<Ipv6Addr>() else {
            return host.to_string();
        };
        return match embedded_ipv4(&a) {
            Some(v4) => v4.to_string(),
            None => a.to_string(),
        };
    }
    host.trim_end_matches('.').to_string()
}

/// The `url` crate's answer, for web schemes only (the core refuses the
/// others by design: they carry no host to filter).
fn reference(input: &str) -> Option<Parsed> {
    let u = url::Url::parse(input).ok()?;
    if !matches!(u.scheme(), "http" | "https" | "ws" | "wss" | "ftp") {
        return None;
    }
    let host = normalise(u.host_str()?);
    Some(Parsed {
        host,
        port: u.port(),
    })
}

/// A deliberate difference: when it applies and why the core differs.
/// `applies` gets the input, what the core made of it and the reference's
/// host as the reference writes it (before [`normalise`]).
struct Deliberate {
    name: &'static str,
    reason: &'static str,
    applies: fn(input: &str, core: Option<&Parsed>, reference_host: Option<&str>) -> bool,
}

fn labels(host: &str) -> impl Iterator<Item = &str> {
    host.trim_end_matches('.').split('.')
}

/// The deliberate differences, each with its reason. A difference that
/// none of these explains fails the test.
const DELIBERATE: &[Deliberate] = &[
    Deliberate {
        name: "empty label",
        reason: "a host with an empty label (`a..b`, `.a`) is no DNS name; the core refuses it \
                 instead of keeping a spelling that lists could never name",
        applies: |_, c, h| {
            c.is_none()
                && h.is_some_and(|h| {
                    !h.starts_with('[')
                        && !h.trim_end_matches('.').is_empty()
                        && labels(h).any(str::is_empty)
                })
        },
    },
    Deliberate {
        name: "DNS lengths",
        reason:
            "the core enforces DNS lengths (labels of at most 63 bytes, names of at most 253), \
                 as a resolver does; WHATWG checks them only in strict mode",
        applies: |_, c, h| {
            c.is_none()
                && h.is_some_and(|h| {
                    h.trim_end_matches('.').len() > 253 || labels(h).any(|l| l.len() > 63)
                })
        },
    },
    Deliberate {
        name: "only dots",
        reason: "a host of dots only (`.`, `..`) has no label left once trailing dots are \
                 dropped: there is no host to filter",
        applies: |_, c, h| c.is_none() && h.is_some_and(|h| h.trim_end_matches('.').is_empty()),
    },
    Deliberate {
        name: "trailing dots before a number",
        reason: "the core drops every trailing dot before it looks for an IPv4 address, so \
                 `foo.09..` is refused as a bad address and `9..` read as 0.0.0.9, where WHATWG \
                 keeps a name with an empty label that no resolver resolves",
        applies: |_, c, h| {
            c.is_none_or(|c| c.host.parse::<std::net::Ipv4Addr>().is_ok())
                && h.is_some_and(|h| {
                    h.ends_with("..")
                        && labels(h)
                            .last()
                            .is_some_and(|l| l.starts_with(|ch: char| ch.is_ascii_digit()))
                })
        },
    },
    Deliberate {
        name: "joiners",
        reason: "a zero-width joiner or non-joiner that makes a name invalid is removed, as \
                 transitional processing does, for hosts a wrapper or proxy resolves the older \
                 way; where the standard refuses the host the browser goes nowhere, so a \
                 verdict for it costs nothing",
        applies: |input, c, h| {
            c.is_some() && h.is_none() && input.contains(['\u{200C}', '\u{200D}'])
        },
    },
    Deliberate {
        name: "invalid punycode kept",
        reason: "the current URL Standard keeps an ASCII host whose `xn--` label is not valid \
                 punycode (WPT toascii.json: `xn--a`, `xn--zn7c.com`); the `url` crate follows \
                 the older text, which refused it. The core keeps it: a browser that follows \
                 the standard goes there, so its listed parent must decide",
        applies: |input, c, h| {
            c.is_some_and(|c| c.host.contains("xn--"))
                && h.is_none()
                && input.to_ascii_lowercase().contains("xn--")
        },
    },
    Deliberate {
        name: "punycode remapped",
        reason: "an `xn--` label that decodes to a form UTS #46 maps (upper case, compatibility \
                 forms) is written in its mapped form, so one list entry holds against every \
                 spelling; the standard keeps such an ASCII label as typed",
        applies: |input, c, h| {
            c.is_some_and(|c| c.host.contains("xn--"))
                && h.is_some_and(|h| h.contains("xn--"))
                && input.to_ascii_lowercase().contains("xn--")
        },
    },
];

/// Whether a deliberate difference explains `ours` against `theirs`.
fn deliberate(input: &str, ours: Option<&Parsed>, reference_host: Option<&str>) -> bool {
    DELIBERATE
        .iter()
        .any(|d| (d.applies)(input, ours, reference_host))
}

/// The `url` crate's host as it writes it.
fn reference_raw(input: &str) -> Option<String> {
    let u = url::Url::parse(input).ok()?;
    if !matches!(u.scheme(), "http" | "https" | "ws" | "wss" | "ftp") {
        return None;
    }
    u.host_str().map(str::to_string)
}

/// Compares the core with the `url` crate on one input; `Err` says how
/// they differ when no deliberate difference explains it.
fn compare(input: &str) -> Result<(), String> {
    let ours = core(input);
    let theirs = reference(input);
    if ours == theirs || deliberate(input, ours.as_ref(), reference_raw(input).as_deref()) {
        return Ok(());
    }
    Err(format!("{input:?}: core {ours:?}, url crate {theirs:?}"))
}

fn fail_on(differences: Vec<String>, what: &str, checked: usize) {
    assert!(
        differences.is_empty(),
        "{} of {checked} {what} differ without a deliberate reason:\n{}",
        differences.len(),
        differences
            .iter()
            .take(60)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

const HOSTS: &[&str] = &[
    "example.com",
    "EXAMPLE.COM",
    "ExAmPlE.cOm.",
    "example.com..",
    "www.example.co.uk",
    "a.b.c.d.example.org",
    "localhost",
    "xn--bcher-kva.de",
    "XN--BCHER-KVA.DE",
    "bücher.de",
    "BÜCHER.DE",
    "bu\u{308}cher.de",
    "münchen.de",
    "faß.de",
    "ÉCOLE.fr",
    "日本語.jp",
    "☃.net",
    "xn--n3h.net",
    "ｅｘａｍｐｌｅ．ｃｏｍ",
    "example。com",
    "exa\u{AD}mple.com",
    "𝐞𝐱𝐚𝐦𝐩𝐥𝐞.com",
    "việtnam.vn",
    "xn--vitnam-jk8b.vn",
    "%65xample.com",
    "EXA%4Dple.com",
    "%E2%98%83.net",
    "ex%2Eample.com",
    "a-b.com",
    "-a.com",
    "a-.com",
    "a_b.com",
    "xn--.com",
    "xn--a.com",
    "xn--zz-zzz.com",
    "1a.com",
    "a.1",
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "0x7f.1",
    "0X7F.0.0.1",
    "0177.0.0.1",
    "2130706433",
    "0x7f000001",
    "017700000001",
    "192.168.257",
    "4294967295",
    "4294967296",
    "1.2.3.4.",
    "1.2.3.4..",
    "1.2.3.4.5",
    "1.2.3.09",
    "09.1.2.3",
    "0x.0x.0",
    "0x100.1",
    "256.0.0.1",
    "1.256.0.0",
    "foo.09",
    "foo.0x4",
    "foo.1",
    "%31.2.3.4",
    "0..0x300",
    "[::1]",
    "[0:0::1]",
    "[::]",
    "[2001:DB8::0:1]",
    "[1:2:3:4:5:6:7:8]",
    "[1::2:3:4:5:6:7]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[::127.0.0.1]",
    "[64:ff9b::c0a8:101]",
    "[2002:c0a8:101::]",
    "[fe80::1%25eth0]",
    "[::1",
    "[1:2:3]",
    "exa mple.com",
    "exam<ple.com",
    "a%00b.com",
    "a%zzb.com",
    "a^b.com",
    "a|b.com",
    "a'b.com",
    "a*b.com",
    ".",
    "..",
    ".example.com",
    "a..b.com",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
];

const PREFIXES: &[&str] = &[
    "http://",
    "HTTPS://",
    "hTtP://",
    "http:",
    "http:/",
    "http:///",
    "http:\\\\",
    "http:/\\",
    "https:\\/\\",
    "ws://",
    "wss://",
    "ftp://",
    "  http://",
    "\thttp://",
    "ht\ttp://",
];

const USERINFO: &[&str] = &[
    "",
    "user@",
    "user:pass@",
    "a@b@",
    "good.com@",
    "u%40x@",
    "@",
    ":@",
    "us er@",
];

const PORTS: &[&str] = &[
    "", ":", ":80", ":443", ":8080", ":0", ":65535", ":65536", ":08", ":abc", ":-1", ":21",
];

const TAILS: &[&str] = &[
    "",
    "/",
    "/a/b",
    "\\a\\b",
    "?q=1",
    "#frag",
    "/a@b",
    "/..\\x",
    "?@evil.com",
    "#@evil.com",
];

#[test]
fn hosts_agree_with_the_url_crate_on_every_prefix() {
    let mut differences = Vec::new();
    let mut checked = 0;
    for host in HOSTS {
        for prefix in PREFIXES {
            for tail in ["", "/x"] {
                checked += 1;
                if let Err(e) = compare(&format!("{prefix}{host}{tail}")) {
                    differences.push(e);
                }
            }
        }
    }
    fail_on(differences, "prefixed hosts", checked);
}

#[test]
fn user_info_ports_and_tails_agree_with_the_url_crate() {
    let mut differences = Vec::new();
    let mut checked = 0;
    for host in HOSTS {
        for user in USERINFO {
            for port in PORTS {
                for tail in TAILS {
                    checked += 1;
                    if let Err(e) = compare(&format!("http://{user}{host}{port}{tail}")) {
                        differences.push(e);
                    }
                }
            }
        }
    }
    fail_on(differences, "URLs with user info, ports and tails", checked);
}

/// A deterministic stream of pseudo-random numbers (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

/// Hosts put together from pieces that each stress one rule (case, marks,
/// full-width dots, escapes, digits that may make an IPv4 address).
#[test]
fn generated_hosts_agree_with_the_url_crate() {
    const PIECES: &[&str] = &[
        "a",
        "Z",
        "0",
        "9",
        "0x",
        "1",
        "255",
        "256",
        "-",
        "_",
        ".",
        "..",
        "。",
        "．",
        "ü",
        "ß",
        "Ä",
        "ñ",
        "\u{AD}",
        "\u{200D}",
        "%41",
        "%2e",
        "%C3%BC",
        "xn--",
        "xn--bcher-kva",
        "ı",
        "İ",
        "ﬁ",
        "①",
        "ｱ",
        "é",
        "e\u{301}",
        "ٹ",
        "א",
        "1a",
        "%",
        "%25",
        "~",
        "!",
        "$",
        "&",
        "(",
        ")",
        "+",
        ",",
        ";",
        "=",
    ];
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut differences = Vec::new();
    let cases = 20_000;
    for _ in 0..cases {
        let n = 1 + rng.below(6);
        let host: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        let prefix = PREFIXES[rng.below(PREFIXES.len())];
        let user = USERINFO[rng.below(USERINFO.len())];
        let port = PORTS[rng.below(PORTS.len())];
        let tail = TAILS[rng.below(TAILS.len())];
        let input = format!("{prefix}{user}{host}{port}{tail}");
        if let Err(e) = compare(&input) {
            differences.push(e);
        }
    }
    fail_on(differences, "generated URLs", cases);
}

/// Input without a scheme is taken as `http` (a deliberate leniency: a
/// person types `example.com/x`); the `url` crate needs the scheme.
#[test]
fn input_without_a_scheme_is_taken_as_http() {
    let mut differences = Vec::new();
    let mut checked = 0;
    for host in HOSTS {
        for tail in ["", "/x", ":8080/x"] {
            let input = format!("{host}{tail}");
            if input.starts_with(char::is_whitespace) || input.contains('\t') {
                continue;
            }
            checked += 1;
            let ours = core(&input);
            let theirs = reference(&format!("http://{input}"));
            let raw = reference_raw(&format!("http://{input}"));
            let deliberate = deliberate(&input, ours.as_ref(), raw.as_deref());
            // Without `//` a host of digits and a port reads as a scheme
            // (`127.0.0.1:8080` is no scheme, but `a.1:8080` is no web
            // scheme either): both give no host then.
            if ours != theirs && !deliberate && ours.is_some() {
                differences.push(format!("{input:?}: core {ours:?}, url crate {theirs:?}"));
            }
        }
    }
    fail_on(differences, "inputs without a scheme", checked);
}

fn wpt(name: &str) -> Vec<serde_json::Value> {
    let path = format!(
        "{}/../../tests/fixtures/wpt/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let data: serde_json::Value = serde_json::from_str(&text).expect("WPT data is JSON");
    data.as_array()
        .expect("WPT data is an array")
        .iter()
        .filter(|v| v.is_object())
        .cloned()
        .collect()
}

const WEB_SCHEMES: &[&str] = &["http", "https", "ws", "wss", "ftp"];

/// The scheme of an input as the URL parser reads it (leading C0 controls
/// and spaces trimmed, tabs and newlines removed), and what follows its `:`.
fn split_scheme(input: &str) -> Option<(String, String)> {
    let cleaned: String = input
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let scheme = cleaned[..colon].to_ascii_lowercase();
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| (scheme, cleaned[colon + 1..].to_string()))
}

/// The host cases of `urltestdata.json`: inputs with a web scheme whose
/// host does not depend on the base URL (no base, a base of another
/// scheme, or two slashes after the scheme). The core takes no base, so
/// for the others it would read a host where the standard resolves a path.
#[test]
fn wpt_urltestdata_hosts() {
    let mut differences = Vec::new();
    let mut checked = 0;
    for case in wpt("urltestdata.json") {
        let input = case["input"].as_str().expect("input");
        let Some((scheme, rest)) = split_scheme(input) else {
            continue;
        };
        if !WEB_SCHEMES.contains(&scheme.as_str()) {
            continue;
        }
        let base_scheme = case["base"].as_str().and_then(split_scheme).map(|s| s.0);
        let slashes = rest.chars().take(2).all(|c| c == '/' || c == '\\') && rest.len() >= 2;
        if base_scheme.as_deref() == Some(scheme.as_str()) && !slashes {
            continue;
        }
        checked += 1;
        let expected = if case["failure"].as_bool() == Some(true) {
            None
        } else {
            let host = case["hostname"].as_str().expect("hostname");
            let port = case["port"].as_str().expect("port");
            Some(Parsed {
                host: normalise(host),
                port: (!port.is_empty()).then(|| port.parse().expect("a port")),
            })
        };
        let ours = core(input);
        if ours == expected {
            continue;
        }
        let raw = case["hostname"].as_str().filter(|_| expected.is_some());
        if deliberate(input, ours.as_ref(), raw) {
            continue;
        }
        differences.push(format!("{input:?}: core {ours:?}, WPT {expected:?}"));
    }
    assert!(
        checked > 200,
        "only {checked} WPT host cases: is the data there?"
    );
    fail_on(differences, "WPT urltestdata host cases", checked);
}

/// `toascii.json` as WPT runs it: the input as the host of
/// `https://<input>/x`, a null output meaning the URL does not parse; and
/// [`normalize_host`] on the input alone, which must agree with it.
#[test]
fn wpt_toascii() {
    let mut differences = Vec::new();
    let mut checked = 0;
    for case in wpt("toascii.json") {
        let input = case["input"].as_str().expect("input");
        let raw = case["output"].as_str();
        let expected = raw.map(normalise);
        checked += 1;
        let via_url = ParsedUrl::parse(&format!("https://{input}/x"))
            .ok()
            .map(|u| u.host().as_str().to_string());
        let alone = normalize_host(input).ok().map(|h| h.as_str().to_string());
        let explained = |ours: &Option<String>| {
            let parsed = ours.as_ref().map(|host| Parsed {
                host: host.clone(),
                port: None,
            });
            ours == &expected || deliberate(input, parsed.as_ref(), raw)
        };
        if !explained(&via_url) {
            differences.push(format!(
                "https://{input:?}/x: core {via_url:?}, WPT {expected:?}"
            ));
        }
        // A host with `/`, `?`, `#`, `\` or `@` ends (or splits) the
        // authority in a URL; alone it is simply not a host.
        let in_url_only = input.contains(['/', '?', '#', '\\', '@', ':']);
        if !in_url_only && alone != via_url {
            differences.push(format!(
                "{input:?}: normalize_host {alone:?}, in a URL {via_url:?}"
            ));
        }
    }
    assert!(
        checked > 50,
        "only {checked} toascii cases: is the data there?"
    );
    fail_on(differences, "WPT toascii cases", checked);
}

/// Each deliberate difference is needed: an input shows it against its
/// reference (the `url` crate, or WPT's host where the crate follows an
/// older text of the standard), and the rule explains it.
#[test]
fn every_deliberate_difference_is_seen() {
    let examples: [(&str, &str, Option<&str>); 7] = [
        ("empty label", "http://a..b.com/", None),
        (
            "DNS lengths",
            "http://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com/",
            None,
        ),
        ("only dots", "http://./", None),
        ("trailing dots before a number", "http://foo.09../", None),
        ("joiners", "http://ba\u{200D}d.com/", None),
        ("invalid punycode kept", "http://xn--a.com/", None),
        // urltestdata.json: "Domain is ASCII, but a label is invalid IDNA".
        (
            "punycode remapped",
            "http://a.b.c.xn--pokxncvks/",
            Some("a.b.c.xn--pokxncvks"),
        ),
    ];
    assert_eq!(examples.len(), DELIBERATE.len());
    for d in DELIBERATE {
        assert!(!d.reason.is_empty());
        let (_, input, wpt_host) = examples
            .iter()
            .find(|(n, _, _)| *n == d.name)
            .unwrap_or_else(|| panic!("no example for {}", d.name));
        let raw = match wpt_host {
            Some(h) => Some(h.to_string()),
            None => reference_raw(input),
        };
        let ours = core(input);
        assert_ne!(
            ours.as_ref().map(|p| p.host.clone()),
            raw.as_deref().map(normalise),
            "{input}: the core and its reference differ"
        );
        assert!(
            (d.applies)(input, ours.as_ref(), raw.as_deref()),
            "{} explains {input}",
            d.name
        );
        // No other rule is needed for it.
        let others = DELIBERATE
            .iter()
            .filter(|o| o.name != d.name && (o.applies)(input, ours.as_ref(), raw.as_deref()))
            .count();
        assert_eq!(others, 0, "{input}: only {} explains it", d.name);
    }
}
