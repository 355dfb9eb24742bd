//! Walking the host index: one pass over the reversed host finds the host
//! and every parent domain on a list, and URL-prefix rules hanging off any
//! of them. No allocation: matches go into a fixed array.
//!
//! [`Raw`] is the only reader of the index's bytes: the lookups here, the
//! validation in [`crate::host_index`] and the export all decode nodes
//! through it, with checked arithmetic only, so no byte pattern can make a
//! read panic, and a node the validation accepted reads the same way
//! during a lookup.
use crate::host::HostKind;
use crate::host_index::HostIndex;

/// At most this many list hits are kept per host; real hosts have a few.
pub(crate) const MAX_HITS: usize = 16;

/// One list hit for a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Byte offset in the host where the matched suffix starts (0 = whole
    /// host).
    pub host_start: usize,
    /// Length of the matched path prefix (of the canonical path, leading
    /// `/` included), 0 for a domain hit.
    pub path_len: usize,
    /// FST value: index of the set of source ids.
    pub combo: u64,
}

impl Hit {
    /// Longer matched text = more specific rule.
    pub fn specificity(&self, host_len: usize) -> usize {
        host_len - self.host_start + self.path_len
    }
}

/// Fixed-capacity list of hits.
pub(crate) struct Hits {
    items: [Hit; MAX_HITS],
    len: usize,
}

impl Hits {
    pub(crate) fn new() -> Hits {
        Hits {
            items: [Hit {
                host_start: 0,
                path_len: 0,
                combo: 0,
            }; MAX_HITS],
            len: 0,
        }
    }

    fn push(&mut self, hit: Hit) {
        if self.len < MAX_HITS {
            self.items[self.len] = hit;
            self.len += 1;
        }
    }

    pub fn as_slice(&self) -> &[Hit] {
        &self.items[..self.len]
    }
}

/// Path bytes after which a URL-prefix rule may end.
fn is_path_boundary(b: u8) -> bool {
    matches!(b, b'/' | b'?' | b'#' | b'&' | b';' | b'.' | b'=')
}

/// Finds every rule that covers `host` and the path `/` + `path_rest`
/// (`path_rest` is the path without its leading `/`, so that a caller
/// holding a slice of the URL need not build the path). The path is
/// compared in its canonical form ([`crate::path::canonical`]), worked out
/// only where URL-prefix rules hang off the host; `Hit::path_len` counts
/// bytes of that form.
///
/// `suffixes` says which label boundaries may hold a rule, as
/// [`crate::filter::HostFilter::suffix_mask`] gives it (`u64::MAX`: all);
/// the others are not looked at, and the walk stops after the last one.
pub(crate) fn lookup(
    index: &HostIndex,
    host: &str,
    kind: HostKind,
    path_rest: &str,
    suffixes: u64,
) -> Hits {
    let mut hits = Hits::new();
    if suffixes == 0 {
        return hits;
    }
    // Boundaries beyond the highest bit cannot hold a rule (bit 63 stands
    // for all deeper ones).
    let last_boundary = 63 - suffixes.leading_zeros();
    let mut k = 0u32;
    let h = host.as_bytes();
    let raw = index.raw();
    let mut addr = index.root();
    let mut out = 0u64;
    for i in (0..h.len()).rev() {
        let Some((next, o)) = raw.step(addr, h[i]) else {
            break;
        };
        out = out.wrapping_add(o);
        addr = next;
        // A label boundary: the bytes walked so far spell a whole domain.
        // IP literals only ever match whole.
        let boundary = i == 0 || (kind == HostKind::Domain && h[i - 1] == b'.');
        if !boundary {
            continue;
        }
        let this = k.min(63);
        k += 1;
        if suffixes & (1u64 << this) == 0 {
            if this >= last_boundary {
                break;
            }
            continue;
        }
        if let Some(f) = raw.final_output(addr) {
            hits.push(Hit {
                host_start: i,
                path_len: 0,
                combo: out.wrapping_add(f),
            });
        }
        if let Some((next, o)) = raw.step(addr, b'/') {
            // Rare (a host with URL-prefix rules): out of the loop's way.
            let rest = crate::path::canonical(path_rest);
            walk_path(&raw, next, out.wrapping_add(o), i, &rest, &mut hits);
        }
        if this >= last_boundary && this < 63 {
            break;
        }
    }
    hits
}

