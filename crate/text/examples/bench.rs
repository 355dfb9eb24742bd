//! Throughput benchmark on a ~5 MB mixed Vietnamese/English page, generated at run time from
//! ViHOS comments and English prose (nothing is written to disk).
//!
//! `cargo run -p lachan-text --release --example bench -- [../shared/data/text/vi/vihos/train.csv]`

#[path = "common/mod.rs"]
mod common;

use lachan_text::PhraseSet;
use std::time::Instant;

const ENGLISH: &str = "The school library opens at eight in the morning and closes at five in the \
afternoon. Students can borrow up to three books for two weeks, and the librarian is always happy \
to recommend a good novel, a science magazine or a history of Vietnam. On Fridays the reading club \
meets in room 12 to talk about the stories they enjoyed, and parents are welcome to join. ";

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| common::mirror_file("text/vi/vihos/train.csv"));
    let comments = common::read_vihos(&path);
    let mut page = String::with_capacity(5_300_000);
    let mut i = 0;
    while page.len() < 5_000_000 {
        let (c, _) = &comments[i % comments.len()];
        page.push_str(c);
        page.push('\n');
        if i % 4 == 0 {
            page.push_str(ENGLISH);
            page.push('\n');
        }
        i += 1;
    }
    let mb = page.len() as f64 / 1e6;
    let non_ascii = page.bytes().filter(|b| *b >= 0x80).count() as f64 / page.len() as f64;

    // Profiling mode: LACHAN_BENCH_ONLY=normalize|score runs just that, 20 times.
    if let Ok(mode) = std::env::var("LACHAN_BENCH_ONLY") {
        let set = common::shipped_set();
        let iters: usize = std::env::var("LACHAN_BENCH_ITERS").map_or(20, |v| v.parse().unwrap());
        let t = Instant::now();
        for _ in 0..iters {
            if mode == "normalize" {
                std::hint::black_box(lachan_text::bench_normalize_only(&page));
            } else {
                std::hint::black_box(set.score(&page));
            }
        }
        println!(
            "{mode}: {:.0} MB/s",
            iters as f64 * mb / t.elapsed().as_secs_f64()
        );
        return;
    }
    let rules = common::shipped_rules();
    let t = Instant::now();
    let set = PhraseSet::compile(&rules).unwrap();
    let compile = t.elapsed();
    let bytes = set.to_bytes();
    let t = Instant::now();
    let loaded = PhraseSet::from_bytes(&bytes).unwrap();
    let load = t.elapsed();

    println!(
        "lists: {} rules; bundle section {} bytes; compile {:.2} ms; from_bytes {:.2} ms",
        rules.len(),
        bytes.len(),
        compile.as_secs_f64() * 1e3,
        load.as_secs_f64() * 1e3
    );
    let (states, classes, dfa_bytes) = loaded.automaton_stats();
    println!("automaton: {states} states x {classes} byte classes, {dfa_bytes} bytes");
    println!(
        "page: {mb:.2} MB ({:.0}% non-ASCII bytes), {} comments + English prose",
        non_ascii * 100.0,
        i
    );
    // Warm up, then best of 5.
    let _ = loaded.score(&page);
    let mut best = f64::MAX;
    let mut total = 0.0;
    let runs = 5;
    let mut n_matches = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let s = loaded.score(&page);
        let e = t.elapsed().as_secs_f64();
        n_matches = s.matches().len();
        best = best.min(e);
        total += e;
    }
    println!(
        "score(): best {:.1} ms = {:.0} MB/s, mean {:.0} MB/s ({} distinct rules matched)",
        best * 1e3,
        mb / best,
        mb * runs as f64 / total,
        n_matches
    );
    // Calibration: a trivial pass over the bytes (shows how fast this machine is right now).
    let mut best_cal = f64::MAX;
    for _ in 0..runs {
        let t = Instant::now();
        let n = page.bytes().filter(|b| b.is_ascii_alphabetic()).count();
        std::hint::black_box(n);
        best_cal = best_cal.min(t.elapsed().as_secs_f64());
    }
    println!(
        "calibration (count ASCII letters): {:.0} MB/s",
        mb / best_cal
    );
    // Components: the normaliser alone.
    let mut best_norm = f64::MAX;
    let mut norm_len = 0;
    for _ in 0..runs {
        let t = Instant::now();
        norm_len = lachan_text::bench_normalize_only(&page);
        best_norm = best_norm.min(t.elapsed().as_secs_f64());
    }
    println!(
        "normaliser alone: best {:.1} ms = {:.0} MB/s ({:.2} MB normalised)",
        best_norm * 1e3,
        mb / best_norm,
        norm_len as f64 / 1e6
    );
    // Small texts (search queries, comments): per-call cost.
    let t = Instant::now();
    let mut hits = 0;
    for (c, _) in comments.iter().take(5000) {
        hits += loaded.score(c).matches().len();
    }
    let e = t.elapsed().as_secs_f64();
    println!(
        "per comment: {:.2} µs mean over {} comments ({hits} matches)",
        e * 1e6 / comments.len().min(5000) as f64,
        comments.len().min(5000)
    );
}
