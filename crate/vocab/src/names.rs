//! The named enums: age bands, actions and text categories.
use std::fmt;
use std::str::FromStr;

/// A name that is not one of a type's wire names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    what: &'static str,
    name: String,
}

impl UnknownName {
    fn new(what: &'static str, name: &str) -> UnknownName {
        UnknownName {
            what,
            name: name.to_string(),
        }
    }

    /// The text that was not recognised.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} {:?}", self.what, self.name)
    }
}

impl std::error::Error for UnknownName {}

/// An age band. The bands follow Vietnam's school stages; a band's
/// discriminant is its position in [`AgeBand::ALL`], so `band as usize`
/// indexes per-band tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AgeBand {
    /// Under 6 (pre-school): `under-6`.
    #[cfg_attr(feature = "serde", serde(rename = "under-6"))]
    Under6 = 0,
    /// 6 to 10 (primary school): `6-10`.
    #[cfg_attr(feature = "serde", serde(rename = "6-10"))]
    Age6To10 = 1,
    /// 11 to 14 (lower secondary): `11-14`.
    #[cfg_attr(feature = "serde", serde(rename = "11-14"))]
    Age11To14 = 2,
    /// 15 to 17 (upper secondary): `15-17`.
    #[cfg_attr(feature = "serde", serde(rename = "15-17"))]
    Age15To17 = 3,
}

impl AgeBand {
    /// Every band, youngest first.
    pub const ALL: [AgeBand; 4] = [
        AgeBand::Under6,
        AgeBand::Age6To10,
        AgeBand::Age11To14,
        AgeBand::Age15To17,
    ];

    /// The band's name as written in policies: `under-6`, `6-10`, `11-14`, `15-17`.
    pub const fn as_str(self) -> &'static str {
        match self {
            AgeBand::Under6 => "under-6",
            AgeBand::Age6To10 => "6-10",
            AgeBand::Age11To14 => "11-14",
            AgeBand::Age15To17 => "15-17",
        }
    }

    /// The band of an age in years (0 to 17).
    pub const fn of_age(years: u32) -> Option<AgeBand> {
        match years {
            0..=5 => Some(AgeBand::Under6),
            6..=10 => Some(AgeBand::Age6To10),
            11..=14 => Some(AgeBand::Age11To14),
            15..=17 => Some(AgeBand::Age15To17),
            _ => None,
        }
    }
}

impl FromStr for AgeBand {
    type Err = UnknownName;

    /// Reads a band name (surrounding space ignored); also `under6`, `u6`,
    /// `0-5`, and an age in years (`"9"` → 6-10).
    fn from_str(s: &str) -> Result<AgeBand, UnknownName> {
        let t = s.trim();
        if let Some(b) = AgeBand::ALL.into_iter().find(|b| b.as_str() == t) {
            return Ok(b);
        }
        if matches!(t, "under6" | "u6" | "0-5") {
            return Ok(AgeBand::Under6);
        }
        t.parse::<u32>()
            .ok()
            .and_then(AgeBand::of_age)
            .ok_or_else(|| UnknownName::new("age band", s))
    }
}

impl fmt::Display for AgeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to do with a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Action {
    /// Let it load: `allow`.
    Allow,
    /// Show a warning the child may pass with some friction: `warn`.
    Warn,
    /// Do not show it: `block`.
    Block,
}

impl Action {
    /// Every action, mildest first.
    pub const ALL: [Action; 3] = [Action::Allow, Action::Warn, Action::Block];

    /// `allow`, `warn` or `block`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Warn => "warn",
            Action::Block => "block",
        }
    }
}

impl FromStr for Action {
    type Err = UnknownName;

