//! Table-driven tests for URL parsing: named cases grouped by rule, one loop
//! per table.
use super::*;
use crate::host::HostKind;

/// One case: `input` parses to `want` (written `scheme host port path`, the
/// port `-` for none), or fails with an error containing `err`.
struct UrlTest {
    name: &'static str,
    input: &'static str,
    want: Result<&'static str, (UrlErrorKind, &'static str)>,
}

macro_rules! ok {
    ($name:expr, $input:expr, $want:expr) => {
        UrlTest {
            name: $name,
            input: $input,
            want: Ok($want),
        }
    };
}

macro_rules! err {
    ($name:expr, $input:expr, $kind:ident, $reason:expr) => {
        UrlTest {
            name: $name,
            input: $input,
            want: Err((UrlErrorKind::$kind, $reason)),
        }
    };
}

fn summary(u: &ParsedUrl) -> String {
    let port = u.port().map_or("-".to_string(), |p| p.to_string());
    format!("{} {} {} {}", u.scheme(), u.host().as_str(), port, u.path())
}

const BASICS: &[UrlTest] = &[
    ok!("plain", "http://example.com/", "http example.com - /"),
    ok!("no path", "https://example.com", "https example.com - /"),
    ok!(
        "path and query",
        "https://example.com/a/b?x=1&y=2",
        "https example.com - /a/b?x=1&y=2"
    ),
    ok!(
        "query without path",
        "https://example.com?x=1",
        "https example.com - /?x=1"
    ),
    ok!(
        "fragment dropped",
        "https://example.com/a#frag?x",
        "https example.com - /a"
    ),
    ok!(
        "fragment after query",
        "https://example.com/a?q#f",
        "https example.com - /a?q"
    ),
    ok!(
        "upper-case everything",
        "HTTP://WWW.BAD.COM./a",
        "http www.bad.com - /a"
    ),
    ok!(
        "path case kept",
        "http://bad.com/A/B?Q=X",
        "http bad.com - /A/B?Q=X"
    ),
    ok!(
        "path not decoded",
        "http://bad.com/%41%2F?q=%20",
        "http bad.com - /%41%2F?q=%20"
    ),
    ok!(
        "ws",
        "ws://chat.example.com/socket",
        "ws chat.example.com - /socket"
    ),
    ok!(
        "wss",
        "WSS://chat.example.com:443/",
        "wss chat.example.com - /"
    ),
    ok!(
        "ftp",
        "ftp://files.example.com/pub",
        "ftp files.example.com - /pub"
    ),
    ok!(
        "unicode host",
        "https://Bücher.de/",
        "https xn--bcher-kva.de - /"
    ),
    ok!("percent host", "http://%62%61%64.com/", "http bad.com - /"),
];

const WHITESPACE: &[UrlTest] = &[
    ok!(
        "leading and trailing spaces",
        "  http://bad.com/ \n",
        "http bad.com - /"
    ),
    ok!(
        "c0 controls trimmed",
        "\u{1}\u{1F}http://bad.com/\u{0}",
        "http bad.com - /"
    ),
    ok!(
        "tab and newline inside",
        "ht\ttp://ba\nd.c\rom/x\ty",
        "http bad.com - /xy"
    ),
];

const SCHEMES: &[UrlTest] = &[
    ok!(
        "missing slashes",
        "http:example.com/x",
        "http example.com - /x"
    ),
    ok!("one slash", "http:/example.com/x", "http example.com - /x"),
    ok!(
        "extra slashes",
        "http:///example.com/x",
        "http example.com - /x"
    ),
    ok!(
        "backslashes",
        "http:\\\\example.com\\a\\b",
        "http example.com - /a/b"
    ),
    ok!(
        "mixed slashes",
        "https:/\\example.com/",
        "https example.com - /"
    ),
    ok!("no scheme", "example.com/x", "http example.com - /x"),
    ok!("no scheme, bare host", "bad.com", "http bad.com - /"),
    ok!(
        "scheme-relative",
        "//example.com/x",
        "http example.com - /x"
    ),
    ok!(
        "no scheme with port",
        "example.com:8080/x",
        "http example.com 8080 /x"
    ),
    ok!(
        "localhost with port",
        "localhost:3000",
        "http localhost 3000 /"
    ),
    ok!(
        "no scheme with userinfo",
        "user@bad.com/x",
        "http bad.com - /x"
    ),
    ok!(
        "view-source",
        "view-source:https://bad.com/x",
        "https bad.com - /x"
    ),
    ok!(
        "view-source without scheme",
        "view-source:bad.com",
        "http bad.com - /"
    ),
    err!(
        "view-source twice",
        "view-source:view-source:http://bad.com/",
        NotWeb,
        "not a web URL"
    ),
    err!("about", "about:blank", NotWeb, "`about:` is not a web URL"),
    err!("data", "data:text/html,<b>hi</b>", NotWeb, "not a web URL"),
    err!("javascript", "JavaScript:alert(1)", NotWeb, "not a web URL"),
    err!("file", "file:///etc/passwd", NotWeb, "not a web URL"),
    err!(
        "chrome extension",
        "chrome-extension://abcdef/page.html",
        NotWeb,
        "not a web URL"
    ),
    err!(
        "moz extension",
        "moz-extension://1234-5678/page.html",
        NotWeb,
        "not a web URL"
    ),
    err!("tel is not host:port", "tel:111", NotWeb, "not a web URL"),
    err!("mailto", "mailto:a@b.com", NotWeb, "not a web URL"),
    err!("unknown scheme", "foo:bar", NotWeb, "not a web URL"),
];

