//! The normaliser: one forward pass over the text producing three parallel arrays,
//!
//! * `bytes`: the *folded* view — lower-case ASCII letters, digits and single spaces;
//! * `marks`: for each byte, the diacritics the source letter carried (see [`crate::fold`]),
//!   so the *exact-diacritics* view is `bytes` + `marks` together;
//! * `orig`: for each byte, the byte offset in the original text of the character it came from.
//!
//! Per word (token) it applies, in this order: leetspeak (digits and `@`/`$` inside words),
//! collapsing of runs of three or more equal letters, tone-placement normalisation (the tone is a
//! property of the syllable, so `hoà` = `hòa`), `z`/`dz` → `v` in accented words, and whole-word
//! teen code. Runs of three or more one-letter words separated by short punctuation/space runs
//! (`s.e.x`, `c a c u o c`) are joined into one word first.

use crate::fold::{classify, combine, Class, TONE_MASK};

/// Output of the normaliser (reused across chunks). Storage is kept at full size and written
/// by index (`len` is the used part), which is much cheaper than `Vec::push` per byte.
#[derive(Default, Debug, Clone)]
pub(crate) struct Buf {
    vb: Vec<u8>,
    vm: Vec<u8>,
    vo: Vec<u32>,
    len: usize,
}

impl Buf {
    pub(crate) fn with_capacity(n: usize) -> Buf {
        Buf {
            vb: vec![0; n],
            vm: vec![0; n],
            vo: vec![0; n],
            len: 0,
        }
    }

    /// Folded bytes.
    #[inline]
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.vb[..self.len]
    }

    /// Marks, one per byte.
    #[inline]
    pub(crate) fn marks(&self) -> &[u8] {
        &self.vm[..self.len]
    }

    #[inline]
    fn marks_mut(&mut self) -> &mut [u8] {
        &mut self.vm[..self.len]
    }

    /// Original offsets, one per byte.
    #[inline]
    pub(crate) fn orig(&self) -> &[u32] {
        &self.vo[..self.len]
    }

    /// Makes room for `extra` more bytes.
    #[inline]
    pub(crate) fn reserve(&mut self, extra: usize) {
        let need = self.len + extra;
        if need > self.vb.len() {
            self.grow(need);
        }
    }

    #[cold]
    fn grow(&mut self, need: usize) {
        let n = need.max(self.vb.len() * 2).max(64);
        self.vb.resize(n, 0);
        self.vm.resize(n, 0);
        self.vo.resize(n, 0);
    }

    #[inline]
    fn push(&mut self, b: u8, mark: u8, orig: u32) {
        self.reserve(1);
        let i = self.len;
        self.vb[i] = b;
        self.vm[i] = mark;
        self.vo[i] = orig;
        self.len = i + 1;
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    #[inline]
    fn last(&self) -> Option<u8> {
        self.len.checked_sub(1).map(|i| self.vb[i])
    }

    #[inline]
    fn truncate(&mut self, n: usize) {
        self.len = self.len.min(n);
    }

    pub(crate) fn clear(&mut self) {
        self.len = 0;
    }

    /// Keeps only the last `keep` bytes.
    pub(crate) fn keep_tail(&mut self, keep: usize) {
        let n = self.len;
        if keep >= n {
            return;
        }
        let from = n - keep;
        self.vb.copy_within(from..n, 0);
        self.vm.copy_within(from..n, 0);
        self.vo.copy_within(from..n, 0);
        self.len = keep;
    }
}

#[derive(Clone, Copy, Debug)]
struct TokChar {
    b: u8,
    mark: u8,
    orig: u32,
}

/// Marker bit (never a real mark) used while deciding leetspeak.
const LEET_FLAG: u8 = 0x80;

