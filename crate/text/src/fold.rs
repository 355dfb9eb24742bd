//! Character classification: Latin letters decomposed into an ASCII base letter plus a
//! one-byte *mark*, so precomposed (NFC) and decomposed (NFD) input give the same result.
//!
//! Mark encoding (one byte): bits 0–2 are the Vietnamese tone, bits 3–6 the letter modifier.
//!
//! | tone | value | | modifier | value |
//! |---|---|---|---|---|
//! | none | 0 | | none | 0 |
//! | grave (huyền) | 1 | | circumflex (â ê ô) | 1 |
//! | acute (sắc) | 2 | | breve (ă) | 2 |
//! | hook above (hỏi) | 3 | | horn (ơ ư) | 3 |
//! | tilde (ngã) | 4 | | stroke (đ) | 4 |
//! | dot below (nặng) | 5 | | diaeresis, ring, cedilla, caron, macron, ogonek, other | 5–11 |

use crate::tables::{LATIN_1_EXT_AB, LATIN_EXT_ADDITIONAL};

/// Mask of the tone bits of a mark.
pub(crate) const TONE_MASK: u8 = 0b0000_0111;

/// What one input `char` is, for the normaliser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// A Latin letter: lower-case ASCII base and mark.
    Letter(u8, u8),
    /// An ASCII digit (the byte itself).
    Digit(u8),
    /// `@` or `$`: leetspeak for `a` / `s` inside a word, otherwise a separator.
    Leet(u8),
    /// A combining mark that modifies the previous letter: (tone, modifier-shifted) bits.
    Combining(u8),
    /// A combining mark we do not use (dropped without breaking the word).
    Ignorable,
    /// Anything else: space, punctuation, emoji, other scripts.
    Separator,
}

/// Classifies a non-ASCII character (ASCII is handled by the caller's fast path, but this
/// function handles it too).
#[inline]
pub(crate) fn classify(c: char) -> Class {
    let cp = c as u32;
    if cp < 0x80 {
        let b = cp as u8;
        return match b {
            b'a'..=b'z' => Class::Letter(b, 0),
            b'A'..=b'Z' => Class::Letter(b | 0x20, 0),
            b'0'..=b'9' => Class::Digit(b),
            b'@' => Class::Leet(b'a'),
            b'$' => Class::Leet(b's'),
            _ => Class::Separator,
        };
    }
    let entry = match cp {
        0xC0..=0x24F => LATIN_1_EXT_AB[(cp - 0xC0) as usize],
        0x1E00..=0x1EFF => LATIN_EXT_ADDITIONAL[(cp - 0x1E00) as usize],
        0x300..=0x36F => return combining(cp),
        // Zero-width joiners/spaces and soft hyphen: invisible tricks inside words.
        0xAD | 0x200B..=0x200D | 0x2060 | 0xFEFF => return Class::Ignorable,
        // Fullwidth ASCII letters and digits (ｓｅｘ).
        0xFF10..=0xFF19 => return Class::Digit((cp - 0xFF10) as u8 + b'0'),
        0xFF21..=0xFF3A => return Class::Letter((cp - 0xFF21) as u8 + b'a', 0),
        0xFF41..=0xFF5A => return Class::Letter((cp - 0xFF41) as u8 + b'a', 0),
        _ => return Class::Separator,
    };
    if entry == 0 {
        Class::Separator
    } else {
        Class::Letter((entry & 0xFF) as u8, (entry >> 8) as u8)
    }
}

/// Combining diacritical marks U+0300–U+036F.
fn combining(cp: u32) -> Class {
    let tone = match cp {
        0x300 => 1,
        0x301 => 2,
        0x309 => 3,
        0x303 => 4,
        0x323 => 5,
        _ => 0,
    };
    if tone != 0 {
        return Class::Combining(tone);
    }
    let modifier = match cp {
        0x302 => 1,
        0x306 => 2,
        0x31B => 3,
        0x335 | 0x336 => 4,
        0x308 => 5,
        0x30A => 6,
        0x327 => 7,
        0x30C => 8,
        0x304 => 9,
        0x328 => 10,
        _ => return Class::Ignorable,
    };
    Class::Combining(modifier << 3)
}

/// Applies a combining mark to an existing mark: a tone replaces the tone, a modifier is set
/// if there is none yet.
#[inline]
pub(crate) fn combine(mark: u8, extra: u8) -> u8 {
    if extra & TONE_MASK != 0 {
        (mark & !TONE_MASK) | (extra & TONE_MASK)
    } else if mark & !TONE_MASK == 0 {
        mark | extra
    } else {
        mark
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_letters() {
        assert_eq!(classify('đ'), Class::Letter(b'd', 4 << 3));
        assert_eq!(classify('Đ'), Class::Letter(b'd', 4 << 3));
        assert_eq!(classify('ơ'), Class::Letter(b'o', 3 << 3));
        assert_eq!(classify('Ự'), Class::Letter(b'u', (3 << 3) | 5));
        assert_eq!(classify('ẫ'), Class::Letter(b'a', (1 << 3) | 4));
        assert_eq!(classify('à'), Class::Letter(b'a', 1));
        assert_eq!(classify('ỹ'), Class::Letter(b'y', 4));
        assert_eq!(classify('×'), Class::Separator);
        assert_eq!(classify('\u{301}'), Class::Combining(2));
        assert_eq!(classify('\u{302}'), Class::Combining(1 << 3));
    }

    #[test]
    fn nfd_equals_nfc_for_all_vietnamese() {
        // Every precomposed Vietnamese letter equals its decomposition applied by `combine`.
        let nfc = "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ";
        let bases = [
            ('a', ""),
            ('a', "\u{306}"),
            ('a', "\u{302}"),
            ('e', ""),
            ('e', "\u{302}"),
            ('i', ""),
            ('o', ""),
            ('o', "\u{302}"),
            ('o', "\u{31b}"),
            ('u', ""),
            ('u', "\u{31b}"),
            ('y', ""),
        ];
        let tones = ["\u{300}", "\u{301}", "\u{309}", "\u{303}", "\u{323}"];
        let mut chars = nfc.chars();
        for (base, modifier) in bases {
            for tone in tones {
                let composed = chars.next().unwrap();
                let mut mark = 0;
                for c in modifier.chars().chain(tone.chars()) {
                    if let Class::Combining(m) = classify(c) {
                        mark = combine(mark, m);
                    }
                }
                assert_eq!(
                    classify(composed),
                    Class::Letter(base as u8, mark),
                    "{composed}"
                );
            }
        }
    }
}
