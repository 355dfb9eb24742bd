//! Walking the host index: one pass over the reversed host finds the host
//! and every parent domain on a list, and URL-prefix rules hanging off any
//! of them. No allocation: matches go into a fixed array.
use fst::raw::{Fst, Output};

use crate::host::HostKind;

/// At most this many list hits are kept per host; real hosts have a few.
pub(crate) const MAX_HITS: usize = 16;

/// One list hit for a host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Byte offset in the host where the matched suffix starts (0 = whole
    /// host).
    pub host_start: usize,
    /// Length of the matched path prefix, 0 for a domain hit.
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
    fn new() -> Hits {
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

/// Finds every rule that covers `host` (and `path`, which starts with '/').
pub(crate) fn lookup<D: AsRef<[u8]>>(fst: &Fst<D>, host: &str, kind: HostKind, path: &str) -> Hits {
    let mut hits = Hits::new();
    let h = host.as_bytes();
    let mut node = fst.root();
    let mut out = Output::zero();
    for i in (0..h.len()).rev() {
        let Some(ti) = node.find_input(h[i]) else {
            break;
        };
        let t = node.transition(ti);
        out = out.cat(t.out);
        node = fst.node(t.addr);
        // A label boundary: the bytes walked so far spell a whole domain.
        // IP literals only ever match whole.
        let boundary = i == 0 || (kind == HostKind::Domain && h[i - 1] == b'.');
        if !boundary {
            continue;
        }
        if node.is_final() {
            hits.push(Hit {
                host_start: i,
                path_len: 0,
                combo: out.cat(node.final_output()).value(),
            });
        }
        if let Some(si) = node.find_input(b'/') {
            let t = node.transition(si);
            walk_path(
                fst,
                fst.node(t.addr),
                out.cat(t.out),
                i,
                path.as_bytes(),
                &mut hits,
            );
        }
    }
    hits
}

fn walk_path<'f, D: AsRef<[u8]>>(
    fst: &'f Fst<D>,
    mut node: fst::raw::Node<'f>,
    mut out: Output,
    host_start: usize,
    path: &[u8],
    hits: &mut Hits,
) {
    // path[0] is the '/' already consumed.
    for j in 1..path.len() {
        let Some(ti) = node.find_input(path[j].to_ascii_lowercase()) else {
            return;
        };
        let t = node.transition(ti);
        out = out.cat(t.out);
        node = fst.node(t.addr);
        let at_boundary = j + 1 == path.len() || is_path_boundary(path[j + 1]);
        if node.is_final() && at_boundary {
            hits.push(Hit {
                host_start,
                path_len: j + 1,
                combo: out.cat(node.final_output()).value(),
            });
        }
    }
}
