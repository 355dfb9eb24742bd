/*!
Host normalisation: one canonical text per host, so that spelling tricks
cannot dodge a list.

[`normalize_host`] follows the WHATWG URL Standard's host parser where it
matters for filtering, with two deliberate differences: trailing dots are
removed (`BAD.COM.` and `bad.com` are the same site to a resolver), and
empty labels are rejected.

# Overview of types

* [`Host`] — the canonical text and its [`HostKind`].
* [`HostError`] — why an input is not a host, in words a person can act on.

# Canonical forms

| kind | input examples | canonical |
|---|---|---|
| [`HostKind::Domain`] | `WWW.Bad.COM.`, `%62ad.com`, `ｂａｄ．ｃｏｍ` | `www.bad.com`, `bad.com`, `bad.com` |
| [`HostKind::Domain`] | `Bücher.de` | `xn--bcher-kva.de` |
| [`HostKind::Ipv4`] | `3232235777`, `0xC0A80101`, `0300.0250.1.1`, `192.168.257` | `192.168.1.1` |
| [`HostKind::Ipv6`] | `[0:0::1]`, `::FFFF:1.2.3.4` | `::1`, `::ffff:1.2.3.4` |

```
use lachan_core::host::{normalize_host, HostKind};

let h = normalize_host("WWW.Bücher.DE.").unwrap();
assert_eq!(h.as_str(), "www.xn--bcher-kva.de");
assert_eq!(h.kind(), HostKind::Domain);
assert_eq!(normalize_host("0x7f.1").unwrap().as_str(), "127.0.0.1");
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

    /// The IPv4 address this host reaches: an IPv4 host, or an IPv6 host
    /// that is an IPv4-mapped address (`::ffff:1.2.3.4`), so that a list of
    /// IPv4 addresses can be checked for both spellings.
    pub fn ipv4(&self) -> Option<Ipv4Addr> {
        match self.ip()? {
            IpAddr::V4(a) => Some(a),
            IpAddr::V6(a) => a.to_ipv4_mapped(),
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
        return finish_domain(&lower);
    }
    let decoded: Cow<str> = if input.contains('%') {
        Cow::Owned(percent_decode_host(input)?)
    } else {
        Cow::Borrowed(input)
    };
    let mapped = map_chars(&decoded)?;
    finish_domain(&mapped)
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

/// The light part of UTS #46 mapping: lower-case, full-width forms and
/// ideographic dots to ASCII, default-ignorable code points removed.
fn map_chars(input: &str) -> Result<String, HostError> {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            _ if c.is_ascii() => out.push(c),
            // Ideographic full stop, full-width full stop, half-width
            // ideographic full stop: UTS #46 maps them to '.'.
            '\u{3002}' | '\u{FF0E}' | '\u{FF61}' => out.push('.'),
            // Full-width ASCII (NFKC): 'Ｅ' → 'e'.
            '\u{FF01}'..='\u{FF5E}' => {
                let a = char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c);
                out.push(a.to_ascii_lowercase());
            }
            // Ideographic space (NFKC → U+0020): rejected below as a space.
            '\u{3000}' => out.push(' '),
            // Soft hyphen, combining grapheme joiner, Mongolian variation
            // selectors, zero-width space, word joiner, variation selectors,
            // BOM: "ignored" in UTS #46, so removed.
            '\u{00AD}'
            | '\u{034F}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'
            | '\u{2060}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}' => {}
            '\u{200C}' | '\u{200D}' => {
                return Err(HostError::new(format!(
                    "host `{}` contains an invisible joiner (U+{:04X})",
                    shorten(input),
                    u32::from(c)
                )))
            }
            _ if c.is_control() || c.is_whitespace() || c == '\u{FFFD}' => {
                return Err(HostError::new(format!(
                    "host `{}` contains the invisible or invalid character U+{:04X}",
                    shorten(input),
                    u32::from(c)
                )))
            }
            _ => out.extend(c.to_lowercase()),
        }
    }
    Ok(compose(out))
}

/// Composes a base letter and a following combining mark into the
/// precomposed letter (a small NFC for Latin and Vietnamese letters, which
/// is what a decomposed domain typed on a Vietnamese keyboard holds).
fn compose(s: String) -> String {
    if !s.chars().any(|c| ('\u{0300}'..='\u{036F}').contains(&c)) {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if let Some(p) = prev {
            if let Some(composed) = compose_pair(p, c) {
                prev = Some(composed);
                continue;
            }
            out.push(p);
        }
        prev = Some(c);
    }
    out.extend(prev);
    out
}

fn compose_pair(base: char, mark: char) -> Option<char> {
    COMPOSITIONS
        .binary_search_by(|&(b, m, _)| (b, m).cmp(&(base, mark)))
        .ok()
        .map(|i| COMPOSITIONS[i].2)
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
    let mut text = String::with_capacity(name.len() + 8);
    for label in name.split('.') {
        if !text.is_empty() {
            text.push('.');
        }
        push_label(label, name, &mut text)?;
    }
    if text.len() > MAX_HOST_LEN {
        return Err(HostError::new(format!(
            "host `{}` is {} characters long; the limit is {MAX_HOST_LEN}",
            shorten(&text),
            text.len()
        )));
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

/// An `xn--` label must be valid punycode; if it decodes to upper-case
/// letters (which browsers refuse) it is re-encoded lower-case, so the
/// trick cannot create a second spelling of a listed name.
fn push_punycode_label(encoded: &str, label: &str, text: &mut String) -> Result<(), HostError> {
    let decoded = punycode::decode(encoded).map_err(|e| {
        HostError::new(format!(
            "label `{}` is not valid punycode ({e})",
            shorten(label)
        ))
    })?;
    if decoded.is_ascii() || decoded.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(HostError::new(format!(
            "label `{}` is not valid punycode (it decodes to {})",
            shorten(label),
            if decoded.is_ascii() {
                "plain ASCII"
            } else {
                "an invisible character"
            }
        )));
    }
    if decoded.chars().any(|c| c.is_uppercase()) {
        let lower = decoded.to_lowercase();
        text.push_str("xn--");
        punycode::encode_into(&lower, text).map_err(|e| {
            HostError::new(format!("label `{}` cannot be encoded: {e}", shorten(label)))
        })?;
    } else {
        text.push_str(label);
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
/// its `Display` is the RFC 5952 form.
fn parse_ipv6(inner: &str) -> Result<Host, HostError> {
    match inner.parse::<Ipv6Addr>() {
        Ok(a) => Ok(Host {
            text: a.to_string(),
            kind: HostKind::Ipv6,
        }),
        Err(_) => Err(HostError::new(format!(
            "`{}` is not a valid IPv6 address",
            shorten(inner)
        ))),
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

/// (base, combining mark, composed), sorted: every pair whose NFC is one
/// character, for lower-case bases `a`–`z`, U+00C0–U+024F and U+1E00–U+1EFF
/// (so both orders of two marks compose, as in `ệ`). Generated with Python's
/// `unicodedata` (Unicode 14). Input is lower-cased before composing.
#[rustfmt::skip]
const COMPOSITIONS: &[(char, char, char)] = &[
    ('\u{0061}', '\u{0300}', '\u{00E0}'),
    ('\u{0061}', '\u{0301}', '\u{00E1}'),
    ('\u{0061}', '\u{0302}', '\u{00E2}'),
    ('\u{0061}', '\u{0303}', '\u{00E3}'),
    ('\u{0061}', '\u{0304}', '\u{0101}'),
    ('\u{0061}', '\u{0306}', '\u{0103}'),
    ('\u{0061}', '\u{0307}', '\u{0227}'),
    ('\u{0061}', '\u{0308}', '\u{00E4}'),
    ('\u{0061}', '\u{0309}', '\u{1EA3}'),
    ('\u{0061}', '\u{030A}', '\u{00E5}'),
    ('\u{0061}', '\u{030C}', '\u{01CE}'),
    ('\u{0061}', '\u{030F}', '\u{0201}'),
    ('\u{0061}', '\u{0311}', '\u{0203}'),
    ('\u{0061}', '\u{0323}', '\u{1EA1}'),
    ('\u{0061}', '\u{0325}', '\u{1E01}'),
    ('\u{0061}', '\u{0328}', '\u{0105}'),
    ('\u{0061}', '\u{0340}', '\u{00E0}'),
    ('\u{0061}', '\u{0341}', '\u{00E1}'),
    ('\u{0062}', '\u{0307}', '\u{1E03}'),
    ('\u{0062}', '\u{0323}', '\u{1E05}'),
    ('\u{0062}', '\u{0331}', '\u{1E07}'),
    ('\u{0063}', '\u{0301}', '\u{0107}'),
    ('\u{0063}', '\u{0302}', '\u{0109}'),
    ('\u{0063}', '\u{0307}', '\u{010B}'),
    ('\u{0063}', '\u{030C}', '\u{010D}'),
    ('\u{0063}', '\u{0327}', '\u{00E7}'),
    ('\u{0063}', '\u{0341}', '\u{0107}'),
    ('\u{0064}', '\u{0307}', '\u{1E0B}'),
    ('\u{0064}', '\u{030C}', '\u{010F}'),
    ('\u{0064}', '\u{0323}', '\u{1E0D}'),
    ('\u{0064}', '\u{0327}', '\u{1E11}'),
    ('\u{0064}', '\u{032D}', '\u{1E13}'),
    ('\u{0064}', '\u{0331}', '\u{1E0F}'),
    ('\u{0065}', '\u{0300}', '\u{00E8}'),
    ('\u{0065}', '\u{0301}', '\u{00E9}'),
    ('\u{0065}', '\u{0302}', '\u{00EA}'),
    ('\u{0065}', '\u{0303}', '\u{1EBD}'),
    ('\u{0065}', '\u{0304}', '\u{0113}'),
    ('\u{0065}', '\u{0306}', '\u{0115}'),
    ('\u{0065}', '\u{0307}', '\u{0117}'),
    ('\u{0065}', '\u{0308}', '\u{00EB}'),
    ('\u{0065}', '\u{0309}', '\u{1EBB}'),
    ('\u{0065}', '\u{030C}', '\u{011B}'),
    ('\u{0065}', '\u{030F}', '\u{0205}'),
    ('\u{0065}', '\u{0311}', '\u{0207}'),
    ('\u{0065}', '\u{0323}', '\u{1EB9}'),
    ('\u{0065}', '\u{0327}', '\u{0229}'),
    ('\u{0065}', '\u{0328}', '\u{0119}'),
    ('\u{0065}', '\u{032D}', '\u{1E19}'),
    ('\u{0065}', '\u{0330}', '\u{1E1B}'),
    ('\u{0065}', '\u{0340}', '\u{00E8}'),
    ('\u{0065}', '\u{0341}', '\u{00E9}'),
    ('\u{0066}', '\u{0307}', '\u{1E1F}'),
    ('\u{0067}', '\u{0301}', '\u{01F5}'),
    ('\u{0067}', '\u{0302}', '\u{011D}'),
    ('\u{0067}', '\u{0304}', '\u{1E21}'),
    ('\u{0067}', '\u{0306}', '\u{011F}'),
    ('\u{0067}', '\u{0307}', '\u{0121}'),
    ('\u{0067}', '\u{030C}', '\u{01E7}'),
    ('\u{0067}', '\u{0327}', '\u{0123}'),
    ('\u{0067}', '\u{0341}', '\u{01F5}'),
    ('\u{0068}', '\u{0302}', '\u{0125}'),
    ('\u{0068}', '\u{0307}', '\u{1E23}'),
    ('\u{0068}', '\u{0308}', '\u{1E27}'),
    ('\u{0068}', '\u{030C}', '\u{021F}'),
    ('\u{0068}', '\u{0323}', '\u{1E25}'),
    ('\u{0068}', '\u{0327}', '\u{1E29}'),
    ('\u{0068}', '\u{032E}', '\u{1E2B}'),
    ('\u{0068}', '\u{0331}', '\u{1E96}'),
    ('\u{0069}', '\u{0300}', '\u{00EC}'),
    ('\u{0069}', '\u{0301}', '\u{00ED}'),
    ('\u{0069}', '\u{0302}', '\u{00EE}'),
    ('\u{0069}', '\u{0303}', '\u{0129}'),
    ('\u{0069}', '\u{0304}', '\u{012B}'),
    ('\u{0069}', '\u{0306}', '\u{012D}'),
    ('\u{0069}', '\u{0308}', '\u{00EF}'),
    ('\u{0069}', '\u{0309}', '\u{1EC9}'),
    ('\u{0069}', '\u{030C}', '\u{01D0}'),
    ('\u{0069}', '\u{030F}', '\u{0209}'),
    ('\u{0069}', '\u{0311}', '\u{020B}'),
    ('\u{0069}', '\u{0323}', '\u{1ECB}'),
    ('\u{0069}', '\u{0328}', '\u{012F}'),
    ('\u{0069}', '\u{0330}', '\u{1E2D}'),
    ('\u{0069}', '\u{0340}', '\u{00EC}'),
    ('\u{0069}', '\u{0341}', '\u{00ED}'),
    ('\u{0069}', '\u{0344}', '\u{1E2F}'),
    ('\u{006A}', '\u{0302}', '\u{0135}'),
    ('\u{006A}', '\u{030C}', '\u{01F0}'),
    ('\u{006B}', '\u{0301}', '\u{1E31}'),
    ('\u{006B}', '\u{030C}', '\u{01E9}'),
    ('\u{006B}', '\u{0323}', '\u{1E33}'),
    ('\u{006B}', '\u{0327}', '\u{0137}'),
    ('\u{006B}', '\u{0331}', '\u{1E35}'),
    ('\u{006B}', '\u{0341}', '\u{1E31}'),
    ('\u{006C}', '\u{0301}', '\u{013A}'),
    ('\u{006C}', '\u{030C}', '\u{013E}'),
    ('\u{006C}', '\u{0323}', '\u{1E37}'),
    ('\u{006C}', '\u{0327}', '\u{013C}'),
    ('\u{006C}', '\u{032D}', '\u{1E3D}'),
    ('\u{006C}', '\u{0331}', '\u{1E3B}'),
    ('\u{006C}', '\u{0341}', '\u{013A}'),
    ('\u{006D}', '\u{0301}', '\u{1E3F}'),
    ('\u{006D}', '\u{0307}', '\u{1E41}'),
    ('\u{006D}', '\u{0323}', '\u{1E43}'),
    ('\u{006D}', '\u{0341}', '\u{1E3F}'),
    ('\u{006E}', '\u{0300}', '\u{01F9}'),
    ('\u{006E}', '\u{0301}', '\u{0144}'),
    ('\u{006E}', '\u{0303}', '\u{00F1}'),
    ('\u{006E}', '\u{0307}', '\u{1E45}'),
    ('\u{006E}', '\u{030C}', '\u{0148}'),
    ('\u{006E}', '\u{0323}', '\u{1E47}'),
    ('\u{006E}', '\u{0327}', '\u{0146}'),
    ('\u{006E}', '\u{032D}', '\u{1E4B}'),
    ('\u{006E}', '\u{0331}', '\u{1E49}'),
    ('\u{006E}', '\u{0340}', '\u{01F9}'),
    ('\u{006E}', '\u{0341}', '\u{0144}'),
    ('\u{006F}', '\u{0300}', '\u{00F2}'),
    ('\u{006F}', '\u{0301}', '\u{00F3}'),
    ('\u{006F}', '\u{0302}', '\u{00F4}'),
    ('\u{006F}', '\u{0303}', '\u{00F5}'),
    ('\u{006F}', '\u{0304}', '\u{014D}'),
    ('\u{006F}', '\u{0306}', '\u{014F}'),
    ('\u{006F}', '\u{0307}', '\u{022F}'),
    ('\u{006F}', '\u{0308}', '\u{00F6}'),
    ('\u{006F}', '\u{0309}', '\u{1ECF}'),
    ('\u{006F}', '\u{030B}', '\u{0151}'),
    ('\u{006F}', '\u{030C}', '\u{01D2}'),
    ('\u{006F}', '\u{030F}', '\u{020D}'),
    ('\u{006F}', '\u{0311}', '\u{020F}'),
    ('\u{006F}', '\u{031B}', '\u{01A1}'),
    ('\u{006F}', '\u{0323}', '\u{1ECD}'),
    ('\u{006F}', '\u{0328}', '\u{01EB}'),
    ('\u{006F}', '\u{0340}', '\u{00F2}'),
    ('\u{006F}', '\u{0341}', '\u{00F3}'),
    ('\u{0070}', '\u{0301}', '\u{1E55}'),
    ('\u{0070}', '\u{0307}', '\u{1E57}'),
    ('\u{0070}', '\u{0341}', '\u{1E55}'),
    ('\u{0072}', '\u{0301}', '\u{0155}'),
    ('\u{0072}', '\u{0307}', '\u{1E59}'),
    ('\u{0072}', '\u{030C}', '\u{0159}'),
    ('\u{0072}', '\u{030F}', '\u{0211}'),
    ('\u{0072}', '\u{0311}', '\u{0213}'),
    ('\u{0072}', '\u{0323}', '\u{1E5B}'),
    ('\u{0072}', '\u{0327}', '\u{0157}'),
    ('\u{0072}', '\u{0331}', '\u{1E5F}'),
    ('\u{0072}', '\u{0341}', '\u{0155}'),
    ('\u{0073}', '\u{0301}', '\u{015B}'),
    ('\u{0073}', '\u{0302}', '\u{015D}'),
    ('\u{0073}', '\u{0307}', '\u{1E61}'),
    ('\u{0073}', '\u{030C}', '\u{0161}'),
    ('\u{0073}', '\u{0323}', '\u{1E63}'),
    ('\u{0073}', '\u{0326}', '\u{0219}'),
    ('\u{0073}', '\u{0327}', '\u{015F}'),
    ('\u{0073}', '\u{0341}', '\u{015B}'),
    ('\u{0074}', '\u{0307}', '\u{1E6B}'),
    ('\u{0074}', '\u{0308}', '\u{1E97}'),
    ('\u{0074}', '\u{030C}', '\u{0165}'),
    ('\u{0074}', '\u{0323}', '\u{1E6D}'),
    ('\u{0074}', '\u{0326}', '\u{021B}'),
    ('\u{0074}', '\u{0327}', '\u{0163}'),
    ('\u{0074}', '\u{032D}', '\u{1E71}'),
    ('\u{0074}', '\u{0331}', '\u{1E6F}'),
    ('\u{0075}', '\u{0300}', '\u{00F9}'),
    ('\u{0075}', '\u{0301}', '\u{00FA}'),
    ('\u{0075}', '\u{0302}', '\u{00FB}'),
    ('\u{0075}', '\u{0303}', '\u{0169}'),
    ('\u{0075}', '\u{0304}', '\u{016B}'),
    ('\u{0075}', '\u{0306}', '\u{016D}'),
    ('\u{0075}', '\u{0308}', '\u{00FC}'),
    ('\u{0075}', '\u{0309}', '\u{1EE7}'),
    ('\u{0075}', '\u{030A}', '\u{016F}'),
    ('\u{0075}', '\u{030B}', '\u{0171}'),
    ('\u{0075}', '\u{030C}', '\u{01D4}'),
    ('\u{0075}', '\u{030F}', '\u{0215}'),
    ('\u{0075}', '\u{0311}', '\u{0217}'),
    ('\u{0075}', '\u{031B}', '\u{01B0}'),
    ('\u{0075}', '\u{0323}', '\u{1EE5}'),
    ('\u{0075}', '\u{0324}', '\u{1E73}'),
    ('\u{0075}', '\u{0328}', '\u{0173}'),
    ('\u{0075}', '\u{032D}', '\u{1E77}'),
    ('\u{0075}', '\u{0330}', '\u{1E75}'),
    ('\u{0075}', '\u{0340}', '\u{00F9}'),
    ('\u{0075}', '\u{0341}', '\u{00FA}'),
    ('\u{0075}', '\u{0344}', '\u{01D8}'),
    ('\u{0076}', '\u{0303}', '\u{1E7D}'),
    ('\u{0076}', '\u{0323}', '\u{1E7F}'),
    ('\u{0077}', '\u{0300}', '\u{1E81}'),
    ('\u{0077}', '\u{0301}', '\u{1E83}'),
    ('\u{0077}', '\u{0302}', '\u{0175}'),
    ('\u{0077}', '\u{0307}', '\u{1E87}'),
    ('\u{0077}', '\u{0308}', '\u{1E85}'),
    ('\u{0077}', '\u{030A}', '\u{1E98}'),
    ('\u{0077}', '\u{0323}', '\u{1E89}'),
    ('\u{0077}', '\u{0340}', '\u{1E81}'),
    ('\u{0077}', '\u{0341}', '\u{1E83}'),
    ('\u{0078}', '\u{0307}', '\u{1E8B}'),
    ('\u{0078}', '\u{0308}', '\u{1E8D}'),
    ('\u{0079}', '\u{0300}', '\u{1EF3}'),
    ('\u{0079}', '\u{0301}', '\u{00FD}'),
    ('\u{0079}', '\u{0302}', '\u{0177}'),
    ('\u{0079}', '\u{0303}', '\u{1EF9}'),
    ('\u{0079}', '\u{0304}', '\u{0233}'),
    ('\u{0079}', '\u{0307}', '\u{1E8F}'),
    ('\u{0079}', '\u{0308}', '\u{00FF}'),
    ('\u{0079}', '\u{0309}', '\u{1EF7}'),
    ('\u{0079}', '\u{030A}', '\u{1E99}'),
    ('\u{0079}', '\u{0323}', '\u{1EF5}'),
    ('\u{0079}', '\u{0340}', '\u{1EF3}'),
    ('\u{0079}', '\u{0341}', '\u{00FD}'),
    ('\u{007A}', '\u{0301}', '\u{017A}'),
    ('\u{007A}', '\u{0302}', '\u{1E91}'),
    ('\u{007A}', '\u{0307}', '\u{017C}'),
    ('\u{007A}', '\u{030C}', '\u{017E}'),
    ('\u{007A}', '\u{0323}', '\u{1E93}'),
    ('\u{007A}', '\u{0331}', '\u{1E95}'),
    ('\u{007A}', '\u{0341}', '\u{017A}'),
    ('\u{00E2}', '\u{0300}', '\u{1EA7}'),
    ('\u{00E2}', '\u{0301}', '\u{1EA5}'),
    ('\u{00E2}', '\u{0303}', '\u{1EAB}'),
    ('\u{00E2}', '\u{0309}', '\u{1EA9}'),
    ('\u{00E2}', '\u{0323}', '\u{1EAD}'),
    ('\u{00E2}', '\u{0340}', '\u{1EA7}'),
    ('\u{00E2}', '\u{0341}', '\u{1EA5}'),
    ('\u{00E4}', '\u{0304}', '\u{01DF}'),
    ('\u{00E5}', '\u{0301}', '\u{01FB}'),
    ('\u{00E5}', '\u{0341}', '\u{01FB}'),
    ('\u{00E6}', '\u{0301}', '\u{01FD}'),
    ('\u{00E6}', '\u{0304}', '\u{01E3}'),
    ('\u{00E6}', '\u{0341}', '\u{01FD}'),
    ('\u{00E7}', '\u{0301}', '\u{1E09}'),
    ('\u{00E7}', '\u{0341}', '\u{1E09}'),
    ('\u{00EA}', '\u{0300}', '\u{1EC1}'),
    ('\u{00EA}', '\u{0301}', '\u{1EBF}'),
    ('\u{00EA}', '\u{0303}', '\u{1EC5}'),
    ('\u{00EA}', '\u{0309}', '\u{1EC3}'),
    ('\u{00EA}', '\u{0323}', '\u{1EC7}'),
    ('\u{00EA}', '\u{0340}', '\u{1EC1}'),
    ('\u{00EA}', '\u{0341}', '\u{1EBF}'),
    ('\u{00EF}', '\u{0301}', '\u{1E2F}'),
    ('\u{00EF}', '\u{0341}', '\u{1E2F}'),
    ('\u{00F2}', '\u{031B}', '\u{1EDD}'),
    ('\u{00F3}', '\u{031B}', '\u{1EDB}'),
    ('\u{00F4}', '\u{0300}', '\u{1ED3}'),
    ('\u{00F4}', '\u{0301}', '\u{1ED1}'),
    ('\u{00F4}', '\u{0303}', '\u{1ED7}'),
    ('\u{00F4}', '\u{0309}', '\u{1ED5}'),
    ('\u{00F4}', '\u{0323}', '\u{1ED9}'),
    ('\u{00F4}', '\u{0340}', '\u{1ED3}'),
    ('\u{00F4}', '\u{0341}', '\u{1ED1}'),
    ('\u{00F5}', '\u{0301}', '\u{1E4D}'),
    ('\u{00F5}', '\u{0304}', '\u{022D}'),
    ('\u{00F5}', '\u{0308}', '\u{1E4F}'),
    ('\u{00F5}', '\u{031B}', '\u{1EE1}'),
    ('\u{00F5}', '\u{0341}', '\u{1E4D}'),
    ('\u{00F6}', '\u{0304}', '\u{022B}'),
    ('\u{00F8}', '\u{0301}', '\u{01FF}'),
    ('\u{00F8}', '\u{0341}', '\u{01FF}'),
    ('\u{00F9}', '\u{031B}', '\u{1EEB}'),
    ('\u{00FA}', '\u{031B}', '\u{1EE9}'),
    ('\u{00FC}', '\u{0300}', '\u{01DC}'),
    ('\u{00FC}', '\u{0301}', '\u{01D8}'),
    ('\u{00FC}', '\u{0304}', '\u{01D6}'),
    ('\u{00FC}', '\u{030C}', '\u{01DA}'),
    ('\u{00FC}', '\u{0340}', '\u{01DC}'),
    ('\u{00FC}', '\u{0341}', '\u{01D8}'),
    ('\u{0103}', '\u{0300}', '\u{1EB1}'),
    ('\u{0103}', '\u{0301}', '\u{1EAF}'),
    ('\u{0103}', '\u{0303}', '\u{1EB5}'),
    ('\u{0103}', '\u{0309}', '\u{1EB3}'),
    ('\u{0103}', '\u{0323}', '\u{1EB7}'),
    ('\u{0103}', '\u{0340}', '\u{1EB1}'),
    ('\u{0103}', '\u{0341}', '\u{1EAF}'),
    ('\u{0107}', '\u{0327}', '\u{1E09}'),
    ('\u{0113}', '\u{0300}', '\u{1E15}'),
    ('\u{0113}', '\u{0301}', '\u{1E17}'),
    ('\u{0113}', '\u{0340}', '\u{1E15}'),
    ('\u{0113}', '\u{0341}', '\u{1E17}'),
    ('\u{0115}', '\u{0327}', '\u{1E1D}'),
    ('\u{014D}', '\u{0300}', '\u{1E51}'),
    ('\u{014D}', '\u{0301}', '\u{1E53}'),
    ('\u{014D}', '\u{0328}', '\u{01ED}'),
    ('\u{014D}', '\u{0340}', '\u{1E51}'),
    ('\u{014D}', '\u{0341}', '\u{1E53}'),
    ('\u{015B}', '\u{0307}', '\u{1E65}'),
    ('\u{0161}', '\u{0307}', '\u{1E67}'),
    ('\u{0169}', '\u{0301}', '\u{1E79}'),
    ('\u{0169}', '\u{031B}', '\u{1EEF}'),
    ('\u{0169}', '\u{0341}', '\u{1E79}'),
    ('\u{016B}', '\u{0308}', '\u{1E7B}'),
    ('\u{017F}', '\u{0307}', '\u{1E9B}'),
    ('\u{01A1}', '\u{0300}', '\u{1EDD}'),
    ('\u{01A1}', '\u{0301}', '\u{1EDB}'),
    ('\u{01A1}', '\u{0303}', '\u{1EE1}'),
    ('\u{01A1}', '\u{0309}', '\u{1EDF}'),
    ('\u{01A1}', '\u{0323}', '\u{1EE3}'),
    ('\u{01A1}', '\u{0340}', '\u{1EDD}'),
    ('\u{01A1}', '\u{0341}', '\u{1EDB}'),
    ('\u{01B0}', '\u{0300}', '\u{1EEB}'),
    ('\u{01B0}', '\u{0301}', '\u{1EE9}'),
    ('\u{01B0}', '\u{0303}', '\u{1EEF}'),
    ('\u{01B0}', '\u{0309}', '\u{1EED}'),
    ('\u{01B0}', '\u{0323}', '\u{1EF1}'),
    ('\u{01B0}', '\u{0340}', '\u{1EEB}'),
    ('\u{01B0}', '\u{0341}', '\u{1EE9}'),
    ('\u{01EB}', '\u{0304}', '\u{01ED}'),
    ('\u{0227}', '\u{0304}', '\u{01E1}'),
    ('\u{0229}', '\u{0306}', '\u{1E1D}'),
    ('\u{022F}', '\u{0304}', '\u{0231}'),
    ('\u{1E37}', '\u{0304}', '\u{1E39}'),
    ('\u{1E5B}', '\u{0304}', '\u{1E5D}'),
    ('\u{1E61}', '\u{0323}', '\u{1E69}'),
    ('\u{1E63}', '\u{0307}', '\u{1E69}'),
    ('\u{1EA1}', '\u{0302}', '\u{1EAD}'),
    ('\u{1EA1}', '\u{0306}', '\u{1EB7}'),
    ('\u{1EB9}', '\u{0302}', '\u{1EC7}'),
    ('\u{1ECD}', '\u{0302}', '\u{1ED9}'),
    ('\u{1ECD}', '\u{031B}', '\u{1EE3}'),
    ('\u{1ECF}', '\u{031B}', '\u{1EDF}'),
    ('\u{1EE5}', '\u{031B}', '\u{1EF1}'),
    ('\u{1EE7}', '\u{031B}', '\u{1EED}'),
];

#[cfg(test)]
mod tests;
