//! Table-driven tests for embedded-URL unwrapping: named cases grouped by
//! wrapper family, one loop per table.
use super::*;

/// One case: the wrapper `input` carries exactly the targets in `want`.
struct UnwrapTest {
    name: &'static str,
    input: &'static str,
    want: &'static [&'static str],
}

macro_rules! t {
    ($name:expr, $input:expr, [$($want:expr),* $(,)?]) => {
        UnwrapTest { name: $name, input: $input, want: &[$($want),*] }
    };
}

const TRANSLATE: &[UnwrapTest] = &[
    t!(
        "translate.goog",
        "https://www-example-com.translate.goog/path?_x_tr_sl=auto&_x_tr_tl=vi&_x_tr_hl=en",
        ["https://www.example.com/path"]
    ),
    t!(
        "translate.goog bare",
        "https://bad-com.translate.goog/?_x_tr_sl=auto",
        ["https://bad.com/"]
    ),
    t!(
        "translate.goog hyphen in host",
        "https://my--bad--site-com.translate.goog/a",
        ["https://my-bad-site.com/a"]
    ),
    t!(
        "translate.goog keeps other params",
        "https://bad-com.translate.goog/s?q=1&_x_tr_sl=en&page=2",
        ["https://bad.com/s?q=1&page=2"]
    ),
    t!(
        "translate.goog http site",
        "https://bad-com.translate.goog/?_x_tr_sch=http&_x_tr_sl=auto",
        ["http://bad.com/"]
    ),
    t!(
        "translate.google u",
        "https://translate.google.com/translate?sl=auto&tl=vi&u=https%3A%2F%2Fbad.com%2Fx",
        ["https://bad.com/x"]
    ),
    t!(
        "translate.google other tld",
        "https://translate.google.com.vn/translate?u=bad.com",
        ["bad.com"]
    ),
    t!(
        "translate.google unencoded",
        "https://translate.google.com/translate?u=https://bad.com/x&hl=vi",
        ["https://bad.com/x"]
    ),
    t!(
        "translate.googleusercontent",
        "https://translate.googleusercontent.com/translate_c?depth=1&u=http://bad.com/",
        ["http://bad.com/"]
    ),
    t!(
        "yandex translate",
        "https://translate.yandex.ru/translate?url=https%3A%2F%2Fbad.com&lang=en-ru",
        ["https://bad.com"]
    ),
    t!(
        "yandex turbopages",
        "https://translated.turbopages.org/proxy_u/en-ru.ru.1a2b-3c/https/bad.com/x/y",
        ["https://bad.com/x/y"]
    ),
    t!(
        "microsoft translator",
        "https://www.microsofttranslator.com/bv.aspx?from=&to=vi&a=http%3A%2F%2Fbad.com",
        ["http://bad.com"]
    ),
];

const CACHES: &[UnwrapTest] = &[
    t!(
        "google cache with scheme",
        "https://webcache.googleusercontent.com/search?q=cache:https://bad.com/x",
        ["https://bad.com/x"]
    ),
    t!(
        "google cache without scheme",
        "https://webcache.googleusercontent.com/search?q=cache:bad.com/x",
        ["bad.com/x"]
    ),
    t!(
        "google cache with id and words",
        "https://webcache.googleusercontent.com/search?q=cache:Ab_12-cD3eF:bad.com/x+some+words&hl=vi",
        ["bad.com/x"]
    ),
    t!(
        "google cache encoded",
        "https://webcache.googleusercontent.com/search?q=cache%3Ahttps%3A%2F%2Fbad.com%2F",
        ["https://bad.com/"]
    ),
    t!("google cache not a cache query", "https://webcache.googleusercontent.com/search?q=hello", []),
    t!(
        "amp cache path",
        "https://bad-com.cdn.ampproject.org/c/s/bad.com/news/1",
        ["https://bad.com/news/1"]
    ),
    t!(
        "amp cache image with size",
        "https://bad-com.cdn.ampproject.org/ii/w800/s/bad.com/a.jpg",
        ["https://bad.com/a.jpg"]
    ),
    t!("amp cache host only", "https://www-bad-com.cdn.ampproject.org/", ["https://www.bad.com/"]),
    t!("google amp", "https://www.google.com/amp/s/bad.com/x", ["https://bad.com/x"]),
];

