//! The phrase-list text format and its parser.

use crate::normalize::normalize_all;
use crate::{Categories, Category};
use std::fmt;

/// Longest phrase part after normalisation, in bytes.
pub const MAX_PHRASE_LEN: usize = 120;
/// Largest absolute weight.
pub const MAX_WEIGHT: i32 = 1000;
/// Most parts in one combination phrase.
pub const MAX_PARTS: usize = 8;

/// One weighted phrase rule, as parsed from a list (or built in code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseRule {
    /// Category the weight counts towards.
    pub category: Category,
    /// Weight added to the category score when the phrase is present (negative for
    /// exceptions). Ignored for banned rules.
    pub weight: i32,
    /// A banned phrase decides at once, for every age band, regardless of exceptions.
    pub banned: bool,
    /// The phrase; several parts form a combination that counts only when all are present.
    pub parts: Vec<String>,
    /// Match whole words only (the default) rather than anywhere inside words.
    pub whole_word: bool,
    /// Require the text's diacritics to agree exactly: text written without diacritics does not
    /// match a phrase written with them.
    pub exact: bool,
    /// For `exception` rules: the categories whose scores the (negative) weight lowers.
    pub applies_to: Categories,
    /// Why the phrase is in the list (shown when explaining a decision).
    pub reason: String,
    /// Where it came from, e.g. `gambling.txt:12`.
    pub origin: String,
}

/// An error in a phrase list, with file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListError {
    /// List name given to [`parse_list`].
    pub file: String,
    /// 1-based line number.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for ListError {}