/// Teen code: a whole word (folded, ≤ 3 letters) and what it stands for. Kept deliberately
/// small: only abbreviations that are common in Vietnamese chat and that phrase rules need.
/// Single letters that are also English words or initials (`a`, `e`, `i`) are NOT expanded.
pub const TEEN_CODE: &[(&str, &str)] = &[
    ("k", "không"),
    ("ko", "không"),
    ("kg", "không"),
    ("kh", "không"),
    ("hok", "không"),
    ("khum", "không"),
    ("j", "gì"),
    ("dc", "được"),
    ("dk", "được"),
    ("ng", "người"),
    ("ny", "người yêu"),
    ("vs", "với"),
    ("mk", "mình"),
    ("mik", "mình"),
    ("mh", "mình"),
    ("bm", "bố mẹ"),
    ("ns", "nói"),
    ("sdt", "số điện thoại"),
    ("dt", "điện thoại"),
    ("r", "rồi"),
    ("z", "vậy"),
    ("dz", "vậy"),
    ("cj", "chị"),
    ("bn", "bạn"),
    ("ib", "nhắn tin"),
    ("nt", "nhắn tin"),
];

/// Looks a (folded) word up in [`TEEN_CODE`] (a `match`, so the compiler builds the search).
#[inline]
fn teen_code(word: &[u8]) -> Option<&'static str> {
    Some(match word {
        b"k" | b"ko" | b"kg" | b"kh" | b"hok" | b"khum" => "không",
        b"j" => "gì",
        b"dc" | b"dk" => "được",
        b"ng" => "người",
        b"ny" => "người yêu",
        b"vs" => "với",
        b"mk" | b"mik" | b"mh" => "mình",
        b"bm" => "bố mẹ",
        b"ns" => "nói",
        b"sdt" => "số điện thoại",
        b"dt" => "điện thoại",
        b"r" => "rồi",
        b"z" | b"dz" => "vậy",
        b"cj" => "chị",
        b"bn" => "bạn",
        b"ib" | b"nt" => "nhắn tin",
        _ => return None,
    })
}

/// For each first letter (`& 31`), a bit set of the second letters (`& 31`) that begin a
/// [`TEEN_CODE`] key of two or more letters: most words are ruled out with one lookup.
const TEEN_PAIRS: [u32; 32] = {
    let mut t = [0u32; 32];
    let mut i = 0;
    while i < TEEN_CODE.len() {
        let k = TEEN_CODE[i].0.as_bytes();
        if k.len() >= 2 {
            t[(k[0] & 31) as usize] |= 1 << (k[1] & 31);
        }
        i += 1;
    }
    t
};

const F_MARK: u8 = 1;
const F_NONLETTER: u8 = 2;
const F_RUN3: u8 = 4;

/// ASCII fast path: lower-cased letter, digit, `@`/`$`, or 0 for a separator.
const ASCII_MAP: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = match b {
            b'a'..=b'z' | b'0'..=b'9' | b'@' | b'$' => b,
            b'A'..=b'Z' => b | 0x20,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// ASCII letters lower-cased; 0 for every other byte (inner loop of a word).
const ASCII_LETTER: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = match b {
            b'a'..=b'z' => b,
            b'A'..=b'Z' => b | 0x20,
            _ => 0,
        };
        i += 1;
    }
    t
};

/// Decodes the char at `pos` of valid UTF-8 and classifies it.
#[inline]
fn decode(bytes: &[u8], pos: usize) -> (Class, usize) {
    let b0 = bytes[pos] as u32;
    let at = |i: usize| bytes.get(pos + i).map_or(0, |&b| (b & 0x3F) as u32);
    let (cp, len) = if b0 < 0x80 {
        (b0, 1)
    } else if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | at(1), 2)
    } else if b0 < 0xF0 {
        (((b0 & 0x0F) << 12) | (at(1) << 6) | at(2), 3)
    } else {
        (
            ((b0 & 0x07) << 18) | (at(1) << 12) | (at(2) << 6) | at(3),
            4,
        )
    };
    (classify(char::from_u32(cp).unwrap_or(' ')), len)
}

