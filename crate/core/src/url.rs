/*!
URL parsing reduced to what filtering needs: scheme, canonical host, port
and path.

[`ParsedUrl::parse`] follows the WHATWG URL Standard for the parts a browser
uses to decide where it goes (so a filter sees the same host the browser
connects to), and is lenient where a person types a URL by hand:

* leading and trailing C0 controls and spaces are trimmed; tabs and
  newlines anywhere are removed;
* the scheme is case-insensitive; `http`, `https`, `ws`, `wss` and `ftp`
  are web schemes; for them `\` is a `/`, and missing or extra slashes after
  the scheme are accepted (`http:example.com`, `http:///example.com`);
* input without a scheme (`example.com/x`, `//example.com`,
  `localhost:8080`) is taken as `http`;
* user info is removed up to the **last** `@` of the authority
  (`http://good.com@bad.com/` goes to `bad.com`);
* the host is normalised by [`normalize_host`]; an invalid port is an
  error, a default port is dropped;
* the fragment is dropped; the path and query are kept as given (no
  percent-decoding), except that `.` and `..` segments are resolved.
  URL-prefix rules compare the path in the form servers resolve (decoded,
  repeated slashes merged); see the engine's README section.

Other schemes (`about:`, `data:`, `javascript:`, `file:`, extension pages…)
give an error whose [`UrlError::is_not_web`] is true: they carry no host to
filter. `view-source:URL` is parsed as `URL`, since it shows that page.

```
use lachan_core::url::ParsedUrl;

let u = ParsedUrl::parse("HTTP://user@WWW.Bad.COM.:80/a/./b/../c?q=1#top").unwrap();
assert_eq!(u.scheme(), "http");
assert_eq!(u.host().as_str(), "www.bad.com");
assert_eq!(u.port(), None);
assert_eq!(u.path(), "/a/c?q=1");
assert!(ParsedUrl::parse("about:blank").unwrap_err().is_not_web());
```
*/
use std::borrow::Cow;
use std::fmt;

use crate::host::{normalize_host, shorten, Host, HostError};

/// A parsed URL reduced to what filtering needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedUrl {
    scheme: &'static str,
    host: Host,
    port: Option<u16>,
    path: String,
}

/// What kind of problem a [`UrlError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlErrorKind {
    /// The URL has a scheme that is not a web scheme (`about:`, `data:`,
    /// `javascript:`, `file:`, `chrome-extension:`…). Such pages carry no
    /// host to filter.
    NotWeb,
    /// The URL has no host (`http://`, `http://user@/`).
    MissingHost,
    /// The host is not valid; the reason says why.
    InvalidHost,
    /// The port is not a number from 0 to 65535.
    InvalidPort,
}

/// Why a URL could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlError {
    kind: UrlErrorKind,
    reason: String,
}

impl UrlError {
    fn new(kind: UrlErrorKind, reason: impl Into<String>) -> UrlError {
        UrlError {
            kind,
            reason: reason.into(),
        }
    }

    /// The kind of problem.
    pub fn kind(&self) -> UrlErrorKind {
        self.kind
    }

    /// True when the URL is well-formed but not a web URL (the engine
    /// allows those).
    pub fn is_not_web(&self) -> bool {
        self.kind == UrlErrorKind::NotWeb
    }
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for UrlError {}

impl From<HostError> for UrlError {
    fn from(e: HostError) -> UrlError {
        UrlError::new(UrlErrorKind::InvalidHost, e.to_string())
    }
}

/// Web schemes and their default ports.
const SPECIAL: &[(&str, u16)] = &[
    ("http", 80),
    ("https", 443),
    ("ws", 80),
    ("wss", 443),
    ("ftp", 21),
];

/// Schemes that are never a host:port typed without a scheme (`tel:111`).
const NOT_WEB: &[&str] = &[
    "about",
    "blob",
    "brave",
    "chrome",
    "chrome-extension",
    "chrome-search",
    "chrome-untrusted",
    "data",
    "devtools",
    "edge",
    "file",
    "filesystem",
    "intent",
    "javascript",
    "mailto",
    "moz-extension",
    "opera",
    "resource",
    "safari-web-extension",
    "sms",
    "tel",
    "urn",
    "vbscript",
    "view-source",
    "vivaldi",
];

impl ParsedUrl {
    /// Parses a URL; see the [module documentation](self) for the rules.
    /// Never panics, whatever the input.
    pub fn parse(input: &str) -> Result<ParsedUrl, UrlError> {
        match parse_fast(input) {
            Some(url) => Ok(url),
            None => parse_general(input),
        }
    }

    /// Scheme, lower-case: `http`, `https`, `ws`, `wss` or `ftp`.
    pub fn scheme(&self) -> &str {
        self.scheme
    }

    /// The normalised host.
    pub fn host(&self) -> &Host {
        &self.host
    }

