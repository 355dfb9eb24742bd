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

mod error;
mod hash;
mod hasher;
mod index;
mod list;

pub use error::{Error, ErrorKind};
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
