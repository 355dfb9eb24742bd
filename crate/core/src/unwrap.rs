/*!
Embedded-URL unwrapping: the target URLs carried by translation proxies,
web caches, archives and redirect wrappers, so that the target is checked
too (`bad-com.translate.goog` shows `bad.com`).

[`embedded_urls`] looks one level deep; the engine parses each result with
[`ParsedUrl::parse`] and recurses with a depth limit. Results are strings,
percent-decoded once (twice or more when the wrapper encoded them twice),
and may lack a scheme (`bad.com/x`), which the parser reads as `http`.

# What is unwrapped

| wrapper | example | target |
|---|---|---|
| Google Translate proxy | `https://www-bad-com.translate.goog/x?_x_tr_sl=auto` | `https://www.bad.com/x` |
| Google Translate | `translate.google.<tld>/translate?u=URL`, `translate.googleusercontent.com/…?u=URL` | `URL` |
| Google cache | `webcache.googleusercontent.com/search?q=cache:ID:URL` | `URL` |
| Google redirects | `google.<tld>/url?q=URL` (or `url=`), `/imgres?imgrefurl=URL`, `/amp/s/HOST/PATH` | `URL` |
| AMP cache | `bad-com.cdn.ampproject.org/c/s/bad.com/x` | `https://bad.com/x` |
| Wayback Machine | `web.archive.org/web/20200101000000id_/URL`, `archive.org/wayback/available?url=URL` | `URL` |
| archive.today | `archive.ph/newest/URL`, `archive.is/2020.01.01-000000/URL`, `archive.today/submit/?url=URL` | `URL` |
| Yandex | `translate.yandex.<tld>/translate?url=URL`, `translated.turbopages.org/proxy_u/LANG/https/HOST/PATH` | `URL` |
| Bing, Microsoft | `bing.com/ck/a?…&u=a1BASE64`, `microsofttranslator.com/bv.aspx?a=URL` | `URL` |
| link wrappers | `l.facebook.com/l.php?u=URL`, `youtube.com/redirect?q=URL`, `vk.com/away.php?to=URL`, `href.li/?URL`, Outlook safe links… | `URL` |

Opaque wrappers (`archive.ph/AbCd1`, URL shorteners) carry no target in the
URL; lists should name those hosts themselves.

```
use lachan_core::{unwrap::embedded_urls, url::ParsedUrl};

let u = ParsedUrl::parse("https://www-bad-com.translate.goog/x?_x_tr_sl=auto&_x_tr_tl=vi").unwrap();
assert_eq!(embedded_urls(&u), ["https://www.bad.com/x"]);
```
*/
use std::collections::HashSet;

use crate::host::{percent_decode_bytes, HostKind};
use crate::url::ParsedUrl;

/// At most this many targets of one URL are returned: the first half and
/// the last half of them, since a server reads either the first or the
/// last value of a repeated parameter. Work per URL stays bounded however
/// many values a crafted URL repeats.
pub const MAX_TARGETS: usize = 16;

/// Target URLs carried by a wrapper URL (translate proxies, caches,
/// archives, redirect wrappers), one level deep, without duplicates, at
/// most [`MAX_TARGETS`] of them.
pub fn embedded_urls(url: &ParsedUrl) -> Vec<String> {
    let mut out = Targets::default();
    if url.host().kind() == HostKind::Domain {
        collect(url, &mut out);
    }
    out.finish()
}

