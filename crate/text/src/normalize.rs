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
use crate::tables::{LATIN_1_EXT_AB, LATIN_EXT_ADDITIONAL};

/// Output of the normaliser (reused across chunks). Storage is kept at full size and written
/// by index (`len` is the used part), which is much cheaper than `Vec::push` per byte.
///
/// Invariants: `vm[len..]` is all zero (so plain ASCII letters need not write their mark), and
/// `vo` (original offsets) is only kept when `rec` is set: the scanner does not record offsets
/// per byte but recomputes them for the few matches it reports (see
/// [`Normalizer::orig_offsets`]).
#[derive(Default, Debug, Clone)]
pub(crate) struct Buf {
    vb: Vec<u8>,
    vm: Vec<u8>,
    vo: Vec<u32>,
    len: usize,
    /// Record original offsets (`vo`).
    rec: bool,
    /// Output position (since the start of the text) of `vb[0]`: bytes dropped by `keep_tail`.
    shift: usize,
}

/// `0x01` in every byte.
const LO: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte.
const HI: u64 = 0x8080_8080_8080_8080;

impl Buf {
    /// A buffer for `n` bytes; `rec`: also record original offsets.
    pub(crate) fn with_capacity(n: usize, rec: bool) -> Buf {
        Buf {
            vb: vec![0; n],
            vm: vec![0; n],
            vo: if rec { vec![0; n] } else { Vec::new() },
            len: 0,
            rec,
            shift: 0,
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

    /// Original offsets, one per byte (only for a recording buffer).
    #[inline]
    pub(crate) fn orig(&self) -> &[u32] {
        &self.vo[..self.len]
    }

    /// Turns recording of original offsets on or off (the contents are then undefined until
    /// the next `clear`).
    pub(crate) fn set_record(&mut self, rec: bool) {
        self.rec = rec;
        if rec && self.vo.len() < self.vb.len() {
            self.vo.resize(self.vb.len(), 0);
        }
    }

    /// Whether original offsets are recorded.
    #[inline]
    pub(crate) fn records(&self) -> bool {
        self.rec
    }

    /// Output position since the start of the text of `bytes()[0]`.
    #[inline]
    pub(crate) fn shift(&self) -> usize {
        self.shift
    }

    /// Output position since the start of the text of the next byte.
    #[inline]
    fn abs_len(&self) -> usize {
        self.shift + self.len
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
        if self.rec {
            self.vo.resize(n, 0);
        }
    }

    #[inline]
    fn push(&mut self, b: u8, mark: u8, orig: u32) {
        self.reserve(1);
        let i = self.len;
        self.vb[i] = b;
        self.vm[i] = mark;
        if self.rec {
            self.vo[i] = orig;
        }
        self.len = i + 1;
    }

    /// Appends the first `k` of 8 unmarked bytes (all 8 are written; only `k` count), the
    /// first one from original offset `orig`, the others following it.
    #[inline]
    fn push8(&mut self, w: [u8; 8], k: usize, orig: u32) {
        self.reserve(8);
        let i = self.len;
        self.vb[i..i + 8].copy_from_slice(&w);
        if self.rec {
            for (j, o) in self.vo[i..i + k].iter_mut().enumerate() {
                *o = orig + j as u32;
            }
        }
        self.len = i + k;
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
        if n < self.len {
            self.vm[n..self.len].fill(0);
            self.len = n;
        }
    }

    pub(crate) fn clear(&mut self) {
        self.vm[..self.len].fill(0);
        self.len = 0;
        self.shift = 0;
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
        self.vm[keep..n].fill(0);
        if self.rec {
            self.vo.copy_within(from..n, 0);
        }
        self.len = keep;
        self.shift += from;
    }
}

/// Number of leading bytes of `w` (little-endian) that are ASCII letters.
#[inline(always)]
fn letter_prefix(w: u64) -> usize {
    let y = (w | (0x20 * LO)) & (0x7F * LO);
    // High bit set where y >= 'a', resp. y > 'z' (no carries: y <= 0x7F).
    let ge_a = y + (0x80 - b'a' as u64) * LO;
    let gt_z = y + (0x80 - b'z' as u64 - 1) * LO;
    let letters = ge_a & !gt_z & !w & HI;
    ((!letters & HI).trailing_zeros() / 8) as usize
}

/// The 8 bytes at `pos` as a little-endian `u64` (`pos + 8 <= bytes.len()`).
#[inline(always)]
fn load8(bytes: &[u8], pos: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&bytes[pos..pos + 8]);
    u64::from_le_bytes(a)
}

/// Whether some byte of `v` is zero.
#[inline(always)]
fn has_zero_byte(v: u64) -> bool {
    v.wrapping_sub(LO) & !v & HI != 0
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

/// [`decode`] with a short cut for the precomposed Latin letters of Vietnamese text
/// (U+00C0–U+023F: lead bytes `C3`–`C8`; U+1E00–U+1EFF: `E1 B8`–`E1 BB`): a direct table
/// lookup, same result as `classify`.
#[inline(always)]
fn decode_latin(bytes: &[u8], pos: usize) -> (Class, usize) {
    let b0 = bytes[pos];
    let entry = if (0xC3..=0xC8).contains(&b0) && pos + 1 < bytes.len() {
        let cp = ((b0 as usize & 0x1F) << 6) | (bytes[pos + 1] as usize & 0x3F);
        (LATIN_1_EXT_AB[cp - 0xC0], 2)
    } else if b0 == 0xE1 && pos + 2 < bytes.len() && (0xB8..=0xBB).contains(&bytes[pos + 1]) {
        let i = ((bytes[pos + 1] as usize & 3) << 6) | (bytes[pos + 2] as usize & 0x3F);
        (LATIN_EXT_ADDITIONAL[i], 3)
    } else {
        return decode(bytes, pos);
    };
    match entry {
        (0, clen) => (Class::Separator, clen),
        (e, clen) => (Class::Letter((e & 0xFF) as u8, (e >> 8) as u8), clen),
    }
}

/// Longest separator run (in chars) that still joins one-letter words (`s . e . x`).
const JOIN_MAX_SEP: usize = 3;
/// How many one-letter words in a row are needed before they are joined.
const JOIN_MIN_RUN: usize = 3;

/// Whole-word ASCII fast path at word starts.
const WORD_FAST: bool = true;

/// Output bytes between two restart checkpoints (see [`Normalizer::orig_offsets`]).
const CHECKPOINT_EVERY: usize = 128;

/// Resumable normaliser over one text.
pub(crate) struct Normalizer<'a> {
    text: &'a str,
    pos: usize,
    base: u32,
    tok: Vec<TokChar>,
    teen: bool,
    /// End (in the text) of the last word written.
    last_end: usize,
    /// Restart points `(output position, text position)`: word starts where a fresh
    /// normaliser produces exactly the same output from there on. Used to recompute original
    /// offsets for the few reported matches instead of recording one per output byte.
    checkpoints: Vec<(u32, u32)>,
    /// Output position from which the next checkpoint is taken (`usize::MAX`: none).
    next_checkpoint: usize,
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
            checkpoints: Vec::new(),
            next_checkpoint: 0,
        }
    }

    /// Original offset (with base) just after the last word written: the end of a match that
    /// reaches the end of the output.
    pub(crate) fn orig_pos(&self) -> u32 {
        self.base + self.last_end as u32
    }

    /// Forgets checkpoints that are no longer needed for output positions `>= from`.
    pub(crate) fn drop_checkpoints_before(&mut self, from: usize) {
        let i = self
            .checkpoints
            .partition_point(|&(o, _)| o as usize <= from);
        if i > 1 {
            self.checkpoints.drain(..i - 1);
        }
    }

    /// Original offsets (with base) of output positions `a <= b` (counted from the start of the
    /// text, like [`Buf::shift`]), both already produced by this normaliser: the text is
    /// normalised again into `scratch` (a recording buffer) from the last checkpoint at or before
    /// `a`.
    pub(crate) fn orig_offsets(&self, scratch: &mut Buf, a: usize, b: usize) -> (u32, u32) {
        let i = self
            .checkpoints
            .partition_point(|&(o, _)| o as usize <= a)
            .saturating_sub(1);
        let (out0, pos0) = self.checkpoints.get(i).copied().unwrap_or((0, 0));
        let out0 = out0 as usize;
        let mut n = Normalizer {
            text: self.text,
            pos: pos0 as usize,
            base: self.base,
            tok: Vec::new(),
            teen: self.teen,
            last_end: pos0 as usize,
            checkpoints: Vec::new(),
            next_checkpoint: usize::MAX,
        };
        scratch.clear();
        n.fill(scratch, (b + 1).saturating_sub(out0));
        let orig = scratch.orig();
        // (Out of range cannot happen: the first checkpoint is at output 0 and the one before
        // the scanner's buffer is kept; the fallback only avoids a panic.)
        let at = |k: usize| orig.get(k.wrapping_sub(out0)).copied().unwrap_or(self.base);
        (at(a), at(b))
    }

    #[inline]
    fn next_class(&self, pos: usize) -> (Class, usize) {
        decode(self.text.as_bytes(), pos)
    }

    /// Normalises until the output holds at least `min_len` bytes (stopping only right after a
    /// separator, so no word is cut) or the text ends. Returns `true` when the text is finished.
    ///
    /// One fused loop: ASCII bytes are mapped and written directly (letter runs 8 bytes at a
    /// time) while the word's properties (digits, runs, marks) are tracked; a word is
    /// post-processed only when it needs it.
    pub(crate) fn fill(&mut self, out: &mut Buf, min_len: usize) -> bool {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let base = self.base;
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
                let (class, clen) = decode_latin(bytes, pos);
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
                    out.push(b' ', 0, base + sep_start as u32);
                    if out.len() >= min_len {
                        self.pos = pos;
                        return false;
                    }
                }
                if out.abs_len() >= self.next_checkpoint {
                    self.checkpoints.push((out.abs_len() as u32, pos as u32));
                    self.next_checkpoint = out.abs_len() + CHECKPOINT_EVERY;
                }
                // Fast path: a whole word of 2 to 7 plain ASCII letters followed by an ASCII
                // separator, that needs no post-processing (the same test as at the end of a
                // word below): written in one go.
                if WORD_FAST && c >= b'a' && b < 0x80 && pos + 8 <= len {
                    let w = load8(bytes, pos);
                    let k = letter_prefix(w);
                    let next = (w >> (8 * (k & 7))) as u8;
                    if (2..8).contains(&k) && next < 0x80 && ASCII_MAP[next as usize] == 0 {
                        let lw = w | (0x20 * LO);
                        let (first, second) = (lw as u8, (lw >> 8) as u8);
                        let teen_possible =
                            k <= 4 && (TEEN_PAIRS[(first & 31) as usize] >> (second & 31)) & 1 != 0;
                        // Bytes 0 and 1 never compare equal to the zeros shifted in.
                        let d = (lw ^ (lw << 8)) | (lw ^ (lw << 16)) | (!0u64 << (8 * k));
                        if !teen_possible && first != b'z' && second != b'z' && !has_zero_byte(d) {
                            out.push8(lw.to_le_bytes(), k, base + pos as u32);
                            pos += k;
                            self.last_end = pos;
                            sep_start = pos;
                            pos += 1;
                            continue;
                        }
                    }
                }
                in_tok = true;
                tok_start = out.len();
                tok_pos = pos;
                flags = 0;
                prev = 0;
                prev2 = 0;
            }
            out.push(c, mark, base + pos as u32);
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
            // Fast inner loop: further ASCII letters of the same word, 8 bytes at a time.
            let mut tail = true;
            while pos + 8 <= len {
                let w = load8(bytes, pos);
                let k = letter_prefix(w);
                if k == 0 {
                    tail = false;
                    break;
                }
                let lw = w | (0x20 * LO);
                // Three equal letters in a row: compare with the one and two letters before.
                let p1 = (lw << 8) | prev as u64;
                let p2 = (lw << 16) | ((prev as u64) << 8) | prev2 as u64;
                let mut d = (lw ^ p1) | (lw ^ p2);
                if k < 8 {
                    d |= !0u64 << (8 * k);
                }
                if has_zero_byte(d) {
                    flags |= F_RUN3;
                }
                let lb = lw.to_le_bytes();
                out.push8(lb, k, base + pos as u32);
                prev2 = if k >= 2 { lb[k - 2] } else { prev };
                prev = lb[k - 1];
                pos += k;
                if k < 8 {
                    tail = false;
                    break;
                }
            }
            // The last few bytes of the text.
            while tail && pos < len {
                let c = ASCII_LETTER[bytes[pos] as usize];
                if c == 0 {
                    break;
                }
                out.push(c, 0, base + pos as u32);
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
    let mut buf = Buf::with_capacity(text.len() + 8, true);
    let mut n = Normalizer::new(text, 0);
    n.teen = teen;
    n.next_checkpoint = usize::MAX;
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
    fn decode_latin_agrees_with_decode() {
        for cp in 0x80..0x3000u32 {
            let Some(ch) = char::from_u32(cp) else {
                continue;
            };
            let s = format!("{ch}x");
            assert_eq!(
                decode_latin(s.as_bytes(), 0),
                decode(s.as_bytes(), 0),
                "U+{cp:04X}"
            );
        }
    }

    #[test]
    fn offsets_map_back() {
        let t = "Xin chào S.E.X đây";
        let n = normalize(t);
        let i = n.folded.find("sex").unwrap();
        assert_eq!(&t[n.offsets[i]..n.offsets[i + 3]], "S.E.X");
    }
}
