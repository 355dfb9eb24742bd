//! The URL fast path: a plain `http(s)://host/path` URL is checked
//! straight from slices of the string, without building a `ParsedUrl`,
//! when no policy layer has entries of its own.

use crate::engine::{Decision, Engine};
use crate::expressions::Expressions;
use crate::host::{is_canonical_domain, HostKind, MAX_HOST_LEN};
use crate::policy::AgeBand;
use crate::url::ParsedUrl;

/// What the list lookup needs of a URL, borrowed: from a [`ParsedUrl`], or
/// sliced straight out of a plain URL string by [`split_plain`].
#[derive(Clone, Copy)]
pub(crate) struct UrlParts<'a> {
    pub(crate) host: &'a str,
    pub(crate) kind: HostKind,
    /// The path and query without the path's leading `/`.
    pub(crate) path_rest: &'a str,
    /// A slice of the URL that spells host + path (`/` + `path_rest`) but
    /// for the case of ASCII letters, when there is one (no port, a path
    /// given): the expressions' literal pre-filter can scan it in place
    /// when the path is canonical too.
    pub(crate) text: Option<&'a str>,
}

impl<'a> UrlParts<'a> {
    pub(crate) fn of(url: &'a ParsedUrl) -> UrlParts<'a> {
        UrlParts {
            host: url.host().as_str(),
            kind: url.host().kind(),
            path_rest: url.path().get(1..).unwrap_or(""),
            text: None,
        }
    }
}

impl Engine {
    /// The fast path: the action (0 allow, 1 warn, 2 block) in the low two
    /// bits and the category id + 1 (0 = none) above them.
    pub fn check_code(&self, url: &str, band: Option<AgeBand>) -> u32 {
        let band = band.unwrap_or(self.policy.band());
        if self.no_custom {
            // A host with upper-case letters (rare: browsers give hosts
            // lower-cased) is lower-cased into a stack buffer, set up only
            // then.
            match split_plain(url, None) {
                Ok(parts) => {
                    if let Some(code) = self.check_plain(&parts, band) {
                        return code;
                    }
                }
                Err(NotPlain::UpperCase) => {
                    let mut buf = [0u8; MAX_HOST_LEN];
                    if let Ok(parts) = split_plain(url, Some(&mut buf)) {
                        if let Some(code) = self.check_plain(&parts, band) {
                            return code;
                        }
                    }
                }
                Err(NotPlain::Other) => {}
            }
        }
        let Ok(parsed) = ParsedUrl::parse(url) else {
            return 0;
        };
        let (d, _) = self.decide_with_embedded(&parsed, band, 0);
        code_of(&d)
    }