/// The targets of a wrapper URL on a domain host, in order.
fn collect(url: &ParsedUrl, out: &mut Targets) {
    let host = url.host().as_str();
    if let Some(encoded) = host.strip_suffix(".translate.goog") {
        translate_goog(url, encoded, out);
    }
    if let Some(encoded) = host.strip_suffix(".cdn.ampproject.org") {
        amp_cache(url, encoded, out);
    }
    if is_wayback(host) {
        wayback(url, out);
    }
    if is_archive_today(host) {
        archive_today(url, out);
    }
    if is_google(host) {
        if let Some(rest) = url.path_only().strip_prefix("/amp/") {
            scheme_marked_path(rest, url.query(), out);
        }
    }
    if host == "translated.turbopages.org" {
        turbopages(url, out);
    }
    // The wrapper's own path in the form its server resolves (`//url`,
    // `/%75rl`), lower-cased; only a host some rule names pays for it.
    let path = match PARAM_RULES.iter().any(|r| r.host.matches(host)) {
        true => crate::path::canonical_text(url.path_only().get(1..).unwrap_or("")),
        false => String::new(),
    };
    for rule in PARAM_RULES {
        if rule.host.matches(host) && path.starts_with(rule.path) {
            params(url, rule, out);
        }
    }
    if WHOLE_QUERY_HOSTS.contains(&host) {
        if let Some(q) = url.query() {
            out.push(decode_target(q));
        }
    }
}

/// Whether a URL on `host` (a normalised domain) may carry another URL that
/// [`embedded_urls`] would unwrap. Conservative: true for every host any
/// rule above looks at, whatever the path, so the engine's fast path for
/// unlisted hosts can skip unwrapping only where it cannot find anything.
///
/// One cheap test on the hot path: the host's last two labels against the
/// registrable names of every rule, plus the three host prefixes that rules
/// match whatever follows them (`translate.google.`, `translate.yandex.`,
/// `[www.]google.`). A superset of the rules (checked by a test against
/// [`may_carry_url_by_rules`]).
#[inline]
pub(crate) fn may_carry_url(host: &str) -> bool {
    let b = host.as_bytes();
    // The prefix rules: every such host starts with `g`, `w` or `t`.
    if matches!(b.first(), Some(b'g' | b'w' | b't'))
        && (host.starts_with("google.")
            || host.starts_with("www.google.")
            || host.starts_with("translate.google.")
            || host.starts_with("translate.yandex."))
    {
        return true;
    }
    // The last two labels (or the whole host when it has fewer).
    let mut dots = 0;
    let mut start = 0;
    for i in (0..b.len()).rev() {
        if b[i] == b'.' {
            dots += 1;
            if dots == 2 {
                start = i + 1;
                break;
            }
        }
    }
    matches!(
        &host[start..],
        "translate.goog"
            | "ampproject.org"
            | "archive.org"
            | "archive.ph"
            | "archive.today"
            | "archive.is"
            | "archive.li"
            | "archive.vn"
            | "archive.md"
            | "archive.fo"
            | "turbopages.org"
            | "googleusercontent.com"
            | "translatetheweb.com"
            | "microsofttranslator.com"
            | "bing.com"
            | "facebook.com"
            | "messenger.com"
            | "instagram.com"
            | "youtube.com"
            | "vk.com"
            | "steamcommunity.com"
            | "linkedin.com"
            | "reddit.com"
            | "umblr.com"
            | "slack-redir.net"
            | "outlook.com"
            | "href.li"
            | "anonym.to"
            | "nullrefer.com"
            | "hiderefer.com"
    )
}

/// [`may_carry_url`] spelled rule by rule, as [`embedded_urls`] matches
/// hosts: the reference the fast test is checked against.
#[cfg(test)]
pub(crate) fn may_carry_url_by_rules(host: &str) -> bool {
    host.ends_with(".translate.goog")
        || host.ends_with(".cdn.ampproject.org")
        || is_wayback(host)
        || is_archive_today(host)
        || is_google(host)
        || host == "translated.turbopages.org"
        || PARAM_RULES.iter().any(|rule| rule.host.matches(host))
        || WHOLE_QUERY_HOSTS.contains(&host)
}

