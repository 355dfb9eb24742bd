//! Radius search over a PDQ hash list by multi-index hashing.
//!
//! The 256-bit hash is cut into 16 chunks of 16 bits. If two hashes are within
//! Hamming distance `r`, then by the pigeonhole principle at least one chunk
//! differs in at most `floor(r / 16)` bits (1 bit for the PDQ threshold 31).
//! For each chunk the index keeps the entry ids sorted by that chunk's value;
//! a query enumerates, per chunk, every value within `floor(r / 16)` bits of its
//! own chunk (17 probes for radius 16..=31), collects the entries found and
//! verifies the full distance in one pass over the candidates (an entry found
//! through several chunks is reported once). Radii of 48 and above fall back
//! to a linear scan.
//!
//! # Byte format (version 1, little-endian)
//!
//! ```text
//! header (32 bytes): magic "LCPDQIX\0", version u32, n u32, n_sources u32,
//!                    strings_len u32, layout u32 (byte 0: id_width 3 or 4,
//!                    byte 1: dir_bits 8..=16), checksum u32
//! hashes           n × 32 bytes (text order)
//! entry_source     n × u16 (index into the source names)
//! id_offsets       (n + 1) × u32 into the string blob
//! source_offsets   (n_sources + 1) × u32 into the string blob
//! strings          strings_len bytes of UTF-8
//! 16 × chunk table:
//!   dir            (2^dir_bits + 1) × u32: start of each bucket of entries
//!                  sharing the top dir_bits bits of the chunk value
//!   low            n × u8: low byte of the chunk value, sorted within a bucket
//!   ids            n × id_width bytes: entry ids in the same order (3-byte
//!                  ids when n <= 2^24, else 4)
//! ```
//!
//! The checksum is `lachan_vocab::checksum::lcb32` (a 32-bit fold of a
//! 64-bit multiply-xor hash) over every byte after the header. Opening checks magic, version, sizes, checksum and the
//! chunk directories; queries also bounds-check, so even a checksum collision
//! cannot make them panic.

use crate::hash::{Dihedral, DihedralHashes, Hash256, HASH_BYTES};
use crate::list::HashList;
use crate::{Error, ErrorKind};
use lachan_vocab::checksum::lcb32;
use std::collections::HashMap;

/// The first 8 bytes of a serialised index.
pub const INDEX_MAGIC: [u8; 8] = *b"LCPDQIX\0";
/// The byte-format version written by [`HashIndex::to_bytes`].
pub const INDEX_FORMAT_VERSION: u32 = 1;

const HEADER_LEN: usize = 32;
const NUM_CHUNKS: usize = 16;
/// Chunk directories index the top `dir_bits` (8..=16) bits of a chunk value,
/// chosen so that a directory bucket holds about 16 entries.
const MIN_DIR_BITS: u32 = 8;
const MAX_DIR_BITS: u32 = 16;

fn dir_bits_for(n: usize) -> u32 {
    let target = n / 16;
    let bits = if target <= 1 {
        0
    } else {
        usize::BITS - 1 - target.leading_zeros()
    };
    bits.clamp(MIN_DIR_BITS, MAX_DIR_BITS)
}

fn dir_len(bits: u32) -> usize {
    (1usize << bits) + 1
}
/// Above this per-chunk radius (i.e. query radius >= 48) a linear scan is used.
const MAX_CHUNK_RADIUS: u32 = 2;

/// One query result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Match<'a> {
    /// Position of the entry in the index (insertion order).
    pub entry: u32,
    /// Hamming distance between the (transformed) query and the entry.
    pub distance: u32,
    /// The listed hash.
    pub hash: Hash256,
    /// The entry's source (empty when none was given).
    pub source: &'a str,
    /// The entry's id (empty when none was given).
    pub id: &'a str,
    /// Which dihedral transform of the query matched ([`Dihedral::Original`]
    /// for plain queries).
    pub transform: Dihedral,
}

/// Collects entries and builds a [`HashIndex`].
#[derive(Default, Debug, Clone)]
pub struct HashIndexBuilder {
    hashes: Vec<Hash256>,
    sources: Vec<u16>,
    ids: Vec<String>,
    source_names: Vec<String>,
    source_map: HashMap<String, u16>,
    /// Tests only: force 4-byte ids on small lists.
    wide_ids: bool,
}