const USERINFO: &[UrlTest] = &[
    ok!("userinfo", "http://user:pass@bad.com/", "http bad.com - /"),
    ok!(
        "good at bad",
        "http://good.com@bad.com/",
        "http bad.com - /"
    ),
    ok!("last at wins", "http://a@b@bad.com/", "http bad.com - /"),
    ok!(
        "encoded slash in userinfo",
        "http://bad.com%2F@good.com/",
        "http good.com - /"
    ),
    ok!(
        "encoded at in userinfo",
        "http://good.com%40x@bad.com/",
        "http bad.com - /"
    ),
    ok!(
        "backslash ends authority",
        "http://good.com\\@bad.com/",
        "http good.com - /@bad.com/"
    ),
    ok!(
        "at in path is path",
        "http://good.com/@bad.com",
        "http good.com - /@bad.com"
    ),
    ok!(
        "at in query is query",
        "http://good.com?@bad.com",
        "http good.com - /?@bad.com"
    ),
    ok!(
        "at in fragment dropped",
        "http://good.com#@bad.com",
        "http good.com - /"
    ),
    ok!(
        "userinfo with colon and port",
        "http://u:p@bad.com:8080/",
        "http bad.com 8080 /"
    ),
    err!(
        "userinfo without host",
        "http://user@/x",
        MissingHost,
        "has no host"
    ),
];

const PORTS: &[UrlTest] = &[
    ok!(
        "port",
        "http://example.com:8080/x",
        "http example.com 8080 /x"
    ),
    ok!(
        "default http",
        "http://example.com:80/",
        "http example.com - /"
    ),
    ok!(
        "default https",
        "https://example.com:443/",
        "https example.com - /"
    ),
    ok!(
        "http on 443 kept",
        "http://example.com:443/",
        "http example.com 443 /"
    ),
    ok!(
        "leading zeros",
        "http://example.com:0080/",
        "http example.com - /"
    ),
    ok!(
        "empty port",
        "http://example.com:/x",
        "http example.com - /x"
    ),
    ok!(
        "max port",
        "http://example.com:65535/",
        "http example.com 65535 /"
    ),
    ok!("port zero", "http://example.com:0/", "http example.com 0 /"),
    err!(
        "port too big",
        "http://example.com:65536/",
        InvalidPort,
        "above 65535"
    ),
    err!(
        "huge port",
        "http://example.com:99999999999999999999/",
        InvalidPort,
        "above 65535"
    ),
    err!(
        "letters in port",
        "http://example.com:8o/",
        InvalidPort,
        "not a number"
    ),
    err!(
        "negative port",
        "http://example.com:-1/",
        InvalidPort,
        "not a number"
    ),
    err!(
        "two ports",
        "http://example.com:80:80/",
        InvalidPort,
        "not a number"
    ),
];

