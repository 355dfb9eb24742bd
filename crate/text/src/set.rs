//! Compiled phrase set and scoring.

use crate::dfa::Dfa;
use crate::list::{check_rule, PhraseRule};
use crate::normalize::{normalize_all, Buf, Normalizer};
use crate::{AgeBand, Category, Error, Limits, N_CATEGORIES};
use std::collections::HashMap;

/// The most a grooming score needs at any age band (the 11-14 limit): a
/// stranger asking for a number and an address warns a 16-year-old too.
pub const GROOMING_LIMIT: i32 = 100;

/// Normalised bytes per chunk scanned at once (keeps the working set in cache).
pub(crate) const CHUNK: usize = 32 * 1024;
/// Texts up to this size record original offsets while normalising (see `Scanner::feed`).
const SHORT_TEXT: usize = 4096;
/// Multi-word phrases at least this long (without spaces) also match written together
/// (`nhacai`, `c a c u o c` → `cacuoc`).
const JOINED_MIN_LEN: usize = 6;

/// Bytes, marks, whole word, exact, ignore marks.
type AtomKey = (Vec<u8>, Vec<u8>, bool, bool, bool);

/// One matchable form of a phrase part.
#[derive(Debug, Clone)]
struct Atom {
    marks: Box<[u8]>,
    exact: bool,
    ignore_marks: bool,
}

#[derive(Debug, Clone)]
struct Compiled {
    /// Per part: the atoms (variants) that count for it.
    parts: Vec<Vec<u32>>,
}

/// A compiled, immutable set of phrase rules: the scorer.
///
/// Build it with [`PhraseSet::compile`] (from [`crate::parse_list`] output) or load it with
/// [`PhraseSet::from_bytes`]; score text with [`PhraseSet::score`] or, for text arriving in
/// pieces, [`PhraseSet::scanner`].
#[derive(Debug, Clone)]
pub struct PhraseSet {
    pub(crate) rules: Vec<PhraseRule>,
    pub(crate) limits: Limits,
    compiled: Vec<Compiled>,
    atoms: Vec<Atom>,
    /// Automaton pattern id → atoms.
    pat_atoms: Vec<Vec<u32>>,
    /// Automaton pattern id → length of the phrase bytes (without the spaces added around
    /// whole-word patterns) `<< 1`, | 1 for a whole-word pattern.
    pat_info: Vec<u32>,
    /// Atom → rules that use it (for quick scoring of the few atoms seen).
    atom_rules: Vec<Vec<u32>>,
    dfa: Dfa,
    max_len: usize,
}

/// Alias: the compiled phrase set is the scorer.
pub type Scorer = PhraseSet;

impl PhraseSet {
    /// Compiles rules into one Aho-Corasick automaton, with the default [`Limits`].
    pub fn compile(rules: &[PhraseRule]) -> Result<PhraseSet, Error> {
        Self::compile_with_limits(rules.to_vec(), Limits::default())
    }

