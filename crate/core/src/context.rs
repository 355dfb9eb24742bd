//! URL context for expression rules.
//!
//! A broad expression such as UT1's English adult pattern matches words like
//! "sex", "teen" or "breast" wherever they stand, so it also matches health,
//! sex-education and news pages. A source's context list names the words
//! (`health`, `news`, `suc-khoe`) and host suffixes (`.gov`, `.nhs.uk`) that
//! show what a page is about. When an expression of that source matches only
//! in the path, and the host (all but its top-level label) or the path (never
//! the query, which anyone can append) carries a context word, or the host
//! ends with a context suffix, the expression does not apply. A match inside
//! the host name always applies: a host is named by its owner, a path often
//! by a headline.
use serde::{Deserialize, Serialize};

use crate::host::{normalize_host, HostKind};

/// Longest word or phrase accepted (longer ones are surely a mistake).
const MAX_WORD_LEN: usize = 64;

/// One entry of a context list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextEntry {
    /// A word, or words joined by `-`, matched as whole tokens of the
    /// address (`health` matches `/health/` and `my-health.org`, not
    /// `healthy` or `kidshealth`).
    Word(String),
    /// A host suffix matched at a label boundary (`nhs.uk` covers `nhs.uk`
    /// and `www.nhs.uk`, not `fakenhs.uk`).
    Host(String),
}

/// Parses one entry: `word`, `two-words`, or `.host.suffix`. Words are
/// ASCII letters and digits (Vietnamese without diacritics, as addresses
/// spell it: `suc-khoe`); case does not matter.
pub fn parse_context_entry(text: &str) -> Result<ContextEntry, String> {
    let t = text.trim();
    if let Some(host) = t.strip_prefix('.') {
        let h = normalize_host(host).map_err(|e| format!("host suffix {t:?}: {e}"))?;
        if h.kind() != HostKind::Domain || host.starts_with('.') {
            return Err(format!("host suffix {t:?} is not a domain name"));
        }
        return Ok(ContextEntry::Host(h.as_str().to_string()));
    }
    let w = t.to_ascii_lowercase();
    let tokens_ok = w
        .split('-')
        .all(|tok| !tok.is_empty() && tok.bytes().all(|b| b.is_ascii_alphanumeric()));
    if w.is_empty() || w.len() > MAX_WORD_LEN || !tokens_ok {
        return Err(format!(
            "{t:?} is not a context word: use ASCII letters and digits, words joined by \
             single '-' (e.g. health, sex-ed, suc-khoe), or a host suffix starting with '.'"
        ));
    }
    Ok(ContextEntry::Word(w))
}

/// The context list of one expression source, as the bundle stores it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpressionContext {
    /// Words and hyphen-joined phrases, lower case.
    #[serde(default)]
    pub words: Vec<String>,
    /// Host suffixes, canonical, without the leading dot.
    #[serde(default)]
    pub hosts: Vec<String>,
}

impl ExpressionContext {
    /// Adds an entry (duplicates are kept out).
    pub fn add(&mut self, entry: ContextEntry) {
        let list = match entry {
            ContextEntry::Word(w) => (&mut self.words, w),
            ContextEntry::Host(h) => (&mut self.hosts, h),
        };
        if !list.0.contains(&list.1) {
            list.0.push(list.1);
        }
    }

