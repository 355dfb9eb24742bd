/*!
Host normalisation: one canonical text per host, so that spelling tricks
cannot dodge a list.

[`normalize_host`] follows the WHATWG URL Standard's host parser where it
matters for filtering (non-ASCII names get the full UTS #46 mapping a
browser applies), with three deliberate differences: trailing dots are
removed (`BAD.COM.` and `bad.com` are the same site to a resolver), empty
labels are rejected, and an IPv6 address that reaches an IPv4 host is
written as that IPv4 address ([`embedded_ipv4`]), so that one list entry
holds against every spelling.

# Overview of types

* [`Host`] — the canonical text and its [`HostKind`].
* [`HostError`] — why an input is not a host, in words a person can act on.

# Canonical forms

| kind | input examples | canonical |
|---|---|---|
| [`HostKind::Domain`] | `WWW.Bad.COM.`, `%62ad.com`, `ｂａｄ．ｃｏｍ`, `𝐛𝐚𝐝.com`, `b\u{AD}ad.com` | `www.bad.com`, `bad.com` (each) |
| [`HostKind::Domain`] | `Bücher.de`, `Bu\u{308}cher.de` | `xn--bcher-kva.de` |
| [`HostKind::Ipv4`] | `3232235777`, `0xC0A80101`, `0300.0250.1.1`, `192.168.257` | `192.168.1.1` |
| [`HostKind::Ipv4`] | `[::ffff:c0a8:101]`, `[::192.168.1.1]`, `[64:ff9b::c0a8:101]` | `192.168.1.1` |
| [`HostKind::Ipv6`] | `[0:0::1]`, `2001:DB8::0:1` | `::1`, `2001:db8::1` |

```
use lachan_core::host::{normalize_host, HostKind};

let h = normalize_host("WWW.Bücher.DE.").unwrap();
assert_eq!(h.as_str(), "www.xn--bcher-kva.de");
assert_eq!(h.kind(), HostKind::Domain);
assert_eq!(normalize_host("0x7f.1").unwrap().as_str(), "127.0.0.1");
assert_eq!(normalize_host("[::ffff:7f00:1]").unwrap().as_str(), "127.0.0.1");
assert!(normalize_host("a..b").is_err());
```
*/
use std::borrow::Cow;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::punycode;

/// Longest DNS label, in bytes of its ASCII form.
pub const MAX_LABEL_LEN: usize = 63;
/// Longest DNS name, in bytes of its ASCII form without a trailing dot.
pub const MAX_HOST_LEN: usize = 253;

/// What kind of host a normalised host is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostKind {
    /// A DNS name: ASCII, lower-case, punycode labels, no trailing dot.
    Domain,
    /// An IPv4 address in dotted-decimal form.
    Ipv4,
    /// An IPv6 address in RFC 5952 compressed form, without brackets.
    Ipv6,
}

/// A normalised host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    text: String,
    kind: HostKind,
}

impl Host {
    /// A host from text that [`is_canonical_domain`] accepted.
    pub(crate) fn canonical_domain(text: &str) -> Host {
        Host {
            text: text.to_owned(),
            kind: HostKind::Domain,
        }
    }

    /// The canonical text: see the [module documentation](self).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The kind of host.
    pub fn kind(&self) -> HostKind {
        self.kind
    }

    /// The IP address, for [`HostKind::Ipv4`] and [`HostKind::Ipv6`] hosts.
    pub fn ip(&self) -> Option<IpAddr> {
        match self.kind {
            HostKind::Domain => None,
            HostKind::Ipv4 => self.text.parse::<Ipv4Addr>().ok().map(IpAddr::V4),
            HostKind::Ipv6 => self.text.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
        }
    }

    /// The IPv4 address this host reaches. Normalisation already writes an
    /// IPv6 address that reaches an IPv4 host (`[::ffff:a01:203]`, see
    /// [`embedded_ipv4`]) as that IPv4 address, so a list of IPv4
    /// addresses holds against every spelling.
    pub fn ipv4(&self) -> Option<Ipv4Addr> {
        match self.ip()? {
            IpAddr::V4(a) => Some(a),
            IpAddr::V6(a) => embedded_ipv4(&a),
        }
    }

