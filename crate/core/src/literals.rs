//! Required literals of a regular expression: a set of strings such that
//! every match contains at least one of them. The engine scans a URL for
//! all expressions' literals at once (Aho-Corasick) and runs only the
//! expressions whose literal occurs — UT1's rules would otherwise cost
//! ~10 µs on every URL.
//!
//! A small parser for the common regex syntax; anything it does not
//! understand (flags, classes it cannot bound, huge alternations) makes it
//! answer `None`, and the expression then always runs. Never wrong, only
//! sometimes unhelpful.

/// Cap on alternatives tracked, so patterns cannot blow up the analysis.
const MAX_ALTERNATIVES: usize = 256;

#[derive(Clone, Debug, Default)]
struct Info {
    /// The node matches exactly one of these strings.
    exact: Option<Vec<String>>,
    /// Every match of the node contains one of these (all non-empty).
    required: Option<Vec<String>>,
}

fn score(set: &[String]) -> (usize, std::cmp::Reverse<usize>) {
    (
        set.iter().map(|s| s.len()).min().unwrap_or(0),
        std::cmp::Reverse(set.len()),
    )
}

fn usable(set: &[String]) -> bool {
    !set.is_empty() && set.iter().all(|s| !s.is_empty())
}

fn better(a: Option<Vec<String>>, b: Option<Vec<String>>) -> Option<Vec<String>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if score(&b) > score(&a) { b } else { a }),
        (a, b) => a.or(b),
    }
}

fn cross(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() * b.len() > MAX_ALTERNATIVES {
        return None;
    }
    Some(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| format!("{x}{y}")))
            .collect(),
    )
}

fn union(mut a: Vec<String>, b: Vec<String>) -> Option<Vec<String>> {
    a.extend(b);
    a.sort();
    a.dedup();
    (a.len() <= MAX_ALTERNATIVES).then_some(a)
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    _src: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    /// alternation := concat ('|' concat)*
    fn alternation(&mut self) -> Option<Info> {
        let mut branches = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            branches.push(self.concat()?);
        }
        if branches.len() == 1 {
            return branches.pop();
        }
        let mut exact = Some(Vec::new());
        let mut required = Some(Vec::new());
        for b in branches {
            exact = exact.zip(b.exact).and_then(|(a, b)| union(a, b));
            required = required.zip(b.required).and_then(|(a, b)| union(a, b));
        }
        Some(Info {
            exact,
            required: required.filter(|r| usable(r)),
        })
    }

    /// concat := (atom quantifier?)*
    fn concat(&mut self) -> Option<Info> {
        let mut exact = Some(vec![String::new()]);
        let mut run = Some(vec![String::new()]);
        let mut required: Option<Vec<String>> = None;
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.quantified()?;
            exact = exact
                .zip(atom.exact.clone())
                .and_then(|(a, b)| cross(&a, &b));
            required = better(required, atom.required);
            match atom.exact {
                Some(e) => run = run.and_then(|r| cross(&r, &e)),
                None => {
                    required = better(required, run.filter(|r| usable(r)));
                    run = Some(vec![String::new()]);
                }
            }
        }
        required = better(required, run.filter(|r| usable(r)));
        Some(Info { exact, required })
    }

    fn quantified(&mut self) -> Option<Info> {
        let atom = self.atom()?;
        let (min, max) = match self.peek() {
            Some('?') => (0, Some(1)),
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('{') => {
                let close = self.chars[self.pos..].iter().position(|c| *c == '}')? + self.pos;
                let body: String = self.chars[self.pos + 1..close].iter().collect();
                let (lo, hi) = match body.split_once(',') {
                    Some((lo, hi)) => (lo.trim().parse().ok()?, hi.trim().parse().ok()),
                    None => {
                        let n: usize = body.trim().parse().ok()?;
                        (n, Some(n))
                    }
                };
                self.pos = close;
                (lo, hi)
            }
            _ => return Some(atom),
        };
        self.pos += 1;
        if self.peek() == Some('?') {
            self.pos += 1; // lazy: same language
        }
        let exact = match (min, max) {
            (1, Some(1)) => atom.exact.clone(),
            (0, Some(1)) => atom
                .exact
                .clone()
                .and_then(|e| union(e, vec![String::new()])),
            _ => None,
        };
        let required = if min >= 1 { atom.required } else { None };
        Some(Info { exact, required })
    }

    fn atom(&mut self) -> Option<Info> {
        let c = self.peek()?;
        self.pos += 1;
        let lit = |s: String| Info {
            exact: Some(vec![s.clone()]),
            required: Some(vec![s]),
        };
        match c {
            '(' => {
                if self.peek() == Some('?') {
                    // Only non-capturing groups; flags (e.g. `(?i)`) change
                    // what a literal means: give up.
                    if self.chars.get(self.pos + 1) != Some(&':') {
                        return None;
                    }
                    self.pos += 2;
                }
                let inner = self.alternation()?;
                (self.peek() == Some(')')).then(|| self.pos += 1)?;
                Some(inner)
            }
            '^' | '$' => Some(Info {
                exact: Some(vec![String::new()]),
                required: None,
            }),
            '.' => Some(Info::default()),
            '[' => {
                // Skip the class; a class is not a literal.
                if self.peek() == Some('^') {
                    self.pos += 1;
                }
                if self.peek() == Some(']') {
                    self.pos += 1;
                }
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match c {
                        '\\' => self.pos += 1,
                        ']' => return Some(Info::default()),
                        _ => {}
                    }
                }
                None
            }
            '\\' => {
                let e = self.peek()?;
                self.pos += 1;
                if e.is_ascii_alphanumeric() {
                    // \d \w \s \b … are classes or assertions.
                    return Some(if matches!(e, 'b' | 'B' | 'A' | 'z') {
                        Info {
                            exact: Some(vec![String::new()]),
                            required: None,
                        }
                    } else {
                        Info::default()
                    });
                }
                Some(lit(e.to_string()))
            }
            '*' | '+' | '?' | '{' | ')' | '|' => None,
            c => Some(lit(c.to_string())),
        }
    }
}

