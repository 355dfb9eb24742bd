//! The 256-bit PDQ hash value, its hex form and Hamming distance.

use crate::{Error, ErrorKind};
use core::fmt;

/// Number of bytes in a PDQ hash.
pub const HASH_BYTES: usize = 32;

/// Number of hex characters in the text form of a PDQ hash.
pub const HASH_HEX_LEN: usize = 64;

/// Upstream quality cut-off: hashes with `quality <= 49` should be discarded
/// (neither matched nor shared). See [`PdqHash::is_low_quality`].
pub const LOW_QUALITY_MAX: u8 = 49;

/// Upstream matching threshold: two PDQ hashes within this Hamming distance are
/// considered the same image.
pub const MATCH_DISTANCE: u32 = 31;

/// A 256-bit PDQ hash.
///
/// The bytes are stored in the order of the canonical hex text (the reference
/// implementations print sixteen 16-bit words, most significant word first,
/// each as four hex digits). Read as one 256-bit big-endian number, bit `k` is
/// DCT coefficient `k = row * 16 + column` of the 16×16 low-frequency block.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash256(pub [u8; HASH_BYTES]);

impl Hash256 {
    /// The all-zero hash (what the reference returns for images too small to hash).
    pub const ZERO: Hash256 = Hash256([0; HASH_BYTES]);

    /// Parses 64 hex digits (upper or lower case), in the reference word order.
    pub fn from_hex(s: &str) -> Result<Hash256, Error> {
        Hash256::parse_hex(s)
            .map_err(|why| Error::new(ErrorKind::InvalidHex, format!("invalid PDQ hash: {why}")))
    }

    /// [`Hash256::from_hex`] with the reason alone as the error.
    pub(crate) fn parse_hex(s: &str) -> Result<Hash256, String> {
        let b = s.as_bytes();
        if b.len() != HASH_HEX_LEN {
            return Err(format!(
                "expected {HASH_HEX_LEN} hex digits, got {} characters",
                s.chars().count()
            ));
        }
        let mut out = [0u8; HASH_BYTES];
        for (i, pair) in b.chunks_exact(2).enumerate() {
            let hi = hex_val(pair[0]);
            let lo = hex_val(pair[1]);
            match (hi, lo) {
                (Some(h), Some(l)) => out[i] = (h << 4) | l,
                _ => {
                    let bad = if hi.is_none() { 2 * i } else { 2 * i + 1 };
                    return Err(format!("non-hex character at position {}", bad + 1));
                }
            }
        }
        Ok(Hash256(out))
    }

    /// The 64-character lower-case hex form, identical to the reference output.
    pub fn to_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(HASH_HEX_LEN);
        for &byte in &self.0 {
            s.push(DIGITS[(byte >> 4) as usize] as char);
            s.push(DIGITS[(byte & 15) as usize] as char);
        }
        s
    }

    /// The hash as four 64-bit words (big-endian, word 0 = first 16 hex digits).
    #[inline]
    pub fn to_u64s(&self) -> [u64; 4] {
        let b = &self.0;
        let w = |i: usize| {
            u64::from_be_bytes([
                b[i],
                b[i + 1],
                b[i + 2],
                b[i + 3],
                b[i + 4],
                b[i + 5],
                b[i + 6],
                b[i + 7],
            ])
        };
        [w(0), w(8), w(16), w(24)]
    }

    /// The 16-bit chunk `c` (0..16) in text order: chunk 0 is the first four hex
    /// digits. Used by the multi-index hashing of [`crate::HashIndex`].
    #[inline]
    pub fn chunk(&self, c: usize) -> u16 {
        u16::from_be_bytes([self.0[2 * c], self.0[2 * c + 1]])
    }

    /// Whether DCT bit `k` (0..256, `k = row * 16 + column`) is set.
    #[inline]
    pub fn bit(&self, k: usize) -> bool {
        let k = k & 255;
        self.0[31 - k / 8] & (1 << (k % 8)) != 0
    }

    /// Sets DCT bit `k` (0..256).
    #[inline]
    pub fn set_bit(&mut self, k: usize) {
        let k = k & 255;
        self.0[31 - k / 8] |= 1 << (k % 8);
    }

    /// Flips DCT bit `k` (0..256).
    #[inline]
    pub fn flip_bit(&mut self, k: usize) {
        let k = k & 255;
        self.0[31 - k / 8] ^= 1 << (k % 8);
    }

    /// Number of set bits.
    pub fn count_ones(&self) -> u32 {
        self.to_u64s().iter().map(|w| w.count_ones()).sum()
    }

    /// Hamming distance to `other` (0..=256).
    #[inline]
    pub fn distance(&self, other: &Hash256) -> u32 {
        hamming(self, other)
    }
}

/// Hamming distance between two hashes (0..=256).
#[inline]
pub fn hamming(a: &Hash256, b: &Hash256) -> u32 {
    let x = a.to_u64s();
    let y = b.to_u64s();
    (x[0] ^ y[0]).count_ones()
        + (x[1] ^ y[1]).count_ones()
        + (x[2] ^ y[2]).count_ones()
        + (x[3] ^ y[3]).count_ones()
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl fmt::Display for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash256({})", self.to_hex())
    }
}

impl core::str::FromStr for Hash256 {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hash256::from_hex(s)
    }
}