    /// The port, if given and not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// Path and query (no fragment), always starting with `/`. Not
    /// percent-decoded; `.` and `..` segments are resolved.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query without its `?`, if there is one.
    pub fn query(&self) -> Option<&str> {
        self.path.find('?').map(|i| &self.path[i + 1..])
    }

    /// The path without the query.
    pub fn path_only(&self) -> &str {
        self.path.find('?').map_or(&self.path, |i| &self.path[..i])
    }
}

impl fmt::Display for ParsedUrl {
    /// The URL as `scheme://host[:port]/path?query`, IPv6 hosts bracketed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme)?;
        if self.host.kind() == crate::host::HostKind::Ipv6 {
            write!(f, "[{}]", self.host)?;
        } else {
            f.write_str(self.host.as_str())?;
        }
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        f.write_str(&self.path)
    }
}

/// The general path: every rule of the module documentation.
fn parse_general(input: &str) -> Result<ParsedUrl, UrlError> {
    let trimmed = input.trim_matches(|c: char| c <= ' ');
    let cleaned: Cow<str> = if trimmed.bytes().any(|b| matches!(b, b'\t' | b'\n' | b'\r')) {
        Cow::Owned(trimmed.replace(['\t', '\n', '\r'], ""))
    } else {
        Cow::Borrowed(trimmed)
    };
    parse_clean(&cleaned, true)
}

/// Splits `scheme:rest` when the input starts with a WHATWG scheme
/// (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`).
fn split_scheme(s: &str) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    if !bytes.first()?.is_ascii_alphabetic() {
        return None;
    }
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        match b {
            b':' => return Some((&s[..i], &s[i + 1..])),
            b'+' | b'-' | b'.' => {}
            _ if b.is_ascii_alphanumeric() => {}
            _ => return None,
        }
    }
    None
}

/// True when `name:rest` is really `host:port` typed without a scheme
/// (`example.com:8080/x`, `localhost:3000`).
fn is_host_port(name: &str, rest: &str) -> bool {
    if name.contains('.') {
        return true;
    }
    let end = find_byte(rest, |b| matches!(b, b'/' | b'\\' | b'?' | b'#'));
    let port = &rest[..end];
    !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
}

/// The common case in two quick scans and two allocations: `http://` or
/// `https://`, a canonical domain, then a path and query with nothing to
/// trim, resolve or drop. `None` sends the input down the general path,
/// which gives the same answer for everything this accepts.
fn parse_fast(input: &str) -> Option<ParsedUrl> {
    let (scheme, rest) = if let Some(r) = input.strip_prefix("https://") {
        ("https", r)
    } else {
        ("http", input.strip_prefix("http://")?)
    };
    let b = rest.as_bytes();
    let end = b
        .iter()
        .position(|&c| matches!(c, b'/' | b'?'))
        .unwrap_or(b.len());
    if !crate::host::is_canonical_domain(&b[..end]) {
        return None;
    }
    let tail = &b[end..];
    // Controls and space (trimmed or removed), `#` (a fragment to drop), `\\`
    // (a slash), and `/.` or `/%` (maybe a dot segment) need the general
    // path. Branch-free folds, so the compiler can vectorise them.
    let special = tail.iter().fold(false, |a, &c| {
        a | (c <= b' ') | (c == 0x7F) | (c == b'#') | (c == b'\\')
    });
    let dot_segment = tail.windows(2).fold(false, |a, w| {
        a | ((w[0] == b'/') & ((w[1] == b'.') | (w[1] == b'%')))
    });
    if special || dot_segment {
        return None;
    }
    let path = if tail.first() == Some(&b'/') {
        rest[end..].to_owned()
    } else {
        let mut p = String::with_capacity(tail.len() + 1);
        p.push('/');
        p.push_str(&rest[end..]);
        p
    };
    Some(ParsedUrl {
        scheme,
        host: Host::canonical_domain(&rest[..end]),
        port: None,
        path,
    })
}

/// The index of the first byte matching `pred` (an ASCII byte, so a char
/// boundary), or the length.
fn find_byte(s: &str, pred: impl Fn(u8) -> bool) -> usize {
    s.bytes().position(pred).unwrap_or(s.len())
}

