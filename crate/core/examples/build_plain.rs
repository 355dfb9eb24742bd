//! Builds a bundle from a plain domain file (one domain a line; `#`
//! comments and blank lines skipped) and prints build time, size and bytes
//! per domain. The Node benchmark in `bench/` uses it.
//!
//! ```text
//! cargo run --release -p lachan-core --example build_plain -- domains.txt out.lcb [--category NAME]
//! ```
//!
//! The last line printed is one JSON object (`{"domains":…}`) for scripts.
use std::process::ExitCode;
use std::time::Instant;

use lachan_core::{BundleBuilder, Engine, SourceInfo, SourceKind};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut pos = Vec::new();
    let mut category = "bench".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--category" => match it.next() {
                Some(c) => category = c.clone(),
                None => return usage("--category needs a value"),
            },
            "-h" | "--help" => return usage(""),
            _ => pos.push(a.clone()),
        }
    }
    let [input, output] = &pos[..] else {
        return usage("expected an input domain file and an output bundle path");
    };
    match run(input, output, &category) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("build_plain: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(msg: &str) -> ExitCode {
    if !msg.is_empty() {
        eprintln!("build_plain: {msg}");
    }
    eprintln!("usage: build_plain DOMAINS.txt OUT.lcb [--category NAME]");
    if msg.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn run(input: &str, output: &str, category: &str) -> Result<(), Box<dyn std::error::Error>> {
    let t_read = Instant::now();
    let text = std::fs::read_to_string(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let read_s = t_read.elapsed().as_secs_f64();

    let t_build = Instant::now();
    let mut b = BundleBuilder::new();
    let src = b.source(SourceInfo {
        name: format!("plain-{category}"),
        category: category.to_string(),
        kind: SourceKind::Block,
        licence: String::new(),
        upstream: input.to_string(),
        bands: vec![],
        entries: 0,
    })?;
    let (mut lines, mut bad) = (0u64, 0u64);
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        lines += 1;
        if let Err(why) = b.add_domain(src, line) {
            bad += 1;
            if bad <= 5 {
                eprintln!("{input}:{}: {why}", n + 1);
            }
        }
    }
    let add_s = t_build.elapsed().as_secs_f64();
    let bytes = b.build()?;
    let build_s = t_build.elapsed().as_secs_f64();

    std::fs::write(output, &bytes).map_err(|e| format!("cannot write {output}: {e}"))?;

    // Open it back: proves the bundle is valid and times the open (the
    // median of 5, each over a fresh copy made outside the timing).
    let mut opens = Vec::new();
    let mut engine = None;
    for _ in 0..5 {
        let copy = bytes.clone();
        let t_open = Instant::now();
        let e = Engine::from_bytes(copy)?;
        opens.push(t_open.elapsed().as_secs_f64());
        engine = Some(e);
    }
    let engine = engine.expect("opened");
    let first_open_s = opens[0];
    opens.sort_by(f64::total_cmp);
    let open_s = opens[opens.len() / 2];
    let info = engine.bundle().info();
    let t_verify = Instant::now();
    engine.bundle().verify()?;
    let verify_s = t_verify.elapsed().as_secs_f64();

    let domains = info.keys;
    let per = bytes.len() as f64 / domains.max(1) as f64;
    println!("input        {input}: {lines} lines, {bad} unusable, {domains} unique keys");
    println!("read         {:.3} s", read_s);
    println!(
        "build        {:.3} s  (add/normalise {:.3} s, sort+FST+write {:.3} s)",
        build_s,
        add_s,
        build_s - add_s
    );
    println!(
        "size         {} bytes ({:.2} MB), FST {} bytes",
        bytes.len(),
        bytes.len() as f64 / 1e6,
        info.fst_size
    );
    println!("bytes/domain {per:.2}");
    println!(
        "open         {:.1} µs (median of 5; first {:.1} µs)   verify {:.2} ms",
        open_s * 1e6,
        first_open_s * 1e6,
        verify_s * 1e3
    );
    println!("wrote        {output}");
    println!(
        "{{\"domains\":{domains},\"lines\":{lines},\"bad\":{bad},\"bytes\":{},\"fst_bytes\":{},\"bytes_per_domain\":{per:.4},\"build_s\":{build_s:.6},\"read_s\":{read_s:.6},\"open_s\":{open_s:.9},\"verify_s\":{verify_s:.6}}}",
        bytes.len(),
        info.fst_size
    );
    Ok(())
}
