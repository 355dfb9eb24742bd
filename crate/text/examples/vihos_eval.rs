//! Evaluation against ViHOS (Vietnamese hate and offensive spans).
//!
//! `cargo run -p lachan-text --release --example vihos_eval -- ../shared/data/text/vi/vihos/train.csv ../shared/data/text/vi/vihos/dev.csv`
//!
//! With two or more files the comment model is trained on the first (as
//! `lachan build` does) and every file is also judged post by post
//! (`PhraseSet::comment`): the first file's figures are training figures,
//! the others held out.
//!
//! Comment level: a comment is offensive in the gold data if it has any labelled span. We report
//! several predictors: any matched bullying phrase; any matched positive phrase in an
//! "offensive" category (bullying, adult, violence); and the per-band decision.
//! Span level: character-level precision/recall of the matched phrases' spans (all positive
//! categories) against the labelled character offsets.

#[path = "common/mod.rs"]
mod common;

use lachan_text::{AgeBand, Category};
use std::collections::HashSet;

#[derive(Default)]
struct Prf {
    tp: u64,
    fp: u64,
    fn_: u64,
}

impl Prf {
    fn add(&mut self, pred: bool, gold: bool) {
        match (pred, gold) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            _ => {}
        }
    }
    fn line(&self, name: &str) -> String {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / (self.tp + self.fn_).max(1) as f64;
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        format!(
            "{name:<44} P {p:.3}  R {r:.3}  F1 {f:.3}   (tp {} fp {} fn {})",
            self.tp, self.fp, self.fn_
        )
    }
}

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    let paths = if paths.is_empty() {
        vec![common::mirror_file("text/vi/vihos/dev.csv")]
    } else {
        paths
    };
    let set = common::shipped_set();
    let own = common::own_posts();
    let model = (paths.len() >= 2).then(|| {
        let rows = common::read_vihos(&paths[0]);
        let ex: Vec<(&str, bool)> = rows.iter().map(|(t, s)| (t.as_str(), !s.is_empty())).collect();
        let own: Vec<(&str, bool)> = own.iter().map(|(t, y)| (t.as_str(), *y)).collect();
        let t = lachan_text::train_comment_model(&ex, &own, &set).expect("train");
        println!(
            "comment model trained on {} and {} own posts ({} offensive, {} clean, own posts counted {}×); out-of-fold recall per band {:?} and clean masked {:?} per mille; thresholds {:?}",
            paths[0],
            own.len(),
            t.counts.0,
            t.counts.1,
            lachan_text::OWN_POST_WEIGHT,
            t.recall,
            t.clean_masked,
            AgeBand::ALL.map(|b| (t.model.threshold(b) * 1000.0).round() / 1000.0)
        );
        t.model
    });
    let offensive = [Category::Bullying, Category::Adult, Category::Violence];
    for path in paths {
        let rows = common::read_vihos(&path);
        let mut any_bullying = Prf::default();
        let mut any_offensive = Prf::default();
        let mut bands: Vec<Prf> = AgeBand::ALL.iter().map(|_| Prf::default()).collect();
        let mut chars = Prf::default();
        let mut posts: Vec<Prf> = AgeBand::ALL.iter().map(|_| Prf::default()).collect();
        let mut posts_phrase = Prf::default();
        let positives = rows.iter().filter(|(_, s)| !s.is_empty()).count();
        for (text, spans) in &rows {
            let gold = !spans.is_empty();
            let score = set.score(text);
            let m = score.matches();
            any_bullying.add(
                m.iter()
                    .any(|m| m.category == Category::Bullying && m.weight > 0),
                gold,
            );
            any_offensive.add(
                m.iter()
                    .any(|m| offensive.contains(&m.category) && m.weight > 0),
                gold,
            );
            for (i, band) in AgeBand::ALL.iter().enumerate() {
                bands[i].add(score.decide(*band).is_some(), gold);
                if let Some(m) = &model {
                    posts[i].add(set.comment(text, *band, Some(m)).mask, gold);
                }
            }
            posts_phrase.add(set.comment(text, AgeBand::Age11To14, None).mask, gold);
            // Character level: byte spans → char offsets.
            let mut pred: HashSet<usize> = HashSet::new();
            for m in m.iter().filter(|m| m.weight > 0 || m.banned) {
                let start = text[..m.start].chars().count();
                let len = text[m.start..m.end].chars().count();
                pred.extend(start..start + len);
            }
            // Spaces inside a predicted span are not counted against precision when the gold
            // labels skip them: compare on non-space characters only.
            let chars_v: Vec<char> = text.chars().collect();
            let gold_set: HashSet<usize> = spans
                .iter()
                .copied()
                .filter(|&i| chars_v.get(i).is_some_and(|c| !c.is_whitespace()))
                .collect();
            for (i, c) in chars_v.iter().enumerate() {
                if c.is_whitespace() {
                    continue;
                }
                chars.add(pred.contains(&i), gold_set.contains(&i));
            }
        }
        println!(
            "{path}: {} comments, {} with offensive spans ({:.1}%)",
            rows.len(),
            positives,
            100.0 * positives as f64 / rows.len().max(1) as f64
        );
        println!("  comment level:");
        println!("    {}", any_bullying.line("any bullying phrase"));
        println!(
            "    {}",
            any_offensive.line("any bullying/adult/violence phrase")
        );
        for (i, band) in AgeBand::ALL.iter().enumerate() {
            println!(
                "    {}",
                bands[i].line(&format!(
                    "decision at band {} (limit {})",
                    band.as_str(),
                    set.limits().get(*band)
                ))
            );
        }
        let clean = (rows.len() - positives).max(1) as f64;
        println!("  post by post (PhraseSet::comment):");
        println!(
            "    {}  clean masked {:.1}%",
            posts_phrase.line("bullying/adult phrase, no model"),
            100.0 * posts_phrase.fp as f64 / clean
        );
        if model.is_some() {
            for (i, band) in AgeBand::ALL.iter().enumerate() {
                println!(
                    "    {}  clean masked {:.1}%",
                    posts[i].line(&format!("phrases + model at band {}", band.as_str())),
                    100.0 * posts[i].fp as f64 / clean
                );
            }
        }
        println!("  span level (characters, spaces excluded):");
        println!("    {}", chars.line("matched phrase spans"));
    }
}