    /// Parses and compiles several lists in one step (`(file name, text)` pairs, e.g. every
    /// `lists/phrases/*.txt`): what the bundle compiler needs. Errors come back as
    /// `file:line: message` strings, all of them.
    ///
    /// ```
    /// let set = lachan_text::PhraseSet::from_lists([
    ///     ("gambling.txt", "# category: gambling\n60 | nhà cái | whole | operator\n"),
    /// ]).unwrap();
    /// let section: Vec<u8> = set.to_bytes(); // store as the bundle's phrase section
    /// assert!(lachan_text::PhraseSet::from_bytes(&section).is_ok());
    /// let err = lachan_text::PhraseSet::from_lists([("x.txt", "60 | a | whole | r\n")]);
    /// assert_eq!(err.unwrap_err()[0], "x.txt:1: entry before any `# category:` header");
    /// ```
    pub fn from_lists<'a, I>(lists: I) -> Result<PhraseSet, Vec<String>>
    where
        I: IntoIterator<Item = (&'a str, &'a str)>,
    {
        let rules = crate::list::parse_lists(lists)
            .map_err(|errs| errs.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        PhraseSet::compile(&rules).map_err(|e| vec![e.to_string()])
    }

    /// Returns the same set with other per-band limits.
    pub fn with_limits(mut self, limits: Limits) -> PhraseSet {
        self.limits = limits;
        self
    }

    pub(crate) fn compile_with_limits(
        rules: Vec<PhraseRule>,
        limits: Limits,
    ) -> Result<PhraseSet, Error> {
        // Automaton patterns: the phrase bytes, with a space on each side for whole words.
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        let mut pat_info: Vec<u32> = Vec::new();
        let mut pat_index: HashMap<(Vec<u8>, bool), u32> = HashMap::new();
        let mut pat_atoms: Vec<Vec<u32>> = Vec::new();
        let mut atoms: Vec<Atom> = Vec::new();
        let mut atom_index: HashMap<AtomKey, u32> = HashMap::new();
        let mut compiled = Vec::with_capacity(rules.len());
        let mut max_len = 1;
        let mut add_atom = |bytes: Vec<u8>, marks: Vec<u8>, whole, exact, ignore: bool| -> u32 {
            let key = (bytes.clone(), marks.clone(), whole, exact, ignore);
            if let Some(&a) = atom_index.get(&key) {
                return a;
            }
            let pid = *pat_index.entry((bytes.clone(), whole)).or_insert_with(|| {
                let mut p = Vec::with_capacity(bytes.len() + 2);
                if whole {
                    p.push(b' ');
                }
                p.extend_from_slice(&bytes);
                if whole {
                    p.push(b' ');
                }
                patterns.push(p);
                pat_info.push((bytes.len() as u32) << 1 | whole as u32);
                pat_atoms.push(Vec::new());
                (patterns.len() - 1) as u32
            });
            let id = atoms.len() as u32;
            atoms.push(Atom {
                marks: marks.into_boxed_slice(),
                exact,
                ignore_marks: ignore,
            });
            pat_atoms[pid as usize].push(id);
            atom_index.insert(key, id);
            id
        };
        for (ri, rule) in rules.iter().enumerate() {
            if let Some(msg) = check_rule(rule) {
                return Err(Error::rule(format_args!(
                    "{} (rule {ri}): {msg}",
                    rule.origin
                )));
            }
            let mut parts = Vec::with_capacity(rule.parts.len());
            for p in &rule.parts {
                let n = normalize_all(p, true);
                max_len = max_len.max(n.len());
                let mut variants = vec![add_atom(
                    n.bytes().to_vec(),
                    n.marks().to_vec(),
                    rule.whole_word,
                    rule.exact,
                    false,
                )];
                if !rule.exact && n.bytes().contains(&b' ') {
                    let joined: Vec<u8> =
                        n.bytes().iter().copied().filter(|&b| b != b' ').collect();
                    if joined.len() >= JOINED_MIN_LEN {
                        let marks = vec![0; joined.len()];
                        variants.push(add_atom(joined, marks, true, false, true));
                    }
                }
                parts.push(variants);
            }
            compiled.push(Compiled { parts });
        }
        let mut atom_rules = vec![Vec::new(); atoms.len()];
        for (ri, c) in compiled.iter().enumerate() {
            for part in &c.parts {
                for &a in part {
                    let v: &mut Vec<u32> = &mut atom_rules[a as usize];
                    if v.last() != Some(&(ri as u32)) {
                        v.push(ri as u32);
                    }
                }
            }
        }
        let dfa = Dfa::new(&patterns);
        Ok(PhraseSet {
            rules,
            limits,
            compiled,
            atoms,
            pat_atoms,
            pat_info,
            atom_rules,
            dfa,
            max_len,
        })
    }

    /// The rules, in compile order (a match's `rule` indexes this).
    pub fn rules(&self) -> &[PhraseRule] {
        &self.rules
    }

    /// Automaton size (states, byte classes, table bytes): for benchmarks, not a stable API.
    #[doc(hidden)]
    pub fn automaton_stats(&self) -> (usize, usize, usize) {
        self.dfa.stats()
    }

    /// The per-band limits used by [`TextScore::decide`].
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Scores one text.
    pub fn score(&self, text: &str) -> TextScore {
        let mut s = self.scanner();
        s.feed(text);
        s.finish()
    }

    /// Starts scoring a page whose text arrives in pieces; the pieces count as one page
    /// (each phrase once), and spans are offsets into the concatenation of the pieces.
    pub fn scanner(&self) -> Scanner<'_> {
        Scanner {
            set: self,
            counts: vec![0; self.atoms.len()],
            spans: vec![(0, 0); self.atoms.len()],
            seen: Vec::new(),
            buf: Buf::default(),
            scratch: Buf::with_capacity(0, true),
            offset: 0,
        }
    }
}

/// Incremental scoring of one page (see [`PhraseSet::scanner`]).
#[derive(Debug)]
pub struct Scanner<'a> {
    set: &'a PhraseSet,
    counts: Vec<u32>,
    spans: Vec<(u32, u32)>,
    seen: Vec<u32>,
    buf: Buf,
    /// Re-normalisation buffer for the original spans of first occurrences.
    scratch: Buf,
    offset: u32,
}

