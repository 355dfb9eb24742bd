//! Page-text checks ([`Engine::check_text`], [`Engine::check_comments`]):
//! score text with the bundle's phrase set (`PHRS`) and
//! turn the per-band decision into a verdict the extension can act on.
use serde::Serialize;

use lachan_text::{PhraseSet, TextScore};

use crate::engine::Engine;
use crate::policy::{Action, AgeBand};

/// Matches reported per verdict at most: enough to explain, bounded.
const MAX_REPORTED_MATCHES: usize = 12;

/// The answer for a piece of page text (or a search query).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextVerdict {
    /// `allow`; `warn` (blur the page and show the overlay, the child can go
    /// back) when a category is over the band's limit; `block` for a banned
    /// phrase.
    pub action: Action,
    /// The deciding category (`gambling`, `self_harm`, …), if over a limit.
    pub category: Option<String>,
    /// Show support and 111 rather than a wall (self-harm).
    pub support: bool,
    /// The deciding category's score and the band's limit.
    pub score: i32,
    /// The band's limit.
    pub limit: i32,
    /// The band decided for.
    pub band: AgeBand,
    /// Score per category (only non-zero ones).
    pub scores: Vec<(String, i32)>,
    /// The phrases that matched (first few), so every decision is explained.
    pub matches: Vec<TextMatch>,
    /// The page context that lowered the informational categories, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<PageContextInfo>,
}

/// The page context of a verdict, to explain it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PageContextInfo {
    /// The kind of listed site (`news`, `education`, `health`, `government`).
    pub site: String,
    /// Whether the page is marked up as an article.
    pub article: bool,
    /// The percent of the adult, gambling, drugs, violence and scam scores kept.
    pub keep_percent: i32,
}

/// The answer for one short post (a comment, a reply).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CommentCheck {
    /// Blur it where it stands.
    pub mask: bool,
    /// Why (`bullying`, `adult`), when masked.
    pub category: Option<String>,
    /// The bullying and adult phrase weights it carries.
    pub phrase_score: i32,
    /// The learned scorer's probability in per mille, when the bundle has one.
    pub model_permille: Option<u16>,
}

pub(crate) fn comment(
    set: &PhraseSet,
    text: &str,
    band: AgeBand,
    model: Option<&lachan_text::CommentModel>,
) -> CommentCheck {
    let v = set.comment(text, band, model);
    CommentCheck {
        mask: v.mask,
        category: v.category.map(|c| c.as_str().to_string()),
        phrase_score: v.phrase_score,
        model_permille: v.probability.map(|p| (p * 1000.0).round() as u16),
    }
}

/// One phrase that matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextMatch {
    /// The phrase as written in the list.
    pub phrase: String,
    /// Its category.
    pub category: String,
    /// Its weight.
    pub weight: i32,
    /// Byte span of its first occurrence in the text.
    pub start: usize,
    /// End of that span (exclusive).
    pub end: usize,
    /// The list's reason for the entry.
    pub reason: String,
}

pub(crate) fn score(
    set: &PhraseSet,
    text: &str,
    band: AgeBand,
    context: lachan_text::PageContext,
) -> TextVerdict {
    let mut v = verdict(&set.score(text).in_context(context), band);
    v.context = context.site.map(|site| PageContextInfo {
        site: site.name().to_string(),
        article: context.article,
        keep_percent: context.keep_percent(),
    });
    v
}

/// The verdict when the bundle has no phrases.
pub(crate) fn allow(band: AgeBand) -> TextVerdict {
    TextVerdict {
        action: Action::Allow,
        category: None,
        support: false,
        score: 0,
        limit: 0,
        band,
        scores: Vec::new(),
        matches: Vec::new(),
        context: None,
    }
}

fn verdict(score: &TextScore, band: AgeBand) -> TextVerdict {
    let decision = score.decide(band);
    let mut matches: Vec<TextMatch> = score
        .matches()
        .iter()
        .map(|m| TextMatch {
            phrase: m.phrase.clone(),
            category: m.category.as_str().to_string(),
            weight: m.weight,
            start: m.start,
            end: m.end,
            reason: m.reason.clone(),
        })
        .collect();
    matches.sort_by_key(|m| std::cmp::Reverse(m.weight.abs()));
    matches.truncate(MAX_REPORTED_MATCHES);
    let scores = score
        .scores()
        .iter()
        .filter(|(_, s)| *s != 0)
        .map(|(c, s)| (c.as_str().to_string(), *s))
        .collect();
    let (action, category, support, score_v, limit) = match decision {
        Some(d) => (
            if d.banned {
                Action::Block
            } else {
                Action::Warn
            },
            Some(d.category.as_str().to_string()),
            d.support,
            d.score,
            d.limit,
        ),
        None => (Action::Allow, None, false, 0, 0),
    };
    TextVerdict {
        action,
        category,
        support,
        score: score_v,
        limit,
        band,
        scores,
        matches,
        context: None,
    }
}