fn walk_path(
    raw: &Raw<'_>,
    mut addr: usize,
    mut out: u64,
    host_start: usize,
    rest: &[u8],
    hits: &mut Hits,
) {
    // The path's leading '/' is already consumed: rest[j] is path byte j + 1.
    for j in 0..rest.len() {
        let Some((next, o)) = raw.step(addr, rest[j].to_ascii_lowercase()) else {
            return;
        };
        out = out.wrapping_add(o);
        addr = next;
        let at_boundary = j + 1 == rest.len() || is_path_boundary(rest[j + 1]);
        if at_boundary {
            if let Some(f) = raw.final_output(addr) {
                hits.push(Hit {
                    host_start,
                    path_len: j + 2,
                    combo: out.wrapping_add(f),
                });
            }
        }
    }
}

/// The inputs an `fst` 0.4 state byte can name itself (`COMMON_INPUTS_INV`
/// of the `fst` crate, the 63 that fit in six bits).
const COMMON_INPUTS: [u8; 63] = [
    b't', b'e', b'/', b'o', b'a', b's', b'r', b'i', b'p', b'c', b'n', b'w', b'.', b'h', b'l', b'm',
    b'-', b'd', b'u', b'0', b'1', b'2', b'g', b'=', b':', b'b', b'f', b'3', b'y', b'5', b'&', b'_',
    b'4', b'v', b'9', b'6', b'7', b'8', b'k', b'%', b'?', b'x', b'C', b'D', b'A', b'S', b'F', b'I',
    b'B', b'E', b'j', b'P', b'T', b'z', b'R', b'N', b'M', b'+', b'L', b'O', b'q', b'H', b'G',
];

/// Transitions per state above which `fst` (format 2 and up) stores a
/// 256-byte input index.
const TRANS_INDEX_THRESHOLD: usize = 32;

/// A lean reader of `fst` 0.4's node encoding for the host walk: one input
/// byte at a time, decoding only what that step needs (`fst::raw::Node`
/// decodes the whole node header, its end and its final output for every
/// node, ~35 ns a node in WASM). Every read is bounds-checked and every
/// offset computed with checked arithmetic: a malformed index gives no
/// transition rather than a panic. Checked against `fst::raw::Node` by the
/// tests below.
pub(crate) struct Raw<'a> {
    data: &'a [u8],
    indexed: bool,
}

/// Decoded header of a state with any number of transitions.
struct AnyTrans {
    ntrans: usize,
    sizes_at: usize,
    tsize: usize,
    osize: usize,
    index: usize,
}

/// Where the parts of a state with any number of transitions lie (each
/// part ends where the one above it starts: the state byte is highest).
#[derive(Clone, Copy)]
struct AnyLayout {
    /// One past the last input byte (the input index, if any, follows).
    inputs_end: usize,
    /// One past the last transition address (the inputs start here).
    trans_end: usize,
    /// One past the last transition output.
    outs_end: usize,
    /// The node's lowest byte: transition addresses are deltas from it.
    end: usize,
    tsize: usize,
    osize: usize,
    /// 256 when a 256-byte input index follows the inputs, else 0.
    index: usize,
}

/// A node decoded for walking all its transitions (validation, export).
pub(crate) struct Node {
    /// Its address.
    pub addr: usize,
    /// The lowest byte the node occupies (0 for the empty final state).
    pub start: usize,
    /// The final output, if the node is final.
    pub final_out: Option<u64>,
    /// Number of transitions.
    pub ntrans: usize,
    shape: Shape,
}

enum Shape {
    /// The empty final state at address 0.
    Empty,
    /// One transition: input, next address, output.
    One(u8, usize, u64),
    /// Any number of transitions.
    Any(AnyLayout),
}

/// Little-endian unsigned integer of `n` bytes (0 to 8) at `at`.
#[inline(always)]
fn unpack(data: &[u8], at: usize, n: usize) -> Option<u64> {
    if n > 8 {
        // Only garbage declares wider integers.
        return None;
    }
    let b = data.get(at..at.checked_add(n)?)?;
    let mut v = 0u64;
    for (i, &x) in b.iter().enumerate() {
        v |= u64::from(x) << (8 * i);
    }
    Some(v)
}