const ARCHIVES: &[UnwrapTest] = &[
    t!(
        "wayback timestamp",
        "https://web.archive.org/web/20200101000000/https://bad.com/x?y=1",
        ["https://bad.com/x?y=1"]
    ),
    t!(
        "wayback short timestamp",
        "https://web.archive.org/web/2020/https://bad.com/",
        ["https://bad.com/"]
    ),
    t!(
        "wayback flags",
        "https://web.archive.org/web/20200101000000id_/http://bad.com/",
        ["http://bad.com/"]
    ),
    t!(
        "wayback no timestamp",
        "https://web.archive.org/web/https://bad.com/",
        ["https://bad.com/"]
    ),
    t!(
        "wayback no scheme",
        "https://web.archive.org/web/2020/bad.com",
        ["bad.com"]
    ),
    t!(
        "wayback listing",
        "https://web.archive.org/web/*/bad.com*",
        ["bad.com"]
    ),
    t!(
        "wayback encoded",
        "https://web.archive.org/web/2020/https%3A%2F%2Fbad.com%2F",
        ["https://bad.com/"]
    ),
    t!(
        "wayback api",
        "https://archive.org/wayback/available?url=bad.com/x",
        ["bad.com/x"]
    ),
    t!(
        "archive.org other page",
        "https://archive.org/details/something",
        []
    ),
    t!(
        "archive.ph newest",
        "https://archive.ph/newest/https://bad.com/x",
        ["https://bad.com/x"]
    ),
    t!(
        "archive.is timestamp",
        "https://archive.is/2020.01.01-000000/https://bad.com/",
        ["https://bad.com/"]
    ),
    t!(
        "archive.today digits",
        "https://archive.today/20200101000000/bad.com",
        ["bad.com"]
    ),
    t!(
        "archive.ph direct",
        "https://archive.ph/https://bad.com/",
        ["https://bad.com/"]
    ),
    t!(
        "archive.ph submit",
        "https://archive.ph/submit/?url=https%3A%2F%2Fbad.com",
        ["https://bad.com"]
    ),
    t!("archive.ph opaque id", "https://archive.ph/AbCd1", []),
];

/// archive.today's other spellings of a carried URL.
const ARCHIVE_TODAY_FORMS: &[UnwrapTest] = &[
    t!(
        "newest, encoded dot",
        "https://archive.ph/newest/http:bad%2Ecom",
        ["http:bad.com"]
    ),
    t!(
        "newest, lower-case escape",
        "https://archive.ph/newest/http:bad%2ecom/x",
        ["http:bad.com/x"]
    ),
    t!(
        "oldest",
        "https://archive.is/oldest/https:bad%2Ecom/x",
        ["https:bad.com/x"]
    ),
    t!(
        "timegate",
        "https://archive.today/timegate/http:bad%2Ecom",
        ["http:bad.com"]
    ),
    t!(
        "timemap",
        "https://archive.ph/timemap/http:bad%2Ecom",
        ["http:bad.com"]
    ),
    t!(
        "no keyword",
        "https://archive.li/http:bad%2Ecom",
        ["http:bad.com"]
    ),
    t!(
        "timestamp",
        "https://archive.vn/2020.01.01-000000/http:bad%2Ecom",
        ["http:bad.com"]
    ),
    t!(
        "no scheme",
        "https://archive.md/newest/bad%2Ecom",
        ["bad.com"]
    ),
    t!(
        "encoded scheme",
        "https://www.archive.fo/newest/http%3Abad%2Ecom",
        ["http:bad.com"]
    ),
    t!(
        "encoded slashes",
        "https://archive.ph/newest/https%3A%2F%2Fbad.com%2F",
        ["https://bad.com/"]
    ),
    t!(
        "one slash",
        "https://archive.ph/newest/https:/bad.com/x",
        ["https:/bad.com/x"]
    ),
    t!(
        "original frame",
        "https://archive.ph/o/AbCd1/https://bad.com/x",
        ["https://bad.com/x"]
    ),
    t!(
        "domain listing",
        "https://archive.ph/*.bad.com",
        ["bad.com"]
    ),
    t!("prefix listing", "https://archive.ph/bad.com*", ["bad.com"]),
    t!("opaque id after o", "https://archive.ph/o/AbCd1", []),
];