/// How a rule's host is matched.
enum HostPat {
    /// The host itself.
    Exact(&'static str),
    /// The host or any subdomain of it.
    Domain(&'static str),
    /// A host starting with this text (`translate.google.` + any TLD).
    Prefix(&'static str),
    /// Google's own domains: `google.<tld>`, `www.google.<tld>`.
    Google,
}

impl HostPat {
    fn matches(&self, host: &str) -> bool {
        match *self {
            HostPat::Exact(h) => host == h,
            HostPat::Domain(d) => host
                .strip_suffix(d)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('.')),
            HostPat::Prefix(p) => host.starts_with(p),
            HostPat::Google => is_google(host),
        }
    }
}

/// How a parameter's value becomes a URL.
#[derive(Clone, Copy)]
enum Decode {
    /// Percent-decoded (repeatedly if double-encoded).
    Plain,
    /// Google cache's `cache:[ID:]URL [more words]`.
    Cache,
    /// Bing's `a1` + base64url.
    BingBase64,
}

/// A wrapper that carries its target in a query parameter.
struct ParamRule {
    host: HostPat,
    /// A prefix of the path (without the query); `""` for any.
    path: &'static str,
    names: &'static [&'static str],
    decode: Decode,
}

macro_rules! rule {
    ($host:expr, $path:expr, $names:expr) => {
        rule!($host, $path, $names, Decode::Plain)
    };
    ($host:expr, $path:expr, $names:expr, $decode:expr) => {
        ParamRule {
            host: $host,
            path: $path,
            names: $names,
            decode: $decode,
        }
    };
}

use HostPat::{Domain, Exact, Google, Prefix};

const PARAM_RULES: &[ParamRule] = &[
    // Translation proxies.
    rule!(Prefix("translate.google."), "", &["u"]),
    rule!(Domain("translate.googleusercontent.com"), "", &["u"]),
    rule!(Prefix("translate.yandex."), "", &["url"]),
    rule!(Exact("www.translatetheweb.com"), "", &["a"]),
    rule!(Domain("microsofttranslator.com"), "/bv.aspx", &["a"]),
    // Caches and archives.
    rule!(
        Exact("webcache.googleusercontent.com"),
        "/search",
        &["q"],
        Decode::Cache
    ),
    rule!(Domain("archive.org"), "/wayback/available", &["url"]),
    rule!(Exact("archive.ph"), "", &["url"]),
    rule!(Exact("archive.today"), "", &["url"]),
    rule!(Exact("archive.is"), "", &["url"]),
    rule!(Exact("archive.li"), "", &["url"]),
    rule!(Exact("archive.vn"), "", &["url"]),
    rule!(Exact("archive.md"), "", &["url"]),
    rule!(Exact("archive.fo"), "", &["url"]),
    // Search engines' redirects.
    rule!(Google, "/url", &["q", "url"]),
    rule!(Google, "/imgres", &["imgrefurl", "imgurl"]),
    rule!(Domain("bing.com"), "/ck/a", &["u"], Decode::BingBase64),
    // Social networks' link wrappers.
    rule!(Exact("l.facebook.com"), "/l.php", &["u"]),
    rule!(Exact("lm.facebook.com"), "/l.php", &["u"]),
    rule!(Exact("m.facebook.com"), "/l.php", &["u"]),
    rule!(Exact("www.facebook.com"), "/l.php", &["u"]),
    rule!(Exact("l.messenger.com"), "/l.php", &["u"]),
    rule!(Exact("l.instagram.com"), "", &["u"]),
    rule!(Domain("youtube.com"), "/redirect", &["q"]),
    rule!(Domain("vk.com"), "/away.php", &["to"]),
    rule!(Exact("steamcommunity.com"), "/linkfilter", &["url", "u"]),
    rule!(Exact("www.linkedin.com"), "/redir/redirect", &["url"]),
    rule!(Exact("out.reddit.com"), "", &["url"]),
    rule!(Exact("t.umblr.com"), "/redirect", &["z"]),
    rule!(Exact("slack-redir.net"), "/link", &["url"]),
    rule!(Domain("safelinks.protection.outlook.com"), "", &["url"]),
];

/// Referrer hiders whose whole query is the target (`href.li/?URL`).
const WHOLE_QUERY_HOSTS: &[&str] = &[
    "href.li",
    "anonym.to",
    "nullrefer.com",
    "www.nullrefer.com",
    "hiderefer.com",
];

/// The archive.today mirrors.
const ARCHIVE_TODAY: &[&str] = &[
    "archive.ph",
    "archive.today",
    "archive.is",
    "archive.li",
    "archive.vn",
    "archive.md",
    "archive.fo",
];

fn is_archive_today(host: &str) -> bool {
    ARCHIVE_TODAY.contains(&host.strip_prefix("www.").unwrap_or(host))
}

fn is_wayback(host: &str) -> bool {
    matches!(
        host,
        "web.archive.org" | "wayback.archive.org" | "archive.org" | "www.archive.org"
    )
}

/// `google.<tld>` or `www.google.<tld>`, where the TLD is one or two short
/// labels (`com`, `com.vn`, `co.uk`).
fn is_google(host: &str) -> bool {
    let host = host.strip_prefix("www.").unwrap_or(host);
    let Some(tld) = host.strip_prefix("google.") else {
        return false;
    };
    let mut labels = 0;
    for label in tld.split('.') {
        labels += 1;
        if label.is_empty() || label.len() > 3 || labels > 2 {
            return false;
        }
    }
    true
}

/// The targets found so far: distinct (a hash set, so a URL repeating
/// 100,000 values costs linear time), in order.
#[derive(Default)]
struct Targets {
    list: Vec<String>,
    seen: HashSet<String>,
}

impl Targets {
    /// Adds a target unless it is empty or already there.
    fn push(&mut self, target: String) {
        let t = target.trim();
        if !t.is_empty() && !self.seen.contains(t) {
            self.seen.insert(t.to_string());
            self.list.push(t.to_string());
        }
    }