fn parse_clean(s: &str, allow_view_source: bool) -> Result<ParsedUrl, UrlError> {
    let (scheme, default_port, rest) = match split_scheme(s) {
        None => ("http", 80, s),
        Some((name, rest)) => {
            if let Some(&(scheme, port)) =
                SPECIAL.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                (scheme, port, rest)
            } else if allow_view_source && name.eq_ignore_ascii_case("view-source") {
                return parse_clean(rest, false);
            } else if !NOT_WEB.iter().any(|n| n.eq_ignore_ascii_case(name))
                && is_host_port(name, rest)
            {
                ("http", 80, s)
            } else {
                return Err(UrlError::new(
                    UrlErrorKind::NotWeb,
                    format!(
                        "scheme `{}:` is not a web URL (only http, https, ws, wss and ftp are filtered)",
                        shorten(name)
                    ),
                ));
            }
        }
    };
    let rest = rest.trim_start_matches(['/', '\\']);
    let end = find_byte(rest, |b| matches!(b, b'/' | b'\\' | b'?' | b'#'));
    let (authority, tail) = rest.split_at(end);
    let host_port = match authority.rfind('@') {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    let (host_text, port_text) = split_host_port(host_port)?;
    if host_text.is_empty() {
        return Err(UrlError::new(
            UrlErrorKind::MissingHost,
            format!("URL `{}` has no host", shorten(s)),
        ));
    }
    let port = match port_text {
        Some(p) => parse_port(p)?.filter(|&p| p != default_port),
        None => None,
    };
    let host = normalize_host(host_text)?;
    Ok(ParsedUrl {
        scheme,
        host,
        port,
        path: normalize_path(tail),
    })
}

/// Splits `host[:port]`, keeping the brackets of an IPv6 host.
fn split_host_port(s: &str) -> Result<(&str, Option<&str>), UrlError> {
    if s.starts_with('[') {
        let Some(close) = s.find(']') else {
            return Err(UrlError::new(
                UrlErrorKind::InvalidHost,
                format!("IPv6 address `{}` has no closing `]`", shorten(s)),
            ));
        };
        let (host, after) = s.split_at(close + 1);
        return match after.strip_prefix(':') {
            Some(port) => Ok((host, Some(port))),
            None if after.is_empty() => Ok((host, None)),
            None => Err(UrlError::new(
                UrlErrorKind::InvalidHost,
                format!("unexpected `{}` after the IPv6 address", shorten(after)),
            )),
        };
    }
    Ok(match s.find(':') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    })
}

/// Parses a port: ASCII digits (leading zeros allowed) up to 65535; an
/// empty port is no port.
fn parse_port(p: &str) -> Result<Option<u16>, UrlError> {
    if p.is_empty() {
        return Ok(None);
    }
    let mut value: u32 = 0;
    for b in p.bytes() {
        if !b.is_ascii_digit() {
            return Err(UrlError::new(
                UrlErrorKind::InvalidPort,
                format!("port `{}` is not a number", shorten(p)),
            ));
        }
        value = (value * 10 + u32::from(b - b'0')).min(1 << 20);
    }
    u16::try_from(value).map(Some).map_err(|_| {
        UrlError::new(
            UrlErrorKind::InvalidPort,
            format!("port `{}` is above 65535", shorten(p)),
        )
    })
}

/// Path and query from what follows the authority: fragment dropped, `\`
/// read as `/` in the path, `.` and `..` segments resolved, a leading `/`
/// ensured. The query is kept as given.
pub(crate) fn normalize_path(tail: &str) -> String {
    let tail = match tail.find('#') {
        Some(i) => &tail[..i],
        None => tail,
    };
    let (path, query) = match tail.find('?') {
        Some(i) => tail.split_at(i),
        None => (tail, ""),
    };
    let mut out = String::with_capacity(path.len() + query.len() + 1);
    if needs_path_work(path) {
        resolve_segments(path, &mut out);
    } else if path.is_empty() {
        out.push('/');
    } else {
        out.push_str(path);
    }
    out.push_str(query);
    out
}

/// True when the path has a `\` or a segment that may be `.` or `..`
/// (including their `%2e` spellings).
fn needs_path_work(path: &str) -> bool {
    let b = path.as_bytes();
    b.contains(&b'\\')
        || b.windows(2).any(|w| w == b"/.")
        || (b.contains(&b'%') && (path.contains("/%2e") || path.contains("/%2E")))
}

fn is_single_dot(seg: &str) -> bool {
    seg == "." || seg.eq_ignore_ascii_case("%2e")
}

fn is_double_dot(seg: &str) -> bool {
    matches!(seg.len(), 2 | 4 | 6)
        && ["..", ".%2e", "%2e.", "%2e%2e"]
            .iter()
            .any(|d| seg.eq_ignore_ascii_case(d))
}

/// The WHATWG path state for special URLs, over segments split at `/` and
/// `\`.
fn resolve_segments(path: &str, out: &mut String) {
    let body = path.strip_prefix(['/', '\\']).unwrap_or(path);
    let mut segments: Vec<&str> = Vec::new();
    let mut iter = body.split(['/', '\\']).peekable();
    while let Some(seg) = iter.next() {
        let last = iter.peek().is_none();
        if is_double_dot(seg) {
            segments.pop();
            if last {
                segments.push("");
            }
        } else if is_single_dot(seg) {
            if last {
                segments.push("");
            }
        } else {
            segments.push(seg);
        }
    }
    if segments.is_empty() {
        out.push('/');
    }
    for seg in segments {
        out.push('/');
        out.push_str(seg);
    }
}

#[cfg(test)]
mod tests;