    /// The host and each parent domain, longest first, stopping before the
    /// last label (`a.b.example.com` → `a.b.example.com`, `b.example.com`,
    /// `example.com`). IP addresses yield only themselves.
    pub fn suffixes(&self) -> impl Iterator<Item = &str> {
        let text = self.text.as_str();
        let domain = self.kind == HostKind::Domain;
        let mut next = Some(0usize);
        std::iter::from_fn(move || {
            let start = next?;
            let rest = &text[start..];
            next = match rest.find('.') {
                Some(i) if domain && rest[i + 1..].contains('.') => Some(start + i + 1),
                _ => None,
            };
            Some(rest)
        })
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why a host could not be normalised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    reason: String,
}

impl HostError {
    pub(crate) fn new(reason: impl Into<String>) -> HostError {
        HostError {
            reason: reason.into(),
        }
    }

    /// The reason, in words.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for HostError {}

/// Normalises a host (a domain name, an IPv4 address in any WHATWG form, or
/// an IPv6 address with or without brackets).
///
/// The input is what sits between `//` (and any `user@`) and the port in a
/// URL. Percent-encoded bytes are decoded first. See the [module
/// documentation](self) for the canonical forms.
pub fn normalize_host(input: &str) -> Result<Host, HostError> {
    // The common case: already canonical, one pass and one allocation.
    if is_canonical_domain(input.as_bytes()) {
        return Ok(Host::canonical_domain(input));
    }
    if input.is_empty() {
        return Err(HostError::new("empty host"));
    }
    if let Some(inner) = input.strip_prefix('[') {
        let Some(inner) = inner.strip_suffix(']') else {
            return Err(HostError::new(format!(
                "IPv6 address `{}` has no closing `]`",
                shorten(input)
            )));
        };
        return parse_ipv6(inner);
    }
    if input.contains(':') {
        return parse_ipv6(input).map_err(|_| {
            HostError::new(format!(
                "host `{}` contains `:`, which is only allowed in an IPv6 address",
                shorten(input)
            ))
        });
    }
    if input.is_ascii() && !input.contains('%') {
        // ASCII needs only lower-casing: one allocation when that is all.
        let lower = input.to_ascii_lowercase();
        if is_canonical_domain(lower.as_bytes()) {
            return Ok(Host {
                text: lower,
                kind: HostKind::Domain,
            });
        }
        return remap_punycode(&lower).unwrap_or_else(|| finish_domain(&lower));
    }
    let decoded: Cow<str> = if input.contains('%') {
        Cow::Owned(percent_decode_host(input)?)
    } else {
        Cow::Borrowed(input)
    };
    if decoded.is_ascii() {
        let lower = decoded.to_ascii_lowercase();
        return remap_punycode(&lower).unwrap_or_else(|| finish_domain(&lower));
    }
    finish_domain(&map_unicode(&decoded)?)
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits stays (and is
/// then rejected as a forbidden code point).
fn percent_decode_host(input: &str) -> Result<String, HostError> {
    let bytes = percent_decode_bytes(input.as_bytes());
    String::from_utf8(bytes).map_err(|_| {
        HostError::new(format!(
            "host `{}` has percent-encoded bytes that are not UTF-8 text",
            shorten(input)
        ))
    })
}

/// Decodes `%XX` escapes in bytes, leaving malformed escapes as they are.
pub(crate) fn percent_decode_bytes(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b == b'%' && i + 2 < input.len() {
            if let (Some(h), Some(l)) = (hex_val(input[i + 1]), hex_val(input[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A name with `xn--` labels, read as the text they encode and mapped as a
/// browser maps it, so that punycode of a mappable spelling (upper case,
/// full-width, unnormalised) is not a second name for a listed host. `None`
/// when there is no such label or the text is not a valid name (the labels
/// are then checked and kept as written).
fn remap_punycode(lower: &str) -> Option<Result<Host, HostError>> {
    if !lower.contains("xn--") || !lower.split('.').any(|l| l.starts_with("xn--")) {
        return None;
    }
    let mut text = String::with_capacity(lower.len());
    for (i, label) in lower.split('.').enumerate() {
        if i > 0 {
            text.push('.');
        }
        match label.strip_prefix("xn--") {
            Some(encoded) => {
                // Punycode of plain ASCII is no name at all.
                let decoded = punycode::decode(encoded).ok().filter(|d| !d.is_ascii())?;
                text.push_str(&decoded);
            }
            None => text.push_str(label),
        }
    }
    let mapped = map_unicode(&text).ok()?;
    finish_domain(&mapped).ok().map(Ok)
}

/// UTS #46 mapping as browsers do it (the URL Standard's "domain to
/// ASCII": non-transitional, no hyphen or length checks there), by the
/// `idna` crate: case folding,
/// compatibility forms (`ｂ`, `𝐛`, `①`), ignorables (soft hyphen, variation
/// selectors) removed, NFC, then punycode. One difference, for hosts a
/// wrapper or proxy may resolve the older way: a zero-width joiner or
/// non-joiner that makes the name invalid is removed, as transitional
/// processing does, instead of failing the host.
fn map_unicode(input: &str) -> Result<String, HostError> {
    if let Some(c) = input
        .chars()
        .find(|&c| c.is_control() || c.is_whitespace() || c == '\u{FFFD}')
    {
        let what = if c.is_whitespace() {
            "a space"
        } else {
            "the invisible or invalid character"
        };
        return Err(HostError::new(format!(
            "host `{}` contains {what} U+{:04X}, which is not allowed in a host name",
            shorten(input),
            u32::from(c)
        )));
    }
    let uts46 = idna::uts46::Uts46::new();
    let to_ascii = |text: &str| {
        uts46
            .to_ascii(
                text.as_bytes(),
                // Spaces and controls only: `finish_domain` names the
                // other forbidden code points, mapped or typed.
                idna::uts46::AsciiDenyList::new(true, ""),
                idna::uts46::Hyphens::Allow,
                idna::uts46::DnsLength::Ignore,
            )
            .map(|c| c.into_owned())
    };
    to_ascii(input)
        .or_else(|e| match input.contains(['\u{200C}', '\u{200D}']) {
            true => to_ascii(&input.replace(['\u{200C}', '\u{200D}'], "")),
            false => Err(e),
        })
        .map_err(|_| {
            HostError::new(format!(
                "host `{}` is not a valid international domain name (a character \
                 browsers refuse in a host, or a label mixing writing directions)",
                shorten(input)
            ))
        })
}

/// The ASCII forbidden domain code points of the WHATWG URL Standard, with
/// the words used in errors.
fn forbidden_name(b: u8) -> Option<&'static str> {
    Some(match b {
        b' ' => "a space",
        b'#' => "`#`",
        b'%' => "`%` (not followed by two hex digits)",
        b'/' => "`/`",
        b':' => "`:`",
        b'<' => "`<`",
        b'>' => "`>`",
        b'?' => "`?`",
        b'@' => "`@`",
        b'[' => "`[`",
        b'\\' => "`\\`",
        b']' => "`]`",
        b'^' => "`^`",
        b'|' => "`|`",
        0..=0x1F | 0x7F => "a control character",
        _ => return None,
    })
}

/// [`forbidden_name`] as a table, for the scan of every host.
const FORBIDDEN: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = matches!(
            b as u8,
            0..=0x20
                | 0x7F
                | b'#'
                | b'%'
                | b'/'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'^'
                | b'|'
        );
        b += 1;
    }
    t
};

/// Checks and converts a mapped (lower-case) domain; hands off to the IPv4
/// parser when the last label is a number.
fn finish_domain(mapped: &str) -> Result<Host, HostError> {
    let name = mapped.trim_end_matches('.');
    if name.is_empty() {
        return Err(HostError::new("empty host"));
    }
    if let Some(what) = name
        .bytes()
        .find(|&b| FORBIDDEN[usize::from(b)])
        .and_then(forbidden_name)
    {
        return Err(HostError::new(format!(
            "host `{}` contains {what}, which is not allowed in a host name",
            shorten(mapped)
        )));
    }
    let last = name.rsplit('.').next().unwrap_or(name);
    if ends_in_number(last) {
        return parse_ipv4(name);
    }
    if plain_ascii(name) {
        // Nothing to convert: one allocation of the exact size.
        return Ok(Host {
            text: name.to_owned(),
            kind: HostKind::Domain,
        });
    }
    let mut text = String::with_capacity(name.len().min(MAX_HOST_LEN) + 8);
    for label in name.split('.') {
        if !text.is_empty() {
            text.push('.');
        }
        push_label(label, name, &mut text)?;
        // Stop at the limit: a crafted host can have a million labels.
        if text.len() > MAX_HOST_LEN {
            return Err(HostError::new(format!(
                "host `{}` is longer than {MAX_HOST_LEN} characters; the limit is {MAX_HOST_LEN}",
                shorten(name)
            )));
        }
    }
    Ok(Host {
        text,
        kind: HostKind::Domain,
    })
}

/// True when `b` is already a canonical domain: plain lower-case ASCII
/// labels (`a`–`z`, `0`–`9`, `-`, `_`), none empty, too long or `xn--`, no
/// trailing dot, and a last label that cannot be a number (it does not
/// start with a digit). Anything else goes the long way, which gives the
/// reason.
pub(crate) fn is_canonical_domain(b: &[u8]) -> bool {
    if b.is_empty() || b.len() > MAX_HOST_LEN {
        return false;
    }
    // Branch-free, so the compiler can vectorise it.
    let plain = b.iter().fold(true, |ok, &c| {
        ok & ((c.wrapping_sub(b'a') < 26)
            | (c.wrapping_sub(b'0') < 10)
            | (c == b'-')
            | (c == b'_')
            | (c == b'.'))
    });
    if !plain {
        return false;
    }
    let mut last = b;
    for label in b.split(|&c| c == b'.') {
        if label.is_empty() || label.len() > MAX_LABEL_LEN || label.starts_with(b"xn--") {
            return false;
        }
        last = label;
    }
    !last[0].is_ascii_digit()
}

/// True when `name` is ASCII with valid label and total lengths and no
/// `xn--` label to check, so it is already canonical.
fn plain_ascii(name: &str) -> bool {
    let b = name.as_bytes();
    if b.len() > MAX_HOST_LEN || !b.is_ascii() {
        return false;
    }
    b.split(|&c| c == b'.').all(|label| {
        !label.is_empty() && label.len() <= MAX_LABEL_LEN && !label.starts_with(b"xn--")
    })
}

/// Appends one label in its ASCII form.
fn push_label(label: &str, name: &str, text: &mut String) -> Result<(), HostError> {
    if label.is_empty() {
        return Err(HostError::new(format!(
            "host `{}` has an empty label (a leading dot or two dots in a row)",
            shorten(name)
        )));
    }
    let start = text.len();
    if label.is_ascii() {
        if let Some(encoded) = label.strip_prefix("xn--") {
            push_punycode_label(encoded, label, text)?;
        } else {
            text.push_str(label);
        }
    } else {
        text.push_str("xn--");
        punycode::encode_into(label, text).map_err(|e| {
            HostError::new(format!("label `{}` cannot be encoded: {e}", shorten(label)))
        })?;
    }
    let len = text.len() - start;
    if len > MAX_LABEL_LEN {
        return Err(HostError::new(format!(
            "label `{}` is {len} characters long; the limit is {MAX_LABEL_LEN}",
            shorten(&text[start..])
        )));
    }
    Ok(())
}

/// An ASCII `xn--` label. Valid punycode that decodes to upper-case
/// letters (which browsers refuse) is re-encoded lower-case, so the trick
/// cannot create a second spelling of a listed name. A label that is not
/// valid punycode (it does not decode, or decodes to plain ASCII, a
/// control, a space or U+FFFD) is kept as it is: the URL Standard keeps an
/// ASCII host as typed (WPT `toascii.json`: `xn--a`, `xn--zn7c.com`), so a
/// browser goes to `xn--a.listed.example`, and refusing the host would let
/// the page through as "not a web address".
fn push_punycode_label(encoded: &str, label: &str, text: &mut String) -> Result<(), HostError> {
    let decoded = punycode::decode(encoded).ok().filter(|d| {
        !d.is_ascii()
            && !d
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\u{FFFD}')
    });
    match decoded {
        Some(d) if d.chars().any(|c| c.is_uppercase()) => {
            text.push_str("xn--");
            punycode::encode_into(&d.to_lowercase(), text).map_err(|e| {
                HostError::new(format!("label `{}` cannot be encoded: {e}", shorten(label)))
            })?;
        }
        _ => text.push_str(label),
    }
    Ok(())
}

/// WHATWG "ends in a number": the last label is all digits, or parses as an
/// IPv4 number (`0x1f`).
fn ends_in_number(last: &str) -> bool {
    !last.is_empty()
        && (last.bytes().all(|b| b.is_ascii_digit()) || parse_ipv4_number(last).is_some())
}

/// Parses one IPv4 part: decimal, `0x` hex or leading-zero octal. Values are
/// saturated, so a long part is "too big", not an overflow.
fn parse_ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (radix, digits) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (16, hex)
        } else if part.len() > 1 && part.starts_with('0') {
            (8, &part[1..])
        } else {
            (10, part)
        };
    let mut value: u64 = 0;
    for b in digits.bytes() {
        let d = char::from(b).to_digit(radix)?;
        value = value
            .saturating_mul(u64::from(radix))
            .saturating_add(u64::from(d));
    }
    Some(value)
}

/// The WHATWG IPv4 parser: 1 to 4 parts, the last filling the remaining
/// bytes (`192.168.257` → `192.168.1.1`, `3232235777` → `192.168.1.1`).
fn parse_ipv4(name: &str) -> Result<Host, HostError> {
    let mut numbers = [0u64; 4];
    let mut count = 0;
    for part in name.split('.') {
        if count == 4 {
            return Err(HostError::new(format!(
                "host `{}` ends in a number but has more than 4 parts, so it is not a valid IPv4 address",
                shorten(name)
            )));
        }
        numbers[count] = parse_ipv4_number(part).ok_or_else(|| {
            HostError::new(format!(
                "host `{}` ends in a number, but `{}` is not a decimal, hex or octal number, so it is not a valid IPv4 address",
                shorten(name),
                shorten(part)
            ))
        })?;
        count += 1;
    }
    let (init, last) = numbers[..count].split_at(count - 1);
    if init.iter().any(|&n| n > 255) {
        return Err(HostError::new(format!(
            "IPv4 address `{}` has a part above 255",
            shorten(name)
        )));
    }
    let limit = 1u64 << (8 * (5 - count));
    if last[0] >= limit {
        return Err(HostError::new(format!(
            "IPv4 address `{}` is out of range (its last part must be below {limit})",
            shorten(name)
        )));
    }
    let mut addr = last[0];
    for (i, &n) in init.iter().enumerate() {
        addr += n << (8 * (3 - i));
    }
    // addr < 2^32 by the checks above.
    let addr = Ipv4Addr::from(u32::try_from(addr).unwrap_or(u32::MAX));
    Ok(Host {
        text: addr.to_string(),
        kind: HostKind::Ipv4,
    })
}

/// Parses an IPv6 address without brackets. The standard library's parser
/// accepts exactly RFC 4291 text (with an IPv4 tail), rejects zone ids, and
/// its `Display` is the RFC 5952 form. An address that reaches an IPv4
/// host (see [`embedded_ipv4`]) is that IPv4 address.
fn parse_ipv6(inner: &str) -> Result<Host, HostError> {
    match inner.parse::<Ipv6Addr>() {
        Ok(a) => Ok(match embedded_ipv4(&a) {
            Some(v4) => Host {
                text: v4.to_string(),
                kind: HostKind::Ipv4,
            },
            None => Host {
                text: a.to_string(),
                kind: HostKind::Ipv6,
            },
        }),
        Err(_) => Err(HostError::new(format!(
            "`{}` is not a valid IPv6 address",
            shorten(inner)
        ))),
    }
}

/// The IPv4 address that a connection to `a` reaches, if any:
/// IPv4-mapped `::ffff:a.b.c.d` (what a dual-stack socket connects to, in
/// every browser), IPv4-compatible `::a.b.c.d` (deprecated, routed by some
/// tunnels; a first byte of 0 keeps `::1` and `::` IPv6), and NAT64's
/// well-known prefix `64:ff9b::/96` (RFC 6052, IPv6-only networks reach
/// every IPv4 host through it). Network-specific NAT64 prefixes cannot be
/// known here.
pub fn embedded_ipv4(a: &Ipv6Addr) -> Option<Ipv4Addr> {
    let s = a.segments();
    let v4 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s[..6] {
        [0, 0, 0, 0, 0, 0xffff] => Some(v4),
        [0, 0, 0, 0, 0, 0] if v4.octets()[0] != 0 => Some(v4),
        [0x64, 0xff9b, 0, 0, 0, 0] => Some(v4),
        _ => None,
    }
}

/// At most 80 characters of `s` for error messages (URLs can be huge).
pub(crate) fn shorten(s: &str) -> Cow<'_, str> {
    const MAX: usize = 80;
    if s.len() <= MAX {
        return Cow::Borrowed(s);
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &s[..end]))
}

#[cfg(test)]
mod tests;
