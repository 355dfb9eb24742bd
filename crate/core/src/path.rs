//! Paths in the form servers resolve them, so that a URL-prefix rule holds
//! whatever spelling of its path a URL uses.
//!
//! A browser sends `/%66r`, `//fr` and `/x/..%2Ffr` as written, and common
//! servers answer all three with the page at `/fr`: they percent-decode the
//! path before routing (an encoded `/` included, as nginx does), merge
//! repeated slashes, and resolve `.` and `..` segments. [`canonical`]
//! gives that form, and both sides use it: the rule texts when a bundle or
//! a policy layer is compiled, and the URL when it is checked.
//!
//! The input is what follows the path's leading `/` in a path the URL
//! parser has resolved ([`crate::url::ParsedUrl::path`], or a rule's path
//! through the same parser), query included. The query is kept as given;
//! ASCII case is left to the caller, since rules compare it insensitively.
//! Decoded bytes need not be UTF-8; callers that want text convert lossily.
use std::borrow::Cow;

use crate::host::percent_decode_bytes;

/// The canonical form of `rest` (path without its leading `/`, then the
/// query): every `%XX` of the path decoded once, empty segments dropped,
/// `.` and `..` resolved, a trailing `/` kept. Borrowed when `rest` is
/// already canonical, which the common URL is (no allocation). Never
/// inlined: it stays out of the host walk's loop, which calls it only for
/// a host with URL-prefix rules.
#[inline(never)]
pub(crate) fn canonical(rest: &str) -> Cow<'_, [u8]> {
    if is_canonical(rest) {
        Cow::Borrowed(rest.as_bytes())
    } else {
        Cow::Owned(resolve(rest))
    }
}

/// `/` + [`canonical`] as text (lossy where decoded bytes are not UTF-8),
/// lower-cased: what custom entries and expressions compare.
pub(crate) fn canonical_text(rest: &str) -> String {
    let mut out = String::with_capacity(rest.len() + 1);
    out.push('/');
    out.push_str(&String::from_utf8_lossy(&canonical(rest)));
    out.make_ascii_lowercase();
    out
}

/// True when [`canonical`] would return `rest` itself: its path has no
/// `%`, no leading `/` and no `//` (the parser left no dot segments).
pub(crate) fn is_canonical(rest: &str) -> bool {
    let path = rest.split('?').next().unwrap_or(rest);
    // Substring searches: memchr-fast on long paths.
    !(path.starts_with('/') || path.contains('%') || path.contains("//"))
}

/// The general case of [`canonical`].
fn resolve(rest: &str) -> Vec<u8> {
    let (path, query) = match rest.find('?') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let decoded = percent_decode_bytes(path.as_bytes());
    let mut segments: Vec<&[u8]> = Vec::new();
    let mut trailing = false;
    let mut iter = decoded.split(|&b| b == b'/').peekable();
    while let Some(seg) = iter.next() {
        let last = iter.peek().is_none();
        match seg {
            b"" | b"." => {}
            b".." => {
                segments.pop();
            }
            _ => {
                segments.push(seg);
                continue;
            }
        }
        // A path that ends in `/`, `/.` or `/..` names a directory.
        trailing |= last;
    }
    let mut out = Vec::with_capacity(decoded.len() + query.len());
    for (i, seg) in segments.iter().enumerate() {
        if i > 0 {
            out.push(b'/');
        }
        out.extend_from_slice(seg);
    }
    if trailing && !segments.is_empty() {
        out.push(b'/');
    }
    out.extend_from_slice(query.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rest: &str) -> String {
        String::from_utf8_lossy(&canonical(rest)).into_owned()
    }

    #[test]
    fn spellings_of_one_path_agree() {
        for (input, want) in [
            ("fr", "fr"),
            ("fr/", "fr/"),
            ("%66r", "fr"),
            ("%66%72/x", "fr/x"),
            ("/fr", "fr"),
            ("//fr//x", "fr/x"),
            ("fr//", "fr/"),
            ("x/..%2Ffr", "fr"),
            ("x/%2e%2e%2ffr", "fr"),
            ("x%2F%2E%2E/fr", "fr"),
            ("a/b%2F..", "a/"),
            ("a%2F.", "a/"),
            ("%2F", ""),
            ("..%2f..%2ffr", "fr"),
            ("%7Euser", "~user"),
            ("%C3%A4", "ä"),
            ("a%20b", "a b"),
            ("100%", "100%"),
            ("100%25", "100%"),
            ("%zz", "%zz"),
            ("", ""),
            ("?q=%66r//x", "?q=%66r//x"),
            ("%66r?q=/../", "fr?q=/../"),
            ("//?x", "?x"),
        ] {
            assert_eq!(text(input), want, "{input:?}");
        }
    }

    #[test]
    fn invalid_utf8_stays_bytes() {
        assert_eq!(&*canonical("%FF%2Fa"), b"\xFF/a");
    }

    #[test]
    fn the_borrowed_shortcut_agrees_with_the_general_case() {
        const PIECES: &[&str] = &["a", "B", "/", "//", "?", "%", "%41", "%2f", "é", ".", "x."];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut checked = 0;
        for _ in 0..50_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let n = (x % 8) as usize;
            let rest: String = (0..n)
                .map(|i| PIECES[((x >> (8 * i)) % PIECES.len() as u64) as usize])
                .collect();
            // Only inputs the parser can give: no dot segments.
            let path = rest.split('?').next().unwrap_or("");
            if path.split('/').any(|s| s == "." || s == "..") {
                continue;
            }
            if is_canonical(&rest) {
                assert_eq!(resolve(&rest), rest.as_bytes(), "{rest:?}");
                checked += 1;
            }
            // The canonical form is a fixed point.
            let once = String::from_utf8_lossy(&canonical(&rest)).into_owned();
            if !once.contains('%') {
                assert_eq!(text(&once), once, "{rest:?}");
            }
        }
        assert!(checked > 1_000, "{checked}");
    }
}
