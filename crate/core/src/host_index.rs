//! The host index (`HFST`): an `fst` 0.4 map from reversed hosts and
//! URL-prefix keys to combination ids (see [`crate::bundle`]), read only
//! through our own node reader, [`Raw`].
//!
//! `fst::raw::Fst::new` means to check that the root address points at the
//! end of the bytes, but in 0.4.7 the check only fires for an empty root,
//! and the crate's own node reader panics on a bad address later, on
//! exactly the listed hosts. So the bytes never reach that reader:
//!
//! * [`check`] (at open, O(1)): version, type, key count and root address
//!   in the header and trailer, and that the root node decodes;
//! * [`HostIndex::walk`] (in `verify` and the export): every key once, every
//!   node on the way decoded and checked (inside the bytes, transitions
//!   strictly below their node so the walk ends, inputs ascending, an input
//!   index that agrees with the inputs, no dead end, no key longer than
//!   [`MAX_KEY_LEN`], exactly as many keys as the header says);
//! * lookups ([`crate::matcher`]) decode through the same [`Raw`], whose
//!   reads are all bounds-checked: an index that was never validated can
//!   miss a key but cannot panic, and one that was validated reads exactly
//!   the keys the walk saw.
//!
//! The `fst` crate itself is used to build the index and for its CRC.
use fst::raw::Fst;

use crate::bundle::Slice;
use crate::matcher::{Node, Raw};

/// The `fst` format version with a checksum (what 0.4 writes).
const FST_VERSION: u64 = 3;
/// Version and type, before the first node.
const FST_HEADER: usize = 16;
/// Key count, root address and CRC after the last node.
const FST_TRAILER: usize = 20;
/// Longest key: a host (253 bytes), `/`, and a URL-prefix path of at most
/// [`crate::bundle::MAX_URL_RULE_LEN`] bytes, with room to spare.
pub(crate) const MAX_KEY_LEN: usize = 4096;
/// Most keys one index may hold (the builder refuses more): bounds the work
/// of a walk over an index whose header lies.
pub(crate) const MAX_KEYS: u64 = 1 << 26;

/// An opened host index.
pub(crate) struct HostIndex {
    fst: Fst<Slice>,
    root: usize,
    len: u64,
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// Checks the header and trailer of an index expected to hold `keys` keys;
/// gives the root address.
pub(crate) fn check(b: &[u8], keys: u64) -> Result<usize, String> {
    if b.len() < FST_HEADER + FST_TRAILER {
        return Err(format!("{} bytes is too short for an index", b.len()));
    }
    let version = u64_at(b, 0).unwrap_or(0);
    let ty = u64_at(b, 8).unwrap_or(u64::MAX);
    if version != FST_VERSION || ty != 0 {
        return Err(format!(
            "index format {version} type {ty}, expected {FST_VERSION} type 0"
        ));
    }
    let total = b.len();
    let len = u64_at(b, total - FST_TRAILER).unwrap_or(u64::MAX);
    let root = u64_at(b, total - 12).unwrap_or(u64::MAX);
    if len != keys || len > MAX_KEYS {
        return Err(format!("index says {len} keys, the bundle {keys}"));
    }
    // The root is the last node written: its state byte sits just before
    // the trailer (or it is the empty final state of an index with no
    // keys).
    let root_ok = (root == 0 && total == FST_HEADER + FST_TRAILER)
        || (root >= FST_HEADER as u64 && root + 1 + FST_TRAILER as u64 == total as u64);
    if !root_ok {
        return Err(format!(
            "root address {root} is not at the end of the index"
        ));
    }
    let root = root as usize;
    if Raw::new(b).node(root).is_none() {
        return Err("the root node is malformed".into());
    }
    Ok(root)
}

impl HostIndex {
    /// Opens the index over `data` (see [`check`]).
    pub(crate) fn open(data: Slice, keys: u64) -> Result<HostIndex, String> {
        let root = check(data.as_ref(), keys)?;
        // `check` has made every read `Fst::new` does safe (length, and a
        // root and key count that fit in usize on 32-bit targets too).
        let fst = Fst::new(data).map_err(|e| e.to_string())?;
        Ok(HostIndex {
            fst,
            root,
            len: keys,
        })
    }

    /// Opens an index whose key count only its own trailer gives (the
    /// optional sections of the name checks), with the same checks.
    pub(crate) fn open_any(data: Slice) -> Result<HostIndex, String> {
        let b = data.as_ref();
        let keys = b
            .len()
            .checked_sub(FST_TRAILER)
            .and_then(|at| u64_at(b, at))
            .ok_or("too short for an index")?;
        HostIndex::open(data, keys)
    }