    /// Whether the list has no entries.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.hosts.is_empty()
    }

    /// Whether the address (canonical `host`, and the path and query
    /// without the path's leading `/`) shows one of the contexts.
    pub(crate) fn covers(&self, host: &str, path_rest: &str) -> bool {
        let host_hit = self.hosts.iter().any(|s| {
            !s.is_empty()
                && (host == s
                    || (host.len() > s.len()
                        && host.ends_with(s.as_str())
                        && host.as_bytes()[host.len() - s.len() - 1] == b'.'))
        });
        if host_hit {
            return true;
        }
        let path = path_rest.split('?').next().unwrap_or("");
        // The top-level label says nothing of the page: anyone can register
        // a name under .news, .health or .education.
        let labels = host.rsplit_once('.').map_or(host, |(rest, _)| rest);
        // Every token preceded by '-', one more '-' between host and path so
        // that no phrase spans them, and a '-' at the end.
        let mut joined = String::with_capacity(host.len() + path.len() + 4);
        push_tokens(&mut joined, labels);
        joined.push('-');
        push_tokens(&mut joined, path);
        joined.push('-');
        let b = joined.as_bytes();
        self.words.iter().filter(|w| !w.is_empty()).any(|w| {
            joined
                .match_indices(w.as_str())
                .any(|(i, _)| i > 0 && b[i - 1] == b'-' && b.get(i + w.len()) == Some(&b'-'))
        })
    }
}

