//! PDQ perceptual image hashing and radius search over PDQ hash lists.
//!
//! * [`pdq_hash_rgba`] / [`PdqHasher`]: the 256-bit PDQ hash and quality of an
//!   image, implemented from Meta's published algorithm (ThreatExchange `pdq/`,
//!   BSD licence; see the crate README for attribution and notes). The eight
//!   rotation/flip hashes come from one DCT ([`PdqHasher::hash_dihedral`]).
//! * [`parse_hash_list`]: the text list format exchanged by hash-sharing
//!   programmes (one hex hash per line, optional source and id).
//! * [`HashIndex`]: a multi-index-hashing radius index (16 chunks of 16 bits),
//!   serialisable to a compact versioned byte format.
//!
//! Pure Rust, no I/O, no dependencies; builds for `wasm32-unknown-unknown`.
//!
//! ```
//! use lachan_pdq::{parse_hash_list, pdq_dihedral_rgba, pdq_hash_rgba, HashIndex, MATCH_DISTANCE};
//!
//! // A 96×64 RGBA test pattern (a browser canvas gives the same layout).
//! let (w, h) = (96u32, 64u32);
//! let mut px = Vec::new();
//! for y in 0..h {
//!     for x in 0..w {
//!         let v = if (x / 12 + y / 16) % 2 == 0 { 220 } else { (x * 2) as u8 };
//!         px.extend_from_slice(&[v, (y * 3) as u8, 255 - v, 255]);
//!     }
//! }
//! let hash = pdq_hash_rgba(&px, w, h)?;
//! assert!(!hash.is_low_quality());
//!
//! let list = parse_hash_list(&format!("# test list\n{},demo,item-1\nnot-a-hash\n", hash.to_hex()));
//! assert_eq!(list.errors[0].line, 3);
//! let index = HashIndex::from_bytes(&HashIndex::from_list(&list)?.to_bytes())?;
//!
//! let found = index.query(&hash.hash, MATCH_DISTANCE);
//! assert_eq!((found[0].distance, found[0].source, found[0].id), (0, "demo", "item-1"));
//!
//! // Rotated/flipped copies are found through the eight dihedral hashes.
//! let dihedral = pdq_dihedral_rgba(&px, w, h)?;
//! assert_eq!(index.query_dihedral(&dihedral, MATCH_DISTANCE).len(), 1);
//! # Ok::<(), lachan_pdq::Error>(())
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod hash;
mod hasher;
mod index;
mod list;

pub use hash::{
    hamming, Dihedral, DihedralHashes, Hash256, PdqHash, HASH_BYTES, HASH_HEX_LEN, LOW_QUALITY_MAX,
    MATCH_DISTANCE,
};
pub use hasher::{
    pdq_dihedral_rgba, pdq_hash_luma, pdq_hash_rgb, pdq_hash_rgba, PdqHasher, PixelFormat,
    MIN_HASHABLE_DIM,
};
pub use index::{HashIndex, HashIndexBuilder, Match, INDEX_FORMAT_VERSION, INDEX_MAGIC};
pub use list::{parse_hash_list, HashList, LineError, ListEntry};

use core::fmt;

/// Errors from hashing, parsing and index loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// Width or height is zero.
    EmptyImage {
        /// Width given.
        width: u32,
        /// Height given.
        height: u32,
    },
    /// The pixel buffer length does not match `width * height * bytes_per_pixel`.
    BufferSize {
        /// Expected length in bytes.
        expected: usize,
        /// Actual length in bytes.
        actual: usize,
    },
    /// `width * height * bytes_per_pixel` overflows the address space.
    ImageTooLarge {
        /// Width given.
        width: u32,
        /// Height given.
        height: u32,
    },
    /// A hash string is not 64 hex digits; the message says why.
    InvalidHex(String),
    /// The index bytes do not start with [`INDEX_MAGIC`].
    NotAnIndex,
    /// The index was written by an unsupported format version.
    UnsupportedVersion(u32),
    /// The index bytes are truncated or inconsistent; the message says where.
    CorruptIndex(&'static str),
    /// Too many entries (or too much text) for the index format (limit 2³²−1).
    IndexTooLarge,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EmptyImage { width, height } => {
                write!(f, "image has an empty dimension ({width}x{height})")
            }
            Error::BufferSize { expected, actual } => {
                write!(f, "pixel buffer has {actual} bytes, expected {expected}")
            }
            Error::ImageTooLarge { width, height } => {
                write!(f, "image too large ({width}x{height})")
            }
            Error::InvalidHex(why) => write!(f, "invalid PDQ hash: {why}"),
            Error::NotAnIndex => f.write_str("not a PDQ hash index (bad magic)"),
            Error::UnsupportedVersion(v) => write!(f, "unsupported PDQ index version {v}"),
            Error::CorruptIndex(why) => write!(f, "corrupt PDQ index: {why}"),
            Error::IndexTooLarge => f.write_str("too many entries for a PDQ index"),
        }
    }
}

impl std::error::Error for Error {}