    /// The first and the last `MAX_TARGETS / 2`.
    fn finish(mut self) -> Vec<String> {
        if self.list.len() > MAX_TARGETS {
            self.list
                .drain(MAX_TARGETS / 2..self.list.len() - MAX_TARGETS / 2);
        }
        self.list
    }
}

/// Decodes a host encoded as one DNS label by Google's proxies: `--` is a
/// `-`, a single `-` is a `.` (`www-bad--site-com` → `www.bad-site.com`).
fn decode_proxy_host(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut chars = encoded.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '-' {
            if chars.peek() == Some(&'-') {
                chars.next();
                out.push('-');
            } else {
                out.push('.');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `www-bad-com.translate.goog/PATH?_x_tr_sl=…` → `https://www.bad.com/PATH`;
/// `_x_tr_sch=http` gives the original scheme.
fn translate_goog(url: &ParsedUrl, encoded: &str, out: &mut Targets) {
    // The proxied host is the label right before `.translate.goog`.
    let label = encoded.rsplit('.').next().unwrap_or(encoded);
    if label.is_empty() {
        return;
    }
    let mut scheme = "https";
    let mut kept: Vec<&str> = Vec::new();
    for pair in url.query().into_iter().flat_map(|q| q.split('&')) {
        if let Some(value) = pair.strip_prefix("_x_tr_sch=") {
            if value.eq_ignore_ascii_case("http") {
                scheme = "http";
            }
        } else if !pair.starts_with("_x_tr_") && !pair.is_empty() {
            kept.push(pair);
        }
    }
    let mut target = format!("{scheme}://{}{}", decode_proxy_host(label), url.path_only());
    if !kept.is_empty() {
        target.push('?');
        target.push_str(&kept.join("&"));
    }
    out.push(target);
}

/// AMP cache: the path form `/c/s/HOST/PATH` (also `/v/`, `/i/`, `/wp/`,
/// `/ii/w800/s/`…) and, when the path carries none, the encoded host.
fn amp_cache(url: &ParsedUrl, encoded: &str, out: &mut Targets) {
    let path = url.path_only();
    let mut segments = path.trim_start_matches('/').splitn(2, '/');
    let kind = segments.next().unwrap_or("");
    let rest = segments.next().unwrap_or("");
    if matches!(kind, "c" | "v" | "i" | "ii" | "r" | "wp" | "m" | "a") && !rest.is_empty() {
        // Skip size options such as `w800`.
        let mut rest = rest;
        while let Some((seg, tail)) = rest.split_once('/') {
            let is_size = seg.len() > 1
                && seg.starts_with(['w', 'h'])
                && seg[1..].bytes().all(|b| b.is_ascii_digit());
            if !is_size {
                break;
            }
            rest = tail;
        }
        scheme_marked_path(rest, url.query(), out);
    } else {
        let label = encoded.rsplit('.').next().unwrap_or(encoded);
        if !label.is_empty() {
            out.push(format!(
                "https://{}{}",
                decode_proxy_host(label),
                url.path()
            ));
        }
    }
}

/// `s/HOST/PATH` → `https://HOST/PATH`; `HOST/PATH` → `http://HOST/PATH`
/// (the AMP and Google `/amp/` convention).
fn scheme_marked_path(rest: &str, query: Option<&str>, out: &mut Targets) {
    let (scheme, rest) = match rest.strip_prefix("s/") {
        Some(r) => ("https", r),
        None => ("http", rest),
    };
    if rest.is_empty() {
        return;
    }
    let mut target = format!("{scheme}://{}", decode_target(rest));
    if let Some(q) = query {
        target.push('?');
        target.push_str(q);
    }
    out.push(target);
}

/// Wayback Machine: `/web/<timestamp[flags]>/URL` or `/web/URL`.
fn wayback(url: &ParsedUrl, out: &mut Targets) {
    let Some(rest) = url.path().strip_prefix("/web/") else {
        return;
    };
    let rest = match rest.split_once('/') {
        Some((first, tail)) if is_wayback_timestamp(first) => tail,
        _ => rest,
    };
    // A listing search (`/web/*/bad.com*`) ends in `*`.
    out.push(decode_target(rest.trim_end_matches('*')));
}

/// `20200101000000`, `2020id_`, `20200101im_`, `*`, `2020*`.
fn is_wayback_timestamp(seg: &str) -> bool {
    let digits = seg
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'*')
        .count();
    digits > 0
        && seg[digits..]
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'_')
}

/// archive.today: `/newest/URL`, `/oldest/URL`, `/timegate/URL`,
/// `/timemap/URL`, `/<timestamp>/URL`, `/o/<id>/URL`, `/URL`, with the URL
/// written plainly or percent-encoded (`/newest/http:bad%2Ecom`), and the
/// listing forms `/*.bad.com` and `/bad.com*`; short snapshot ids carry
/// no target.
fn archive_today(url: &ParsedUrl, out: &mut Targets) {
    let mut rest = url.path().trim_start_matches('/');
    let mut after_o = false;
    while let Some((seg, tail)) = rest.split_once('/') {
        let keyword = matches!(
            seg,
            "newest" | "oldest" | "timegate" | "timemap" | "o" | "wip"
        );
        // `/o/<id>/URL` shows snapshot <id> of URL.
        let id = after_o && !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_alphanumeric());
        if keyword || id || is_archive_timestamp(seg) {
            after_o = seg == "o";
            rest = tail;
        } else {
            break;
        }
    }
    if rest.is_empty() || rest.starts_with('?') {
        return;
    }
    let first = decode_target(rest.split(['/', '?']).next().unwrap_or(rest));
    if first.contains('.') || first.contains(':') {
        let target = decode_target(rest.trim_end_matches('*'));
        out.push(
            target
                .strip_prefix("*.")
                .map_or(target.clone(), str::to_string),
        );
    }
}

/// `2019.01.01-123456` or `20190101123456`.
fn is_archive_timestamp(seg: &str) -> bool {
    seg.len() >= 8
        && seg
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && (seg.contains('-') || seg.bytes().all(|b| b.is_ascii_digit()))
}

/// Yandex: `/proxy_u/<langs>.<id>/<scheme>/<host>/<path>`.
fn turbopages(url: &ParsedUrl, out: &mut Targets) {
    let Some(rest) = url.path().strip_prefix("/proxy_u/") else {
        return;
    };
    let mut parts = rest.splitn(3, '/');
    let (_, Some(scheme), Some(target)) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    if matches!(scheme, "http" | "https") && !target.is_empty() {
        out.push(format!("{scheme}://{}", decode_target(target)));
    }
}

/// The values of the rule's parameters, decoded.
fn params(url: &ParsedUrl, rule: &ParamRule, out: &mut Targets) {
    let Some(query) = url.query() else {
        return;
    };
    // Raw values as slices, in order, so that only the ones kept are
    // decoded however many a crafted URL repeats; found by a substring
    // search for `name=` at the start of a pair, which a query of millions
    // of `&` does not slow down.
    let mut found: Vec<(usize, &str)> = Vec::new();
    for name in rule.names {
        let pattern = format!("{name}=");
        for (at, _) in query.match_indices(&pattern) {
            if at > 0 && query.as_bytes()[at - 1] != b'&' {
                continue;
            }
            let value = &query[at + pattern.len()..];
            let value = &value[..value.find('&').unwrap_or(value.len())];
            if !value.is_empty() {
                found.push((at, value));
            }
        }
    }
    found.sort_unstable_by_key(|f| f.0);
    let values: Vec<&str> = found.into_iter().map(|f| f.1).collect();
    let half = MAX_TARGETS / 2;
    let kept = match values.len() > MAX_TARGETS {
        true => [&values[..half], &values[values.len() - half..]].concat(),
        false => values,
    };
    for value in kept {
        let target = match rule.decode {
            Decode::Plain => Some(decode_target(value)),
            Decode::Cache => cache_target(value),
            Decode::BingBase64 => bing_target(value),
        };
        if let Some(t) = target {
            out.push(t);
        }
    }
}

/// `cache:ID:URL more words` (or without the id) → `URL`.
fn cache_target(value: &str) -> Option<String> {
    let text = decode_target(&value.replace('+', " "));
    let text = text.trim_start();
    let rest = text
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("cache:"))
        .map(|_| &text[6..])?;
    let rest = rest.split(' ').next().unwrap_or(rest);
    // Strip the snapshot id: a token before `:` that is not a scheme and
    // has no dot or slash (`cache:Xyz_12AbC:bad.com/x`).
    let rest = match rest.split_once(':') {
        Some((id, tail))
            if !id.is_empty()
                && !["http", "https"].iter().any(|s| id.eq_ignore_ascii_case(s))
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') =>
        {
            tail
        }
        _ => rest,
    };
    Some(rest.to_string())
}

/// Bing click tracking: `u=a1` + base64url of the target.
fn bing_target(value: &str) -> Option<String> {
    let encoded = value.strip_prefix("a1")?;
    let bytes = base64url_decode(encoded)?;
    String::from_utf8(bytes).ok()
}

/// Base64 (either alphabet, padding optional); `None` on a bad character.
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Percent-decodes a carried URL once, and again while the result still
/// looks encoded (`https%3A%2F%2F…` after one pass means it was encoded
/// twice). Invalid UTF-8 is replaced, never a panic.
fn decode_target(text: &str) -> String {
    let mut current = text.to_string();
    for _ in 0..4 {
        if !current.contains('%') {
            break;
        }
        let decoded =
            String::from_utf8_lossy(&percent_decode_bytes(current.as_bytes())).into_owned();
        let done = decoded == current || !looks_encoded(&decoded);
        current = decoded;
        if done {
            break;
        }
    }
    current
}

/// True when the scheme or host part of a URL is still percent-encoded.
fn looks_encoded(s: &str) -> bool {
    let head = s.get(..s.len().min(16)).unwrap_or(s).to_ascii_lowercase();
    head.contains("%3a") || head.contains("%2f") || head.contains("%25")
}

#[cfg(test)]
mod tests;
