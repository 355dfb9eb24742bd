//! Page-text scoring for Lá Chắn: Vietnamese-aware normalisation and weighted phrase rules.
//!
//! Pure Rust, no I/O, builds for `wasm32-unknown-unknown`.
//!
//! * [`parse_list`] reads the phrase lists in `lists/phrases/*.txt` (format documented there and
//!   in the crate README), reporting errors with file and line.
//! * [`PhraseSet::compile`] builds one Aho–Corasick automaton (a DFA) over every phrase;
//!   [`PhraseSet::to_bytes`] / [`PhraseSet::from_bytes`] give a versioned, checksummed form for
//!   the bundle.
//! * [`PhraseSet::score`] normalises the text in one pass (case, NFC/NFD, diacritics, leetspeak,
//!   teen code, repeated letters, spaced-out letters) and returns a [`TextScore`]: per-category
//!   scores, the phrases that matched with their spans in the original text, and
//!   [`TextScore::decide`] per [`AgeBand`].
//!
//! ```
//! use lachan_text::{parse_list, AgeBand, Category, PhraseSet};
//!
//! let list = concat!(
//!     "# category: gambling\n",
//!     "# licence: CC0-1.0\n",
//!     "60 | nhà cái | whole | betting operator\n",
//!     "50 | cá cược | whole | betting\n",
//!     "# category: exception\n",
//!     "# applies-to: gambling\n",
//!     "-80 | triệt phá đường dây | whole | police news\n",
//! );
//! let rules = parse_list("example.txt", list).expect("valid list");
//! let set = PhraseSet::compile(&rules).unwrap();
//! // Round trip through the bundle form.
//! let set = PhraseSet::from_bytes(&set.to_bytes()).unwrap();
//!
//! let text = "NHA CAI uy tín, c.a c.u.o.c bóng đá";
//! let score = set.score(text);
//! assert_eq!(score.score(Category::Gambling), 110);
//! let m = &score.matches()[0];
//! assert_eq!(&text[m.start..m.end], "NHA CAI");
//! let d = score.decide(AgeBand::Age11To14).unwrap();
//! assert_eq!(d.category, Category::Gambling);
//! assert!(score.decide(AgeBand::Age15To17).is_none()); // 110 < 160
//!
//! // Diacritics must agree: "đảm đang" (capable) is not "dâm đãng" (lewd).
//! let adult = parse_list("a.txt", "# category: adult\n80 | dâm đãng | whole | lewd\n").unwrap();
//! let adult = PhraseSet::compile(&adult).unwrap();
//! assert_eq!(adult.score("cô ấy rất đảm đang").score(Category::Adult), 0);
//! assert_eq!(adult.score("dâm đãng").score(Category::Adult), 80);
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bytes;
mod comments;
mod context;
mod dfa;
mod error;
mod fold;
mod list;
mod normalize;
mod set;
mod tables;

pub use bytes::FORMAT_VERSION;
pub use comments::{
    comment_features, parse_labelled_csv, parse_labelled_tsv, train_comment_model, CommentModel,
    CommentVerdict, Trained, CLEAN_MARGIN, CLEAN_SHARE, MASKED, OWN_POST_WEIGHT,
};
pub use context::{PageContext, SiteKind, Sites, LOWERED, SITE_ARTICLE_KEEP, SITE_KEEP};
pub use error::{Error, ErrorKind};
pub use lachan_vocab::{AgeBand, Category, N_CATEGORIES};
pub use list::{
    parse_list, parse_lists, ListError, PhraseRule, MAX_PARTS, MAX_PHRASE_LEN, MAX_WEIGHT,
};
pub use normalize::{normalize, Normalized, TEEN_CODE};
pub use set::{Decision, PhraseMatch, PhraseSet, Scanner, Scorer, TextScore, GROOMING_LIMIT};

/// Benchmark helper (not part of the stable API): runs only the normaliser over `text`, in the
/// same chunks as the scorer, and returns the number of normalised bytes.
#[doc(hidden)]
pub fn bench_normalize_only(text: &str) -> usize {
    let mut buf = normalize::Buf::with_capacity(40 * 1024, false);
    let mut n = normalize::Normalizer::new(text, 0);
    let mut total = 0;
    loop {
        let done = n.fill(&mut buf, set::CHUNK);
        total += buf.len();
        buf.keep_tail(0);
        n.drop_checkpoints_before(buf.shift());
        if done {
            return total;
        }
    }
}

/// A set of categories (bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Categories(pub u16);

impl Categories {
    /// No category.
    pub const EMPTY: Categories = Categories(0);
    /// Every category except `Exception`.
    pub const ALL: Categories = Categories(0xFF);

    /// Whether `c` is in the set.
    pub fn contains(self, c: Category) -> bool {
        self.0 & (1 << c as u16) != 0
    }

    /// Adds `c`.
    pub fn insert(&mut self, c: Category) {
        self.0 |= 1 << c as u16;
    }

    /// The categories in the set.
    pub fn iter(self) -> impl Iterator<Item = Category> {
        Category::ALL.into_iter().filter(move |&c| self.contains(c))
    }

    /// Parses `all` or a comma-separated list of names; returns the bad name on error.
    pub fn parse(s: &str) -> Result<Categories, String> {
        if s.trim().eq_ignore_ascii_case("all") {
            return Ok(Categories::ALL);
        }
        let mut set = Categories::EMPTY;
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name.parse::<Category>().ok() {
                Some(c) if c != Category::Exception => set.insert(c),
                _ => return Err(name.to_string()),
            }
        }
        Ok(set)
    }
}

/// Score limit per age band: a category whose score reaches the limit is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Limits {
    /// Indexed by `AgeBand as usize`.
    pub per_band: [i32; 4],
}

impl Limits {
    /// The limit for a band.
    pub fn get(&self, band: AgeBand) -> i32 {
        self.per_band[band as usize]
    }
}

impl Default for Limits {
    /// 40 / 60 / 100 / 160 for under-6 / 6-10 / 11-14 / 15-17 (see the README for why).
    fn default() -> Self {
        Limits {
            per_band: [40, 60, 100, 160],
        }
    }
}
