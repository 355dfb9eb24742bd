//! Native benchmark: hash time per image size and radius-31 query time vs
//! list size, against brute force.
//!
//! `cargo run -p lachan-pdq --release --example pdq_bench [-- --quick]`

mod common;

use lachan_pdq::{HashIndex, PdqHasher, MATCH_DISTANCE};
use std::hint::black_box;
use std::time::Instant;

fn time<T>(reps: usize, mut f: impl FnMut() -> T) -> f64 {
    // One warm-up run, then the mean of `reps` runs, in milliseconds.
    black_box(f());
    let t = Instant::now();
    for _ in 0..reps {
        black_box(f());
    }
    t.elapsed().as_secs_f64() * 1e3 / reps as f64
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");

    println!("== PDQ hash time per image size (synthetic RGBA, mean of runs)");
    println!(
        "{:>10} {:>14} {:>14} {:>16}",
        "size", "default ms", "dihedral ms", "full-res ms"
    );
    for size in [64usize, 256, 512, 1024, 2048] {
        let img = common::synthetic_rgba(size, size);
        let reps = if quick {
            2
        } else {
            (4_000_000 / (size * size)).clamp(3, 200)
        };
        let s = size as u32;
        let def = PdqHasher::new();
        let full = PdqHasher::with_max_dimension(0);
        let a = time(reps, || def.hash_rgba(&img, s, s).unwrap());
        let b = time(reps, || def.hash_dihedral_rgba(&img, s, s).unwrap());
        let c = time(reps.min(20), || full.hash_rgba(&img, s, s).unwrap());
        println!(
            "{:>10} {a:>14.3} {b:>14.3} {c:>16.3}",
            format!("{size}x{size}")
        );
    }

    println!();
    println!("== radius-{MATCH_DISTANCE} query vs list size (half the queries are planted near-duplicates at 0..31 bits)");
    println!(
        "{:>9} {:>9} {:>10} {:>9} {:>12} {:>12} {:>10} {:>9}",
        "entries",
        "build ms",
        "bytes MB",
        "open ms",
        "index us/q",
        "brute us/q",
        "speed-up",
        "hits/q"
    );
    let sizes: &[usize] = if quick {
        &[10_000, 100_000]
    } else {
        &[10_000, 100_000, 1_000_000]
    };
    for &n in sizes {
        let nq = 2000;
        let t = Instant::now();
        let w = common::workload(n, 1000, nq, n as u64);
        let build_ms = t.elapsed().as_secs_f64() * 1e3;
        let bytes = w.index.to_bytes();
        let t = Instant::now();
        let index = HashIndex::from_vec(bytes.clone()).unwrap();
        let open_ms = t.elapsed().as_secs_f64() * 1e3;
        let mut hits = 0usize;
        let t = Instant::now();
        for q in &w.queries {
            hits += black_box(index.query(q, MATCH_DISTANCE)).len();
        }
        let idx_us = t.elapsed().as_secs_f64() * 1e6 / nq as f64;
        let nb = if n >= 1_000_000 { 100 } else { 400 };
        let t = Instant::now();
        let mut bhits = 0usize;
        for q in &w.queries[..nb] {
            bhits += black_box(index.query_brute_force(q, MATCH_DISTANCE)).len();
        }
        let brute_us = t.elapsed().as_secs_f64() * 1e6 / nb as f64;
        // Correctness spot check on the brute-forced prefix.
        let ihits: usize = w.queries[..nb]
            .iter()
            .map(|q| index.query(q, MATCH_DISTANCE).len())
            .sum();
        assert_eq!(ihits, bhits, "index and brute force disagree");
        println!(
            "{n:>9} {build_ms:>9.0} {:>10.1} {open_ms:>9.1} {idx_us:>12.2} {brute_us:>12.1} {:>9.0}x {:>9.2}",
            bytes.len() as f64 / 1e6,
            brute_us / idx_us,
            hits as f64 / nq as f64
        );
    }
}
