//! The answer to "may this child open this URL?", with the reasons.
use serde::Serialize;

use crate::policy::{Action, AgeBand};

/// How a rule matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The host or one of its parent domains is on a list.
    Domain,
    /// A host + path prefix rule matched.
    UrlPrefix,
    /// A regular-expression rule matched the URL.
    Expression,
    /// A parent's or school's own allow/block entry matched.
    Custom,
    /// The host's registrable label is, or contains, the brand of an
    /// operator on a block list (`99win.vip` beside a listed `99win.com`).
    Brand,
    /// The host spells a protected brand (a bank, an e-wallet, a public
    /// portal) on a domain that is not its own.
    Lookalike,
    /// The host-name model scored the host as likely harmful.
    Model,
    /// Nothing matched.
    None,
}

/// A verdict: the action and everything needed to explain it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// What to do.
    pub action: Action,
    /// The category key that decided (`"gambling"`), if any list matched.
    pub category: Option<String>,
    /// The source list that matched (`"hostsvn-gambling"`), or the policy
    /// layer (`"parent"`, `"school"`) for custom entries.
    pub source: Option<String>,
    /// The rule that matched, as written in the list (`"example.com"`,
    /// `"example.com/path"`, or the expression).
    pub rule: Option<String>,
    /// How the rule matched.
    pub match_kind: MatchKind,
    /// The age band the action was taken for.
    pub band: AgeBand,
    /// The URL the rule matched: the checked URL itself, or a URL carried
    /// inside it (a translation proxy, cache or archive).
    pub matched_url: Option<String>,
    /// Whether an allow-list entry overrode a block-list match.
    pub allow_override: bool,
    /// One sentence saying why, in English, for logs and the CLI.
    pub reason: String,
    /// The host-name model's probability for the category, when the model
    /// decided.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
}

impl Verdict {
    /// A plain "allow, nothing matched" verdict.
    pub(crate) fn allow(band: AgeBand, reason: impl Into<String>) -> Verdict {
        Verdict {
            action: Action::Allow,
            category: None,
            source: None,
            rule: None,
            match_kind: MatchKind::None,
            band,
            matched_url: None,
            allow_override: false,
            reason: reason.into(),
            score: None,
        }
    }
}