/// Longest separator run (in chars) that still joins one-letter words (`s . e . x`).
const JOIN_MAX_SEP: usize = 3;
/// How many one-letter words in a row are needed before they are joined.
const JOIN_MIN_RUN: usize = 3;

/// Resumable normaliser over one text.
pub(crate) struct Normalizer<'a> {
    text: &'a str,
    pos: usize,
    base: u32,
    tok: Vec<TokChar>,
    teen: bool,
    /// End (in the text) of the last word written.
    last_end: usize,
}

impl<'a> Normalizer<'a> {
    /// `base` is added to every original offset (for texts fed in several pieces).
    pub(crate) fn new(text: &'a str, base: u32) -> Normalizer<'a> {
        Normalizer {
            text,
            pos: 0,
            base,
            tok: Vec::with_capacity(64),
            teen: true,
            last_end: 0,
        }
    }

    /// Original offset (with base) just after the last word written: the end of a match that
    /// reaches the end of the output.
    pub(crate) fn orig_pos(&self) -> u32 {
        self.base + self.last_end as u32
    }

    #[inline]
    fn next_class(&self, pos: usize) -> (Class, usize) {
        decode(self.text.as_bytes(), pos)
    }

    /// Normalises until the output holds at least `min_len` bytes (stopping only right after a
    /// separator, so no word is cut) or the text ends. Returns `true` when the text is finished.
    ///
    /// One fused loop: ASCII bytes are mapped and written directly while the word's properties
    /// (digits, runs, marks) are tracked; a word is post-processed only when it needs it.
    pub(crate) fn fill(&mut self, out: &mut Buf, min_len: usize) -> bool {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let mut pos = self.pos;
        let mut in_tok = false;
        let mut sep_start = pos;
        let mut tok_start = 0;
        let mut tok_pos = 0;
        let mut flags = 0u8;
        let mut prev = 0u8;
        let mut prev2 = 0u8;
        while pos < len {
            let b = bytes[pos];
            let (c, mark, clen) = if b < 0x80 {
                (ASCII_MAP[b as usize], 0, 1)
            } else {
                let (class, clen) = decode(bytes, pos);
                match class {
                    Class::Letter(c, m) => (c, m, clen),
                    Class::Digit(d) => (d, 0, clen),
                    Class::Leet(_) => (b'@', 0, clen),
                    Class::Combining(m) => {
                        if in_tok && out.len() > tok_start {
                            let i = out.len() - 1;
                            if out.bytes()[i].is_ascii_lowercase() {
                                let mk = &mut out.marks_mut()[i];
                                *mk = combine(*mk, m);
                                flags |= F_MARK;
                            }
                        }
                        pos += clen;
                        continue;
                    }
                    Class::Ignorable => {
                        pos += clen;
                        continue;
                    }
                    Class::Separator => (0, 0, clen),
                }
            };
            if c == 0 {
                // Separator.
                if in_tok {
                    in_tok = false;
                    sep_start = pos;
                    // Common case inline: a plain word (no digits, runs, teen code, z/dz),
                    // possibly accented (then only its tone is moved).
                    let n = out.len() - tok_start;
                    let first = out.bytes()[tok_start];
                    let teen_possible = n <= 4
                        && n > 1
                        && (TEEN_PAIRS[(first & 31) as usize] >> (out.bytes()[tok_start + 1] & 31))
                            & 1
                            != 0;
                    if n > 1
                        && flags & !F_MARK == 0
                        && !teen_possible
                        && first != b'z'
                        && out.bytes()[tok_start + 1] != b'z'
                    {
                        if flags & F_MARK != 0 {
                            tone_in_place(&mut out.marks_mut()[tok_start..]);
                        }
                        self.last_end = pos;
                    } else {
                        let end = self.finish_token(out, tok_start, tok_pos, pos, flags);
                        if end != pos {
                            // A run of one-letter words was joined: continue after it.
                            pos = end;
                            sep_start = pos;
                            continue;
                        }
                    }
                }
                pos += clen;
                continue;
            }
            if !in_tok {
                if pos > sep_start && out.last().is_some_and(|b| b != b' ') {
                    out.push(b' ', 0, self.base + sep_start as u32);
                    if out.len() >= min_len {
                        self.pos = pos;
                        return false;
                    }
                }
                in_tok = true;
                tok_start = out.len();
                tok_pos = pos;
                flags = 0;
                prev = 0;
                prev2 = 0;
            }
            out.push(c, mark, self.base + pos as u32);
            if c >= b'a' {
                flags |= (((c == prev) & (c == prev2)) as u8) * F_RUN3;
                prev2 = prev;
                prev = c;
                if mark != 0 {
                    flags |= F_MARK;
                }
            } else {
                flags |= F_NONLETTER;
                prev = 0;
                prev2 = 0;
            }
            pos += clen;
            // Fast inner loop: further ASCII letters of the same word.
            while pos < len {
                let c = ASCII_LETTER[bytes[pos] as usize];
                if c == 0 {
                    break;
                }
                out.push(c, 0, self.base + pos as u32);
                // Three equal letters in a row (branch-free).
                flags |= (((c == prev) & (c == prev2)) as u8) * F_RUN3;
                prev2 = prev;
                prev = c;
                pos += 1;
            }
        }
        if in_tok {
            let end = self.finish_token(out, tok_start, tok_pos, len, flags);
            if end < len {
                // The joined run ended before the text did: go on from there.
                self.pos = end;
                return self.fill(out, min_len);
            }
        }
        self.pos = len;
        true
    }

    /// Post-processes the word just written at `out[tok_start..]` (text `start..end`). Returns
    /// where normalisation continues (`end`, or further if one-letter words were joined).
    #[inline(never)]
    fn finish_token(
        &mut self,
        out: &mut Buf,
        tok_start: usize,
        start: usize,
        end: usize,
        flags: u8,
    ) -> usize {
        let n = out.len() - tok_start;
        self.last_end = end;
        if n == 0 {
            return end;
        }
        let first = out.bytes()[tok_start];
        if n == 1 && first.is_ascii_lowercase() && self.single_run_len(end) + 1 >= JOIN_MIN_RUN {
            out.truncate(tok_start);
            self.tok.clear();
            self.read_token(start);
            let len = self.text.len();
            let mut at = end;
            // Join the run of one-letter words.
            loop {
                let mut p = at;
                let mut seps = 0;
                while p < len && seps <= JOIN_MAX_SEP {
                    let (class, clen) = self.next_class(p);
                    match class {
                        Class::Letter(..) => break,
                        _ => {
                            p += clen;
                            seps += 1;
                        }
                    }
                }
                if p >= len || seps > JOIN_MAX_SEP || self.has_newline(at, p) {
                    break;
                }
                let keep = self.tok.len();
                let (e, single) = self.read_token(p);
                if !single {
                    self.tok.truncate(keep);
                    break;
                }
                at = e;
            }
            self.process_token(out, false);
            self.last_end = at;
            return at;
        }
        // Common cases first: a plain word, or an accented word that only needs its tone moved.
        if n > 4 && flags & !F_MARK == 0 && first != b'z' && first != b'd' {
            if flags & F_MARK != 0 {
                tone_in_place(&mut out.marks_mut()[tok_start..]);
            }
            return end;
        }
        let slow = flags & (F_NONLETTER | F_RUN3) != 0
            || (self.teen && n <= 4 && teen_code(&out.bytes()[tok_start..]).is_some())
            || (flags & F_MARK != 0
                && (first == b'z'
                    || (first == b'd' && n > 2 && out.bytes()[tok_start + 1] == b'z')));
        if slow {
            out.truncate(tok_start);
            self.tok.clear();
            self.read_token(start);
            self.process_token(out, self.teen);
        } else if flags & F_MARK != 0 {
            tone_in_place(&mut out.marks_mut()[tok_start..]);
        }
        end
    }

    fn has_newline(&self, from: usize, to: usize) -> bool {
        self.text.as_bytes()[from..to].contains(&b'\n')
    }

    /// Reads one word starting at `pos` (appending to `self.tok`). Returns the end position and
    /// whether the word is a single letter.
    fn read_token(&mut self, mut pos: usize) -> (usize, bool) {
        let len = self.text.len();
        let start_len = self.tok.len();
        while pos < len {
            let (class, clen) = self.next_class(pos);
            let orig = self.base + pos as u32;
            match class {
                Class::Letter(b, mark) => self.tok.push(TokChar { b, mark, orig }),
                Class::Digit(d) => self.tok.push(TokChar {
                    b: d,
                    mark: 0,
                    orig,
                }),
                Class::Leet(l) => self.tok.push(TokChar {
                    b: if l == b'a' { b'@' } else { b'$' },
                    mark: 0,
                    orig,
                }),
                Class::Combining(m) => {
                    if let Some(last) = self.tok[start_len..].last_mut() {
                        if last.b.is_ascii_lowercase() {
                            last.mark = combine(last.mark, m);
                        }
                    }
                }
                Class::Ignorable => {}
                Class::Separator => break,
            }
            pos += clen;
        }
        let added = &self.tok[start_len..];
        (pos, added.len() == 1 && added[0].b.is_ascii_lowercase())
    }

    /// Counts one-letter words following `pos`, each separated by a short separator run.
    fn single_run_len(&self, mut pos: usize) -> usize {
        let len = self.text.len();
        let mut count = 0;
        loop {
            let sep_start = pos;
            let mut seps = 0;
            while pos < len {
                let (class, clen) = self.next_class(pos);
                match class {
                    Class::Letter(..) | Class::Digit(_) | Class::Leet(_) => break,
                    _ => {
                        pos += clen;
                        seps += 1;
                    }
                }
            }
            if pos >= len || seps == 0 || seps > JOIN_MAX_SEP || self.has_newline(sep_start, pos) {
                return count;
            }
            let (class, clen) = self.next_class(pos);
            if !matches!(class, Class::Letter(..)) {
                return count;
            }
            pos += clen;
            // Trailing combining marks belong to the letter.
            while pos < len {
                let (class, clen) = self.next_class(pos);
                match class {
                    Class::Combining(_) | Class::Ignorable => pos += clen,
                    _ => break,
                }
            }
            if pos < len {
                let (class, _) = self.next_class(pos);
                if !matches!(class, Class::Separator) {
                    return count;
                }
            }
            count += 1;
            if count >= JOIN_MIN_RUN {
                return count;
            }
        }
    }

    fn process_token(&mut self, out: &mut Buf, teen: bool) {
        let tok = &mut self.tok;
        if tok.is_empty() {
            return;
        }
        let has_letter = tok.iter().any(|c| c.b.is_ascii_lowercase());
        // Leetspeak.
        if !has_letter {
            tok.retain(|c| c.b.is_ascii_digit());
        } else if tok.iter().any(|c| !c.b.is_ascii_lowercase()) {
            let n = tok.len();
            for i in 0..n {
                let b = tok[i].b;
                let isolated = (i == 0 || !tok[i - 1].b.is_ascii_digit())
                    && (i + 1 == n || !tok[i + 1].b.is_ascii_digit());
                let leet = match b {
                    b'@' | b'$' => true,
                    b'0' | b'1' | b'3' | b'4' | b'5' | b'7' => isolated,
                    _ => false,
                };
                if leet {
                    tok[i].mark |= LEET_FLAG;
                }
            }
            for c in tok.iter_mut() {
                if c.mark & LEET_FLAG != 0 {
                    c.mark = 0;
                    c.b = match c.b {
                        b'@' | b'4' => b'a',
                        b'$' | b'5' => b's',
                        b'0' => b'o',
                        b'1' => b'i',
                        b'3' => b'e',
                        _ => b't',
                    };
                }
            }
            tok.retain(|c| c.b != b'@' && c.b != b'$');
        }
        if tok.is_empty() {
            return;
        }
        // Runs of ≥ 3 equal letters → one.
        if tok.len() >= 3 {
            let mut w = 0;
            let mut i = 0;
            let n = tok.len();
            while i < n {
                let b = tok[i].b;
                let mut j = i + 1;
                while j < n && tok[j].b == b {
                    j += 1;
                }
                let run = j - i;
                let keep = if run >= 3 && b.is_ascii_lowercase() {
                    1
                } else {
                    run
                };
                for k in 0..keep {
                    tok[w] = tok[i + k];
                    w += 1;
                }
                i = j;
            }
            tok.truncate(w);
        }
        // Tone placement: the first tone of the word goes on its first letter.
        let mut tone = 0;
        let mut any_mark = false;
        for c in tok.iter_mut() {
            if c.mark != 0 {
                any_mark = true;
                if tone == 0 {
                    tone = c.mark & TONE_MASK;
                }
                c.mark &= !TONE_MASK;
            }
        }
        // z / dz → v in accented words (zậy, dzô).
        if any_mark {
            if tok.len() > 2 && tok[0].b == b'd' && tok[1].b == b'z' {
                tok.remove(0);
                tok[0].b = b'v';
                tok[0].mark = 0;
            } else if tok.len() > 1 && tok[0].b == b'z' {
                tok[0].b = b'v';
            }
        }
        tok[0].mark |= tone;
        // Teen code.
        if teen && tok.len() <= 4 {
            let mut key = [0u8; 4];
            for (k, c) in key.iter_mut().zip(tok.iter()) {
                *k = c.b;
            }
            let key = &key[..tok.len()];
            if let Some(exp) = teen_code(key) {
                let orig = tok[0].orig;
                emit_plain(out, exp, orig);
                return;
            }
        }
        for c in tok.iter() {
            out.push(c.b, c.mark, c.orig);
        }
    }
}

/// Tone placement in place: the first tone of the word goes on its first letter.
#[inline]
fn tone_in_place(marks: &mut [u8]) {
    let mut tone = 0;
    for m in marks.iter_mut() {
        if tone == 0 {
            tone = *m & TONE_MASK;
        }
        *m &= !TONE_MASK;
    }
    if let Some(m0) = marks.first_mut() {
        *m0 |= tone;
    }
}

/// Emits a short, well-formed Vietnamese expansion (teen code), every byte mapped to `orig`.
fn emit_plain(out: &mut Buf, s: &str, orig: u32) {
    let mut word_start = out.len();
    for ch in s.chars() {
        match classify(ch) {
            Class::Letter(b, mark) => {
                let tone = mark & TONE_MASK;
                out.push(b, mark & !TONE_MASK, orig);
                if tone != 0 {
                    out.marks_mut()[word_start] |= tone;
                }
            }
            _ => {
                out.push(b' ', 0, orig);
                word_start = out.len();
            }
        }
    }
}

/// Normalises a whole (short) text in one go; used for phrases and for debugging.
pub(crate) fn normalize_all(text: &str, teen: bool) -> Buf {
    let mut buf = Buf::with_capacity(text.len() + 8);
    let mut n = Normalizer::new(text, 0);
    n.teen = teen;
    n.fill(&mut buf, usize::MAX);
    while buf.last() == Some(b' ') {
        buf.truncate(buf.len() - 1);
    }
    buf
}

/// The normalised form of a text, for debugging and for tools (e.g. to show authors how a
/// phrase will be matched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// Folded view: lower-case ASCII letters, digits and single spaces.
    pub folded: String,
    /// Exact-diacritics view: the folded view re-composed with the marks that were kept
    /// (tone moved to the first letter of each word), as a lower-case string.
    pub exact: String,
    /// For each byte of `folded`, the byte offset of its source character in the input.
    pub offsets: Vec<usize>,
}