    /// The verdict code of a plain URL (see [`split_plain`]) without
    /// building a [`ParsedUrl`]: the host pre-filter, then at most one FST
    /// walk over the host slice. `None` for a host that may carry another
    /// URL: unwrapping needs the full path. Only called without custom
    /// entries, so the lists alone decide, exactly as [`Engine::decide`]
    /// would on the parsed URL.
    #[inline]
    fn check_plain(&self, parts: &UrlParts<'_>, band: AgeBand) -> Option<u32> {
        if crate::unwrap::may_carry_url(parts.host) {
            return None;
        }
        let suffixes = self
            .bundle
            .host_filter()
            .map_or(u64::MAX, |f| f.suffix_mask(parts.host.as_bytes()));
        if suffixes == 0 {
            // No list can match: only an expression could, and its literal
            // pre-filter (case-insensitive) rules most out, over the slice
            // of the URL that spells host + path when there is one. Then
            // only the name checks are left.
            let may = self.expressions_in_band[band as usize] && {
                let compiled = self
                    .expressions
                    .get_or_init(|| Expressions::compile(&self.bundle.meta.expressions));
                match parts.text {
                    Some(text) if crate::path::is_canonical(parts.path_rest) => {
                        compiled.may_match(text)
                    }
                    _ => compiled.may_match(&format!(
                        "{}{}",
                        parts.host,
                        crate::path::canonical_text(parts.path_rest)
                    )),
                }
            };
            if !may {
                return Some(self.decide_names(parts, band).map_or(0, |d| code_of(&d)));
            }
        }
        Some(code_of(&self.decide_lists(parts, band, suffixes)))
    }
}

/// The verdict code of a decision.
pub(crate) fn code_of(d: &Decision) -> u32 {
    (d.action as u32) | (d.category.map_or(0, |c| c as u32 + 1) << 2)
}

/// Host and path of a plain `http(s)://host[:port]/path?query` URL, sliced
/// out without allocating, exactly as [`ParsedUrl::parse`] would give them:
/// the host is canonical once ASCII letters are lower-cased (into `buf`
/// when needed), the port is a valid number (the port plays no part in a
/// verdict), and the path and query hold nothing the parser would trim,
/// drop or resolve (controls, space, `#`, `\`, `/.`, `/%`). `None` for
/// anything else (userinfo, IP forms, `xn--`, non-ASCII…): the caller then
/// parses the URL in full. Without `buf`, a host with upper-case letters
/// gives [`NotPlain::UpperCase`].
fn split_plain<'a>(
    url: &'a str,
    buf: Option<&'a mut [u8; MAX_HOST_LEN]>,
) -> Result<UrlParts<'a>, NotPlain> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(NotPlain::Other)?;
    let b = rest.as_bytes();
    let end = b
        .iter()
        .position(|&c| matches!(c, b'/' | b'?'))
        .unwrap_or(b.len());
    let authority = &b[..end];
    let host_end = match authority.iter().position(|&c| c == b':') {
        Some(i) => {
            let port = &authority[i + 1..];
            // An invalid port makes the URL an error, which the full path
            // answers (allow); so does a port above 65535.
            if port.len() > 5
                || !port.iter().all(u8::is_ascii_digit)
                || port.iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0')) > 65535
            {
                return Err(NotPlain::Other);
            }
            i
        }
        None => end,
    };
    let tail = &b[end..];
    // The same tests as the parser's own fast path (`url::parse_fast`).
    let special = tail.iter().fold(false, |a, &c| {
        a | (c <= b' ') | (c == 0x7F) | (c == b'#') | (c == b'\\')
    });
    let dot_segment = tail.windows(2).fold(false, |a, w| {
        a | ((w[0] == b'/') & ((w[1] == b'.') | (w[1] == b'%')))
    });
    if special || dot_segment {
        return Err(NotPlain::Other);
    }
    let host_bytes = &authority[..host_end];
    let host = if is_canonical_domain(host_bytes) {
        &rest[..host_end]
    } else {
        // Upper-case ASCII letters: the parser lower-cases them and then
        // needs the same canonical form.
        if host_bytes.len() > MAX_HOST_LEN
            || !host_bytes.iter().any(u8::is_ascii_uppercase)
            || !host_bytes
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        {
            return Err(NotPlain::Other);
        }
        let Some(buf) = buf else {
            return Err(NotPlain::UpperCase);
        };
        let lower = &mut buf[..host_bytes.len()];
        for (d, s) in lower.iter_mut().zip(host_bytes) {
            *d = s.to_ascii_lowercase();
        }
        if !is_canonical_domain(lower) {
            return Err(NotPlain::Other);
        }
        std::str::from_utf8(lower).map_err(|_| NotPlain::Other)?
    };
    let path_rest = &rest[end..];
    let text = (host_end == end && path_rest.starts_with('/')).then_some(rest);
    let path_rest = path_rest.strip_prefix('/').unwrap_or(path_rest);
    Ok(UrlParts {
        host,
        kind: HostKind::Domain,
        path_rest,
        text,
    })
}