impl HashIndexBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries added so far.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// True when no entry was added.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// Adds one hash with its source and id (either may be empty).
    /// Fails with [`ErrorKind::IndexTooLarge`] past 2³²−2 entries or 65535 sources.
    pub fn add(&mut self, hash: Hash256, source: &str, id: &str) -> Result<(), Error> {
        if self.hashes.len() >= (u32::MAX - 1) as usize {
            return Err(Error::too_large());
        }
        let s = match self.source_map.get(source) {
            Some(&s) => s,
            None => {
                let s = u16::try_from(self.source_names.len()).map_err(|_| Error::too_large())?;
                self.source_names.push(source.to_string());
                self.source_map.insert(source.to_string(), s);
                s
            }
        };
        self.hashes.push(hash);
        self.sources.push(s);
        self.ids.push(id.to_string());
        Ok(())
    }

    /// Adds every entry of a parsed list.
    pub fn add_list(&mut self, list: &HashList) -> Result<(), Error> {
        for e in &list.entries {
            self.add(e.hash, &e.source, &e.id)?;
        }
        Ok(())
    }

    /// Builds the index (serialised form plus a view over it).
    pub fn build(self) -> Result<HashIndex, Error> {
        let n = self.hashes.len();
        let strings_len: usize = self.ids.iter().map(String::len).sum::<usize>()
            + self.source_names.iter().map(String::len).sum::<usize>();
        let n32 = u32::try_from(n).map_err(|_| Error::too_large())?;
        let strings32 = u32::try_from(strings_len).map_err(|_| Error::too_large())?;
        let ns = self.source_names.len();
        let id_width = if n <= 1 << 24 && !self.wide_ids { 3 } else { 4 };
        let dir_bits = dir_bits_for(n);
        let dl = dir_len(dir_bits);
        let total = HEADER_LEN
            + n * HASH_BYTES
            + n * 2
            + (n + 1) * 4
            + (ns + 1) * 4
            + strings_len
            + NUM_CHUNKS * (dl * 4 + n * (1 + id_width));
        let mut b = Vec::with_capacity(total);
        b.extend_from_slice(&INDEX_MAGIC);
        b.extend_from_slice(&INDEX_FORMAT_VERSION.to_le_bytes());
        b.extend_from_slice(&n32.to_le_bytes());
        b.extend_from_slice(&(ns as u32).to_le_bytes());
        b.extend_from_slice(&strings32.to_le_bytes());
        b.extend_from_slice(&(id_width as u32 | dir_bits << 8).to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes()); // checksum, patched below
        for h in &self.hashes {
            b.extend_from_slice(&h.0);
        }
        for s in &self.sources {
            b.extend_from_slice(&s.to_le_bytes());
        }
        let mut off = 0u32;
        b.extend_from_slice(&off.to_le_bytes());
        for id in &self.ids {
            off += id.len() as u32;
            b.extend_from_slice(&off.to_le_bytes());
        }
        b.extend_from_slice(&off.to_le_bytes());
        for s in &self.source_names {
            off += s.len() as u32;
            b.extend_from_slice(&off.to_le_bytes());
        }
        for id in &self.ids {
            b.extend_from_slice(id.as_bytes());
        }
        for s in &self.source_names {
            b.extend_from_slice(s.as_bytes());
        }
        // Per chunk: counting sort of entry ids by chunk value (stable, so ids
        // ascend within a value).
        let mut counts = vec![0u32; 65537];
        let mut order = vec![0u32; n];
        for c in 0..NUM_CHUNKS {
            counts.iter_mut().for_each(|x| *x = 0);
            for h in &self.hashes {
                counts[h.chunk(c) as usize + 1] += 1;
            }
            for k in 1..counts.len() {
                counts[k] += counts[k - 1];
            }
            for k in 0..dl {
                b.extend_from_slice(&counts[(k << (16 - dir_bits)).min(65536)].to_le_bytes());
            }
            let mut next = counts.clone();
            for (i, h) in self.hashes.iter().enumerate() {
                let key = h.chunk(c) as usize;
                order[next[key] as usize] = i as u32;
                next[key] += 1;
            }
            for &i in &order {
                b.push(self.hashes[i as usize].chunk(c) as u8);
            }
            for &i in &order {
                b.extend_from_slice(&i.to_le_bytes()[..id_width]);
            }
        }
        debug_assert_eq!(b.len(), total);
        let sum = lcb32(&b[HEADER_LEN..]);
        b[28..32].copy_from_slice(&sum.to_le_bytes());
        HashIndex::from_vec(b)
    }
}