const HOSTS: &[UrlTest] = &[
    ok!("ipv6 with port", "http://[::1]:8080/x", "http ::1 8080 /x"),
    ok!(
        "ipv6 long form",
        "http://[2001:DB8:0:0:0:0:0:1]/",
        "http 2001:db8::1 - /"
    ),
    ok!(
        "ipv6 mapped ipv4",
        "http://[::ffff:7f00:1]/",
        "http 127.0.0.1 - /"
    ),
    ok!("hex ipv4", "http://0x7f.1/", "http 127.0.0.1 - /"),
    ok!("decimal ipv4", "http://3232235777/", "http 192.168.1.1 - /"),
    ok!(
        "octal ipv4",
        "http://0300.0250.1.1/",
        "http 192.168.1.1 - /"
    ),
    ok!("short ipv4", "http://192.168.257/", "http 192.168.1.1 - /"),
    ok!(
        "fullwidth host",
        "http://ｂａｄ．ｃｏｍ/",
        "http bad.com - /"
    ),
    ok!(
        "trailing dot and port",
        "http://bad.com.:8080/",
        "http bad.com 8080 /"
    ),
    err!("empty host", "http:///", MissingHost, "has no host"),
    err!("only scheme", "https://", MissingHost, "has no host"),
    err!("empty input", "", MissingHost, "has no host"),
    err!("ipv6 unclosed", "http://[::1/", InvalidHost, "no closing"),
    err!(
        "ipv6 junk after",
        "http://[::1]x/",
        InvalidHost,
        "unexpected"
    ),
    err!(
        "ipv6 invalid",
        "http://[::g]/",
        InvalidHost,
        "not a valid IPv6"
    ),
    err!("bad ipv4", "http://1.2.3.256/", InvalidHost, "out of range"),
    err!("numeric tld", "http://example.123/", InvalidHost, "IPv4"),
    err!("space in host", "http://bad .com/", InvalidHost, "a space"),
    err!("caret in host", "http://bad^.com/", InvalidHost, "`^`"),
    err!(
        "encoded slash in host",
        "http://bad.com%2Fx.good.com/",
        InvalidHost,
        "`/`"
    ),
    err!("empty label", "http://a..b/", InvalidHost, "empty label"),
];

const PATHS: &[UrlTest] = &[
    ok!("dot segment", "http://a.com/x/./y", "http a.com - /x/y"),
    ok!(
        "dot dot segment",
        "http://a.com/x/y/../z",
        "http a.com - /x/z"
    ),
    ok!(
        "dot dot above root",
        "http://a.com/../../x",
        "http a.com - /x"
    ),
    ok!(
        "trailing dot dot",
        "http://a.com/x/y/..",
        "http a.com - /x/"
    ),
    ok!("trailing dot", "http://a.com/x/.", "http a.com - /x/"),
    ok!(
        "encoded dots",
        "http://a.com/x/%2e%2E/y/%2e/z",
        "http a.com - /y/z"
    ),
    ok!(
        "mixed encoded dots",
        "http://a.com/a/b/.%2e/c",
        "http a.com - /a/c"
    ),
    ok!(
        "dots in query kept",
        "http://a.com/x?/../y",
        "http a.com - /x?/../y"
    ),
    ok!(
        "double slash kept",
        "http://a.com//x//y",
        "http a.com - //x//y"
    ),
    ok!(
        "dotfile kept",
        "http://a.com/.well-known/x",
        "http a.com - /.well-known/x"
    ),
    ok!(
        "triple dots kept",
        "http://a.com/.../x",
        "http a.com - /.../x"
    ),
    ok!(
        "backslash in query kept",
        "http://a.com/x?a\\b",
        "http a.com - /x?a\\b"
    ),
    ok!(
        "percent but no dots",
        "http://a.com/%20/x",
        "http a.com - /%20/x"
    ),
];

fn run(table: &[UrlTest]) {
    for t in table {
        match (&t.want, ParsedUrl::parse(t.input)) {
            (Ok(want), Ok(u)) => assert_eq!(summary(&u), *want, "{}: {:?}", t.name, t.input),
            (Ok(_), Err(e)) => panic!("{}: {:?} failed: {e}", t.name, t.input),
            (Err(_), Ok(u)) => panic!(
                "{}: {:?} gave {}, want an error",
                t.name,
                t.input,
                summary(&u)
            ),
            (Err((kind, reason)), Err(e)) => {
                assert_eq!(e.kind(), *kind, "{}: {:?}: {e}", t.name, t.input);
                assert!(
                    e.to_string().contains(reason),
                    "{}: {:?}: error {:?} does not mention {reason:?}",
                    t.name,
                    t.input,
                    e.to_string()
                );
            }
        }
    }
}

#[test]
fn basics() {
    run(BASICS);
}

#[test]
fn whitespace() {
    run(WHITESPACE);
}

#[test]
fn schemes() {
    run(SCHEMES);
}

#[test]
fn userinfo() {
    run(USERINFO);
}

#[test]
fn ports() {
    run(PORTS);
}

#[test]
fn hosts() {
    run(HOSTS);
}

#[test]
fn paths() {
    run(PATHS);
}