/// Normalises `text` exactly as the scorer does (teen code included).
pub fn normalize(text: &str) -> Normalized {
    let buf = normalize_all(text, true);
    let folded = String::from_utf8(buf.bytes().to_vec()).unwrap_or_default();
    let mut exact = String::with_capacity(folded.len() + 8);
    for (&b, &m) in buf.bytes().iter().zip(buf.marks()) {
        exact.push(b as char);
        if m & !TONE_MASK != 0 {
            exact.push(match m >> 3 {
                1 => '\u{302}',
                2 => '\u{306}',
                3 => '\u{31b}',
                4 => '\u{335}',
                _ => '\u{308}',
            });
        }
        if m & TONE_MASK != 0 {
            exact.push(
                ['\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}']
                    [(m & TONE_MASK) as usize - 1],
            );
        }
    }
    Normalized {
        folded,
        exact,
        offsets: buf.orig().iter().map(|&o| o as usize).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        normalize(s).folded
    }

    #[test]
    fn folding() {
        assert_eq!(f("Nhà Cái UY TÍN"), "nha cai uy tin");
        assert_eq!(f("Đảm đang"), "dam dang");
        assert_eq!(f("  hello,   world!! "), "hello world");
    }

    #[test]
    fn nfd_same_as_nfc() {
        let nfc = "cá cược bóng đá, nổ hũ, Tiếng Việt";
        let nfd = "ca\u{301} cu\u{31b}\u{323}o\u{31b}c bo\u{301}ng đa\u{301}, no\u{302}\u{309} hu\u{303}, Tie\u{302}\u{301}ng Vie\u{323}\u{302}t";
        let a = normalize_all(nfc, true);
        let b = normalize_all(nfd, true);
        assert_eq!(a.bytes(), b.bytes());
        assert_eq!(a.marks(), b.marks());
    }

    #[test]
    fn tone_placement() {
        let a = normalize_all("hoà thuý", true);
        let b = normalize_all("hòa thúy", true);
        assert_eq!(a.marks(), b.marks());
    }

    #[test]
    fn leet_and_repeats() {
        assert_eq!(f("s3x p0rn c4sino"), "sex porn casino");
        assert_eq!(f("seeeeex"), "sex");
        assert_eq!(f("ơiiiii"), "oi");
        assert_eq!(f("tổng đài 111 năm 2024"), "tong dai 111 nam 2024");
        assert_eq!(f("phim18 fb88"), "phim18 fb88");
        assert_eq!(f("a$$ h0t"), "ass hot");
        assert_eq!(f("$100"), "100");
    }

    #[test]
    fn joins_single_letters() {
        assert_eq!(f("s.e.x"), "sex");
        assert_eq!(f("s e x"), "sex");
        assert_eq!(f("c a c u o c bong da"), "cacuoc bong da");
        assert_eq!(f("c á c ư ợ c"), "cacuoc");
        assert_eq!(f("S-E-X video"), "sex video");
        // Two one-letter words are not joined; teen code applies to them.
        assert_eq!(f("a k"), "a khong");
    }

    #[test]
    fn teen_code() {
        assert_eq!(f("ko bít"), "khong bit");
        assert_eq!(f("đc k"), "duoc khong");
        assert_eq!(f("lm j"), "lm gi");
        assert_eq!(f("zậy dzô"), "vay vo");
        assert_eq!(f("cho mk sđt"), "cho minh so dien thoai");
        assert_eq!(normalize("đc").exact, normalize("được").exact);
    }

    #[test]
    fn teen_table_and_match_agree() {
        for (k, v) in TEEN_CODE {
            assert_eq!(super::teen_code(k.as_bytes()), Some(*v), "{k}");
        }
        assert_eq!(super::teen_code(b"khong"), None);
        assert_eq!(f("khum"), "khong");
    }

    #[test]
    fn offsets_map_back() {
        let t = "Xin chào S.E.X đây";
        let n = normalize(t);
        let i = n.folded.find("sex").unwrap();
        assert_eq!(&t[n.offsets[i]..n.offsets[i + 3]], "S.E.X");
    }
}