/// Why [`split_plain`] gave no parts.
#[derive(Debug, PartialEq, Eq)]
enum NotPlain {
    /// The host has upper-case ASCII letters and no buffer was given.
    UpperCase,
    /// Anything else: the full parser must decide.
    Other,
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    /// `split_plain` gives exactly the host and path the parser gives, or
    /// nothing.
    #[test]
    fn split_plain_agrees_with_the_parser() {
        let hosts = [
            "example.com",
            "www.Example.COM",
            "EXAMPLE.COM",
            "a_b.example.com",
            "xn--bcher-kva.example",
            "XN--bcher-kva.example",
            "localhost",
            "1.2.3.4",
            "1.2.3.a4",
            "a.b.1",
            "ex%41mple.com",
            "example..com",
            "example.com.",
            ".example.com",
            "user@example.com",
            "user:pw@example.com",
            "exa mple.com",
            "bücher.de",
            "[::1]",
            "",
            "-a-.com",
            "a.0x1f",
            "A.0X1F",
        ];
        let ports = [
            "", ":", ":80", ":443", ":8443", ":65535", ":65536", ":99999", ":123456", ":8a", ":-1",
        ];
        let tails = [
            "",
            "/",
            "/a/b?q=1",
            "?q=1",
            "/A/B?Q=1",
            "/a/./b",
            "/a/../b",
            "/%2e/b",
            "/a#frag",
            "/a\\b",
            "/a b",
            "/a\tb",
            "/ä",
            "#x",
            "/a?u=https://x.com/.",
            "/.hidden",
            "/b%65t/x",
            "//bet",
            "/a//b?x=//",
            "/a%2Fb",
            "/a%2e",
            "/a/%",
        ];
        let mut checked = 0;
        for scheme in ["https://", "http://", "HTTP://", "ws://", ""] {
            for host in hosts {
                for port in ports {
                    for tail in tails {
                        let url = format!("{scheme}{host}{port}{tail}");
                        let mut buf = [0u8; MAX_HOST_LEN];
                        let first = split_plain(&url, None).err();
                        if first == Some(NotPlain::Other) {
                            assert!(split_plain(&url, Some(&mut buf)).is_err(), "{url}");
                            continue;
                        }
                        let Ok(parts) = split_plain(&url, Some(&mut buf)) else {
                            // Lower-cased, the host may still need the parser.
                            assert_eq!(first, Some(NotPlain::UpperCase), "{url}");
                            continue;
                        };
                        let parsed = ParsedUrl::parse(&url).expect(&url);
                        assert_eq!(parts.host, parsed.host().as_str(), "{url}");
                        assert_eq!(parts.kind, parsed.host().kind(), "{url}");
                        assert_eq!(format!("/{}", parts.path_rest), parsed.path(), "{url}");
                        if let Some(text) = parts.text {
                            let whole = format!("{}{}", parsed.host().as_str(), parsed.path());
                            assert!(text.eq_ignore_ascii_case(&whole), "{url}");
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
        let long = format!("https://{}.com/", "A".repeat(300));
        assert!(split_plain(&long, Some(&mut [0u8; MAX_HOST_LEN])).is_err());
    }

    /// The one-test `may_carry_url` covers every host a rule looks at.
    #[test]
    fn may_carry_url_covers_the_rules() {
        use crate::unwrap::{may_carry_url, may_carry_url_by_rules};
        let names = [
            "translate.goog",
            "x.translate.goog",
            "www-bad-com.translate.goog",
            "bad-com.cdn.ampproject.org",
            "web.archive.org",
            "wayback.archive.org",
            "archive.org",
            "www.archive.org",
            "archive.ph",
            "www.archive.is",
            "archive.today",
            "archive.li",
            "archive.vn",
            "archive.md",
            "archive.fo",
            "google.com",
            "www.google.com.vn",
            "google.co.uk",
            "translated.turbopages.org",
            "translate.google.com",
            "translate.google.evil.example",
            "translate.googleusercontent.com",
            "a.translate.googleusercontent.com",
            "translate.yandex.ru",
            "www.translatetheweb.com",
            "microsofttranslator.com",
            "www.microsofttranslator.com",
            "webcache.googleusercontent.com",
            "bing.com",
            "www.bing.com",
            "l.facebook.com",
            "lm.facebook.com",
            "m.facebook.com",
            "www.facebook.com",
            "l.messenger.com",
            "l.instagram.com",
            "youtube.com",
            "www.youtube.com",
            "vk.com",
            "m.vk.com",
            "steamcommunity.com",
            "www.linkedin.com",
            "out.reddit.com",
            "t.umblr.com",
            "slack-redir.net",
            "eur01.safelinks.protection.outlook.com",
            "href.li",
            "anonym.to",
            "nullrefer.com",
            "www.nullrefer.com",
            "hiderefer.com",
        ];
        let mut hosts: Vec<String> = Vec::new();
        for n in names {
            hosts.push(n.to_string());
            for p in [
                "www.",
                "a.",
                "x.y.",
                "notgoogle",
                "www-",
                "google.",
                "translate.",
            ] {
                hosts.push(format!("{p}{n}"));
            }
            for s in [".", ".com", "x", ".vn", ".co.uk", ".evil.net"] {
                hosts.push(format!("{n}{s}"));
            }
        }
        for h in &hosts {
            if may_carry_url_by_rules(h) {
                assert!(may_carry_url(h), "{h}");
            }
        }
        assert!(!may_carry_url("example.com"));
        assert!(!may_carry_url("www.bad.com.vn"));
        assert!(!may_carry_url("com"));
    }
}