    /// The index bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.fst.as_bytes()
    }

    /// Number of keys.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// The root node's address.
    pub(crate) fn root(&self) -> usize {
        self.root
    }

    /// The node reader.
    pub(crate) fn raw(&self) -> Raw<'_> {
        Raw::new(self.as_bytes())
    }

    /// The index's own CRC.
    pub(crate) fn verify_crc(&self) -> Result<(), String> {
        self.fst.verify().map_err(|e| e.to_string())
    }

    /// Calls `f(key, value)` for every key in ascending order, validating
    /// every node on the way (see the module docs). Work is bounded by the
    /// key count the header gives (at most [`MAX_KEYS`]) times
    /// [`MAX_KEY_LEN`]: a walk that finds more keys, a longer key or a
    /// malformed node stops with an error.
    pub(crate) fn walk(
        &self,
        mut f: impl FnMut(&[u8], u64) -> Result<(), String>,
    ) -> Result<(), String> {
        struct Frame {
            node: Node,
            /// The next transition to follow.
            next: usize,
            /// The input of the last one followed.
            last: Option<u8>,
            out: u64,
            /// The key's length before the bytes that led here.
            base: usize,
        }
        let raw = self.raw();
        let mut key: Vec<u8> = Vec::new();
        let mut seen = 0u64;
        let Some(root) = raw.node(self.root) else {
            return bad("malformed root", self.root);
        };
        if root.final_out.is_some() && self.len > 0 {
            return bad("the empty key", self.root);
        }
        let mut stack = vec![Frame {
            node: root,
            next: 0,
            last: None,
            out: 0,
            base: 0,
        }];
        while let Some(top) = stack.last_mut() {
            if top.next == top.node.ntrans {
                let base = top.base;
                stack.pop();
                key.truncate(base);
                continue;
            }
            let parent = top.node.addr;
            let Some((input, next, out)) = raw.transition(&top.node, top.next) else {
                return bad("malformed transition", parent);
            };
            if top.last.is_some_and(|last| last >= input) {
                return bad("inputs out of order", parent);
            }
            top.last = Some(input);
            top.next += 1;
            let base = key.len();
            let mut out = top.out.wrapping_add(out);
            key.push(input);
            let mut node = checked_node(&raw, next, key.len())?;
            // A run of one-transition states (most of a key past the point
            // where it parts from its neighbours) needs no frame each.
            while node.ntrans == 1 && node.final_out.is_none() {
                let Some((input, next, o)) = raw.transition(&node, 0) else {
                    return bad("malformed transition", node.addr);
                };
                out = out.wrapping_add(o);
                key.push(input);
                node = checked_node(&raw, next, key.len())?;
            }
            if let Some(fin) = node.final_out {
                seen += 1;
                if seen > self.len {
                    return Err(format!("more keys than the {} the index says", self.len));
                }
                f(&key, out.wrapping_add(fin))?;
            }
            stack.push(Frame {
                node,
                next: 0,
                last: None,
                out,
                base,
            });
        }
        if seen != self.len {
            return Err(format!("{seen} keys found, the index says {}", self.len));
        }
        Ok(())
    }
}

fn bad<T>(what: &str, addr: usize) -> Result<T, String> {
    Err(format!("{what} at node {addr}"))
}

