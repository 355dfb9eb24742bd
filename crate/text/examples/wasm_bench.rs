//! WASM throughput harness (a cdylib driven by `bench/wasm_bench.mjs` under Node):
//!
//! ```text
//! cargo build -p lachan-text --release --target wasm32-unknown-unknown --example wasm_bench
//! node crate/text/bench/wasm_bench.mjs [../shared/data/text/vi/vihos/train.csv]
//! ```
//!
//! The shipped lists are embedded at compile time; Node times `compile`, `load` (from_bytes)
//! and `score` over a generated ~5 MB page. Native builds of this example do nothing.
#![allow(unsafe_code)]

#[cfg(target_arch = "wasm32")]
mod wasm {
    use lachan_text::{parse_lists, PhraseSet};
    use std::cell::RefCell;

    const LISTS: &[(&str, &str)] = &[
        (
            "adult.txt",
            include_str!("../../../lists/phrases/adult.txt"),
        ),
        (
            "bullying.txt",
            include_str!("../../../lists/phrases/bullying.txt"),
        ),
        (
            "drugs.txt",
            include_str!("../../../lists/phrases/drugs.txt"),
        ),
        (
            "exception.txt",
            include_str!("../../../lists/phrases/exception.txt"),
        ),
        (
            "gambling.txt",
            include_str!("../../../lists/phrases/gambling.txt"),
        ),
        (
            "grooming.txt",
            include_str!("../../../lists/phrases/grooming.txt"),
        ),
        ("scam.txt", include_str!("../../../lists/phrases/scam.txt")),
        (
            "self_harm.txt",
            include_str!("../../../lists/phrases/self_harm.txt"),
        ),
        (
            "violence.txt",
            include_str!("../../../lists/phrases/violence.txt"),
        ),
    ];

    thread_local! {
        static SET: RefCell<Option<PhraseSet>> = const { RefCell::new(None) };
        static BYTES: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }

    /// Allocates `n` bytes for the host to write text into (leaked on purpose).
    #[no_mangle]
    pub extern "C" fn alloc(n: usize) -> *mut u8 {
        let mut v = Vec::<u8>::with_capacity(n);
        let p = v.as_mut_ptr();
        std::mem::forget(v);
        p
    }

    /// Parses and compiles the embedded lists; returns the serialised size.
    #[no_mangle]
    pub extern "C" fn compile() -> u32 {
        let rules = parse_lists(LISTS.iter().copied()).unwrap_or_default();
        let set = PhraseSet::compile(&rules).expect("compile");
        let bytes = set.to_bytes();
        let n = bytes.len() as u32;
        BYTES.with(|b| *b.borrow_mut() = bytes);
        SET.with(|s| *s.borrow_mut() = Some(set));
        n
    }

    /// Loads the set from its bytes (what the core does at bundle open); returns the rule count.
    #[no_mangle]
    pub extern "C" fn load() -> u32 {
        let set = BYTES
            .with(|b| PhraseSet::from_bytes(&b.borrow()))
            .expect("from_bytes");
        let n = set.rules().len() as u32;
        SET.with(|s| *s.borrow_mut() = Some(set));
        n
    }

    /// Runs only the normaliser over UTF-8 text at `ptr..ptr+len`; returns the output length.
    #[no_mangle]
    pub extern "C" fn normalize_only(ptr: *const u8, len: usize) -> u32 {
        // SAFETY: the host wrote `len` bytes at `ptr`, obtained from `alloc`.
        let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
        let text = std::str::from_utf8(bytes).unwrap_or("");
        lachan_text::bench_normalize_only(text) as u32
    }

    /// Scores UTF-8 text at `ptr..ptr+len`; returns the number of matched rules.
    #[no_mangle]
    pub extern "C" fn score(ptr: *const u8, len: usize) -> u32 {
        // SAFETY: the host wrote `len` bytes at `ptr`, obtained from `alloc`.
        let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
        let text = std::str::from_utf8(bytes).unwrap_or("");
        SET.with(|s| {
            s.borrow()
                .as_ref()
                .map_or(0, |s| s.score(text).matches().len() as u32)
        })
    }
}