impl Scanner<'_> {
    /// Adds a piece of text. A piece boundary acts as a word boundary.
    pub fn feed(&mut self, text: &str) {
        let set = self.set;
        let dfa = &set.dfa;
        let mut norm = Normalizer::new(text, self.offset);
        self.buf.clear();
        // Short texts (queries, comments) record offsets directly: cheaper than re-normalising
        // for their matches. Long ones recompute them for first occurrences only.
        self.buf.set_record(text.len() <= SHORT_TEXT);
        self.buf.reserve(text.len().min(CHUNK + 4096) + 16);
        let mut carry = 0usize;
        loop {
            let done = norm.fill(&mut self.buf, CHUNK);
            let end_orig = norm.orig_pos();
            let (bytes, marks) = (self.buf.bytes(), self.buf.marks());
            let orig = self.buf.records().then(|| self.buf.orig());
            let n = bytes.len();
            let shift = self.buf.shift();
            let counts = &mut self.counts;
            let spans = &mut self.spans;
            let seen = &mut self.seen;
            let scratch = &mut self.scratch;
            // `end` is where the automaton reported (for whole-word patterns: after the space
            // that follows the phrase; `n + 1` for the virtual space after the text).
            let mut report = |end: usize, sid: u32| {
                for &p in dfa.matches(sid) {
                    let info = set.pat_info[p as usize] as usize;
                    let e = end - (info & 1);
                    let s = e - (info >> 1);
                    if e <= carry {
                        continue;
                    }
                    for &a in &set.pat_atoms[p as usize] {
                        let atom = &set.atoms[a as usize];
                        if !atom.ignore_marks && !marks_ok(&atom.marks, &marks[s..e], atom.exact) {
                            continue;
                        }
                        let c = &mut counts[a as usize];
                        if *c == 0 {
                            seen.push(a);
                            // First occurrence: map the span back to the original text.
                            let (start, mut end) = if let Some(orig) = orig {
                                (orig[s], if e < n { orig[e] } else { end_orig })
                            } else if e < n {
                                norm.orig_offsets(scratch, shift + s, shift + e)
                            } else {
                                (norm.orig_offsets(scratch, shift + s, shift + s).0, end_orig)
                            };
                            if end <= start {
                                end = start + 1;
                            }
                            spans[a as usize] = (start, end);
                        }
                        *c = c.saturating_add(1);
                    }
                }
            };
            // Each chunk is scanned from its start as if after a space (matches entirely in
            // the carried tail were reported with the previous chunk).
            let sid = dfa.scan(dfa.start(), bytes, &mut report);
            if done {
                // The virtual space after the text ends the last whole word.
                let sid = dfa.next(sid, b' ');
                if dfa.is_match(sid) {
                    report(n + 1, sid);
                }
                break;
            }
            let keep = (set.max_len + 1).min(self.buf.len());
            self.buf.keep_tail(keep);
            norm.drop_checkpoints_before(self.buf.shift());
            carry = keep;
        }
        self.offset = self.offset.saturating_add(text.len() as u32);
    }

    /// Finishes the page: per-category scores, matched phrases and what they decide.
    pub fn finish(self) -> TextScore {
        let set = self.set;
        let mut rules: Vec<u32> = self
            .seen
            .iter()
            .flat_map(|&a| set.atom_rules[a as usize].iter().copied())
            .collect();
        rules.sort_unstable();
        rules.dedup();
        let mut scores = [0i32; N_CATEGORIES];
        let mut matches = Vec::new();
        let mut banned = Vec::new();
        for ri in rules {
            let c = &set.compiled[ri as usize];
            let rule = &set.rules[ri as usize];
            // A part counts if any of its variants was seen; the rule if every part was.
            let mut count = u32::MAX;
            let mut span = (u32::MAX, 0u32);
            for part in &c.parts {
                let mut pc = 0u32;
                for &a in part {
                    let k = self.counts[a as usize];
                    if k > 0 {
                        pc = pc.saturating_add(k);
                        let sp = self.spans[a as usize];
                        if sp.0 < span.0 {
                            span = sp;
                        }
                    }
                }
                count = count.min(pc);
            }
            if count == 0 {
                continue;
            }
            if rule.banned {
                banned.push(rule.category);
            } else if rule.category == Category::Exception {
                scores[Category::Exception as usize] =
                    scores[Category::Exception as usize].saturating_add(rule.weight);
                for cat in rule.applies_to.iter() {
                    if cat != Category::Exception {
                        scores[cat as usize] = scores[cat as usize].saturating_add(rule.weight);
                    }
                }
            } else {
                // Each phrase counts once per page, however often it occurs.
                scores[rule.category as usize] =
                    scores[rule.category as usize].saturating_add(rule.weight);
            }
            matches.push(PhraseMatch {
                rule: ri as usize,
                category: rule.category,
                weight: rule.weight,
                banned: rule.banned,
                count,
                start: span.0 as usize,
                end: span.1 as usize,
                phrase: rule.parts.join(", "),
                reason: rule.reason.clone(),
                origin: rule.origin.clone(),
            });
        }
        matches.sort_by_key(|m| (m.start, m.rule));
        TextScore {
            scores,
            matches,
            banned,
            limits: set.limits,
            keep: 100,
        }
    }
}

