//! WASM benchmark harness (a cdylib with a few exports, no bindings crate).
//! The timing is done by `examples/pdq_bench_wasm.mjs` under node:
//!
//! ```sh
//! cargo build -p lachan-pdq --release \
//!     --target wasm32-unknown-unknown --example pdq_bench_wasm
//! node crate/pdq/examples/pdq_bench_wasm.mjs \
//!     target/wasm32-unknown-unknown/release/examples/pdq_bench_wasm.wasm
//! ```
// `no_mangle` counts as unsafe code for the lint; it is used here only to
// export symbol names from this benchmark harness (there is no `unsafe` block,
// and the library itself is `#![forbid(unsafe_code)]`).
#![allow(unsafe_code)]

mod common;

use lachan_pdq::{HashIndex, PdqHasher, MATCH_DISTANCE};
use std::cell::RefCell;

struct State {
    image: Vec<u8>,
    size: u32,
    work: Option<common::Workload>,
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State { image: Vec::new(), size: 0, work: None }) };
}

/// Makes a synthetic `size`×`size` RGBA image for [`hash_image`].
#[no_mangle]
pub extern "C" fn prepare_image(size: u32) {
    STATE.with_borrow_mut(|s| {
        s.image = common::synthetic_rgba(size as usize, size as usize);
        s.size = size;
    });
}

/// Hashes the prepared image `reps` times (`full_res` != 0: no pre-shrink;
/// `dihedral` != 0: all eight hashes). Returns the last quality.
#[no_mangle]
pub extern "C" fn hash_image(reps: u32, full_res: u32, dihedral: u32) -> u32 {
    STATE.with_borrow(|s| {
        let h = if full_res != 0 {
            PdqHasher::with_max_dimension(0)
        } else {
            PdqHasher::new()
        };
        let mut q = 0;
        for _ in 0..reps {
            q = if dihedral != 0 {
                h.hash_dihedral_rgba(&s.image, s.size, s.size)
                    .unwrap()
                    .quality
            } else {
                h.hash_rgba(&s.image, s.size, s.size).unwrap().quality
            };
        }
        q as u32
    })
}

/// Builds an index of `n` random hashes (1000 planted) and 2000 queries.
/// Returns the serialised size in bytes.
#[no_mangle]
pub extern "C" fn prepare_index(n: u32) -> u32 {
    STATE.with_borrow_mut(|s| {
        s.work = None;
        let w = common::workload(n as usize, 1000, 2000, n as u64);
        let len = w.index.as_bytes().len() as u32;
        s.work = Some(w);
        len
    })
}

/// Re-opens (validates) the index from a copy of its bytes; returns its length.
#[no_mangle]
pub extern "C" fn reopen_index() -> u32 {
    STATE.with_borrow(|s| {
        let w = s.work.as_ref().unwrap();
        HashIndex::from_vec(w.index.to_bytes()).unwrap().len() as u32
    })
}

/// Runs the first `k` queries at radius 31 through the index; returns the hit count.
#[no_mangle]
pub extern "C" fn query_index(k: u32) -> u32 {
    STATE.with_borrow(|s| {
        let w = s.work.as_ref().unwrap();
        w.queries[..k as usize]
            .iter()
            .map(|q| w.index.query(q, MATCH_DISTANCE).len() as u32)
            .sum()
    })
}

/// Same queries by linear scan; returns the hit count.
#[no_mangle]
pub extern "C" fn query_brute(k: u32) -> u32 {
    STATE.with_borrow(|s| {
        let w = s.work.as_ref().unwrap();
        w.queries[..k as usize]
            .iter()
            .map(|q| w.index.query_brute_force(q, MATCH_DISTANCE).len() as u32)
            .sum()
    })
}