/// Parses one phrase list. `name` is used in error messages and in each rule's `origin`.
///
/// Format (UTF-8, one entry per line; blank lines and other `#` comments ignored):
///
/// ```text
/// # category: gambling
/// # licence: written by the Lá Chắn project (CC0-1.0)
/// 60  | nhà cái            | whole | betting operator ("the house")
/// 40  | kèo, tỉ lệ         | whole | odds talk: both words present
/// ban | child porn         | whole | never acceptable
/// 25  | casino             | sub   | also inside brand names
/// ```
///
/// Columns: weight (an integer in ±1000, or `ban`), phrase (parts of a combination separated
/// by `,`), flags (`whole` or `sub`, optionally `exact`; empty means `whole`), reason
/// (required). `# category:` may appear several times; in `exception` lists,
/// `# applies-to: adult, grooming` (or `all`, the default) sets the categories that
/// following exception entries lower.
pub fn parse_list(name: &str, text: &str) -> Result<Vec<PhraseRule>, Vec<ListError>> {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    let mut category: Option<Category> = None;
    let mut applies_to = Categories::ALL;
    for (i, raw) in text.lines().enumerate() {
        let line_no = (i + 1) as u32;
        let err = |message: String| ListError {
            file: name.to_string(),
            line: line_no,
            message,
        };
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let comment = comment.trim();
            if let Some((key, value)) = comment.split_once(':') {
                let value = value.trim();
                match key.trim().to_ascii_lowercase().as_str() {
                    "category" => match value.parse::<Category>().ok() {
                        Some(c) => {
                            category = Some(c);
                            applies_to = Categories::ALL;
                        }
                        None => errors.push(err(format!(
                            "unknown category {value:?} (expected one of: {})",
                            Category::ALL.map(|c| c.as_str()).join(", ")
                        ))),
                    },
                    "applies-to" => match Categories::parse(value) {
                        Ok(set) => applies_to = set,
                        Err(bad) => errors.push(err(format!("unknown category {bad:?}"))),
                    },
                    _ => {}
                }
            }
            continue;
        }
        let Some(cat) = category else {
            errors.push(err("entry before any `# category:` header".into()));
            continue;
        };
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        if cols.len() != 4 {
            errors.push(err(format!(
                "expected 4 columns `weight | phrase | whole/sub | reason`, found {}",
                cols.len()
            )));
            continue;
        }
        let (banned, weight) = if cols[0].eq_ignore_ascii_case("ban") {
            (true, 0)
        } else {
            match cols[0].trim_start_matches('+').parse::<i32>() {
                Ok(w) if w.abs() <= MAX_WEIGHT && w != 0 => (false, w),
                _ => {
                    errors.push(err(format!(
                        "bad weight {:?}: a non-zero integer within ±{MAX_WEIGHT}, or `ban`",
                        cols[0]
                    )));
                    continue;
                }
            }
        };
        if cat == Category::Exception && (banned || weight > 0) {
            errors.push(err("exception entries need a negative weight".into()));
            continue;
        }
        let mut whole_word = true;
        let mut exact = false;
        let mut flag_error = None;
        for flag in cols[2]
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|f| !f.is_empty())
        {
            match flag.to_ascii_lowercase().as_str() {
                "whole" => whole_word = true,
                "sub" => whole_word = false,
                "exact" => exact = true,
                other => flag_error = Some(other.to_string()),
            }
        }
        if let Some(f) = flag_error {
            errors.push(err(format!(
                "unknown flag {f:?} (expected whole, sub, exact)"
            )));
            continue;
        }
        if cols[3].is_empty() {
            errors.push(err("missing reason".into()));
            continue;
        }
        let parts: Vec<String> = cols[1].split(',').map(|p| p.trim().to_string()).collect();
        if parts.len() > MAX_PARTS {
            errors.push(err(format!("more than {MAX_PARTS} parts")));
            continue;
        }
        if let Some(msg) = parts.iter().find_map(|p| check_phrase(p)) {
            errors.push(err(msg));
            continue;
        }
        rules.push(PhraseRule {
            category: cat,
            weight,
            banned,
            parts,
            whole_word,
            exact,
            applies_to: if cat == Category::Exception {
                applies_to
            } else {
                Categories::EMPTY
            },
            reason: cols[3].to_string(),
            origin: format!("{name}:{line_no}"),
        });
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// Parses several lists (`(name, text)` pairs, e.g. every `lists/phrases/*.txt`), collecting
/// the errors of all of them.
pub fn parse_lists<'a, I>(lists: I) -> Result<Vec<PhraseRule>, Vec<ListError>>
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in lists {
        match parse_list(name, text) {
            Ok(r) => rules.extend(r),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// Checks that a phrase part normalises to something matchable; returns the problem if not.
/// What compiling a rule requires of it (the list parser makes rules that meet this; a set read
/// back from bytes is checked with it before it is used): why the rule is unusable, if it is.
pub(crate) fn check_rule(rule: &PhraseRule) -> Option<String> {
    if rule.parts.is_empty() || rule.parts.len() > MAX_PARTS {
        return Some("bad number of parts".into());
    }
    if rule.category == Category::Exception && (rule.banned || rule.weight > 0) {
        return Some("exception rules need a negative weight".into());
    }
    if rule.weight.unsigned_abs() > MAX_WEIGHT.unsigned_abs() {
        return Some(format!("weight {} is beyond ±{MAX_WEIGHT}", rule.weight));
    }
    rule.parts.iter().find_map(|p| check_phrase(p))
}

pub(crate) fn check_phrase(p: &str) -> Option<String> {
    let n = normalize_all(p, true);
    if n.len() == 0 {
        return Some(format!("phrase {p:?} has no letters or digits"));
    }
    // Runs of a letter fold to one (`sexxx` is `sex`), so `xxx` would be
    // `x`: every lone letter in a text (`tìm x`, `iPhone X`) would match.
    if n.len() == 1 && n.bytes()[0].is_ascii_alphabetic() {
        return Some(format!(
            "phrase {p:?} folds to the single letter {:?}: it would match every lone letter; \
             write it with the words around it",
            n.bytes()[0] as char
        ));
    }
    if n.len() > MAX_PHRASE_LEN {
        return Some(format!(
            "phrase {p:?} is longer than {MAX_PHRASE_LEN} bytes once normalised"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_lines() {
        let text = "# category: gambling\n60 | nhà cái | whole | the house\n\
                    40 | kèo, tỉ lệ | | odds\nban | x y z | sub exact | test\n\
                    abc | bad | whole | r\n10 | ok | wrong | r\n5 | !!! | whole | r\n7 | no reason | whole |\n\
                    # category: nope\n9 | XXX | sub | folds to one letter\n";
        let errs = parse_list("g.txt", text).unwrap_err();
        let lines: Vec<u32> = errs.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![5, 6, 7, 8, 9, 10]);
        assert!(
            errs[5].message.contains("single letter"),
            "{}",
            errs[5].message
        );
        assert!(errs[0].to_string().starts_with("g.txt:5: bad weight"));
        let ok = "# category: gambling\n60 | nhà cái | whole | the house\n\
                  40 | kèo, tỉ lệ | | odds\nban | x y z | sub exact | test\n";
        let rules = parse_list("g.txt", ok).unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[1].parts, vec!["kèo", "tỉ lệ"]);
        assert!(rules[2].banned && !rules[2].whole_word && rules[2].exact);
        assert_eq!(rules[2].origin, "g.txt:4");
    }

    #[test]
    fn exceptions_need_negative_weight_and_targets() {
        let text = "# category: exception\n# applies-to: adult, grooming\n\
                    -50 | giáo dục giới tính | whole | sex education\n";
        let rules = parse_list("e.txt", text).unwrap();
        assert!(rules[0].applies_to.contains(Category::Adult));
        assert!(!rules[0].applies_to.contains(Category::Gambling));
        let bad = "# category: exception\n50 | x | whole | r\n";
        assert_eq!(parse_list("e.txt", bad).unwrap_err()[0].line, 2);
    }
}
