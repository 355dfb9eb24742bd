//! A small Aho–Corasick DFA specialised for the normaliser's output.
//!
//! The normalised text has a tiny alphabet (lower-case ASCII letters, digits and single
//! spaces), so the automaton is a dense table indexed by *byte class* (one class per byte that
//! occurs in some pattern, plus one for every other byte) with premultiplied `u32` state ids.
//! It is built directly (trie + breadth-first failure links, every transition filled in) in well
//! under a millisecond for the shipped lists, where the general-purpose `aho-corasick` builder
//! took most of `PhraseSet::from_bytes`.
//!
//! Semantics are those of a standard (overlapping) Aho–Corasick search: at every position, every
//! pattern that ends there is reported. States are numbered so that every state at which some
//! pattern ends comes first: `sid < match_limit` is the only test in the scan loop.
//!
//! Whole-word patterns are compiled *with* their surrounding spaces (`" nha cai "`) and the
//! scanner feeds a virtual space before the text and after its end; so a whole-word phrase is
//! reported only where it really is a whole word (no reports of `ngu` inside `nguoi`, which the
//! old automaton produced and the scanner then rejected), and no boundary check is needed.

/// Sentinel for "no child yet" while building.
const NONE: u32 = u32::MAX;

/// The compiled automaton.
#[derive(Debug, Clone)]
pub(crate) struct Dfa {
    /// Byte → class.
    class: [u8; 256],
    /// Number of classes (row length of `trans`).
    stride: u32,
    /// `trans[sid + class]`: the next (premultiplied) state id.
    trans: Vec<u32>,
    /// States `< match_limit` (premultiplied) end at least one pattern.
    match_limit: u32,
    /// For match state `sid / stride`: `outs[out_start[i]..out_start[i + 1]]` are the patterns
    /// ending there (its own, then those of its failure chain).
    out_start: Vec<u32>,
    outs: Vec<u32>,
    /// The state after the virtual leading space.
    start: u32,
}

impl Dfa {
    /// Builds the automaton over `patterns` (pattern id = index).
    pub(crate) fn new(patterns: &[Vec<u8>]) -> Dfa {
        // Byte classes: class 0 for bytes that occur in no pattern, then one per used byte.
        let mut used = [false; 256];
        used[b' ' as usize] = true;
        for p in patterns {
            for &b in p {
                used[b as usize] = true;
            }
        }
        let mut class = [0u8; 256];
        let mut n_classes = 1usize;
        for b in 0..256 {
            if used[b] {
                class[b] = n_classes as u8;
                n_classes += 1;
            }
        }
        let stride = n_classes;

        // Trie over classes: `next[node * stride + class]`, node 0 the root.
        let total: usize = patterns.iter().map(Vec::len).sum();
        let mut next: Vec<u32> = Vec::with_capacity((total + 1) * stride);
        next.resize(stride, NONE);
        // Patterns ending exactly at a node: linked list through `own_next`.
        let mut own_head: Vec<u32> = vec![NONE];
        let mut own_pat: Vec<u32> = Vec::with_capacity(patterns.len());
        let mut own_next: Vec<u32> = Vec::with_capacity(patterns.len());
        for (pid, p) in patterns.iter().enumerate() {
            let mut node = 0usize;
            for &b in p {
                let slot = node * stride + class[b as usize] as usize;
                let child = next[slot];
                node = if child == NONE {
                    let id = own_head.len();
                    next[slot] = id as u32;
                    next.resize(next.len() + stride, NONE);
                    own_head.push(NONE);
                    id
                } else {
                    child as usize
                };
            }
            // Append (keeps the patterns of a node in id order).
            own_pat.push(pid as u32);
            own_next.push(NONE);
            let e = own_pat.len() as u32 - 1;
            if own_head[node] == NONE {
                own_head[node] = e;
            } else {
                let mut k = own_head[node] as usize;
                while own_next[k] != NONE {
                    k = own_next[k] as usize;
                }
                own_next[k] = e;
            }
        }
        let n = own_head.len();

        // Breadth-first: failure links and the complete transition function.
        let mut fail = vec![0u32; n];
        let mut order: Vec<u32> = Vec::with_capacity(n);
        for slot in next.iter_mut().take(stride) {
            if *slot == NONE {
                *slot = 0;
            } else {
                fail[*slot as usize] = 0;
                order.push(*slot);
            }
        }
        let mut qi = 0;
        while qi < order.len() {
            let u = order[qi] as usize;
            qi += 1;
            let f = fail[u] as usize;
            for c in 0..stride {
                let child = next[u * stride + c];
                if child == NONE {
                    next[u * stride + c] = next[f * stride + c];
                } else {
                    fail[child as usize] = next[f * stride + c];
                    order.push(child);
                }
            }
        }

        // Output sets: own patterns, then the failure target's (already computed: BFS order).
        let mut out_of: Vec<Vec<u32>> = vec![Vec::new(); n];
        for &u in &order {
            let u = u as usize;
            let mut v = Vec::new();
            let mut k = own_head[u];
            while k != NONE {
                v.push(own_pat[k as usize]);
                k = own_next[k as usize];
            }
            let f = fail[u] as usize;
            if !out_of[f].is_empty() {
                let tail = out_of[f].clone();
                v.extend_from_slice(&tail);
            }
            out_of[u] = v;
        }

        // Renumber: match states first, then the root and the others (in BFS order).
        let mut new_id = vec![0u32; n];
        let mut old_of: Vec<u32> = Vec::with_capacity(n);
        for &u in &order {
            if !out_of[u as usize].is_empty() {
                new_id[u as usize] = old_of.len() as u32;
                old_of.push(u);
            }
        }
        let n_match = old_of.len();
        new_id[0] = old_of.len() as u32;
        old_of.push(0);
        for &u in &order {
            if out_of[u as usize].is_empty() {
                new_id[u as usize] = old_of.len() as u32;
                old_of.push(u);
            }
        }
        let mut trans = vec![0u32; n * stride];
        let mut out_start = Vec::with_capacity(n_match + 1);
        let mut outs = Vec::new();
        for (new, &old) in old_of.iter().enumerate() {
            let old = old as usize;
            for c in 0..stride {
                trans[new * stride + c] = new_id[next[old * stride + c] as usize] * stride as u32;
            }
            if new < n_match {
                out_start.push(outs.len() as u32);
                outs.extend_from_slice(&out_of[old]);
            }
        }
        out_start.push(outs.len() as u32);
        let root = new_id[0] * stride as u32;
        let start = trans[root as usize + class[b' ' as usize] as usize];
        Dfa {
            class,
            stride: stride as u32,
            trans,
            match_limit: (n_match * stride) as u32,
            out_start,
            outs,
            start,
        }
    }