/// A read-only PDQ radius index over a serialised byte buffer.
///
/// Opening ([`HashIndex::from_bytes`] / [`HashIndex::from_vec`]) validates the
/// buffer once, every offset and every chunk table; queries read it in place.
/// [`HashIndex::check_bytes`] runs the same checks on borrowed bytes.
#[derive(Clone, Debug)]
pub struct HashIndex<B = Vec<u8>> {
    bytes: B,
    n: usize,
    n_sources: usize,
    id_width: usize,
    dir_bits: u32,
    dir_len: usize,
    src_at: usize,
    id_off_at: usize,
    source_off_at: usize,
    strings_at: usize,
    strings_len: usize,
    chunks_at: usize,
}

impl HashIndex {
    /// Builds an index from a parsed list.
    pub fn from_list(list: &HashList) -> Result<HashIndex, Error> {
        let mut b = HashIndexBuilder::new();
        b.add_list(list)?;
        b.build()
    }

    /// Opens a serialised index (copies the bytes once).
    pub fn from_bytes(bytes: &[u8]) -> Result<HashIndex, Error> {
        HashIndex::from_vec(bytes.to_vec())
    }

    /// Opens a serialised index, taking ownership of the buffer (no copy).
    pub fn from_vec(bytes: Vec<u8>) -> Result<HashIndex, Error> {
        HashIndex::open(bytes)
    }

    /// Checks a serialised index as [`HashIndex::from_bytes`] does, without
    /// copying it: when this succeeds, opening succeeds too.
    pub fn check_bytes(bytes: &[u8]) -> Result<(), Error> {
        HashIndex::open(bytes).map(drop)
    }
}

impl<B: AsRef<[u8]>> HashIndex<B> {
    fn open(buf: B) -> Result<HashIndex<B>, Error> {
        let bytes = buf.as_ref();
        if bytes.len() < 8 || bytes[..8] != INDEX_MAGIC {
            return Err(Error::new(
                ErrorKind::NotAnIndex,
                "not a PDQ hash index (bad magic)",
            ));
        }
        if bytes.len() < 12 {
            return Err(Error::corrupt("truncated header"));
        }
        let version = read_u32(bytes, 8);
        if version != INDEX_FORMAT_VERSION {
            return Err(Error::new(
                ErrorKind::Version {
                    expected: INDEX_FORMAT_VERSION,
                    got: version,
                },
                format!("unsupported PDQ index version {version} (this build reads version {INDEX_FORMAT_VERSION})"),
            ));
        }
        if bytes.len() < HEADER_LEN {
            return Err(Error::corrupt("truncated header"));
        }
        let n = read_u32(bytes, 12) as usize;
        let n_sources = read_u32(bytes, 16) as usize;
        let strings_len = read_u32(bytes, 20) as usize;
        let layout = read_u32(bytes, 24);
        let id_width = (layout & 0xff) as usize;
        let dir_bits = (layout >> 8) & 0xff;
        if !(id_width == 4 || (id_width == 3 && n <= 1 << 24)) {
            return Err(Error::corrupt("bad id width"));
        }
        if layout >> 16 != 0 || !(MIN_DIR_BITS..=MAX_DIR_BITS).contains(&dir_bits) {
            return Err(Error::corrupt("bad directory size"));
        }
        let dl = dir_len(dir_bits);
        let stored_sum = read_u32(bytes, 28);
        // Section offsets, computed with overflow checks (u64 so wasm32 cannot wrap).
        let n64 = n as u64;
        let src_at = HEADER_LEN as u64 + n64 * HASH_BYTES as u64;
        let id_off_at = src_at + n64 * 2;
        let source_off_at = id_off_at + (n64 + 1) * 4;
        let strings_at = source_off_at + (n_sources as u64 + 1) * 4;
        let chunks_at = strings_at + strings_len as u64;
        let total = chunks_at + NUM_CHUNKS as u64 * (dl as u64 * 4 + n64 * (1 + id_width as u64));
        if total != bytes.len() as u64 {
            return Err(Error::corrupt("length does not match the header"));
        }
        if lcb32(&bytes[HEADER_LEN..]) != stored_sum {
            return Err(Error::corrupt("checksum mismatch"));
        }
        let idx = HashIndex {
            bytes: buf,
            n,
            n_sources,
            id_width,
            dir_bits,
            dir_len: dl,
            src_at: src_at as usize,
            id_off_at: id_off_at as usize,
            source_off_at: source_off_at as usize,
            strings_at: strings_at as usize,
            strings_len,
            chunks_at: chunks_at as usize,
        };
        idx.validate()?;
        Ok(idx)
    }