/// The required literals of `pattern`, or `None` if none can be found.
pub(crate) fn required_literals(pattern: &str) -> Option<Vec<String>> {
    let mut p = Parser {
        chars: pattern.chars().collect(),
        pos: 0,
        _src: pattern,
    };
    let info = p.alternation()?;
    if p.pos != p.chars.len() {
        return None;
    }
    info.required.filter(|r| usable(r))
}

#[cfg(test)]
mod tests {
    use super::required_literals;

    #[test]
    fn literals_of_common_shapes() {
        let cases: &[(&str, Option<&[&str]>)] = &[
            ("porn", Some(&["porn"])),
            (
                "(adultsite|cumshot|xxx)",
                Some(&["adultsite", "cumshot", "xxx"]),
            ),
            (
                "(^|[-/_])(big|hard)?(sex|porn)s?([-./_]|$)",
                Some(&["porn", "sex"]),
            ),
            ("casino[0-9]+\\.com", Some(&["casino"])),
            ("a.*b", Some(&["a"])),
            ("(?i)porn", None),
            ("[a-z]+", None),
            ("x?", None),
            ("(ab|c*)", None),
            ("bet(ting)?", Some(&["bet", "betting"])),
            ("\\.xxx$", Some(&[".xxx"])),
        ];
        for (pattern, want) in cases {
            let got = required_literals(pattern);
            let want = want.map(|w| w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            assert_eq!(got, want, "{pattern}");
        }
    }

    #[test]
    fn ut1_very_restrictive_rule() {
        let rule = r"(^|[-\?+=/_])(big|cyber|hard|huge|mega|small|soft|super|tiny)?(adult|babe|boob|breast|busen|busty|clit|cum|fetish|hooter|lez|lust|naked|nude|porn|porno|pupper|pussy|lesb|gay|lolit|salop|orgasm|mature|sex|smutpump|teen|tit|topp?les|xxx)s?([-\.\?+=/_]|$)";
        let lits = required_literals(rule).unwrap();
        assert!(lits.contains(&"porn".to_string()) && lits.contains(&"toples".to_string()));
        assert!(lits.iter().all(|l| l.len() >= 3), "{lits:?}");
    }
}
