//! The name checks' sections, built from the lists (`[names]` in the
//! registry): the public suffix list (`PSFX`), the brand index (`BRND`), the
//! protected names of the look-alike check (META), the host-name model
//! (`HMDL`), and the benign sites none of them may act on (`NEXM`).
//!
//! Everything here is computed from the mirror at build time, like the
//! bundle itself: no brand list or trained weight is ever committed.
mod brands;
mod train;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use lachan_core::host::normalize_host;
use lachan_core::names::{psl, ProtectedName, SuffixList, BRAND_TAG, MODEL_TAG, PSL_TAG};
use lachan_core::{BundleBuilder, SourceInfo, SourceKind};

use crate::registry::{Names, Registry};

pub use brands::brand_key;

/// SplitMix64's finaliser: the seeded draws of training and `lachan eval`.
pub fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Hosts held out of the lists and of the benign sets (`lachan eval`).
#[derive(Clone, Debug, Default)]
pub struct Holdout {
    /// Registrable domains left out of every list.
    pub listed: HashSet<String>,
    /// Registrable domains left out of the benign sets.
    pub benign: HashSet<String>,
}

/// The compiled public suffix list and where it came from.
pub struct Psl {
    /// The `PSFX` section.
    pub bytes: Vec<u8>,
    /// The same, opened.
    pub list: SuffixList,
    /// The file it was read from.
    pub path: PathBuf,
    /// Number of rules.
    pub rules: usize,
}

impl Psl {
    /// The registrable domain of a canonical host name.
    pub fn domain<'h>(&self, host: &'h str) -> Option<&'h str> {
        self.list.registrable(host).map(|r| r.domain(host))
    }

    /// The registrable label of a canonical host name.
    pub fn label<'h>(&self, host: &'h str) -> Option<&'h str> {
        self.list.registrable(host).map(|r| r.label(host))
    }
}

fn resolve(dir: &Path, p: &str) -> PathBuf {
    let p = Path::new(p);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    }
}

/// Reads the first public suffix list the registry names.
pub fn load_psl(reg: &Registry, cfg: &Names) -> Result<Psl, String> {
    for p in &cfg.public_suffix_list {
        let path = resolve(&reg.dir, p);
        if !path.is_file() {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("public suffix list {}: {e}", path.display()))?;
        let (bytes, rules) =
            psl::build(&text).map_err(|e| format!("public suffix list {}: {e}", path.display()))?;
        let list = SuffixList::from_bytes(bytes.clone())
            .ok_or_else(|| format!("public suffix list {}: does not open", path.display()))?;
        return Ok(Psl {
            bytes,
            list,
            path,
            rules,
        });
    }
    Err(format!(
        "no public suffix list at {} (on Debian: apt-get install publicsuffix)",
        cfg.public_suffix_list.join(", ")
    ))
}

/// The hosts one source contributed, normalised.
#[derive(Clone, Debug)]
pub struct SourceHosts {
    /// Source id in the bundle.
    pub id: u16,
    /// Its name and category.
    pub name: String,
    /// Category key.
    pub category: String,
    /// Block or allow.
    pub kind: SourceKind,
    /// Hosts (domain entries only).
    pub hosts: Vec<String>,
}

/// Inputs of [`add_sections`].
pub struct Inputs<'a> {
    /// The registry.
    pub reg: &'a Registry,
    /// Its `[names]` table.
    pub cfg: &'a Names,
    /// The mirror directory.
    pub mirror: Option<&'a Path>,
    /// The compiled public suffix list.
    pub psl: &'a Psl,
    /// Hosts per source (names categories and benign sources).
    pub sources: &'a [SourceHosts],
    /// What `lachan eval` holds out.
    pub holdout: Option<&'a Holdout>,
}