    /// Structural checks: offsets, directories, every entry's strings and
    /// every chunk table (O(16 n)).
    fn validate(&self) -> Result<(), Error> {
        let monotonic = |at: usize, count: usize, limit: usize| -> bool {
            let mut prev = 0u32;
            for k in 0..count {
                let v = read_u32(self.bytes.as_ref(), at + 4 * k);
                if v < prev || v as usize > limit {
                    return false;
                }
                prev = v;
            }
            true
        };
        if !monotonic(self.id_off_at, self.n + 1, self.strings_len)
            || !monotonic(self.source_off_at, self.n_sources + 1, self.strings_len)
        {
            return Err(Error::corrupt("string offsets out of order"));
        }
        if self.n > 0 && self.n_sources == 0 {
            return Err(Error::corrupt("entries without a source table"));
        }
        for c in 0..NUM_CHUNKS {
            let dir = self.chunk_at(c);
            if read_u32(self.bytes.as_ref(), dir) != 0
                || read_u32(self.bytes.as_ref(), dir + 4 * (self.dir_len - 1)) as usize != self.n
                || !monotonic(dir, self.dir_len, self.n)
            {
                return Err(Error::corrupt("chunk directory inconsistent"));
            }
        }
        if (0..self.n).any(|i| self.source(i).is_none() || self.id(i).is_none()) {
            return Err(Error::corrupt("an entry's source or id cannot be read"));
        }
        if !(0..NUM_CHUNKS).all(|c| self.chunk_table_ok(c)) {
            return Err(Error::corrupt("chunk table inconsistent"));
        }
        Ok(())
    }

    /// Whether chunk table `c` lists every entry once, sorted by chunk
    /// value then id, each in the bucket of its value and with its low
    /// byte: then a query finds exactly the entries it should.
    fn chunk_table_ok(&self, c: usize) -> bool {
        let b = self.bytes.as_ref();
        let base = self.chunk_at(c);
        let low_at = base + self.dir_len * 4;
        let ids_at = low_at + self.n;
        let w = self.id_width;
        let shift = 16 - self.dir_bits;
        let mut prev: Option<(u16, u32)> = None;
        let mut bucket = 0usize;
        for j in 0..self.n {
            while bucket + 2 < self.dir_len && read_u32(b, base + 4 * (bucket + 1)) as usize <= j {
                bucket += 1;
            }
            let Some(id) = b.get(ids_at + w * j..ids_at + w * j + w).map(|x| {
                let mut v = [0u8; 4];
                v[..w].copy_from_slice(x);
                u32::from_le_bytes(v)
            }) else {
                return false;
            };
            let Some(h) = self.hash(id as usize) else {
                return false;
            };
            let v = h.chunk(c);
            if usize::from(v >> shift) != bucket
                || b.get(low_at + j) != Some(&(v as u8))
                || prev.is_some_and(|p| p >= (v, id))
            {
                return false;
            }
            prev = Some((v, id));
        }
        true
    }

