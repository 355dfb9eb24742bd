//! `lachan eval`: how well the engine catches harmful sites that no list
//! names, and what it blocks that it should not, measured on data held out
//! of the build.
//!
//! Two splits of the names categories' lists (adult, gambling, scam, drugs):
//! * **random** — a fifth of the registrable domains, drawn by a seeded
//!   hash, leave every list; most share an operator with a domain that
//!   stays ("new domains of a known brand": same label under another
//!   suffix, or the label with digits, a hyphen or a short affix added).
//! * **brand** — a fifth of the brand families (labels less trailing digits
//!   and hyphenated parts) leave every list whole: operators the build has
//!   never seen, which only the host-name model can catch.
//!
//! In both, half of the benign sites (by a seeded hash) are left out of the
//! build (not trained on, not exempted, not used to pick brands) and are
//! the false-positive set; a quarter more is left out and only its model
//! scores are printed, to choose the score bands of
//! `lists/policy/default.toml` on sites neither trained on nor reported.
use std::collections::{BTreeMap, HashSet};
use std::io::Write;

use lachan_core::{Action, AgeBand, Engine, MatchKind};

use crate::build::{build, BuildOptions};
use crate::names::{brand_key, mix, Holdout};

/// What `lachan eval` was asked to do.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// The build to evaluate (registry, mirror…).
    pub build: BuildOptions,
    /// Seed of the splits.
    pub seed: u64,
    /// Percentage of domains (or brand families) held out.
    pub held_percent: u64,
    /// Print the tables as JSON.
    pub json: bool,
    /// Examples to print per set: held-out hosts missed at 6-10, and the
    /// tuning quarter's blocked benign sites (the reported half is never
    /// listed, so nothing is tuned on it).
    pub examples: usize,
    /// Where to write the model scores of the held-out hosts and the tuning
    /// quarter (never the reported half).
    pub scores: Option<std::path::PathBuf>,
}

fn draw(seed: u64, key: &str) -> u64 {
    mix(key.bytes().fold(mix(seed), |h, b| mix(h ^ u64::from(b))))
}

fn kind_word(k: MatchKind) -> &'static str {
    match k {
        MatchKind::Domain => "list",
        MatchKind::UrlPrefix => "url-prefix",
        MatchKind::Expression => "expression",
        MatchKind::Custom => "custom",
        MatchKind::Brand => "brand",
        MatchKind::Lookalike => "look-alike",
        MatchKind::Model => "model",
        MatchKind::None => "none",
    }
}

/// Counts for one set of hosts at one band.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Tally {
    /// Hosts checked.
    pub total: usize,
    /// Blocked.
    pub blocked: usize,
    /// Warned.
    pub warned: usize,
    /// Blocked or warned, by the kind of rule that decided.
    pub by_kind: BTreeMap<&'static str, usize>,
    /// Benign sites blocked or warned by a list of a category the name
    /// checks do not speak for (social networks, chat, VPNs…): what the age
    /// policy means to block, not counted above.
    pub by_policy: usize,
}

impl Tally {
    fn add(&mut self, action: Action, kind: MatchKind) {
        self.total += 1;
        match action {
            Action::Block => self.blocked += 1,
            Action::Warn => self.warned += 1,
            Action::Allow => return,
        }
        *self.by_kind.entry(kind_word(kind)).or_default() += 1;
    }

    fn pct(n: usize, total: usize) -> f64 {
        if total == 0 {
            0.0
        } else {
            100.0 * n as f64 / total as f64
        }
    }
}

/// One row of the results: a set of hosts, per band.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Row {
    /// Which split.
    pub split: &'static str,
    /// What the hosts are (`gambling`, `gambling, known brand`, `benign`).
    pub set: String,
    /// Per band key.
    pub bands: BTreeMap<&'static str, Tally>,
}

/// Whether a held-out label belongs to a family the build kept: the same
/// label, or the label with digits, a hyphenated part or an affix of at
/// most three bytes added at either end.
fn known_family(label: &str, kept: &HashSet<String>) -> bool {
    // A brand names an operator: four bytes or more, with a letter (the
    // brand index's own rule); numbered domains have no brand to reuse.
    let kept =
        |s: &str| s.len() >= 4 && s.bytes().any(|b| b.is_ascii_lowercase()) && kept.contains(s);
    if kept(label) {
        return true;
    }
    let affix = |s: &str| {
        let s = s.trim_matches('-');
        s.len() <= 3 || s.bytes().all(|b| b.is_ascii_digit() || b == b'-')
    };
    (3..label.len()).any(|i| {
        label.is_char_boundary(i)
            && ((kept(&label[..i]) && affix(&label[i..]))
                || (kept(&label[label.len() - i..]) && affix(&label[..label.len() - i])))
    })
}