#[test]
fn accessors_and_display() {
    let u = ParsedUrl::parse("https://[::1]:8443/a/b?x=1#f").unwrap();
    assert_eq!(u.host().kind(), HostKind::Ipv6);
    assert_eq!(u.query(), Some("x=1"));
    assert_eq!(u.path_only(), "/a/b");
    assert_eq!(u.to_string(), "https://[::1]:8443/a/b?x=1");
    let u = ParsedUrl::parse("bad.com").unwrap();
    assert_eq!(u.query(), None);
    assert_eq!(u.to_string(), "http://bad.com/");
}

#[test]
fn display_round_trips() {
    for table in [BASICS, WHITESPACE, SCHEMES, USERINFO, PORTS, HOSTS, PATHS] {
        for t in table.iter().filter(|t| t.want.is_ok()) {
            let u = ParsedUrl::parse(t.input).unwrap();
            let again = ParsedUrl::parse(&u.to_string()).unwrap();
            assert_eq!(again, u, "{}", t.name);
        }
    }
}

#[test]
fn huge_inputs() {
    let long_path = format!("http://bad.com/{}", "a/../".repeat(50_000));
    assert_eq!(ParsedUrl::parse(&long_path).unwrap().path(), "/");
    let long_host = format!("http://{}.com/", "a.".repeat(200_000));
    let e = ParsedUrl::parse(&long_host).unwrap_err();
    assert!(e.to_string().len() < 300);
    let many_at = format!("http://{}bad.com/", "@".repeat(100_000));
    assert_eq!(
        ParsedUrl::parse(&many_at).unwrap().host().as_str(),
        "bad.com"
    );
    let spaces = " ".repeat(1_000_000);
    assert!(ParsedUrl::parse(&spaces).is_err());
}

/// A tiny xorshift generator: no extra dependency for property tests.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The fast path must agree with the general path whenever it answers.
fn check_fast(s: &str) {
    if let Some(fast) = parse_fast(s) {
        assert_eq!(
            Ok(&fast),
            parse_general(s).as_ref(),
            "fast path differs for {s:?}"
        );
    }
}

#[test]
fn fast_path_agrees() {
    for table in [BASICS, WHITESPACE, SCHEMES, USERINFO, PORTS, HOSTS, PATHS] {
        for t in table {
            check_fast(t.input);
        }
    }
    let taken = [
        "https://www.example.com/a/b?c=d",
        "http://a.com",
        "http://a.com?x",
        "https://a-b_c.d1.com/x.y/a%20?q=1.2&r=%2e",
    ];
    for s in taken {
        assert!(parse_fast(s).is_some(), "{s}");
        check_fast(s);
    }
    let general = [
        "HTTPS://a.com/",
        "https://a.com./",
        "https://a.com:443/",
        "https://xn--bcher-kva.de/",
        "https://1.2.3.4/",
        "https://a.com/./x",
        "https://a.com/%2e/x",
        "https://a.com/x#f",
        "https://a.com/x ",
        "https://a..com/",
        "https://a.com\\x",
        "https://u@a.com/",
    ];
    for s in general {
        assert!(parse_fast(s).is_none(), "{s}");
    }
}

#[test]
fn garbage_never_panics() {
    const PIECES: &[&str] = &[
        "http",
        "HTTPS",
        ":",
        "/",
        "//",
        "\\",
        "@",
        "?",
        "#",
        "[",
        "]",
        "::1",
        ".",
        "..",
        "%",
        "%2e",
        "%2F",
        "a",
        "bad.com",
        "0x7f",
        "8080",
        "ü",
        "\t",
        " ",
        "view-source:",
        "about:",
        "xn--",
        "。",
        "\u{0}",
        "65536",
    ];
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..30_000 {
        let n = (rng.next() % 10) as usize;
        let s: String = (0..n)
            .map(|_| PIECES[(rng.next() % PIECES.len() as u64) as usize])
            .collect();
        if let Ok(u) = ParsedUrl::parse(&s) {
            assert!(u.path().starts_with('/'), "{s:?} → {u:?}");
            assert!(!u.host().as_str().is_empty(), "{s:?}");
            // The path may end in controls that a re-parse trims, so only
            // where the URL goes must survive the round trip.
            let again = ParsedUrl::parse(&u.to_string()).expect("display re-parses");
            assert_eq!(again.host(), u.host(), "display round trip for {s:?}");
            assert_eq!(
                (again.scheme(), again.port()),
                (u.scheme(), u.port()),
                "{s:?}"
            );
        }
    }
    for _ in 0..20_000 {
        let n = (rng.next() % 64) as usize;
        let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        let _ = ParsedUrl::parse(&String::from_utf8_lossy(&bytes));
        let ascii: String = bytes.iter().map(|&b| char::from(b & 0x7F)).collect();
        let _ = ParsedUrl::parse(&ascii);
    }
}