    /// The serialised form (what [`HashIndex::from_bytes`] reads).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.as_ref().to_vec()
    }

    /// The serialised form, borrowed.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when the index has no entries.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The hash of entry `i`, if it exists.
    pub fn hash(&self, i: usize) -> Option<Hash256> {
        if i >= self.n {
            return None;
        }
        let at = HEADER_LEN + i * HASH_BYTES;
        let mut h = [0u8; HASH_BYTES];
        h.copy_from_slice(self.bytes.as_ref().get(at..at + HASH_BYTES)?);
        Some(Hash256(h))
    }

    /// The source of entry `i` (empty when none was given).
    pub fn source(&self, i: usize) -> Option<&str> {
        if i >= self.n {
            return None;
        }
        let at = self.src_at + 2 * i;
        let s = u16::from_le_bytes([
            *self.bytes.as_ref().get(at)?,
            *self.bytes.as_ref().get(at + 1)?,
        ]) as usize;
        if s >= self.n_sources {
            return None;
        }
        self.string(self.source_off_at, s)
    }

    /// The id of entry `i` (empty when none was given).
    pub fn id(&self, i: usize) -> Option<&str> {
        if i >= self.n {
            return None;
        }
        self.string(self.id_off_at, i)
    }

    fn string(&self, table: usize, k: usize) -> Option<&str> {
        let a = read_u32(self.bytes.as_ref(), table + 4 * k) as usize;
        let b = read_u32(self.bytes.as_ref(), table + 4 * k + 4) as usize;
        let s = self
            .bytes
            .as_ref()
            .get(self.strings_at + a..self.strings_at + b.max(a))?;
        core::str::from_utf8(s).ok()
    }

    #[inline]
    fn chunk_at(&self, c: usize) -> usize {
        self.chunks_at + c * (self.dir_len * 4 + self.n * (1 + self.id_width))
    }

    #[inline]
    fn hash_words(&self, i: usize) -> Option<[u64; 4]> {
        let at = HEADER_LEN + i * HASH_BYTES;
        let s = self.bytes.as_ref().get(at..at + HASH_BYTES)?;
        let w = |k: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&s[8 * k..8 * k + 8]);
            u64::from_be_bytes(b)
        };
        Some([w(0), w(1), w(2), w(3)])
    }

    fn make_match(&self, entry: u32, distance: u32, transform: Dihedral) -> Match<'_> {
        let i = entry as usize;
        Match {
            entry,
            distance,
            hash: self.hash(i).unwrap_or_default(),
            source: self.source(i).unwrap_or(""),
            id: self.id(i).unwrap_or(""),
            transform,
        }
    }

    /// Calls `f(entry, distance)` for every entry within `radius` of `q`, each
    /// entry once, in no particular order.
    fn for_each_within(&self, q: &Hash256, radius: u32, mut f: impl FnMut(u32, u32)) {
        if self.n == 0 {
            return;
        }
        let s = radius / NUM_CHUNKS as u32;
        if s > MAX_CHUNK_RADIUS {
            self.scan(q, radius, f);
            return;
        }
        let qw = q.to_u64s();
        let qc: [u16; NUM_CHUNKS] = core::array::from_fn(|c| q.chunk(c));
        let mut probes: Vec<u16> = Vec::with_capacity(137);
        let mut cands: Vec<u32> = Vec::with_capacity(1024);
        for (c, &key) in qc.iter().enumerate() {
            probes.clear();
            probes.push(key);
            if s >= 1 {
                for b1 in 0..16 {
                    probes.push(key ^ (1 << b1));
                    if s >= 2 {
                        for b2 in (b1 + 1)..16 {
                            probes.push(key ^ (1 << b1) ^ (1 << b2));
                        }
                    }
                }
            }
            let base = self.chunk_at(c);
            let low_at = base + self.dir_len * 4;
            let shift = 16 - self.dir_bits;
            let ids_at = low_at + self.n;
            let w = self.id_width;
            for &p in &probes {
                let top = (p >> shift) as usize;
                let lo = (p & 0xff) as u8;
                let a = read_u32(self.bytes.as_ref(), base + 4 * top) as usize;
                let b = read_u32(self.bytes.as_ref(), base + 4 * top + 4) as usize;
                let Some(lows) = self.bytes.as_ref().get(low_at + a..low_at + b.max(a)) else {
                    continue;
                };
                let first = lows.partition_point(|&x| x < lo);
                let last = first + lows[first..].partition_point(|&x| x == lo);
                if let Some(ids) = self
                    .bytes
                    .as_ref()
                    .get(ids_at + w * (a + first)..ids_at + w * (a + last))
                {
                    if w == 3 {
                        cands.extend(
                            ids.chunks_exact(3)
                                .map(|x| u32::from_le_bytes([x[0], x[1], x[2], 0])),
                        );
                    } else {
                        cands.extend(
                            ids.chunks_exact(4)
                                .map(|x| u32::from_le_bytes([x[0], x[1], x[2], x[3]])),
                        );
                    }
                }
            }
        }
        // Verify in one tight pass over all candidates: the loads are
        // independent, so the CPU overlaps their cache misses.
        let hashes = self
            .bytes
            .as_ref()
            .get(HEADER_LEN..HEADER_LEN + self.n * HASH_BYTES)
            .unwrap_or(&[]);
        let mut hits: Vec<(u32, u32)> = Vec::new();
        for &id in &cands {
            let at = id as usize * HASH_BYTES;
            let Some(h) = hashes.get(at..at + HASH_BYTES) else {
                continue;
            };
            let mut d = 0;
            for (k, w) in h.chunks_exact(8).enumerate() {
                let v = u64::from_be_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
                d += (v ^ qw[k]).count_ones();
            }
            if d <= radius {
                hits.push((id, d));
            }
        }
        // A true neighbour can be found through several chunks.
        hits.sort_unstable();
        hits.dedup();
        for (id, d) in hits {
            f(id, d);
        }
    }

    fn scan(&self, q: &Hash256, radius: u32, mut f: impl FnMut(u32, u32)) {
        let qw = q.to_u64s();
        for i in 0..self.n {
            if let Some(hw) = self.hash_words(i) {
                let d = (hw[0] ^ qw[0]).count_ones()
                    + (hw[1] ^ qw[1]).count_ones()
                    + (hw[2] ^ qw[2]).count_ones()
                    + (hw[3] ^ qw[3]).count_ones();
                if d <= radius {
                    f(i as u32, d);
                }
            }
        }
    }

    /// All entries within Hamming distance `radius` (inclusive) of `q`, sorted
    /// by distance then entry. Uses the index for `radius < 48`, a linear scan
    /// above. The PDQ match radius is [`crate::MATCH_DISTANCE`] (31).
    pub fn query(&self, q: &Hash256, radius: u32) -> Vec<Match<'_>> {
        let mut hits: Vec<(u32, u32)> = Vec::new();
        self.for_each_within(q, radius, |id, d| hits.push((d, id)));
        hits.sort_unstable();
        hits.into_iter()
            .map(|(d, id)| self.make_match(id, d, Dihedral::Original))
            .collect()
    }

    /// The closest entry within `radius`, if any.
    pub fn best_match(&self, q: &Hash256, radius: u32) -> Option<Match<'_>> {
        let mut best: Option<(u32, u32)> = None;
        self.for_each_within(q, radius, |id, d| {
            if best.is_none_or(|b| (d, id) < b) {
                best = Some((d, id));
            }
        });
        best.map(|(d, id)| self.make_match(id, d, Dihedral::Original))
    }

    /// Queries with all eight dihedral hashes of an image: each listed entry
    /// within `radius` of any of them is returned once, with the smallest
    /// distance and the transform that gave it. Sorted by distance then entry.
    pub fn query_dihedral(&self, q: &DihedralHashes, radius: u32) -> Vec<Match<'_>> {
        let mut hits: Vec<(u32, u32, usize)> = Vec::new();
        for (t, h) in q.hashes.iter().enumerate() {
            if t > 0 && q.hashes[..t].contains(h) {
                continue;
            }
            self.for_each_within(h, radius, |id, d| hits.push((id, d, t)));
        }
        // Keep the best transform per entry.
        hits.sort_unstable();
        hits.dedup_by_key(|h| h.0);
        let mut hits: Vec<(u32, u32, usize)> = hits;
        // dedup kept the first per id, which after sorting by (id, d, t) is the best.
        hits.sort_unstable_by_key(|&(id, d, _)| (d, id));
        hits.into_iter()
            .map(|(id, d, t)| self.make_match(id, d, Dihedral::ALL[t]))
            .collect()
    }

    /// Linear-scan reference for [`HashIndex::query`] (same output), for tests
    /// and benchmarks.
    pub fn query_brute_force(&self, q: &Hash256, radius: u32) -> Vec<Match<'_>> {
        let mut hits: Vec<(u32, u32)> = Vec::new();
        self.scan(q, radius, |id, d| hits.push((d, id)));
        hits.sort_unstable();
        hits.into_iter()
            .map(|(d, id)| self.make_match(id, d, Dihedral::Original))
            .collect()
    }

    /// Iterates over all entries as `(hash, source, id)`.
    pub fn entries(&self) -> impl Iterator<Item = (Hash256, &str, &str)> + '_ {
        (0..self.n).map(move |i| {
            (
                self.hash(i).unwrap_or_default(),
                self.source(i).unwrap_or(""),
                self.id(i).unwrap_or(""),
            )
        })
    }
}