/// Runs both splits and prints the tables.
pub fn eval(opts: &EvalOptions, out: &mut dyn Write) -> Result<Vec<Row>, String> {
    let mut base = opts.build.clone();
    base.dry_run = true;
    base.quiet = true;
    base.holdout = Some(Holdout::default());
    let full = build(&base).map_err(|e| e.to_string())?;
    let reg = crate::registry::Registry::load(&base.registry)?;
    let cfg = reg
        .names
        .clone()
        .ok_or("the registry has no [names] table: nothing to evaluate")?;
    let psl = crate::names::load_psl(&reg, &cfg)?;
    // Registrable domain -> (category, label), names categories only.
    let mut listed: BTreeMap<String, (String, String)> = BTreeMap::new();
    for s in &full.source_hosts {
        if s.kind != lachan_core::SourceKind::Block || !cfg.categories.contains(&s.category) {
            continue;
        }
        for h in &s.hosts {
            let (Some(d), Some(l)) = (psl.domain(h), psl.label(h)) else {
                continue;
            };
            listed
                .entry(d.to_string())
                .or_insert_with(|| (s.category.clone(), l.to_string()));
        }
    }
    // Benign sites: half reported, a quarter for choosing score bands (held
    // out of training too), a quarter trained on.
    let quarter = |d: &String| draw(opts.seed ^ 0xbe, d) % 4;
    let report_benign: Vec<String> = full
        .benign
        .iter()
        .filter(|d| quarter(d) < 2)
        .cloned()
        .collect();
    let tune_benign: Vec<String> = full
        .benign
        .iter()
        .filter(|d| quarter(d) == 2)
        .cloned()
        .collect();
    let mut rows = Vec::new();
    let mut tuning = String::new();
    let mut dump = String::new();
    for split in ["random", "brand"] {
        let held: Vec<(&String, &(String, String))> = listed
            .iter()
            .filter(|(d, (_, l))| {
                let key = if split == "random" {
                    d.as_str()
                } else {
                    brand_key(l)
                };
                draw(opts.seed, key) % 100 < opts.held_percent
            })
            .collect();
        let holdout = Holdout {
            listed: held.iter().map(|(d, _)| (*d).clone()).collect(),
            benign: report_benign.iter().chain(&tune_benign).cloned().collect(),
        };
        let mut o = base.clone();
        o.holdout = Some(holdout.clone());
        let r = build(&o).map_err(|e| e.to_string())?;
        let engine = Engine::from_bytes(r.bytes.unwrap_or_default()).map_err(|e| e.to_string())?;
        let kept: HashSet<String> = listed
            .iter()
            .filter(|(d, _)| !holdout.listed.contains(*d))
            .map(|(_, (_, l))| l.clone())
            .collect();
        let mut sets: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (d, (cat, label)) in &held {
            sets.entry(cat.clone()).or_default().push(d);
            if split == "random" && known_family(label, &kept) {
                sets.entry(format!("{cat}, known brand"))
                    .or_default()
                    .push(d);
            }
        }
        if opts.scores.is_some() {
            let named: Vec<(&str, &str)> = sets
                .iter()
                .flat_map(|(s, hs)| hs.iter().map(move |h| (s.as_str(), *h)))
                .chain(tune_benign.iter().map(|h| ("tuning benign", h.as_str())))
                .collect();
            for (set, h) in named {
                let (c, p) = engine.host_model_score(h).unwrap_or(("-", 0.0));
                let v = check(&engine, h);
                dump.push_str(&format!(
                    "{split}\t{set}\t{h}\t{c}\t{p:.8}\t{:?}\t{}\n",
                    v.action,
                    kind_word(v.match_kind)
                ));
            }
        }
        for (set, hosts) in &sets {
            rows.push(tally(&engine, split, set.clone(), hosts, None));
            if opts.examples > 0 {
                let missed = hosts
                    .iter()
                    .filter(|h| check(&engine, h).action != Action::Block)
                    .take(opts.examples);
                for h in missed {
                    let v = check(&engine, h);
                    writeln!(
                        out,
                        "missed [{split}, {set}] {h}: {:?} {}",
                        v.action, v.reason
                    )
                    .map_err(|e| e.to_string())?;
                }
            }
        }
        if opts.examples > 0 {
            let flagged = tune_benign
                .iter()
                .filter(|h| check(&engine, h).action != Action::Allow)
                .take(opts.examples);
            for h in flagged {
                let v = check(&engine, h);
                writeln!(
                    out,
                    "flagged [{split}, tuning benign] {h}: {:?} {}",
                    v.action, v.reason
                )
                .map_err(|e| e.to_string())?;
            }
        }
        let benign: Vec<&str> = report_benign.iter().map(String::as_str).collect();
        rows.push(tally(
            &engine,
            split,
            "benign (held out)".into(),
            &benign,
            Some(&cfg.categories),
        ));
        if split == "random" {
            // The score bands are chosen on the tuning half: its quantiles.
            let mut scores: Vec<f32> = tune_benign
                .iter()
                .filter_map(|d| engine.host_model_score(d).map(|x| x.1))
                .collect();
            scores.sort_by(f32::total_cmp);
            let q = |p: f64| {
                scores
                    .get(((scores.len() as f64 - 1.0) * p) as usize)
                    .copied()
            };
            tuning = format!(
                "Tuning quarter ({} benign sites, not trained on, not reported): model score at the 95th percentile {:.3}, 99th {:.3}, 99.5th {:.3}, 99.7th {:.3}, 99.9th {:.3}",
                scores.len(),
                q(0.95).unwrap_or(0.0),
                q(0.99).unwrap_or(0.0),
                q(0.995).unwrap_or(0.0),
                q(0.997).unwrap_or(0.0),
                q(0.999).unwrap_or(0.0),
            );
        }
    }
    if let Some(path) = &opts.scores {
        std::fs::write(path, dump).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if opts.json {
        writeln!(out, "{}", serde_json::to_string(&rows).unwrap_or_default())
            .map_err(|e| e.to_string())?;
    } else {
        print_rows(&rows, out).map_err(|e| e.to_string())?;
        writeln!(out, "{tuning}").map_err(|e| e.to_string())?;
    }
    Ok(rows)
}

/// The verdict at 6-10, the band the examples speak of.
fn check(engine: &Engine, host: &str) -> lachan_core::Verdict {
    engine.check_url(&format!("https://{host}/"), Some(AgeBand::Age6To10))
}

fn tally(
    engine: &Engine,
    split: &'static str,
    set: String,
    hosts: &[&str],
    benign: Option<&[String]>,
) -> Row {
    let mut bands = BTreeMap::new();
    for band in AgeBand::ALL {
        let mut t = Tally::default();
        for h in hosts {
            let v = engine.check_url(&format!("https://{h}/"), Some(band));
            // For benign sites, a list of a category outside the name
            // checks (social networks, chat, VPNs, warez…) blocks what the
            // age policy means to block: counted apart, not as an error.
            if let (Some(names), Some(c)) = (benign, v.category.as_deref()) {
                if v.action != Action::Allow && !names.iter().any(|n| n == c) {
                    t.by_policy += 1;
                    t.total += 1;
                    continue;
                }
            }
            t.add(v.action, v.match_kind);
        }
        bands.insert(band.as_str(), t);
    }
    Row { split, set, bands }
}

fn print_rows(rows: &[Row], w: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        w,
        "| split | held-out set | hosts | under-6 | 6-10 | 11-14 | 15-17 | caught by (at 6-10) |"
    )?;
    writeln!(w, "|---|---|---:|---:|---:|---:|---:|---|")?;
    for r in rows {
        let total = r.bands.values().next().map_or(0, |t| t.total);
        let benign = r.set.starts_with("benign");
        let cell = |t: &Tally| {
            if benign {
                format!(
                    "{:.2} % blocked, {:.2} % warned",
                    Tally::pct(t.blocked, t.total),
                    Tally::pct(t.warned, t.total)
                )
            } else {
                format!(
                    "{:.1} % ({:.1} % blocked)",
                    Tally::pct(t.blocked + t.warned, t.total),
                    Tally::pct(t.blocked, t.total)
                )
            }
        };
        let kinds = r.bands.get("6-10").map_or(String::new(), |t| {
            let mut k: Vec<String> = t.by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
            if benign {
                k.push(format!(
                    "(age policy's own lists: {}, not counted)",
                    t.by_policy
                ));
            }
            k.join(", ")
        });
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            r.split,
            r.set,
            total,
            cell(&r.bands["under-6"]),
            cell(&r.bands["6-10"]),
            cell(&r.bands["11-14"]),
            cell(&r.bands["15-17"]),
            kinds
        )?;
    }
    writeln!(
        w,
        "Held-out sets: blocked or warned (blocked). Benign: blocked and warned beyond what the age \
         policy means to block (the lists of categories the name checks do not speak for: social \
         networks, chat, dating, games, VPNs, warez…)."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_family_shapes() {
        let kept: HashSet<String> = ["jun88", "99win"].iter().map(|s| s.to_string()).collect();
        for l in [
            "jun88",
            "jun88ok",
            "jun881",
            "99win-vip",
            "sk99win",
            "m1jun88",
        ] {
            assert!(known_family(l, &kept), "{l}");
        }
        for l in ["jun", "newbrand", "99winnerscasino"] {
            assert!(!known_family(l, &kept), "{l}");
        }
    }
}