/// Appends `-token` for each run of ASCII letters and digits of `s`,
/// lower-cased. Everything else separates tokens; a percent escape (`%20`)
/// counts as one separator, so `breast%20health` gives `health`.
fn push_tokens(out: &mut String, s: &str) {
    let b = s.as_bytes();
    let mut i = 0;
    let mut in_token = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_alphanumeric() {
            if !in_token {
                out.push('-');
                in_token = true;
            }
            out.push(c.to_ascii_lowercase() as char);
            i += 1;
            continue;
        }
        in_token = false;
        let escape = c == b'%'
            && b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        i += if escape { 3 } else { 1 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Action, AgeBand, BundleBuilder, Engine, SourceInfo, SourceKind};

    fn context(entries: &[&str]) -> ExpressionContext {
        let mut c = ExpressionContext::default();
        for e in entries {
            c.add(parse_context_entry(e).unwrap());
        }
        c
    }

    #[test]
    fn entries_parse_or_say_what_is_wrong() {
        assert_eq!(
            parse_context_entry(" Health "),
            Ok(ContextEntry::Word("health".into()))
        );
        assert_eq!(
            parse_context_entry("suc-khoe"),
            Ok(ContextEntry::Word("suc-khoe".into()))
        );
        assert_eq!(
            parse_context_entry(".NHS.uk"),
            Ok(ContextEntry::Host("nhs.uk".into()))
        );
        assert_eq!(
            parse_context_entry(".gov"),
            Ok(ContextEntry::Host("gov".into()))
        );
        for bad in [
            "",
            "-health",
            "sex--ed",
            "sức-khỏe",
            "two words",
            "a_b",
            "..gov",
            ".1.2.3.4",
            ".",
        ] {
            let err = parse_context_entry(bad).unwrap_err();
            assert!(!err.is_empty(), "{bad:?}");
        }
        assert!(parse_context_entry(&"a".repeat(65)).is_err());
    }

    #[test]
    fn words_match_whole_tokens_of_host_and_path_not_query() {
        let c = context(&["health", "sex-ed", "news", "suc-khoe"]);
        assert!(c.covers("www.example.org", "health/teen-acne"));
        assert!(c.covers("my-health.example", "teen"));
        assert!(c.covers("health.example", "x"));
        assert!(c.covers("www.news.example.org", "x"));
        // Not the top-level label: open to anyone.
        assert!(!c.covers("clips.news", "teen"));
        assert!(!c.covers("free.health", "teen"));
        assert!(c.covers("example.org", "en/teens/sex-ed.html"));
        assert!(c.covers("example.org", "a/SEX_ED/b"));
        assert!(c.covers("vnexpress.net", "suc-khoe/benh-cum-a-123.html"));
        assert!(c.covers("example.org", "topic/breast%20health"));
        assert!(c.covers("example.org", "topic/breast%2Fhealth"));
        // Not whole tokens.
        assert!(!c.covers("kidshealth.example", "teen"));
        assert!(!c.covers("example.org", "healthy/teen"));
        assert!(!c.covers("example.org", "sexed/teen"));
        assert!(!c.covers("example.org", "sex-education"));
        assert!(!c.covers("example.org", "suc/x/khoe"));
        // A phrase does not span host and path.
        assert!(!c.covers("x.sex", "ed/teen"));
        // The query is the visitor's, not the page's.
        assert!(!c.covers("example.org", "videos/teen?topic=health"));
        assert!(!c.covers("example.org", "?news"));
    }

    #[test]
    fn host_suffixes_match_at_label_boundaries() {
        let c = context(&[".gov", ".nhs.uk"]);
        assert!(c.covers("gov", ""));
        assert!(c.covers("www.cdc.gov", "teen"));
        assert!(c.covers("nhs.uk", "x"));
        assert!(c.covers("www.nhs.uk", "conditions/breast-lumps/"));
        assert!(!c.covers("fakenhs.uk", "x"));
        assert!(!c.covers("govsex.example", "x"));
        assert!(!c.covers("example.gov.evil", "x"));
        assert!(!ExpressionContext::default().covers("www.nhs.uk", "health"));
        // An empty entry (a hand-edited bundle) never covers everything.
        let empty = ExpressionContext {
            words: vec![String::new()],
            hosts: vec![String::new()],
        };
        assert!(!empty.covers("example.org", "a/b"));
    }

    fn source(name: &str) -> SourceInfo {
        SourceInfo {
            name: name.into(),
            category: "adult".into(),
            kind: SourceKind::Block,
            licence: "test".into(),
            upstream: String::new(),
            bands: vec![AgeBand::Under6, AgeBand::Age6To10],
            entries: 0,
        }
    }

    /// Two expression sources, one with a context list: the context cancels
    /// only its own source's path-only matches, natively and on the fast
    /// path alike.
    #[test]
    fn engine_cancels_path_only_matches_in_context() {
        let mut b = BundleBuilder::new();
        let broad = b.source(source("broad")).unwrap();
        let strict = b.source(source("strict")).unwrap();
        b.add_expression(broad, "(^|[-/_])(porn|sex|teen)s?([-./_?]|$)")
            .unwrap();
        b.add_expression(strict, "(^|[-/_])xxx([-./_?]|$)").unwrap();
        b.set_expression_context(broad, context(&["health", "news", ".gov"]))
            .unwrap();
        assert!(b
            .set_expression_context(
                strict,
                ExpressionContext {
                    words: vec!["Bad Word".into()],
                    hosts: vec![],
                }
            )
            .is_err());
        assert!(b.set_expression_context(9, context(&["news"])).is_err());
        b.set_policy(serde_json::json!({"categories": {"adult": "block"}}));
        let engine = Engine::from_bytes(b.build().unwrap()).unwrap();
        let band = Some(AgeBand::Age6To10);
        let cases = [
            ("https://clinic.example/health/teen-acne", Action::Allow),
            ("https://clinic.example/teen-acne", Action::Block),
            ("https://www.example.gov/sex-education", Action::Allow),
            (
                "https://news.example/world/same-sex-marriage",
                Action::Allow,
            ),
            ("https://example.com/porn/videos", Action::Block),
            ("https://example.com/porn/videos?from=news", Action::Block),
            // Host matches stay blocks whatever the context.
            ("https://teen-sex.example/health/", Action::Block),
            ("https://free-porn.example.gov/", Action::Block),
            // Another source's expression is not cancelled.
            ("https://clinic.example/health/xxx/", Action::Block),
            ("https://CLINIC.example/Health/Teen-Acne", Action::Allow),
        ];
        for (url, want) in cases {
            let v = engine.check_url(url, band);
            assert_eq!(v.action, want, "{url}: {}", v.reason);
            assert_eq!(engine.check_code(url, band) & 3, want as u32, "{url}");
        }
        let v = engine.check_url("https://clinic.example/teen-acne", band);
        assert_eq!(v.source.as_deref(), Some("broad"));
    }
}