#[inline]
fn read_u32(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hamming;

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            // splitmix64
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn hash(&mut self) -> Hash256 {
            let mut h = [0u8; 32];
            for c in h.chunks_exact_mut(8) {
                c.copy_from_slice(&self.next().to_le_bytes());
            }
            Hash256(h)
        }
        fn near(&mut self, h: &Hash256, bits: u32) -> Hash256 {
            let mut out = *h;
            let mut flipped = 0;
            while flipped < bits {
                let k = (self.next() % 256) as usize;
                let before = out;
                out.flip_bit(k);
                if hamming(&before, h) < hamming(&out, h) {
                    flipped += 1;
                } else {
                    out = before;
                }
            }
            out
        }
    }

    fn build(n: usize, rng: &mut Rng) -> (HashIndex, Vec<Hash256>) {
        let mut b = HashIndexBuilder::new();
        let mut hs = Vec::new();
        for i in 0..n {
            let h = rng.hash();
            hs.push(h);
            b.add(
                h,
                if i % 3 == 0 { "src-a" } else { "src-b" },
                &format!("id{i}"),
            )
            .unwrap();
        }
        (b.build().unwrap(), hs)
    }

    #[test]
    fn index_agrees_with_brute_force() {
        let mut rng = Rng(7);
        let (idx, hs) = build(3000, &mut rng);
        // The same entries with 4-byte ids (the layout used past 2^24 entries).
        let mut wide = HashIndexBuilder::new();
        wide.wide_ids = true;
        for (i, h) in hs.iter().enumerate() {
            wide.add(*h, "w", &i.to_string()).unwrap();
        }
        let wide = HashIndex::from_bytes(&wide.build().unwrap().to_bytes()).unwrap();
        assert_eq!(read_u32(wide.as_bytes(), 24) & 0xff, 4);
        assert_eq!(read_u32(idx.as_bytes(), 24) & 0xff, 3);
        for radius in [0, 5, 15, 16, 31, 40, 47, 48, 70] {
            for t in 0..40 {
                let base = hs[(rng.next() % hs.len() as u64) as usize];
                let q = if t % 4 == 0 {
                    rng.hash()
                } else {
                    let bits = (rng.next() % (radius as u64 + 3)) as u32;
                    rng.near(&base, bits)
                };
                let a = idx.query(&q, radius);
                let b = idx.query_brute_force(&q, radius);
                assert_eq!(a, b, "radius {radius}");
                let c: Vec<(u32, u32)> = wide
                    .query(&q, radius)
                    .iter()
                    .map(|m| (m.entry, m.distance))
                    .collect();
                let a: Vec<(u32, u32)> = a.iter().map(|m| (m.entry, m.distance)).collect();
                assert_eq!(a, c, "wide ids, radius {radius}");
            }
        }
        // Metadata round-trips.
        assert_eq!(idx.source(0), Some("src-a"));
        assert_eq!(idx.source(1), Some("src-b"));
        assert_eq!(idx.id(42), Some("id42"));
        assert_eq!(idx.hash(42), Some(hs[42]));
        assert_eq!(idx.id(3000), None);
        let m = idx.best_match(&rng.near(&hs[10], 30), 31).unwrap();
        assert_eq!(
            (m.entry, m.distance, m.id, m.source),
            (10, 30, "id10", "src-b")
        );
    }

    #[test]
    fn directory_sizes() {
        assert_eq!(dir_bits_for(0), 8);
        assert_eq!(dir_bits_for(10_000), 9);
        assert_eq!(dir_bits_for(100_000), 12);
        assert_eq!(dir_bits_for(1_000_000), 15);
        assert_eq!(dir_bits_for(10_000_000), 16);
        let mut rng = Rng(99);
        let (idx, hs) = build(40_000, &mut rng);
        assert_eq!(idx.dir_bits, 11);
        for t in 0..60 {
            let bits = (rng.next() % 34) as u32;
            let q = if t % 3 == 0 {
                rng.hash()
            } else {
                rng.near(&hs[t * 97], bits)
            };
            assert_eq!(idx.query(&q, 31), idx.query_brute_force(&q, 31));
        }
    }

    #[test]
    fn serialise_round_trip_and_corruption() {
        let mut rng = Rng(11);
        let (idx, hs) = build(500, &mut rng);
        let bytes = idx.to_bytes();
        let back = HashIndex::from_bytes(&bytes).unwrap();
        assert_eq!(back.len(), 500);
        assert_eq!(back.query(&hs[3], 0)[0].entry, 3);
        assert_eq!(back.as_bytes(), &bytes[..]);

        assert_eq!(
            HashIndex::from_bytes(b"").unwrap_err().kind(),
            &ErrorKind::NotAnIndex
        );
        assert_eq!(
            HashIndex::from_bytes(b"hello world, not an index")
                .unwrap_err()
                .kind(),
            &ErrorKind::NotAnIndex
        );
        let mut v = bytes.clone();
        v[8] = 9;
        assert_eq!(
            HashIndex::from_bytes(&v).unwrap_err().kind(),
            &ErrorKind::Version {
                expected: INDEX_FORMAT_VERSION,
                got: 9
            }
        );
        // Truncation at every length must give an error, never a panic.
        for cut in (0..bytes.len())
            .step_by(97)
            .chain([bytes.len() - 1, 31, 12, 9])
        {
            assert!(HashIndex::from_bytes(&bytes[..cut]).is_err(), "cut {cut}");
        }
        // Flipping any single byte is detected.
        for pos in (0..bytes.len()).step_by(53) {
            let mut v = bytes.clone();
            v[pos] ^= 0x5a;
            assert!(HashIndex::from_bytes(&v).is_err(), "byte {pos}");
        }
        // Empty index works.
        let empty = HashIndexBuilder::new().build().unwrap();
        assert!(empty.is_empty());
        assert!(empty.query(&hs[0], 31).is_empty());
        let e2 = HashIndex::from_bytes(&empty.to_bytes()).unwrap();
        assert!(e2.query(&hs[0], 200).is_empty());
    }

    #[test]
    fn corrupt_bytes_with_valid_checksum_never_panic() {
        let mut rng = Rng(5);
        let (idx, hs) = build(300, &mut rng);
        let bytes = idx.to_bytes();
        let mut opened = 0;
        for round in 0..400 {
            let mut v = bytes.clone();
            for _ in 0..(1 + round % 4) {
                let pos = (rng.next() % v.len() as u64) as usize;
                v[pos] = rng.next() as u8;
            }
            // Re-seal so that only the structural checks and the query-time
            // bounds checks stand between the damage and a panic.
            let sum = lcb32(&v[HEADER_LEN..]);
            v[28..32].copy_from_slice(&sum.to_le_bytes());
            if let Ok(bad) = HashIndex::from_bytes(&v) {
                opened += 1;
                for h in hs.iter().take(5) {
                    let _ = bad.query(h, 31);
                    let _ = bad.query(h, 60);
                    let _ = bad.best_match(h, 8);
                }
                let _ = bad.entries().count();
            }
        }
        assert!(opened > 0);
    }

    #[test]
    fn dihedral_query_reports_transform() {
        let mut rng = Rng(3);
        let (idx, hs) = build(200, &mut rng);
        let mut hashes = [Hash256::ZERO; 8];
        for h in hashes.iter_mut() {
            *h = rng.hash();
        }
        hashes[5] = rng.near(&hs[77], 4);
        let q = DihedralHashes {
            hashes,
            quality: 100,
        };
        let m = idx.query_dihedral(&q, 31);
        assert_eq!(m.len(), 1);
        assert_eq!(
            (m[0].entry, m[0].distance, m[0].transform),
            (77, 4, Dihedral::FlipY)
        );
    }
}
