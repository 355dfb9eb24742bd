//! Page-text checks: score text with the bundle's phrase set (`PHRS`) and
//! turn the per-band decision into a verdict the extension can act on.
use serde::Serialize;

use lachan_text::{PhraseSet, TextScore};

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