/// Section tag of the page-context sites (`lachan_text::Sites`).
pub const SITES_TAG: [u8; 4] = *b"PCTX";
/// Section tag of the learned scorer of short posts (`lachan_text::CommentModel`).
pub const COMMENTS_TAG: [u8; 4] = *b"TMDL";

/// The page a text was read on, for [`Engine::check_text_on`].
#[derive(Clone, Copy, Debug)]
pub struct TextPage<'a> {
    /// The page's URL.
    pub url: &'a str,
    /// Whether it marks itself up as an article (`<article>`, `og:type`).
    pub article: bool,
}
impl Engine {
    fn phrase_set(&self) -> Option<&lachan_text::PhraseSet> {
        self.phrases
            .get_or_init(|| lachan_text::PhraseSet::from_bytes(self.bundle.section(b"PHRS")?).ok())
            .as_ref()
    }

    /// Whether the bundle carries page-text phrases.
    pub fn has_phrases(&self) -> bool {
        self.phrase_set().is_some()
    }

    /// Scores page text (or a search query) for the band in force (or
    /// `band`). Without a phrase section everything is allowed.
    pub fn check_text(&self, text: &str, band: Option<AgeBand>) -> TextVerdict {
        self.check_text_on(text, band, None)
    }

    /// Scores page text in its page's context: the page's URL (its host is
    /// looked up in the bundle's context sites, `PCTX`) and whether the page
    /// marks itself up as an article (see `lachan_text::PageContext`). A URL
    /// that does not parse, or a bundle without context sites, gives no
    /// context: the words alone decide.
    pub fn check_text_on(
        &self,
        text: &str,
        band: Option<AgeBand>,
        page: Option<TextPage<'_>>,
    ) -> TextVerdict {
        let band = band.unwrap_or(self.policy.band());
        let Some(set) = self.phrase_set() else {
            return allow(band);
        };
        let context = page
            .map(|p| lachan_text::PageContext {
                site: self.context_site(p.url),
                article: p.article,
            })
            .unwrap_or_default();
        score(set, text, band, context)
    }

    /// Judges short posts one by one (comments, replies, forum posts) for
    /// the band in force (or `band`): which to mask where they stand, by the
    /// bullying and adult phrases and the bundle's learned scorer (`TMDL`).
    /// Without the scorer (or with a damaged one) the phrases alone decide;
    /// without phrases nothing is masked.
    pub fn check_comments(&self, texts: &[&str], band: Option<AgeBand>) -> Vec<CommentCheck> {
        let band = band.unwrap_or(self.policy.band());
        let Some(set) = self.phrase_set() else {
            return texts.iter().map(|_| CommentCheck::default()).collect();
        };
        let model = self
            .comments
            .get_or_init(|| {
                lachan_text::CommentModel::from_bytes(self.bundle.section(&COMMENTS_TAG)?).ok()
            })
            .as_ref();
        texts.iter().map(|t| comment(set, t, band, model)).collect()
    }

    /// Whether the bundle carries a readable learned scorer of short posts.
    pub fn has_comment_model(&self) -> bool {
        self.comments
            .get_or_init(|| {
                lachan_text::CommentModel::from_bytes(self.bundle.section(&COMMENTS_TAG)?).ok()
            })
            .is_some()
    }

    /// The kind of context site `url` is on, if the bundle lists its host.
    pub fn context_site(&self, url: &str) -> Option<lachan_text::SiteKind> {
        let sites = self
            .sites
            .get_or_init(|| lachan_text::Sites::from_bytes(self.bundle.section(&SITES_TAG)?))
            .as_ref()?;
        let parsed = crate::url::ParsedUrl::parse(url).ok()?;
        sites.kind_of(parsed.host().as_str())
    }
}
