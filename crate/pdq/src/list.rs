//! The text hash-list format.
//!
//! One PDQ hash per line, as hash-sharing programmes exchange them:
//!
//! ```text
//! # comment lines start with '#'; blank lines are ignored
//! d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22
//! e64cc9d91e623842f8d1f1d9a398e78c9f199a3bd87924f2b7e11e0bf061b064,example-programme,case-17
//! 0007001f003f003f007f00ff00ff00ff01ff01ff01ff03ff03ff03ff03ff03ff<TAB>source<TAB>id
//! ```
//!
//! Fields: `hash[,source[,id]]`, separated by commas, or by tabs when the line
//! contains a tab. Fields are trimmed. A first line whose first field is
//! `hash` or `pdq` (any case) is taken as a CSV header and skipped. A UTF-8 BOM
//! and CRLF line ends are accepted. Bad lines (wrong length, non-hex, too many
//! fields, the degenerate all-zero hash) are reported with their 1-based line
//! number and a reason; the good lines are still returned.

use crate::hash::{Hash256, HASH_HEX_LEN};

/// One parsed list line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListEntry {
    /// The hash.
    pub hash: Hash256,
    /// The source programme or list name (empty when absent).
    pub source: String,
    /// The source's identifier for the item (empty when absent).
    pub id: String,
    /// 1-based line number in the input.
    pub line: usize,
}

/// A rejected line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: usize,
    /// Why the line was rejected.
    pub reason: String,
}

impl core::fmt::Display for LineError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// The result of parsing a list: good entries and rejected lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HashList {
    /// Accepted entries, in input order.
    pub entries: Vec<ListEntry>,
    /// Rejected lines, in input order.
    pub errors: Vec<LineError>,
}

/// Parses the text list format (see the module docs).
pub fn parse_hash_list(text: &str) -> HashList {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = HashList::default();
    let mut seen_data = false;
    for (idx, raw) in text.split('\n').enumerate() {
        let line_no = idx + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let sep = if line.contains('\t') { '\t' } else { ',' };
        let fields: Vec<&str> = line.split(sep).map(str::trim).collect();
        let first_line = !seen_data;
        seen_data = true;
        if first_line
            && (fields[0].eq_ignore_ascii_case("hash") || fields[0].eq_ignore_ascii_case("pdq"))
        {
            continue;
        }
        if fields.len() > 3 {
            out.errors.push(LineError {
                line: line_no,
                reason: format!("{} fields, expected hash[,source[,id]]", fields.len()),
            });
            continue;
        }
        let hash = match Hash256::parse_hex(fields[0]) {
            Ok(h) => h,
            Err(reason) => {
                out.errors.push(LineError {
                    line: line_no,
                    reason: format!("bad hash ({reason}); a PDQ hash is {HASH_HEX_LEN} hex digits"),
                });
                continue;
            }
        };
        if hash == Hash256::ZERO {
            out.errors.push(LineError {
                line: line_no,
                reason: "all-zero hash (what images too small to hash produce); not listable"
                    .to_string(),
            });
            continue;
        }
        out.entries.push(ListEntry {
            hash,
            source: fields.get(1).copied().unwrap_or("").to_string(),
            id: fields.get(2).copied().unwrap_or("").to_string(),
            line: line_no,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const H1: &str = "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22";
    const H2: &str = "e64cc9d91e623842f8d1f1d9a398e78c9f199a3bd87924f2b7e11e0bf061b064";

    #[test]
    fn parses_fields_comments_and_reports_bad_lines() {
        let text = format!(
            "\u{feff}hash,source,id\r\n# comment\n\n{H1}\r\n{H2},prog, item 7 \n{H1}\tsrc\tid2\nnot-a-hash\n{H1},a,b,c\n{}\n{}x\n",
            "0".repeat(64),
            &H1[..63]
        );
        let list = parse_hash_list(&text);
        assert_eq!(list.entries.len(), 3);
        assert_eq!(list.entries[0].line, 4);
        assert_eq!(list.entries[0].source, "");
        assert_eq!(list.entries[1].source, "prog");
        assert_eq!(list.entries[1].id, "item 7");
        assert_eq!(list.entries[2].id, "id2");
        let lines: Vec<usize> = list.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![7, 8, 9, 10]);
        assert!(
            list.errors[0].reason.contains("expected 64 hex digits"),
            "{}",
            list.errors[0]
        );
        assert!(list.errors[1].reason.contains("4 fields"));
        assert!(list.errors[2].reason.contains("all-zero"));
        assert!(list.errors[3]
            .reason
            .contains("non-hex character at position 64"));
    }

    #[test]
    fn header_only_skipped_on_first_data_line() {
        let list = parse_hash_list(&format!("{H1}\nhash\n"));
        assert_eq!(list.entries.len(), 1);
        assert_eq!(list.errors.len(), 1);
        assert_eq!(list.errors[0].line, 2);
    }
}
