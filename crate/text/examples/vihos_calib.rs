//! Checks the comment model's calibration on ViHOS *train* alone. Train is
//! cut in five fifths (by text, or `--blocks`: in file order); for each, the
//! model is trained and calibrated on the other four exactly as `lachan
//! build` does, and the fifth is judged. The pooled share of clean comments
//! masked is compared with the share each band was calibrated to. No other
//! file is read.
//!
//! `cargo run -p lachan-text --release --example vihos_calib -- ../shared/data/text/vi/vihos/train.csv`

#[path = "common/mod.rs"]
mod common;

use lachan_text::{AgeBand, CLEAN_MARGIN, CLEAN_SHARE};

const FIFTHS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let blocks = args.iter().any(|a| a == "--blocks");
    let path = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| common::mirror_file("text/vi/vihos/train.csv"));
    let set = common::shipped_set();
    let own = common::own_posts();
    let own: Vec<(&str, bool)> = own.iter().map(|(t, y)| (t.as_str(), *y)).collect();
    let rows = common::read_vihos(&path);
    let n = rows.len();
    // A different hash from the training folds', so a fifth is not a fold.
    let fifth = |i: usize, t: &str| {
        if blocks {
            i * FIFTHS / n
        } else {
            (t.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            }) % FIFTHS as u64) as usize
        }
    };
    let parts: Vec<usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| fifth(i, &r.0))
        .collect();
    // Per band: clean masked, offensive masked, out-of-fold recall summed.
    let mut masked = [[0usize; 2]; 4];
    let mut oof_recall = [0u32; 4];
    let mut oof_clean = [0u32; 4];
    let (mut clean, mut offensive) = (0usize, 0usize);
    for k in 0..FIFTHS {
        let fit: Vec<(&str, bool)> = (0..n)
            .filter(|i| parts[*i] != k)
            .map(|i| (rows[i].0.as_str(), !rows[i].1.is_empty()))
            .collect();
        let t = lachan_text::train_comment_model(&fit, &own, &set).expect("train");
        for i in (0..n).filter(|i| parts[*i] == k) {
            let gold = !rows[i].1.is_empty();
            if gold {
                offensive += 1;
            } else {
                clean += 1;
            }
            for (b, band) in AgeBand::ALL.iter().enumerate() {
                if set.comment(&rows[i].0, *band, Some(&t.model)).mask {
                    masked[b][usize::from(gold)] += 1;
                }
            }
        }
        for b in 0..4 {
            oof_recall[b] += t.recall[b];
            oof_clean[b] += t.clean_masked[b];
        }
    }
    println!(
        "{path}: {n} comments in five fifths ({}), {clean} clean, {offensive} offensive",
        if blocks { "file order" } else { "by text" }
    );
    for (b, band) in AgeBand::ALL.iter().enumerate() {
        println!(
            "  {:<7} clean masked: budget {:.1}%, calibrated to {:.2}% (out of fold {:.2}%), fifths set aside {:.2}%   recall: out-of-fold {:.1}%, fifths set aside {:.1}%",
            band.as_str(),
            CLEAN_SHARE[b] as f64 / 10.0,
            CLEAN_SHARE[b] as f64 / 10.0 / f64::from(CLEAN_MARGIN),
            f64::from(oof_clean[b]) / 10.0 / FIFTHS as f64,
            100.0 * masked[b][0] as f64 / clean.max(1) as f64,
            oof_recall[b] as f64 / 10.0 / FIFTHS as f64,
            100.0 * masked[b][1] as f64 / offensive.max(1) as f64
        );
    }
}
