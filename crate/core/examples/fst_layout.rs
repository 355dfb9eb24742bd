//! How big is the host index per domain under other key layouts? Reads a
//! plain domain file and builds an `fst::Set` three ways (no values, as for
//! a single-source list), printing bytes per domain for each:
//!
//! * byte-reversed host (`moc.elpmaxe`, the bundle's layout today);
//! * label-reversed host (`com.example`: same parent-walk property, labels
//!   read forwards);
//! * forward host (`example.com`, for reference; cannot walk parents).
//!
//! ```text
//! cargo run --release -p lachan-core --example fst_layout -- domains.txt
//! ```
use std::time::Instant;

/// Turns a domain into an FST key.
type KeyFn = fn(&str) -> Vec<u8>;

fn set_size(mut keys: Vec<Vec<u8>>) -> (usize, f64) {
    let t = Instant::now();
    keys.sort_unstable();
    keys.dedup();
    let mut b = fst::SetBuilder::memory();
    for k in &keys {
        b.insert(k).expect("sorted keys");
    }
    let bytes = b.into_inner().expect("fst").len();
    (bytes, t.elapsed().as_secs_f64())
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: fst_layout DOMAINS.txt");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(&path).expect("read the domain file");
    let domains: Vec<String> = text
        .lines()
        .map(|l| l.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|l| !l.is_empty() && !l.starts_with('#') && l.contains('.'))
        .collect();
    let n = domains.len();
    let chars: usize = domains.iter().map(|d| d.len()).sum();
    println!(
        "{path}: {n} domains, {:.1} bytes each on average",
        chars as f64 / n as f64
    );
    let layouts: [(&str, KeyFn); 3] = [
        ("byte-reversed (today)", |d| d.bytes().rev().collect()),
        ("label-reversed", |d| {
            d.rsplit('.').collect::<Vec<_>>().join(".").into_bytes()
        }),
        ("forward", |d| d.as_bytes().to_vec()),
    ];
    for (name, f) in layouts {
        let keys: Vec<Vec<u8>> = domains.iter().map(|d| f(d)).collect();
        let (bytes, secs) = set_size(keys);
        println!(
            "{name:24} {bytes:>10} bytes  {:.2} bytes/domain  (built in {secs:.2} s)",
            bytes as f64 / n as f64
        );
    }
}
