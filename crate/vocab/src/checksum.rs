//! The checksums of Lá Chắn's binary formats, all in one place. They find
//! corruption (truncation, flipped bits, a bad download); none is meant to
//! resist tampering (update manifests are signed for that).
//!
//! | format | function |
//! | --- | --- |
//! | bundle (`LCB…`), over the whole file | [`lcb64_with_hole`] (the header's checksum word read as zero) |
//! | phrase set (`LCTXT`), comment model | [`fnv1a64`], appended after the body |
//! | PDQ hash index (`LCPDQ…`) | [`lcb32`], over the bytes after the header |
//!
//! Each format keeps the function it was written with, so files already
//! published still read; a new format uses [`lcb64`].

const P1: u64 = 0x9E37_79B9_7F4A_7C15;
const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;

/// LCB64: a 64-bit multiply-rotate hash over little-endian 8-byte words.
pub fn lcb64(bytes: &[u8]) -> u64 {
    lcb64_with_hole(bytes, usize::MAX)
}

/// [`lcb64`] with the 8-byte word number `hole` read as zero: the bundle
/// stores its checksum inside the bytes it covers.
pub fn lcb64_with_hole(bytes: &[u8], hole: usize) -> u64 {
    let mut h = P2 ^ (bytes.len() as u64).wrapping_mul(P1);
    let mut chunks = bytes.chunks_exact(8);
    for (i, c) in (&mut chunks).enumerate() {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        let w = if i == hole { 0 } else { u64::from_le_bytes(w) };
        h = (h ^ w.wrapping_mul(P1)).rotate_left(29).wrapping_mul(P2);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(tail).wrapping_mul(P1))
        .rotate_left(29)
        .wrapping_mul(P2);
    h ^= h >> 32;
    h.wrapping_mul(P1) ^ (h >> 29)
}

/// LCB32: a 64-bit multiply-xor-rotate hash over little-endian 8-byte
/// words, seeded with the length and folded to 32 bits (the PDQ index's).
pub fn lcb32(data: &[u8]) -> u32 {
    let mut h: u64 = 0x6C61_6368_616E_7064 ^ (data.len() as u64);
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        h = (h ^ u64::from_le_bytes(b)).wrapping_mul(P1).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..words.remainder().len()].copy_from_slice(words.remainder());
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(P1);
    h ^= h >> 32;
    h as u32
}

/// FNV-1a, 64 bits, byte by byte (the phrase set's and the comment model's).
pub fn fnv1a64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    // Values written by the formats before the functions moved here: a
    // change to any of them makes published files unreadable.
    #[test]
    fn values_are_the_published_ones() {
        let data: Vec<u8> = (0u8..=40).collect();
        assert_eq!(lcb64(b""), LCB64_EMPTY);
        assert_eq!(lcb64(&data), LCB64_DATA);
        assert_eq!(lcb64_with_hole(&data, 1), LCB64_HOLE1);
        assert_eq!(lcb32(b""), LCB32_EMPTY);
        assert_eq!(lcb32(&data), LCB32_DATA);
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(&data), FNV_DATA);
    }

    #[test]
    fn hole_reads_as_zero() {
        let mut data: Vec<u8> = (0u8..=40).collect();
        let with = lcb64_with_hole(&data, 1);
        assert_ne!(with, lcb64(&data));
        data[8..16].fill(0);
        assert_eq!(with, lcb64(&data));
    }

    #[test]
    fn every_byte_counts() {
        let data: Vec<u8> = (0u8..=40).collect();
        for i in 0..data.len() {
            let mut d = data.clone();
            d[i] ^= 1;
            assert_ne!(lcb64(&d), lcb64(&data), "{i}");
            assert_ne!(lcb32(&d), lcb32(&data), "{i}");
            assert_ne!(fnv1a64(&d), fnv1a64(&data), "{i}");
        }
        assert_ne!(lcb64(&data[..40]), lcb64(&data));
        assert_ne!(lcb32(&data[..40]), lcb32(&data));
    }

    const LCB64_EMPTY: u64 = 0x3ce2_f02f_486f_77cc;
    const LCB64_DATA: u64 = 0x49df_8a7c_8156_bae5;
    const LCB64_HOLE1: u64 = 0xa098_2e61_62b7_9847;
    const LCB32_EMPTY: u32 = 0x9b77_8e87;
    const LCB32_DATA: u32 = 0xe728_79ab;
    const FNV_DATA: u64 = 0xa528_b53c_afb6_ab0f;
}