/// The address a transition points at: `delta` below the node's lowest
/// byte, 0 (the empty final state) for a delta of 0.
#[inline(always)]
fn target(end: usize, delta: u64) -> Option<usize> {
    if delta == 0 {
        return Some(0);
    }
    // `try_from`: on wasm32 a wide delta must fail, not wrap to another node.
    end.checked_sub(usize::try_from(delta).ok()?)
}

impl<'a> Raw<'a> {
    /// A reader over the bytes of an `fst` 0.4 transducer (its version, in
    /// the first 8 bytes, says whether wide states carry an input index).
    pub(crate) fn new(data: &'a [u8]) -> Raw<'a> {
        let version = unpack(data, 0, 8).unwrap_or(0);
        Raw {
            data,
            indexed: version >= 2,
        }
    }

    /// The state byte's input, for the one-transition states: the byte and
    /// how many bytes it takes before the state byte.
    #[inline(always)]
    fn one_input(&self, addr: usize, v: u8) -> Option<(u8, usize)> {
        match v & 0b0011_1111 {
            0 => Some((*self.data.get(addr.checked_sub(1)?)?, 1)),
            i => Some((*COMMON_INPUTS.get(usize::from(i) - 1)?, 0)),
        }
    }

    /// The one transition of a state whose byte is `0b10……`: input, next
    /// address, output, and the node's lowest byte.
    #[inline(always)]
    fn one_trans(&self, addr: usize, v: u8) -> Option<(u8, usize, u64, usize)> {
        let d = self.data;
        let (inp, ilen) = self.one_input(addr, v)?;
        let sizes_at = addr.checked_sub(ilen + 1)?;
        let sizes = *d.get(sizes_at)?;
        let tsize = usize::from(sizes >> 4);
        let osize = usize::from(sizes & 15);
        if tsize == 0 {
            return None; // `fst` always writes an address of 1 to 8 bytes
        }
        let t_at = sizes_at.checked_sub(tsize)?;
        let end = t_at.checked_sub(osize)?;
        let next = target(end, unpack(d, t_at, tsize)?)?;
        let out = if osize == 0 {
            0
        } else {
            unpack(d, end, osize)?
        };
        Some((inp, next, out, end))
    }

    /// Follows input `b` from the node at `addr`: the next node's address
    /// and the transition's output.
    #[inline]
    pub(crate) fn step(&self, addr: usize, b: u8) -> Option<(usize, u64)> {
        if addr == 0 {
            return None; // the empty final state
        }
        let d = self.data;
        let v = *d.get(addr)?;
        match v >> 6 {
            0b11 => {
                // One transition to the node right below, no output.
                let (inp, ilen) = self.one_input(addr, v)?;
                if inp != b {
                    return None;
                }
                Some((addr.checked_sub(ilen + 1)?, 0))
            }
            0b10 => {
                let (inp, next, out, _) = self.one_trans(addr, v)?;
                (inp == b).then_some((next, out))
            }
            _ => {
                let h = self.any_trans(addr, v)?;
                let l = self.any_layout(&h, v)?;
                let i = if l.index > 0 {
                    let i = usize::from(*d.get(l.inputs_end.checked_add(usize::from(b))?)?);
                    if i >= h.ntrans {
                        return None;
                    }
                    i
                } else {
                    let p = d
                        .get(l.trans_end..l.inputs_end)?
                        .iter()
                        .position(|&x| x == b)?;
                    h.ntrans - p - 1
                };
                let (_, next, out) = self.any_transition(&l, i)?;
                Some((next, out))
            }
        }
    }

    /// The header of a state with any number of transitions (state byte
    /// `v` at `addr`): transition count, where the packed sizes byte is,
    /// address and output widths, and the size of the input index.
    #[inline]
    fn any_trans(&self, addr: usize, v: u8) -> Option<AnyTrans> {
        let d = self.data;
        let (ntrans, nlen) = match v & 0b0011_1111 {
            0 => match *d.get(addr.checked_sub(1)?)? {
                1 => (256, 1),
                n => (usize::from(n), 1),
            },
            n => (usize::from(n), 0),
        };
        let sizes_at = addr.checked_sub(nlen + 1)?;
        let sizes = *d.get(sizes_at)?;
        let index = if self.indexed && ntrans > TRANS_INDEX_THRESHOLD {
            256
        } else {
            0
        };
        Some(AnyTrans {
            ntrans,
            sizes_at,
            tsize: usize::from(sizes >> 4),
            osize: usize::from(sizes & 15),
            index,
        })
    }

    /// Where the inputs, addresses, outputs and final output of a state
    /// with any number of transitions lie.
    #[inline]
    fn any_layout(&self, h: &AnyTrans, v: u8) -> Option<AnyLayout> {
        if h.ntrans > 0 && h.tsize == 0 {
            return None; // `fst` always writes an address of 1 to 8 bytes
        }
        let inputs_end = h.sizes_at.checked_sub(h.index)?;
        let trans_end = inputs_end.checked_sub(h.ntrans)?;
        let outs_end = trans_end.checked_sub(h.ntrans * h.tsize)?;
        let final_osize = if v & 0b0100_0000 != 0 { h.osize } else { 0 };
        let end = outs_end.checked_sub(h.ntrans * h.osize + final_osize)?;
        Some(AnyLayout {
            inputs_end,
            trans_end,
            outs_end,
            end,
            tsize: h.tsize,
            osize: h.osize,
            index: h.index,
        })
    }

    /// Transition `i` (inputs ascend with `i`) of a wide state: input,
    /// next address, output.
    #[inline]
    fn any_transition(&self, l: &AnyLayout, i: usize) -> Option<(u8, usize, u64)> {
        let d = self.data;
        let inp = *d.get(l.inputs_end.checked_sub(i + 1)?)?;
        let t_at = l.trans_end.checked_sub((i + 1) * l.tsize)?;
        let next = target(l.end, unpack(d, t_at, l.tsize)?)?;
        let out = if l.osize == 0 {
            0
        } else {
            unpack(d, l.outs_end.checked_sub((i + 1) * l.osize)?, l.osize)?
        };
        Some((inp, next, out))
    }

    /// The final output of a wide state that is final.
    #[inline]
    fn any_final(&self, l: &AnyLayout) -> Option<u64> {
        if l.osize == 0 {
            return Some(0);
        }
        unpack(self.data, l.end, l.osize)
    }

    /// The final output of the node at `addr` if it is final.
    #[inline]
    pub(crate) fn final_output(&self, addr: usize) -> Option<u64> {
        if addr == 0 {
            return Some(0); // the empty final state
        }
        let v = *self.data.get(addr)?;
        if v & 0b1000_0000 != 0 || v & 0b0100_0000 == 0 {
            return None; // one-transition states are never final
        }
        let h = self.any_trans(addr, v)?;
        self.any_final(&self.any_layout(&h, v)?)
    }

    /// The whole node at `addr`, decoded; `None` if any part of it lies
    /// outside the bytes.
    pub(crate) fn node(&self, addr: usize) -> Option<Node> {
        if addr == 0 {
            return Some(Node {
                addr,
                start: 0,
                final_out: Some(0),
                ntrans: 0,
                shape: Shape::Empty,
            });
        }
        let v = *self.data.get(addr)?;
        match v >> 6 {
            0b11 => {
                let (inp, ilen) = self.one_input(addr, v)?;
                let next = addr.checked_sub(ilen + 1)?;
                Some(Node {
                    addr,
                    start: addr - ilen,
                    final_out: None,
                    ntrans: 1,
                    shape: Shape::One(inp, next, 0),
                })
            }
            0b10 => {
                let (inp, next, out, end) = self.one_trans(addr, v)?;
                Some(Node {
                    addr,
                    start: end,
                    final_out: None,
                    ntrans: 1,
                    shape: Shape::One(inp, next, out),
                })
            }
            _ => {
                let h = self.any_trans(addr, v)?;
                let l = self.any_layout(&h, v)?;
                let final_out = if v & 0b0100_0000 != 0 {
                    Some(self.any_final(&l)?)
                } else {
                    None
                };
                Some(Node {
                    addr,
                    start: l.end,
                    final_out,
                    ntrans: h.ntrans,
                    shape: Shape::Any(l),
                })
            }
        }
    }

    /// Transition `i` of `node` (inputs ascend with `i` in a well-formed
    /// index): input, next address, output.
    pub(crate) fn transition(&self, node: &Node, i: usize) -> Option<(u8, usize, u64)> {
        if i >= node.ntrans {
            return None;
        }
        match &node.shape {
            Shape::Empty => None,
            Shape::One(inp, next, out) => Some((*inp, *next, *out)),
            Shape::Any(l) => self.any_transition(l, i),
        }
    }

    /// Whether a wide node's input index (if it has one) names exactly its
    /// transitions, so that [`Raw::step`] finds what [`Raw::transition`]
    /// lists. Assumes the inputs are distinct (the validation checks that
    /// they ascend).
    pub(crate) fn index_agrees(&self, node: &Node) -> bool {
        let Shape::Any(l) = &node.shape else {
            return true;
        };
        if l.index == 0 {
            return true;
        }
        let Some(index) = l
            .inputs_end
            .checked_add(256)
            .and_then(|e| self.data.get(l.inputs_end..e))
        else {
            return false;
        };
        let named = index
            .iter()
            .filter(|&&i| usize::from(i) < node.ntrans)
            .count();
        named == node.ntrans
            && (0..node.ntrans).all(|i| {
                self.any_transition(l, i)
                    .is_some_and(|(inp, _, _)| usize::from(index[usize::from(inp)]) == i)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Walks every key and many non-keys both ways: `Raw` must agree with
    /// `fst::raw::Node` on every step and every final output.
    #[test]
    fn raw_reader_agrees_with_fst() {
        let mut keys: Vec<Vec<u8>> = Vec::new();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in 0..30_000u64 {
            let len = 1 + (rnd() % 12) as usize;
            // Mostly a small alphabet (long shared prefixes, few
            // transitions), some full bytes (indexed states, 256 inputs).
            let key: Vec<u8> = (0..len)
                .map(|_| {
                    if n % 7 == 0 {
                        rnd() as u8
                    } else {
                        b"moc.vnx-/ab"[(rnd() % 11) as usize]
                    }
                })
                .collect();
            keys.push(key);
        }
        for b in 0..=255u8 {
            keys.push(vec![b'z', b]);
            keys.push(vec![b'z', b, b'q']);
        }
        keys.sort();
        keys.dedup();
        let mut builder = fst::MapBuilder::memory();
        for (i, k) in keys.iter().enumerate() {
            // Outputs of every width.
            let v = match i % 4 {
                0 => i as u64,
                1 => 0,
                2 => (i as u64) << 20,
                _ => u64::MAX >> (i % 60),
            };
            builder.insert(k, v).unwrap();
        }
        let map = fst::Map::new(builder.into_inner().unwrap()).unwrap();
        let fst = map.as_fst();
        let raw = Raw::new(fst.as_bytes());
        let mut probes = keys.clone();
        for k in &keys {
            let mut p = k.clone();
            p.push(b'!');
            probes.push(p);
            let mut q = k.clone();
            q.insert(0, b'~');
            probes.push(q);
        }
        let mut steps = 0;
        for k in &probes {
            let mut node = fst.root();
            let mut addr = node.addr();
            for &b in k {
                let want = node.find_input(b).map(|i| {
                    let t = node.transition(i);
                    (t.addr, t.out.value())
                });
                let got = raw.step(addr, b);
                assert_eq!(got, want, "{k:?} at {b}");
                let Some((next, _)) = got else { break };
                node = fst.node(next);
                addr = next;
                steps += 1;
                let want_final = node.is_final().then(|| node.final_output().value());
                assert_eq!(raw.final_output(addr), want_final, "{k:?} final");
            }
        }
        assert!(steps > 100_000, "{steps}");
    }

    #[test]
    fn raw_reader_never_panics_on_garbage() {
        let data: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let raw = Raw {
            data: &data,
            indexed: true,
        };
        for addr in 0..data.len() + 10 {
            for b in [0u8, b'.', b'a', b'/', 255] {
                let _ = raw.step(addr, b);
            }
            let _ = raw.final_output(addr);
            if let Some(node) = raw.node(addr) {
                for i in 0..node.ntrans + 1 {
                    let _ = raw.transition(&node, i);
                }
                let _ = raw.index_agrees(&node);
            }
        }
    }
}