/// The benign sites, as registrable domains: the `benign` files and the
/// `benign_sources`, less anything a names-category list covers and less
/// what is held out.
pub fn benign_domains(inp: &Inputs<'_>, notes: &mut Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |host: &str, out: &mut Vec<String>| {
        let Ok(h) = normalize_host(host.trim().trim_matches('"')) else {
            return;
        };
        let Some(d) = inp.psl.domain(h.as_str()) else {
            return;
        };
        if inp.holdout.is_some_and(|x| x.benign.contains(d)) {
            return;
        }
        if seen.insert(d.to_string()) {
            out.push(d.to_string());
        }
    };
    for f in &inp.cfg.benign {
        let path = match inp.mirror {
            Some(m) => m.join(f),
            None => PathBuf::from(f),
        };
        match crate::fetch::read_local(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                for line in text.lines() {
                    let host = line.rsplit(',').next().unwrap_or(line);
                    if host.is_empty() || host == "domain" || host.starts_with('#') {
                        continue;
                    }
                    push(host, &mut out);
                }
            }
            Err(e) => notes.push(format!("benign sites: {e}; left out")),
        }
    }
    for s in inp.sources {
        if inp.cfg.benign_sources.contains(&s.name) {
            for h in &s.hosts {
                push(h, &mut out);
            }
        }
    }
    // A popularity list holds harmful sites too: drop the sites a list of
    // the names categories names as a whole (the registrable domain, or its
    // www.). A listed subdomain alone (a hacked page of a news site) does
    // not make the site harmful.
    let bad: HashSet<&str> = inp
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Block && inp.cfg.categories.contains(&s.category))
        .flat_map(|s| s.hosts.iter())
        .map(|h| h.strip_prefix("www.").unwrap_or(h))
        .filter(|h| inp.psl.domain(h) == Some(*h))
        .collect();
    out.retain(|d| !bad.contains(d.as_str()));
    out
}

/// Dictionary words (lower-case ASCII; Vietnamese folded without marks,
/// each syllable and each joined phrase).
fn words(inp: &Inputs<'_>, notes: &mut Vec<String>) -> HashSet<String> {
    let mut out = HashSet::new();
    for f in &inp.cfg.words {
        let path = if Path::new(f).is_absolute() {
            PathBuf::from(f)
        } else {
            inp.mirror.map_or_else(|| PathBuf::from(f), |m| m.join(f))
        };
        let Ok(bytes) = crate::fetch::read_local(&path) else {
            notes.push(format!("dictionary {} not found; left out", path.display()));
            continue;
        };
        for line in String::from_utf8_lossy(&bytes).lines() {
            let folded = lachan_text::normalize(line).folded;
            let parts: Vec<&str> = folded.split_whitespace().collect();
            if parts.is_empty() {
                continue;
            }
            out.insert(parts.concat());
            for p in parts {
                out.insert(p.to_string());
            }
        }
    }
    out
}

/// Reads the curated protected names: `name domain… # reason`.
pub fn protected(reg: &Registry, cfg: &Names) -> Result<Vec<ProtectedName>, String> {
    let Some(rel) = &cfg.protected else {
        return Ok(Vec::new());
    };
    let path = resolve(&reg.dir, rel);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let (body, reason) = match line.split_once('#') {
            Some((b, r)) => (b, r.trim()),
            None => (line, ""),
        };
        let mut fields = body.split_whitespace();
        let Some(name) = fields.next() else { continue };
        let domains: Vec<String> = fields.map(str::to_ascii_lowercase).collect();
        let at = format!("{}:{}", path.display(), i + 1);
        if !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            || name.len() < 3
        {
            problems.push(format!(
                "{at}: a name is 3 or more lower-case letters or digits"
            ));
        } else if domains.is_empty() {
            problems.push(format!("{at}: name its real domains after {name}"));
        } else if reason.is_empty() {
            problems.push(format!("{at}: every entry needs a reason after #"));
        } else {
            out.push(ProtectedName {
                name: name.to_string(),
                domains,
            });
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems.join("\n"))
    }
}