    /// Reads `allow`, `warn` or `block` (case and surrounding space ignored).
    fn from_str(s: &str) -> Result<Action, UnknownName> {
        let t = s.trim();
        Action::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| UnknownName::new("action", s))
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Number of text categories (including [`Category::Exception`]).
pub const N_CATEGORIES: usize = 9;

/// A page-text (phrase) category. Its discriminant is its number in the
/// phrase-set and comment-model formats and its position in [`Category::ALL`].
/// The URL lists' categories are open-ended keys (strings) in the bundle;
/// where a name is shared (`adult`, `gambling`, …) it is spelled the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Category {
    /// Sexual content.
    Adult = 0,
    /// Betting, casinos, lotteries.
    Gambling = 1,
    /// Illegal drugs.
    Drugs = 2,
    /// Violence and gore.
    Violence = 3,
    /// Suicide and self-harm (decisions carry `support`).
    SelfHarm = 4,
    /// Bullying and insults.
    Bullying = 5,
    /// Grooming: requests for photos, secrecy, meeting, gifts.
    Grooming = 6,
    /// Scams and fraud.
    Scam = 7,
    /// Educational, health and child-protection context (negative weights).
    Exception = 8,
}

impl Category {
    /// All categories, in number order.
    pub const ALL: [Category; N_CATEGORIES] = [
        Category::Adult,
        Category::Gambling,
        Category::Drugs,
        Category::Violence,
        Category::SelfHarm,
        Category::Bullying,
        Category::Grooming,
        Category::Scam,
        Category::Exception,
    ];

    /// The name used in lists and JSON (`adult`, `self_harm`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Adult => "adult",
            Category::Gambling => "gambling",
            Category::Drugs => "drugs",
            Category::Violence => "violence",
            Category::SelfHarm => "self_harm",
            Category::Bullying => "bullying",
            Category::Grooming => "grooming",
            Category::Scam => "scam",
            Category::Exception => "exception",
        }
    }

    /// The category of a number in the binary formats.
    pub fn from_u8(v: u8) -> Option<Category> {
        Category::ALL.get(v as usize).copied()
    }
}

impl FromStr for Category {
    type Err = UnknownName;

    /// Reads a name (case-insensitive, surrounding space ignored, `-` accepted for `_`).
    fn from_str(s: &str) -> Result<Category, UnknownName> {
        let n = s.trim().to_ascii_lowercase().replace('-', "_");
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == n)
            .ok_or_else(|| UnknownName::new("category", s))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for b in AgeBand::ALL {
            assert_eq!(b.as_str().parse::<AgeBand>(), Ok(b));
            assert_eq!(b.to_string(), b.as_str());
            assert_eq!(AgeBand::ALL[b as usize], b);
        }
        for a in Action::ALL {
            assert_eq!(a.as_str().parse::<Action>(), Ok(a));
            assert_eq!(a.to_string(), a.as_str());
        }
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
            assert_eq!(c.to_string(), c.as_str());
            assert_eq!(Category::from_u8(c as u8), Some(c));
        }
        assert_eq!(Category::from_u8(N_CATEGORIES as u8), None);
    }

    #[test]
    fn spellings_accepted() {
        for (s, b) in [
            ("under-6", Some(AgeBand::Under6)),
            (" u6 ", Some(AgeBand::Under6)),
            ("0-5", Some(AgeBand::Under6)),
            ("4", Some(AgeBand::Under6)),
            ("6", Some(AgeBand::Age6To10)),
            ("10", Some(AgeBand::Age6To10)),
            ("11", Some(AgeBand::Age11To14)),
            ("14", Some(AgeBand::Age11To14)),
            ("15-17", Some(AgeBand::Age15To17)),
            ("17", Some(AgeBand::Age15To17)),
            ("18", None),
            ("teen", None),
            ("", None),
        ] {
            assert_eq!(s.parse::<AgeBand>().ok(), b, "{s:?}");
        }
        assert_eq!(" Block ".parse::<Action>(), Ok(Action::Block));
        assert!("deny".parse::<Action>().is_err());
        assert_eq!("Self-Harm".parse::<Category>(), Ok(Category::SelfHarm));
        let e = "nsfw".parse::<Category>().unwrap_err();
        assert_eq!(e.name(), "nsfw");
        assert_eq!(e.to_string(), "unknown category \"nsfw\"");
    }
}