    /// The state to begin a text in (as if after a space).
    #[inline]
    pub(crate) fn start(&self) -> u32 {
        self.start
    }

    /// One transition.
    #[inline(always)]
    pub(crate) fn next(&self, sid: u32, byte: u8) -> u32 {
        self.trans[sid as usize + self.class[byte as usize] as usize]
    }

    /// Whether some pattern ends in this state.
    #[inline(always)]
    pub(crate) fn is_match(&self, sid: u32) -> bool {
        sid < self.match_limit
    }

    /// The patterns that end in match state `sid`.
    #[inline]
    pub(crate) fn matches(&self, sid: u32) -> &[u32] {
        let i = (sid / self.stride) as usize;
        &self.outs[self.out_start[i] as usize..self.out_start[i + 1] as usize]
    }

    /// Scans `bytes` from state `sid`, calling `f(end, state)` at every match state (`end` is the
    /// exclusive end of the matches). Returns the final state.
    #[inline]
    pub(crate) fn scan(&self, mut sid: u32, bytes: &[u8], mut f: impl FnMut(usize, u32)) -> u32 {
        let trans = &self.trans[..];
        let class = &self.class;
        for (i, &b) in bytes.iter().enumerate() {
            sid = trans[sid as usize + class[b as usize] as usize];
            if sid < self.match_limit {
                f(i + 1, sid);
            }
        }
        sid
    }

    /// States, classes and heap bytes used (for the benchmark's information).
    pub(crate) fn stats(&self) -> (usize, usize, usize) {
        let stride = self.stride as usize;
        let bytes = self.trans.len() * 4 + self.out_start.len() * 4 + self.outs.len() * 4;
        (self.trans.len() / stride, stride, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Naive overlapping search for comparison.
    fn naive(patterns: &[Vec<u8>], hay: &[u8]) -> Vec<(usize, u32)> {
        let mut v = Vec::new();
        for end in 1..=hay.len() {
            for (i, p) in patterns.iter().enumerate() {
                if p.len() <= end && &hay[end - p.len()..end] == p.as_slice() {
                    v.push((end, i as u32));
                }
            }
        }
        v
    }

    #[test]
    fn agrees_with_naive_search() {
        let pats: Vec<Vec<u8>> = [
            "he",
            "she",
            "his",
            "hers",
            " ngu ",
            "ngu",
            "u",
            " nha cai ",
            "cai",
            "a",
            "aa",
            " a ",
            "88",
            "fb88",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        let dfa = Dfa::new(&pats);
        for hay in [
            "ushers and his shes",
            " nguoi ngu nha cai ngu ",
            "aaaa a aa fb888 88",
            "",
            "zzz q",
        ] {
            let mut got = Vec::new();
            // The root is the first state after the match states.
            let root_state = dfa.match_limit;
            dfa.scan(root_state, hay.as_bytes(), |end, sid| {
                for &p in dfa.matches(sid) {
                    got.push((end, p));
                }
            });
            got.sort_unstable();
            let mut want = naive(&pats, hay.as_bytes());
            want.sort_unstable();
            assert_eq!(got, want, "{hay:?}");
        }
    }
}