/// A PDQ hash with its quality metric, as produced by the hasher.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PdqHash {
    /// The 256-bit hash.
    pub hash: Hash256,
    /// Quality 0..=100 (gradient energy of the 64×64 downsample). Upstream
    /// discards hashes with quality `<= 49`.
    pub quality: u8,
}

impl PdqHash {
    /// True when the quality is at or below the upstream cut-off
    /// ([`LOW_QUALITY_MAX`] = 49): flat, tiny or nearly blank images whose hash
    /// is not distinctive and should not be matched or shared.
    pub fn is_low_quality(&self) -> bool {
        self.quality <= LOW_QUALITY_MAX
    }

    /// The hex form of the hash.
    pub fn to_hex(&self) -> String {
        self.hash.to_hex()
    }
}

/// The eight dihedral transforms of an image (rotations and flips), in the
/// order of the reference implementation's outputs.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub enum Dihedral {
    /// The image as given.
    Original,
    /// Rotated 90°.
    Rotate90,
    /// Rotated 180°.
    Rotate180,
    /// Rotated 270°.
    Rotate270,
    /// Mirrored along the x axis (upside down).
    FlipX,
    /// Mirrored along the y axis (left-right).
    FlipY,
    /// Transposed along the main diagonal.
    FlipPlus1,
    /// Transposed along the anti-diagonal.
    FlipMinus1,
}

impl Dihedral {
    /// All eight, in output order.
    pub const ALL: [Dihedral; 8] = [
        Dihedral::Original,
        Dihedral::Rotate90,
        Dihedral::Rotate180,
        Dihedral::Rotate270,
        Dihedral::FlipX,
        Dihedral::FlipY,
        Dihedral::FlipPlus1,
        Dihedral::FlipMinus1,
    ];

    /// A short stable name (`"original"`, `"rotate90"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Dihedral::Original => "original",
            Dihedral::Rotate90 => "rotate90",
            Dihedral::Rotate180 => "rotate180",
            Dihedral::Rotate270 => "rotate270",
            Dihedral::FlipX => "flipx",
            Dihedral::FlipY => "flipy",
            Dihedral::FlipPlus1 => "flipplus1",
            Dihedral::FlipMinus1 => "flipminus1",
        }
    }
}

/// The hashes of all eight dihedral transforms of one image, computed from a
/// single DCT (see [`crate::PdqHasher::hash_dihedral_rgba`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DihedralHashes {
    /// Hashes indexed like [`Dihedral::ALL`]; `hashes[0]` is the plain hash.
    pub hashes: [Hash256; 8],
    /// Quality of the image (same for all transforms).
    pub quality: u8,
}

impl DihedralHashes {
    /// The hash of one transform.
    pub fn get(&self, d: Dihedral) -> Hash256 {
        self.hashes[d as usize]
    }

    /// The plain (untransformed) hash with its quality.
    pub fn original(&self) -> PdqHash {
        PdqHash {
            hash: self.hashes[0],
            quality: self.quality,
        }
    }

    /// True when the quality is at or below the upstream cut-off (49).
    pub fn is_low_quality(&self) -> bool {
        self.quality <= LOW_QUALITY_MAX
    }

    /// The smallest distance from any of the eight hashes to `target`, with the
    /// transform that achieved it.
    pub fn min_distance(&self, target: &Hash256) -> (u32, Dihedral) {
        let mut best = (u32::MAX, Dihedral::Original);
        for (h, d) in self.hashes.iter().zip(Dihedral::ALL) {
            let dist = hamming(h, target);
            if dist < best.0 {
                best = (dist, d);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_and_errors() {
        let s = "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22";
        let h = Hash256::from_hex(s).unwrap();
        assert_eq!(h.to_hex(), s);
        assert_eq!(Hash256::from_hex(&s.to_uppercase()).unwrap(), h);
        assert!(matches!(
            Hash256::from_hex("abc"),
            Err(e) if e.kind() == &ErrorKind::InvalidHex
        ));
        let mut bad = s.to_string();
        bad.replace_range(10..11, "g");
        let e = Hash256::from_hex(&bad).unwrap_err();
        assert!(format!("{e}").contains("position 11"), "{e}");
        assert!(Hash256::from_hex(&"é".repeat(32)).is_err());
    }

    #[test]
    fn bit_layout_matches_reference_words() {
        // Reference: bit k lives in word k>>4 at bit k&15, words printed 15..0.
        let mut h = Hash256::ZERO;
        h.set_bit(0);
        assert_eq!(&h.to_hex()[60..], "0001");
        let mut h = Hash256::ZERO;
        h.set_bit(255);
        assert_eq!(&h.to_hex()[..4], "8000");
        let mut h = Hash256::ZERO;
        h.set_bit(17);
        assert_eq!(&h.to_hex()[56..60], "0002");
        assert!(h.bit(17));
        h.flip_bit(17);
        assert_eq!(h, Hash256::ZERO);
    }

    #[test]
    fn hamming_counts_bits() {
        let a = Hash256::ZERO;
        let mut b = a;
        for k in [0, 63, 64, 200, 255] {
            b.set_bit(k);
        }
        assert_eq!(hamming(&a, &b), 5);
        assert_eq!(b.count_ones(), 5);
        assert_eq!(hamming(&Hash256([0xff; 32]), &a), 256);
    }
}