const REDIRECTS: &[UnwrapTest] = &[
    t!("google url q", "https://www.google.com/url?q=https://bad.com/&sa=U", ["https://bad.com/"]),
    t!(
        "google url url",
        "https://www.google.com.vn/url?sa=t&url=https%3A%2F%2Fbad.com%2Fx&usg=1",
        ["https://bad.com/x"]
    ),
    t!(
        "google url double encoded",
        "https://google.com/url?q=https%253A%252F%252Fbad.com%252Fx",
        ["https://bad.com/x"]
    ),
    t!(
        "google imgres",
        "https://www.google.co.uk/imgres?imgurl=https://img.bad.com/a.jpg&imgrefurl=https://bad.com/p",
        ["https://img.bad.com/a.jpg", "https://bad.com/p"]
    ),
    t!("google search is not a redirect", "https://www.google.com/search?q=https://bad.com", []),
    t!("not google", "https://google.example.com/url?q=https://bad.com", []),
    t!(
        "facebook",
        "https://l.facebook.com/l.php?u=https%3A%2F%2Fbad.com%2F&h=AT0",
        ["https://bad.com/"]
    ),
    t!("facebook mobile", "https://lm.facebook.com/l.php?u=http%3A%2F%2Fbad.com", ["http://bad.com"]),
    t!("instagram", "https://l.instagram.com/?u=https%3A%2F%2Fbad.com&e=1", ["https://bad.com"]),
    t!("youtube", "https://www.youtube.com/redirect?event=x&q=https%3A%2F%2Fbad.com", ["https://bad.com"]),
    t!("vk", "https://vk.com/away.php?to=https%3A%2F%2Fbad.com", ["https://bad.com"]),
    t!(
        "outlook safe links",
        "https://nam02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fbad.com%2F&data=1",
        ["https://bad.com/"]
    ),
    t!("href.li", "https://href.li/?https://bad.com/x", ["https://bad.com/x"]),
    t!("anonym.to", "https://anonym.to/?https%3A%2F%2Fbad.com", ["https://bad.com"]),
    t!(
        "bing base64",
        "https://www.bing.com/ck/a?!&&p=abc&u=a1aHR0cHM6Ly9iYWQuY29tLw&ntb=1",
        ["https://bad.com/"]
    ),
    t!("bing not base64", "https://www.bing.com/ck/a?u=a1!!!", []),
    t!("bing without prefix", "https://www.bing.com/ck/a?u=aHR0cHM6Ly9iYWQuY29tLw", []),
];

const NOTHING: &[UnwrapTest] = &[
    t!("plain site", "https://bad.com/?u=https://other.com", []),
    t!("ip host", "http://127.0.0.1/url?q=https://bad.com", []),
    t!("empty param", "https://www.google.com/url?q=", []),
    t!("translate.goog alone", "https://translate.goog/", []),
    t!(
        "duplicates collapse",
        "https://www.google.com/url?q=bad.com&url=bad.com",
        ["bad.com"]
    ),
];

fn run(table: &[UnwrapTest]) {
    for t in table {
        let url = ParsedUrl::parse(t.input).unwrap_or_else(|e| panic!("{}: {e}", t.name));
        let got = embedded_urls(&url);
        assert_eq!(got, t.want, "{}: {}", t.name, t.input);
    }
}

#[test]
fn translate() {
    run(TRANSLATE);
}

#[test]
fn caches() {
    run(CACHES);
}

#[test]
fn archives() {
    run(ARCHIVES);
}

#[test]
fn archive_today_newest_form_is_unwrapped() {
    run(ARCHIVE_TODAY_FORMS);
}

#[test]
fn redirects() {
    run(REDIRECTS);
}

#[test]
fn nothing() {
    run(NOTHING);
}