/// Builds the name sections into `builder`. Returns notes for the report.
/// The benign exemptions (`NEXM`) are the caller's, once the bundle can be
/// opened (see [`exempt_section`]).
pub fn add_sections(
    inp: &Inputs<'_>,
    builder: &mut BundleBuilder,
) -> Result<(Vec<String>, Vec<String>), String> {
    let mut notes = vec![format!(
        "public suffix list: {} rules from {}",
        inp.psl.rules,
        inp.psl.path.display()
    )];
    builder.set_section(PSL_TAG, inp.psl.bytes.clone());
    let mut benign = benign_domains(inp, &mut notes);
    let dict = words(inp, &mut notes);
    let protected = protected(inp.reg, inp.cfg)?;
    // The protected brands' own domains are benign examples too.
    let known: HashSet<String> = benign.iter().cloned().collect();
    for p in &protected {
        benign.extend(p.domains.iter().filter(|d| !known.contains(*d)).cloned());
    }
    let mut reserved: HashSet<String> = benign
        .iter()
        .filter_map(|d| inp.psl.label(d).map(str::to_string))
        .collect();
    for p in &protected {
        reserved.insert(p.name.clone());
        reserved.extend(
            p.domains
                .iter()
                .filter_map(|d| inp.psl.label(d).map(str::to_string)),
        );
    }
    let listed: Vec<&SourceHosts> = inp
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Block && inp.cfg.categories.contains(&s.category))
        .collect();
    let brand_list = brands::derive(&listed, inp.psl, &reserved, &dict);
    notes.push(format!(
        "brand index: {} brands ({} also matched inside labels) from {} lists",
        brand_list.len(),
        brand_list
            .iter()
            .filter(|b| b.2 & lachan_core::names::brand::CONTAINED != 0)
            .count(),
        listed.len()
    ));
    let brand_bytes = lachan_core::names::brand::build(brand_list)?;
    notes.push(format!("brand index size {} bytes", brand_bytes.len()));
    builder.set_section(BRAND_TAG, brand_bytes);
    if !protected.is_empty() {
        let id = builder
            .source(SourceInfo {
                name: LOOKALIKE_SOURCE.into(),
                category: "scam".into(),
                kind: SourceKind::Block,
                licence: "MIT OR Apache-2.0".into(),
                upstream: format!(
                    "lists/{} — Lá Chắn contributors",
                    inp.cfg.protected.as_deref().unwrap_or("")
                ),
                bands: Vec::new(),
                entries: 0,
            })
            .map_err(|e| e.to_string())?;
        notes.push(format!("look-alikes: {} protected names", protected.len()));
        builder.set_protected(id, protected);
    }
    let categories: Vec<(u16, &str)> = inp
        .cfg
        .categories
        .iter()
        .filter_map(|c| {
            let id = inp.reg.categories.iter().position(|x| &x.key == c)?;
            Some((id as u16, c.as_str()))
        })
        .collect();
    let (model, facts) = train::train(&listed, inp.sources, &benign, &dict, &categories, inp)?;
    notes.push(facts);
    builder.set_section(MODEL_TAG, model);
    Ok((notes, benign))
}

/// The source id the look-alike verdicts name.
pub const LOOKALIKE_SOURCE: &str = "lachan-lookalikes";

/// The `NEXM` section: the benign registrable domains that a name check of
/// `engine` would act on at any band (so that it never does).
pub fn exempt_section(
    engine: &lachan_core::Engine,
    benign: &[String],
) -> (Vec<u8>, BTreeMap<&'static str, usize>) {
    use lachan_core::{AgeBand, MatchKind};
    let mut flagged: Vec<&str> = Vec::new();
    let mut by_kind: BTreeMap<&'static str, usize> = BTreeMap::new();
    for d in benign {
        let v = engine.check_url(&format!("https://{d}/"), Some(AgeBand::Under6));
        let kind = match v.match_kind {
            MatchKind::Brand => "brand",
            MatchKind::Lookalike => "look-alike",
            MatchKind::Model => "model",
            _ => continue,
        };
        *by_kind.entry(kind).or_default() += 1;
        flagged.push(d);
    }
    flagged.sort_unstable();
    flagged.dedup();
    let mut set = fst::SetBuilder::memory();
    for d in flagged {
        let _ = set.insert(d);
    }
    (set.into_inner().unwrap_or_default(), by_kind)
}
