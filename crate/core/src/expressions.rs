//! The bundle's expression rules (UT1 `expressions` files), compiled on
//! first use with an Aho-Corasick pre-filter over their required literals.

use regex_lite::Regex;

use crate::bundle::REGEX_SIZE_LIMIT;

/// Compiled expression rules with their literal pre-filter.
pub(crate) struct Expressions {
    pub(crate) regexes: Vec<Option<Regex>>,
    /// Aho-Corasick over every expression's required literals.
    literals: Option<aho_corasick::AhoCorasick>,
    /// Expression index of each literal pattern.
    literal_owner: Vec<usize>,
    /// Expressions without literals: always run.
    always: Vec<bool>,
}

impl Expressions {
    pub(crate) fn compile(exprs: &[crate::bundle::ExpressionInfo]) -> Expressions {
        let regexes = exprs
            .iter()
            .map(|e| {
                regex_lite::RegexBuilder::new(&e.pattern)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .ok()
            })
            .collect();
        let mut patterns = Vec::new();
        let mut literal_owner = Vec::new();
        for (i, e) in exprs.iter().enumerate() {
            for l in e.literals.iter().flatten() {
                patterns.push(l.as_str());
                literal_owner.push(i);
            }
        }
        let literals = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&patterns)
            .ok()
            .filter(|_| !patterns.is_empty());
        let always = exprs.iter().map(|e| e.literals.is_none()).collect();
        Expressions {
            regexes,
            literals,
            literal_owner,
            always,
        }
    }

    /// Which expressions may match `text`, judged by their literals.
    pub(crate) fn candidates(&self, text: &str) -> Vec<bool> {
        let mut out = self.always.clone();
        if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(text) {
                out[self.literal_owner[m.pattern().as_usize()]] = true;
            }
        }
        out
    }

    /// Whether any expression could match: the fast path's question.
    pub(crate) fn may_match(&self, text: &str) -> bool {
        self.always.iter().any(|a| *a) || self.literals.as_ref().is_some_and(|ac| ac.is_match(text))
    }
}