#[test]
fn every_target_parses_to_the_carried_host() {
    for table in [TRANSLATE, CACHES, ARCHIVES, ARCHIVE_TODAY_FORMS, REDIRECTS] {
        for t in table {
            let url = ParsedUrl::parse(t.input).unwrap();
            for target in embedded_urls(&url) {
                let inner = ParsedUrl::parse(&target)
                    .unwrap_or_else(|e| panic!("{}: {target:?}: {e}", t.name));
                let host = inner.host().as_str();
                assert!(
                    host.ends_with("bad.com")
                        || host.ends_with("example.com")
                        || host.ends_with("bad-site.com")
                        || host == "xn--bcher-kva.de",
                    "{}: {target} → {host}",
                    t.name
                );
            }
        }
    }
}

#[test]
fn nested_wrappers_unwrap_level_by_level() {
    let outer = "https://translate.google.com/translate?u=https%3A%2F%2Fweb.archive.org%2Fweb%2F2020%2Fhttps%3A%2F%2Fbad.com%2F";
    let level1 = embedded_urls(&ParsedUrl::parse(outer).unwrap());
    assert_eq!(
        level1,
        ["https://web.archive.org/web/2020/https://bad.com/"]
    );
    let level2 = embedded_urls(&ParsedUrl::parse(&level1[0]).unwrap());
    assert_eq!(level2, ["https://bad.com/"]);
}

#[test]
fn repeated_targets_are_capped_to_the_first_and_last() {
    let q: Vec<String> = (0..100_000)
        .map(|i| format!("q=https://s{i}.example/"))
        .collect();
    let url = format!(
        "https://www.google.com/url?{}&q=https://s5.example/",
        q.join("&")
    );
    let got = embedded_urls(&ParsedUrl::parse(&url).unwrap());
    // The first and the last values a server may read; the last repeats
    // one of the first and is not checked twice.
    let want: Vec<String> = (0..MAX_TARGETS / 2)
        .chain(100_000 - MAX_TARGETS / 2 + 1..100_000)
        .map(|i| format!("https://s{i}.example/"))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn wrapper_paths_are_read_as_their_servers_resolve_them() {
    for input in [
        "https://www.google.com//url?q=https://bad.com/",
        "https://www.google.com/%75rl?q=https://bad.com/",
        "https://l.facebook.com/l%2Ephp?u=https://bad.com/",
    ] {
        let got = embedded_urls(&ParsedUrl::parse(input).unwrap());
        assert_eq!(got, ["https://bad.com/"], "{input}");
    }
}

#[test]
fn decode_helpers() {
    assert_eq!(decode_proxy_host("a-b--c---d"), "a.b-c-.d");
    assert_eq!(
        decode_target("https%3A%2F%2Fbad.com%2Fa%20b"),
        "https://bad.com/a b"
    );
    assert_eq!(
        decode_target("https%25253A%25252F%25252Fbad.com"),
        "https://bad.com"
    );
    assert_eq!(decode_target("%FF%FE"), "\u{FFFD}\u{FFFD}");
    assert_eq!(decode_target("100%"), "100%");
    assert_eq!(base64url_decode("aGk"), Some(b"hi".to_vec()));
    assert_eq!(base64url_decode("aGk="), Some(b"hi".to_vec()));
    assert_eq!(base64url_decode("a b"), None);
}

#[test]
fn garbage_never_panics() {
    const PIECES: &[&str] = &[
        "https://",
        "translate.goog",
        "-",
        "--",
        ".",
        "/",
        "?",
        "&",
        "=",
        "u",
        "q",
        "url",
        "cache:",
        ":",
        "%",
        "%3A",
        "%2F",
        "%25",
        "web.archive.org",
        "/web/",
        "2020",
        "*",
        "archive.ph",
        "newest",
        "www.google.com",
        "/url",
        "a1",
        "www.bing.com/ck/a",
        "ü",
        "s/",
        "cdn.ampproject.org",
        "/c/",
        "href.li",
        "_x_tr_sch=http",
    ];
    let mut x: u64 = 0xDEAD_BEEF_CAFE_F00D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..30_000 {
        let n = (next() % 12) as usize;
        let s: String = (0..n)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        if let Ok(u) = ParsedUrl::parse(&s) {
            for target in embedded_urls(&u) {
                assert!(!target.is_empty(), "{s:?}");
                let _ = ParsedUrl::parse(&target);
            }
        }
    }
}