/// Diacritics check: each text letter must carry the phrase's marks, or (unless `exact`) none
/// at all (text typed without diacritics).
#[inline]
fn marks_ok(pattern: &[u8], text: &[u8], exact: bool) -> bool {
    if exact {
        pattern == text
    } else {
        pattern.iter().zip(text).all(|(&p, &t)| t == p || t == 0)
    }
}

/// One phrase rule that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PhraseMatch {
    /// Index into [`PhraseSet::rules`].
    pub rule: usize,
    /// The rule's category.
    pub category: Category,
    /// The rule's weight (counted once per page).
    pub weight: i32,
    /// Whether it is a banned phrase.
    pub banned: bool,
    /// Occurrences seen (for combinations: of the rarest part).
    pub count: u32,
    /// Byte offset in the original text of the first occurrence.
    pub start: usize,
    /// End byte offset (exclusive) of the first occurrence.
    pub end: usize,
    /// The phrase as written in the list (parts joined with `, `).
    pub phrase: String,
    /// The list's reason.
    pub reason: String,
    /// The list file and line.
    pub origin: String,
}

/// Why a page is over the limit for an age band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Decision {
    /// The deciding category.
    pub category: Category,
    /// Its score (0 for a banned phrase).
    pub score: i32,
    /// The band's limit.
    pub limit: i32,
    /// Decided by a banned phrase.
    pub banned: bool,
    /// Show support (111) rather than a wall: set for self-harm.
    pub support: bool,
}

/// The result of scoring a text: explainable scores and matches.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TextScore {
    scores: [i32; N_CATEGORIES],
    matches: Vec<PhraseMatch>,
    banned: Vec<Category>,
    limits: Limits,
    keep: i32,
}

impl TextScore {
    /// The score of one category (for `Exception`: the sum of exception weights seen).
    pub fn score(&self, category: Category) -> i32 {
        self.scores[category as usize]
    }

    /// All category scores, indexed like [`Category::ALL`].
    pub fn scores(&self) -> [(Category, i32); N_CATEGORIES] {
        Category::ALL.map(|c| (c, self.scores[c as usize]))
    }

    /// The rules that matched, in text order.
    pub fn matches(&self) -> &[PhraseMatch] {
        &self.matches
    }

    /// The same score in its page's context: a listed news, education,
    /// health or government site (and an article of one) keeps only a share
    /// of the informational categories' scores; banned phrases still decide
    /// (see [`crate::PageContext`]).
    pub fn in_context(mut self, context: crate::PageContext) -> TextScore {
        let keep = context.keep_percent();
        for c in context.lowered().iter() {
            let s = &mut self.scores[c as usize];
            if *s > 0 {
                *s = *s * keep / 100;
            }
        }
        self.keep = keep;
        self
    }

    /// The percent of the informational scores the page context kept (100
    /// without one).
    pub fn context_keep_percent(&self) -> i32 {
        self.keep
    }

    /// Whether any banned phrase matched.
    pub fn is_banned(&self) -> bool {
        !self.banned.is_empty()
    }

    /// The decision for an age band: `None` if the page is fine.
    ///
    /// Grooming counts against at most [`GROOMING_LIMIT`] at every band.
    ///
    /// A banned phrase decides at once. Otherwise every category whose score reaches the band's
    /// limit is over; self-harm wins (with `support` set, so the UI offers help rather than a
    /// wall), then the highest score (ties: the order of [`Category::ALL`]).
    pub fn decide(&self, band: AgeBand) -> Option<Decision> {
        let limit = self.limits.get(band);
        // Grooming is about who is asking, not what a child may read: an
        // older child is as much at risk, so its limit stops rising.
        let limit_of = |c: Category| {
            if c == Category::Grooming {
                limit.min(GROOMING_LIMIT)
            } else {
                limit
            }
        };
        if let Some(&category) = self.banned.iter().min_by_key(|c| **c as usize) {
            return Some(Decision {
                category,
                score: self.scores[category as usize],
                limit,
                banned: true,
                support: category == Category::SelfHarm,
            });
        }
        let over = Category::ALL
            .into_iter()
            .filter(|&c| c != Category::Exception && self.scores[c as usize] >= limit_of(c));
        let sh = Category::SelfHarm;
        let best = if self.scores[sh as usize] >= limit {
            Some(sh)
        } else {
            over.fold(None, |best: Option<Category>, c| match best {
                Some(b) if self.scores[b as usize] >= self.scores[c as usize] => Some(b),
                _ => Some(c),
            })
        }?;
        Some(Decision {
            category: best,
            score: self.scores[best as usize],
            limit: limit_of(best),
            banned: false,
            support: best == sh,
        })
    }
}
