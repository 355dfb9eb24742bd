//! Lines of a list file, however it was saved: LF, CRLF or a bare CR (old
//! Mac files, which would otherwise read as one line and lose every entry),
//! a leading UTF-8 BOM dropped. Each line is UTF-8 on its own: a line that
//! is not is reported by number and the rest of the file still counts.

/// How a file's lines ended, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LineEndings {
    /// Lines ending in LF.
    pub lf: u64,
    /// Lines ending in CR LF.
    pub crlf: u64,
    /// Lines ending in a bare CR.
    pub cr: u64,
}

impl LineEndings {
    /// What the build report says about these endings, when they are not
    /// plain LF: which were read as line ends.
    pub fn note(&self) -> Option<String> {
        let kinds = [self.lf, self.crlf, self.cr]
            .iter()
            .filter(|n| **n > 0)
            .count();
        if kinds > 1 {
            Some(format!(
                "mixed line endings ({} LF, {} CRLF, {} bare CR), each read as a line end",
                self.lf, self.crlf, self.cr
            ))
        } else if self.cr > 0 {
            Some(format!(
                "{} lines end in a bare CR (old Mac line endings), read as lines",
                self.cr
            ))
        } else if self.crlf > 0 {
            Some("CRLF line endings".into())
        } else {
            None
        }
    }

    /// Adds another file's counts.
    pub fn add(&mut self, other: LineEndings) {
        self.lf += other.lf;
        self.crlf += other.crlf;
        self.cr += other.cr;
    }
}

/// The lines of `bytes` (see the module docs): `(1-based number, bytes)`,
/// the line end removed. [`Lines::endings`] counts the ends seen so far.
pub fn lines(bytes: &[u8]) -> Lines<'_> {
    Lines {
        rest: bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes),
        number: 0,
        endings: LineEndings::default(),
        done: false,
    }
}

/// Iterator of [`lines`].
pub struct Lines<'a> {
    rest: &'a [u8],
    number: usize,
    endings: LineEndings,
    done: bool,
}

impl Lines<'_> {
    /// The line ends seen so far (all of them once the iterator is done).
    pub fn endings(&self) -> LineEndings {
        self.endings
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a [u8]);

    fn next(&mut self) -> Option<(usize, &'a [u8])> {
        if self.done {
            return None;
        }
        self.number += 1;
        let Some(i) = self.rest.iter().position(|b| *b == b'\n' || *b == b'\r') else {
            self.done = true;
            return Some((self.number, self.rest));
        };
        let line = &self.rest[..i];
        let skip = if self.rest[i] == b'\n' {
            self.endings.lf += 1;
            1
        } else if self.rest.get(i + 1) == Some(&b'\n') {
            self.endings.crlf += 1;
            2
        } else {
            self.endings.cr += 1;
            1
        };
        self.rest = &self.rest[i + skip..];
        Some((self.number, line))
    }
}

/// Why a line is not UTF-8, for the report.
pub fn utf8_problem(e: &std::str::Utf8Error) -> String {
    format!(
        "not valid UTF-8 (bad byte at column {}); line skipped",
        e.valid_up_to() + 1
    )
}

/// A whole file as text with LF line ends, for parsers that take a `&str`
/// (phrase and hash lists): every line that is not UTF-8 is left empty (so
/// line numbers stay true) and reported as `(line, reason)`.
pub fn decode(bytes: &[u8]) -> (String, Vec<(usize, String)>, LineEndings) {
    let mut text = String::with_capacity(bytes.len());
    let mut problems = Vec::new();
    let mut it = lines(bytes);
    for (n, line) in it.by_ref() {
        if n > 1 {
            text.push('\n');
        }
        match std::str::from_utf8(line) {
            Ok(s) => text.push_str(s),
            Err(e) => problems.push((n, utf8_problem(&e))),
        }
    }
    (text, problems, it.endings())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<(usize, &[u8])> {
        lines(bytes).collect()
    }

    #[test]
    fn cr_only_line_endings_are_read_as_lines() {
        let mut it = lines(b"a.example\rb.example\rc.example\r");
        let got: Vec<_> = it.by_ref().collect();
        assert_eq!(
            got,
            [
                (1, &b"a.example"[..]),
                (2, b"b.example"),
                (3, b"c.example"),
                (4, b"")
            ]
        );
        assert_eq!(
            it.endings(),
            LineEndings {
                lf: 0,
                crlf: 0,
                cr: 3
            }
        );
        assert!(it
            .endings()
            .note()
            .unwrap()
            .contains("3 lines end in a bare CR"));
    }

    #[test]
    fn lf_crlf_and_mixed_endings() {
        assert_eq!(all(b"a\nb"), [(1, &b"a"[..]), (2, b"b")]);
        assert_eq!(all(b"a\r\nb\r\n"), [(1, &b"a"[..]), (2, b"b"), (3, b"")]);
        assert_eq!(
            all(b"\xEF\xBB\xBFa\r\rb"),
            [(1, &b"a"[..]), (2, b""), (3, b"b")]
        );
        assert_eq!(all(b""), [(1, &b""[..])]);
        let mut it = lines(b"a\nb\r\nc\rd");
        it.by_ref().count();
        assert_eq!(
            it.endings(),
            LineEndings {
                lf: 1,
                crlf: 1,
                cr: 1
            }
        );
        assert!(it.endings().note().unwrap().starts_with("mixed"));
        assert_eq!(
            LineEndings {
                lf: 9,
                crlf: 0,
                cr: 0
            }
            .note(),
            None
        );
    }

    #[test]
    fn decode_keeps_line_numbers_and_reports_bad_bytes() {
        let (text, problems, endings) = decode(b"one\r\ntw\xffo\r\nthree");
        assert_eq!(text, "one\n\nthree");
        assert_eq!(
            problems,
            [(
                2,
                "not valid UTF-8 (bad byte at column 3); line skipped".to_string()
            )]
        );
        assert_eq!(endings.crlf, 2);
    }
}
