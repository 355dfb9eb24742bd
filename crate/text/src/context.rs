//! Page context: what the page around a text says about it.
//!
//! The same words mean different things on a police news article and on a
//! betting operator's page. Phrases carry part of that (the exception
//! list: "triệt phá", "phòng chống"…); the page adds two signals:
//!
//! * the **site**: a curated list of Vietnamese news, education, health and
//!   government sites (`lists/context/*.txt`, kind, domain and reason per
//!   line), looked up by the host and its parent domains ([`Sites`]);
//! * **article markup** (`<article>`, `og:type` = article, a JSON-LD
//!   `NewsArticle`), seen by the content script.
//!
//! Markup alone lowers nothing: betting and adult pages written for search
//! engines mark themselves up as articles too. On a listed site the
//! informational categories (adult, gambling, drugs, violence, scam) keep
//! [`SITE_KEEP`] percent of their score, and [`SITE_ARTICLE_KEEP`] percent
//! on one of its articles: a share, not an amount, because a story about
//! betting names as many betting words as the betting page it reports on,
//! while a page that sells still outweighs its share.
//! Bullying, grooming and self-harm are never lowered (comments under a news
//! story insult as anywhere; grooming is about who asks; self-harm shows
//! help, not a wall), and a banned phrase still decides.
use std::fmt;

use crate::{Categories, Category, ListError};

/// Percent of an informational category's score kept on a listed site's page.
pub const SITE_KEEP: i32 = 60;
/// Percent kept on an article of a listed site.
pub const SITE_ARTICLE_KEEP: i32 = 30;

/// The categories page context may lower.
pub const LOWERED: [Category; 5] = [
    Category::Adult,
    Category::Gambling,
    Category::Drugs,
    Category::Violence,
    Category::Scam,
];

/// What a listed site is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum SiteKind {
    /// A newspaper or news agency.
    News,
    /// Schools, universities, learning sites.
    Education,
    /// Hospitals and health information.
    Health,
    /// Government portals.
    Government,
}

impl SiteKind {
    /// All kinds.
    pub const ALL: [SiteKind; 4] = [
        SiteKind::News,
        SiteKind::Education,
        SiteKind::Health,
        SiteKind::Government,
    ];

    /// The name used in the lists and JSON.
    pub fn name(self) -> &'static str {
        match self {
            SiteKind::News => "news",
            SiteKind::Education => "education",
            SiteKind::Health => "health",
            SiteKind::Government => "government",
        }
    }

    /// Parses a list name.
    pub fn from_name(name: &str) -> Option<SiteKind> {
        SiteKind::ALL.into_iter().find(|k| k.name() == name.trim())
    }
}

impl fmt::Display for SiteKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The context of one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PageContext {
    /// The listed site the page is on, if any.
    pub site: Option<SiteKind>,
    /// Whether the page marks itself up as an article.
    pub article: bool,
}

impl PageContext {
    /// The percent of an informational category's score that counts (100:
    /// no context).
    pub fn keep_percent(self) -> i32 {
        match (self.site, self.article) {
            (None, _) => 100,
            (Some(_), false) => SITE_KEEP,
            (Some(_), true) => SITE_ARTICLE_KEEP,
        }
    }

    /// The categories it lowers.
    pub fn lowered(self) -> Categories {
        let mut set = Categories::EMPTY;
        if self.keep_percent() != 100 {
            LOWERED.into_iter().for_each(|c| set.insert(c));
        }
        set
    }
}

/// The curated context sites, sorted by domain.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sites {
    entries: Vec<(String, SiteKind)>,
}

/// Magic and version of the bundle form of [`Sites`].
const MAGIC: &str = "lachan-sites 1";

impl Sites {
    /// Parses lists of `kind | domain | reason` lines (`#` comments); every
    /// bad line is reported with its file and line.
    pub fn parse<'a>(
        lists: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Sites, Vec<ListError>> {
        let mut entries = Vec::new();
        let mut errors = Vec::new();
        for (file, text) in lists {
            for (i, raw) in text.lines().enumerate() {
                let line = raw.split('#').next().unwrap_or("").trim();
                if line.is_empty() {
                    continue;
                }
                let err = |message: String| ListError {
                    file: file.to_string(),
                    line: i as u32 + 1,
                    message,
                };
                let parts: Vec<&str> = line.split('|').map(str::trim).collect();
                let [kind, domain, reason] = parts[..] else {
                    errors.push(err("expected `kind | domain | reason`".into()));
                    continue;
                };
                let Some(kind) = SiteKind::from_name(kind) else {
                    errors.push(err(format!(
                        "unknown kind {kind:?} (news, education, health, government)"
                    )));
                    continue;
                };
                if !valid_domain(domain) {
                    errors.push(err(format!("{domain:?} is not a lower-case domain name")));
                    continue;
                }
                if reason.is_empty() {
                    errors.push(err("every site needs a reason".into()));
                    continue;
                }
                entries.push((domain.to_string(), kind));
            }
        }
        entries.sort();
        for w in entries.windows(2) {
            if w[0].0 == w[1].0 {
                errors.push(ListError {
                    file: "context".into(),
                    line: 0,
                    message: format!("{} is listed twice", w[0].0),
                });
            }
        }
        if errors.is_empty() {
            Ok(Sites { entries })
        } else {
            Err(errors)
        }
    }