/// The node at `addr`, reached by a key of `key_len` bytes, decoded and
/// checked: inside the bytes and clear of the header, not a dead end, its
/// input index (if any) agreeing with its inputs, the key not too long.
fn checked_node(raw: &Raw<'_>, addr: usize, key_len: usize) -> Result<Node, String> {
    if key_len > MAX_KEY_LEN {
        return bad("a key longer than the limit", addr);
    }
    let Some(node) = raw.node(addr) else {
        return bad("malformed node", addr);
    };
    if addr != 0 && node.start < FST_HEADER {
        return bad("a node overlapping the header", addr);
    }
    if node.ntrans == 0 && node.final_out.is_none() {
        return bad("a dead end", addr);
    }
    if !raw.index_agrees(&node) {
        return bad("an input index that disagrees with the inputs", addr);
    }
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn index(keys: &[(&[u8], u64)]) -> (Vec<u8>, HostIndex) {
        let mut b = fst::MapBuilder::memory();
        for (k, v) in keys {
            b.insert(k, *v).unwrap();
        }
        let bytes = b.into_inner().unwrap();
        let slice = Slice::new(Arc::new(bytes.clone()), 0, bytes.len());
        let idx = HostIndex::open(slice, keys.len() as u64).unwrap();
        (bytes, idx)
    }

    fn keys_of(idx: &HostIndex) -> Result<Vec<(Vec<u8>, u64)>, String> {
        let mut out = Vec::new();
        idx.walk(|k, v| {
            out.push((k.to_vec(), v));
            Ok(())
        })?;
        Ok(out)
    }

    /// The walk lists exactly what the `fst` crate's own stream lists, for
    /// indexes with wide (indexed) states, long shared paths and outputs of
    /// every width.
    #[test]
    fn walk_agrees_with_the_fst_stream() {
        use fst::Streamer;
        let mut keys: Vec<Vec<u8>> = Vec::new();
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for n in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = 1 + (x % 14) as usize;
            let key: Vec<u8> = (0..len)
                .map(|i| {
                    let r = (x >> (i * 3)) as u8;
                    if n % 5 == 0 {
                        r
                    } else {
                        b"moc.vn-/ab"[(r % 10) as usize]
                    }
                })
                .collect();
            keys.push(key);
        }
        keys.sort();
        keys.dedup();
        let pairs: Vec<(&[u8], u64)> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| {
                (
                    k.as_slice(),
                    (i as u64).wrapping_mul(0x9e37_79b9) >> (i % 40),
                )
            })
            .collect();
        let (bytes, idx) = index(&pairs);
        let got = keys_of(&idx).unwrap();
        let map = fst::Map::new(bytes).unwrap();
        let mut want = Vec::new();
        let mut s = map.stream();
        while let Some((k, v)) = s.next() {
            want.push((k.to_vec(), v));
        }
        assert_eq!(got.len(), pairs.len());
        assert_eq!(got, want);
    }

    #[test]
    fn an_index_with_no_keys_opens_and_walks() {
        let (_, idx) = index(&[]);
        assert_eq!(keys_of(&idx).unwrap(), vec![]);
        assert_eq!(idx.raw().step(idx.root(), b'a'), None);
    }

    /// A flipped bit anywhere in the index, with its CRC recomputed so that
    /// only the structure stands between the damage and the reader: open,
    /// walk and lookups give an error or an answer, never a panic, and a
    /// walk that succeeds lists keys the lookups then find.
    #[test]
    fn flipped_bits_in_the_index_never_panic() {
        let keys: Vec<String> = (0..300).map(|i| format!("moc.{i}elpmaxe")).collect();
        let mut sorted: Vec<&[u8]> = keys.iter().map(|k| k.as_bytes()).collect();
        sorted.sort();
        let pairs: Vec<(&[u8], u64)> = sorted.iter().map(|k| (*k, 7)).collect();
        let (bytes, _) = index(&pairs);
        let mut opened = 0;
        let mut walked = 0;
        for bit in 0..bytes.len() * 8 {
            let mut v = bytes.clone();
            v[bit / 8] ^= 1 << (bit % 8);
            let slice = Slice::new(Arc::new(v), 0, bytes.len());
            let Ok(idx) = HostIndex::open(slice, pairs.len() as u64) else {
                continue;
            };
            opened += 1;
            for k in &sorted {
                let mut addr = idx.root();
                for &b in k.iter() {
                    match idx.raw().step(addr, b) {
                        Some((next, _)) => addr = next,
                        None => break,
                    }
                }
                let _ = idx.raw().final_output(addr);
            }
            if let Ok(found) = keys_of(&idx) {
                walked += 1;
                for (k, v) in found {
                    let mut addr = idx.root();
                    let mut out = 0u64;
                    for &b in &k {
                        let (next, o) = idx.raw().step(addr, b).expect("walked key steps");
                        out = out.wrapping_add(o);
                        addr = next;
                    }
                    let fin = idx.raw().final_output(addr).expect("walked key is final");
                    assert_eq!(out.wrapping_add(fin), v);
                }
            }
        }
        assert!(
            opened > 100 && walked > 0,
            "{opened} opened, {walked} walked"
        );
    }

    #[test]
    fn a_lying_header_is_refused_at_open() {
        let (bytes, _) = index(&[(b"moc.a", 1), (b"moc.b", 2)]);
        let open = |v: Vec<u8>, keys| {
            let n = v.len();
            HostIndex::open(Slice::new(Arc::new(v), 0, n), keys).map(|_| ())
        };
        assert!(open(bytes.clone(), 2).is_ok());
        assert!(open(bytes.clone(), 3).is_err(), "key count");
        let mut v = bytes.clone();
        let n = v.len();
        v[n - 12] ^= 4; // root address
        assert!(open(v, 2).is_err(), "root address");
        let mut v = bytes.clone();
        v[0] = 2; // version
        assert!(open(v, 2).is_err(), "version");
        assert!(open(bytes[..30].to_vec(), 2).is_err(), "short");
    }
}