    /// Number of listed sites.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no site is listed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The kind of the most specific listed domain that is `host` or one of
    /// its parents (`host` lower-case, without a trailing dot).
    pub fn kind_of(&self, host: &str) -> Option<SiteKind> {
        let host = host.strip_suffix('.').unwrap_or(host);
        let mut rest = host;
        loop {
            if let Ok(i) = self.entries.binary_search_by(|(d, _)| d.as_str().cmp(rest)) {
                return Some(self.entries[i].1);
            }
            rest = rest.split_once('.')?.1;
        }
    }

    /// The bundle form: a version line, then `kind domain` lines.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = format!("{MAGIC}\n");
        for (d, k) in &self.entries {
            out += &format!("{k} {d}\n");
        }
        out.into_bytes()
    }

    /// Reads [`Sites::to_bytes`]; `None` for anything else.
    pub fn from_bytes(bytes: &[u8]) -> Option<Sites> {
        let text = std::str::from_utf8(bytes).ok()?;
        let mut lines = text.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let mut entries = Vec::new();
        for l in lines {
            let (k, d) = l.split_once(' ')?;
            if !valid_domain(d) {
                return None;
            }
            entries.push((d.to_string(), SiteKind::from_name(k)?));
        }
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            return None;
        }
        Some(Sites { entries })
    }
}

fn valid_domain(d: &str) -> bool {
    !d.is_empty()
        && d.len() <= 253
        && d.split('.').all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "# sites\nnews | vnexpress.net | VnExpress\neducation | edu.vn | schools\n\ngovernment | gov.vn | portals # and ministries\n";

    #[test]
    fn lookup_takes_the_host_or_a_parent() {
        let s = Sites::parse([("t.txt", LIST)]).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s.kind_of("vnexpress.net"), Some(SiteKind::News));
        assert_eq!(s.kind_of("e.vnexpress.net."), Some(SiteKind::News));
        assert_eq!(
            s.kind_of("thpt-abc.hanoi.edu.vn"),
            Some(SiteKind::Education)
        );
        assert_eq!(s.kind_of("moh.gov.vn"), Some(SiteKind::Government));
        // A look-alike that only contains a listed name is not the site.
        assert_eq!(s.kind_of("vnexpress.net.example"), None);
        assert_eq!(s.kind_of("fakevnexpress.net"), None);
        assert_eq!(s.kind_of("vn"), None);
        assert_eq!(s.kind_of(""), None);
    }

    #[test]
    fn round_trip_and_damage() {
        let s = Sites::parse([("t.txt", LIST)]).unwrap();
        let b = s.to_bytes();
        assert_eq!(Sites::from_bytes(&b), Some(s));
        assert_eq!(Sites::from_bytes(b"lachan-sites 2\n"), None);
        assert_eq!(Sites::from_bytes(b"lachan-sites 1\nnews Bad.Host\n"), None);
        assert_eq!(
            Sites::from_bytes(b"lachan-sites 1\nnews b.vn\nnews a.vn\n"),
            None
        );
        assert_eq!(Sites::from_bytes(b"lachan-sites 1\nradio a.vn\n"), None);
    }

    #[test]
    fn bad_lines_are_reported_with_their_place() {
        let errs = Sites::parse([(
            "t.txt",
            "news | a.vn\nradio | b.vn | x\nnews | B.vn | x\nnews | c.vn |\nnews | a.vn | x\nnews | a.vn | y\n",
        )])
        .unwrap_err();
        let lines: Vec<u32> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![1, 2, 3, 4, 0], "{errs:?}");
        assert!(errs[4].message.contains("twice"));
    }

    #[test]
    fn markup_alone_lowers_nothing() {
        let none = PageContext {
            site: None,
            article: true,
        };
        assert_eq!(none.keep_percent(), 100);
        assert_eq!(none.lowered(), Categories::EMPTY);
        let site = PageContext {
            site: Some(SiteKind::News),
            article: false,
        };
        assert_eq!(site.keep_percent(), SITE_KEEP);
        let article = PageContext {
            site: Some(SiteKind::News),
            article: true,
        };
        assert_eq!(article.keep_percent(), SITE_ARTICLE_KEEP);
        for c in [Category::Bullying, Category::Grooming, Category::SelfHarm] {
            assert!(!article.lowered().contains(c));
        }
        assert!(article.lowered().contains(Category::Gambling));
    }
}
