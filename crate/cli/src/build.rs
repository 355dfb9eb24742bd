//! `lachan build`: compile the registry's sources into one bundle.
use std::collections::{BTreeMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use lachan_core::{
    counts_by_category, BundleBuilder, BundleInfo, Engine, PolicyLayer, SourceInfo, SourceKind,
};

use crate::fetch::{Fetcher, Input};
use crate::parse::{parse_bytes_with_progress, Item, Skip};
use crate::registry::Registry;
use crate::util::{human_bytes, thousands};

/// Inputs at least this large (all sources together) get a progress bar.
const PROGRESS_MIN_BYTES: u64 = 1 << 20;

/// What `lachan build` was asked to do.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The registry file.
    pub registry: PathBuf,
    /// The mirror directory read before downloading, if any.
    pub mirror: Option<PathBuf>,
    /// Where the bundle goes (written atomically).
    pub out: PathBuf,
    /// Never download; sources missing from the mirror fail.
    pub offline: bool,
    /// No progress bar, no per-line or per-source reports.
    pub quiet: bool,
    /// Any failed source fails the build.
    pub strict: bool,
    /// How many rejected lines to print per source.
    pub show_rejected: usize,
    /// Hosts to leave out of the lists and the benign sets (`lachan eval`).
    pub holdout: Option<crate::names::Holdout>,
    /// Build in memory only: nothing is written, the bytes are returned.
    pub dry_run: bool,
}

/// Why a build did not produce a bundle.
#[derive(Debug)]
pub enum BuildError {
    /// The registry or its companion files are wrong (exit 2).
    Config(String),
    /// The build ran but produced nothing usable, or writing failed (exit 1).
    Failed(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Config(m) | BuildError::Failed(m) => f.write_str(m),
        }
    }
}

/// What happened to one source.
#[derive(Clone, Debug, Default)]
pub struct SourceReport {
    /// Source id.
    pub name: String,
    /// Category key.
    pub category: String,
    /// Licence.
    pub licence: String,
    /// Where its files came from (`mirror`, `project`, `download`).
    pub origin: Option<&'static str>,
    /// The files read (paths or URLs).
    pub files: Vec<String>,
    /// Entries the core accepted (before de-duplication).
    pub accepted: u64,
    /// Entries in the bundle (after de-duplication within the source).
    pub added: u64,
    /// Entries that repeat one already in this source.
    pub duplicates: u64,
    /// Lines that could not be used.
    pub rejected: u64,
    /// Lines deliberately skipped, by reason.
    pub skipped: BTreeMap<Skip, u64>,
    /// The first rejected lines, as `file:line: reason`.
    pub first_rejects: Vec<String>,
    /// Why the source could not be read at all.
    pub error: Option<String>,
    /// What was repaired while reading, as `file: what` (line endings).
    pub notes: Vec<String>,
}

/// The result of a successful build.
#[derive(Clone, Debug)]
pub struct BuildReport {
    /// One report per registry source, in registry order.
    pub sources: Vec<SourceReport>,
    /// The written bundle's facts.
    pub info: BundleInfo,
    /// Entries per category (sum over its sources).
    pub by_category: BTreeMap<String, u64>,
    /// The output file.
    pub out: PathBuf,
    /// Time spent reading and downloading.
    pub read_time: Duration,
    /// Total build time.
    pub elapsed: Duration,
    /// Notes from the extra-sections hook.
    pub notes: Vec<String>,
    /// The bundle, for a dry run.
    pub bytes: Option<Vec<u8>>,
    /// For a dry run: the hosts each source gave (names categories), and
    /// the benign registrable domains the name checks were built with.
    pub source_hosts: Vec<crate::names::SourceHosts>,
    /// See `source_hosts`.
    pub benign: Vec<String>,
}

impl BuildReport {
    /// Sources that could not be read.
    pub fn failed(&self) -> impl Iterator<Item = &SourceReport> {
        self.sources.iter().filter(|s| s.error.is_some())
    }
}

/// The page-text phrases (`PHRS`), page-context sites (`PCTX`) and image
/// hashes (`PDQI`), by convention beside the registry: every `phrases/*.txt`
/// and `context/*.txt` (see `crate/text`) and every
/// `hashes/*.txt` (hex PDQ hashes, `hash[,source[,id]]`, see `crate/pdq`).
/// A phrase-list error fails the build (the lists are the project's own);
/// bad hash lines, and lines of either that are not UTF-8, are reported
/// and skipped. Returns summary notes.
pub fn extra_sections(
    reg: &Registry,
    mirror: Option<&Path>,
    builder: &mut BundleBuilder,
) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    let phrase_files = text_files(&reg.dir.join("phrases"), &mut notes)?;
    if !phrase_files.is_empty() {
        let lists: Vec<(String, String)> = phrase_files
            .iter()
            .map(|(p, text)| (format!("lists/phrases/{}", file_name(p)), text.clone()))
            .collect();
        let set =
            lachan_text::PhraseSet::from_lists(lists.iter().map(|(n, t)| (n.as_str(), t.as_str())))
                .map_err(|errs| format!("page-text phrase lists:\n  {}", errs.join("\n  ")))?;
        let bytes = set.to_bytes();
        notes.push(format!(
            "page-text phrases: {} rules from {} lists ({})",
            set.rules().len(),
            lists.len(),
            human_bytes(bytes.len() as u64)
        ));
        builder.set_section(*b"PHRS", bytes);
        if let Some(c) = &reg.comments {
            notes.push(comment_model(reg, c, mirror, &set, builder)?);
        }
    }
    let site_files = text_files(&reg.dir.join("context"), &mut notes)?;
    if !site_files.is_empty() {
        let names: Vec<(String, &str)> = site_files
            .iter()
            .map(|(p, text)| (format!("lists/context/{}", file_name(p)), text.as_str()))
            .collect();
        let sites = lachan_text::Sites::parse(names.iter().map(|(n, t)| (n.as_str(), *t)))
            .map_err(|errs| {
                let lines: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
                format!("page-context sites:\n  {}", lines.join("\n  "))
            })?;
        notes.push(format!(
            "page-context sites: {} from {} lists",
            sites.len(),
            names.len()
        ));
        builder.set_section(lachan_core::SITES_TAG, sites.to_bytes());
    }
    let hash_files = text_files(&reg.dir.join("hashes"), &mut notes)?;
    if !hash_files.is_empty() {
        let mut index = lachan_pdq::HashIndexBuilder::new();
        let mut count = 0usize;
        for (path, text) in &hash_files {
            let list = lachan_pdq::parse_hash_list(text);
            for e in &list.errors {
                notes.push(format!("{}:{}: {}", path.display(), e.line, e.reason));
            }
            count += list.entries.len();
            index
                .add_list(&list)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        let index = index
            .build()
            .map_err(|e| format!("image-hash index: {e}"))?;
        let bytes = index.to_bytes();
        notes.push(format!(
            "image hashes: {count} from {} lists ({})",
            hash_files.len(),
            human_bytes(bytes.len() as u64)
        ));
        builder.set_section(*b"PDQI", bytes);
    }
    Ok(notes)
}

/// The `*.txt` files of `dir`, sorted by name, with their text (LF line
/// ends; a line that is not UTF-8 left empty and reported in `notes`, with
/// any line-ending repair); none if the folder does not exist.
/// Trains the learned scorer of short posts (`TMDL`) from the mirror's
/// labelled comments and credits them. Without the file in the mirror the
/// bundle has no model (the phrases alone judge posts), which is said, not
/// hidden; a file that gives no model fails the build.
/// The project's own labelled posts: every `comments/*.txt` beside the
/// registry (`clean` or `offensive`, a tab, the post). A bad line fails
/// the build.
fn own_posts(reg: &Registry) -> Result<Vec<(String, bool)>, String> {
    let mut notes = Vec::new();
    let mut out = Vec::new();
    for (p, text) in text_files(&reg.dir.join("comments"), &mut notes)? {
        let name = format!("lists/comments/{}", file_name(&p));
        out.extend(lachan_text::parse_labelled_tsv(&name, &text).map_err(|e| e.join("\n  "))?);
    }
    Ok(out)
}

fn comment_model(
    reg: &Registry,
    c: &crate::registry::Comments,
    mirror: Option<&Path>,
    set: &lachan_text::PhraseSet,
    builder: &mut BundleBuilder,
) -> Result<String, String> {
    let Some(path) = mirror.map(|m| m.join(&c.train)).filter(|p| p.is_file()) else {
        return Ok(format!(
            "comment model: skipped, {} is not in the mirror (posts are judged by phrases alone)",
            c.train
        ));
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("comment model: {}: {e}", path.display()))?;
    let rows = lachan_text::parse_labelled_csv(&text);
    let examples: Vec<(&str, bool)> = rows
        .iter()
        .map(|(t, spans)| (t.as_str(), !spans.is_empty()))
        .collect();
    let own = own_posts(reg)?;
    let own_refs: Vec<(&str, bool)> = own.iter().map(|(t, y)| (t.as_str(), *y)).collect();
    let trained = lachan_text::train_comment_model(&examples, &own_refs, set)
        .map_err(|e| format!("{}: {e}", c.train))?;
    let bytes = trained.model.to_bytes();
    builder.set_section(lachan_core::COMMENTS_TAG, bytes.clone());
    builder.trained_on(lachan_core::TrainingInfo {
        section: "TMDL".into(),
        name: c.name.clone(),
        licence: c.licence.clone(),
        upstream: c.upstream.clone(),
    });
    let recall: Vec<String> = lachan_text::AgeBand::ALL
        .iter()
        .zip(trained.recall)
        .map(|(b, r)| format!("{} {:.0}%", b.as_str(), r as f64 / 10.0))
        .collect();
    Ok(format!(
        "comment model: {} comments ({} offensive) from {} and {} own posts, {}; out-of-fold recall {}",
        rows.len(),
        rows.iter().filter(|r| !r.1.is_empty()).count(),
        c.train,
        own.len(),
        human_bytes(bytes.len() as u64),
        recall.join(", ")
    ))
}

fn text_files(dir: &Path, notes: &mut Vec<String>) -> Result<Vec<(PathBuf, String)>, String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let (text, problems, endings) = crate::lines::decode(&bytes);
            for (line, why) in problems {
                notes.push(format!("{}:{line}: {why}", p.display()));
            }
            if let Some(n) = endings.note() {
                notes.push(format!("{}: {n}", p.display()));
            }
            Ok((p, text))
        })
        .collect()
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs a build and writes the bundle. Rejected lines and source failures
/// are printed to stderr as they happen (unless `quiet`); the summary is
/// the caller's (see [`print_report`]).
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let reg = Registry::load(&opts.registry).map_err(BuildError::Config)?;
    let fetcher = Fetcher::new(opts.mirror.clone(), opts.offline);
    let mut notes = Vec::new();
    // The name checks need the public suffix list first: registrable
    // domains decide what `lachan eval` holds out.
    let psl = match &reg.names {
        Some(cfg) => match crate::names::load_psl(&reg, cfg) {
            Ok(p) => Some(p),
            Err(e) if opts.holdout.is_none() => {
                eprintln!("warning: {e}; brands, look-alikes and the host-name model left out");
                notes.push(format!(
                    "{e}: brands, look-alikes and host-name model left out"
                ));
                None
            }
            Err(e) => return Err(BuildError::Config(e)),
        },
        None => None,
    };
    let names_cfg = reg.names.clone().filter(|_| psl.is_some());
    // Hosts of every block list (brands, model positives and negatives)
    // and of the benign allow lists.
    let wants_hosts = |src: &crate::registry::Source| {
        names_cfg
            .as_ref()
            .is_some_and(|c| src.kind == SourceKind::Block || c.benign_sources.contains(&src.name))
    };
    let held_out = |text: &str| -> bool {
        let (Some(h), Some(p)) = (&opts.holdout, &psl) else {
            return false;
        };
        let host = text.split('/').next().unwrap_or(text);
        lachan_core::host::normalize_host(host)
            .ok()
            .and_then(|n| p.domain(n.as_str()).map(|d| h.listed.contains(d)))
            .unwrap_or(false)
    };
    let mut source_hosts: Vec<crate::names::SourceHosts> = Vec::new();

    let mut builder = BundleBuilder::new();
    for c in &reg.categories {
        builder.category(&c.key, &c.description);
    }

    // Read everything first: sizes drive the progress bar, and a failed
    // download is reported before the long part starts.
    let mut reports: Vec<SourceReport> = Vec::new();
    let mut loaded: Vec<(usize, Vec<Input>)> = Vec::new();
    for (i, src) in reg.sources.iter().enumerate() {
        let mut rep = SourceReport {
            name: src.name.clone(),
            category: src.category.clone(),
            licence: src.licence.clone(),
            ..Default::default()
        };
        let will_download = !src.local
            && !opts.offline
            && fetcher
                .mirror()
                .is_none_or(|m| !m.join(&src.path).exists() && !gz(&m.join(&src.path)).exists());
        if will_download && !opts.quiet {
            eprintln!("downloading {} from {}", src.name, src.upstream);
        }
        match fetcher.inputs(&reg, src) {
            Ok(inputs) => {
                rep.origin = inputs.first().map(|x| x.origin.word());
                rep.files = inputs.iter().map(|x| x.label.clone()).collect();
                loaded.push((i, inputs));
            }
            Err(e) => {
                eprintln!("error: source {}: {e}; continuing without it", src.name);
                rep.error = Some(e);
            }
        }
        reports.push(rep);
    }
    let read_time = start.elapsed();

    if opts.strict {
        if let Some(bad) = reports.iter().find(|r| r.error.is_some()) {
            return Err(BuildError::Failed(format!(
                "source {} could not be read and --strict is set; no bundle written",
                bad.name
            )));
        }
    }

    let total: u64 = loaded
        .iter()
        .flat_map(|(_, inputs)| inputs.iter().map(|x| x.bytes.len() as u64))
        .sum();
    let pb = if !opts.quiet && total >= PROGRESS_MIN_BYTES && std::io::stderr().is_terminal() {
        let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        pb.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg:24!} [{bar:32}] {bytes}/{total_bytes} ({eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        pb
    } else {
        ProgressBar::hidden()
    };

    let mut usable_block = 0u64;
    let mut context_notes = Vec::new();
    let mut dup_expressions: BTreeMap<usize, u64> = BTreeMap::new();
    for (i, inputs) in &loaded {
        let src = &reg.sources[*i];
        let rep = &mut reports[*i];
        let id = builder
            .source(SourceInfo {
                name: src.name.clone(),
                category: src.category.clone(),
                kind: src.kind,
                licence: src.licence.clone(),
                upstream: source_credit(&reg, src),
                bands: src.bands.clone(),
                entries: 0,
            })
            .map_err(|e| BuildError::Config(e.to_string()))?;
        if let Some(path) = &src.context_path {
            builder
                .set_expression_context(id, src.context.clone())
                .map_err(|e| BuildError::Config(format!("source {}: {e}", src.name)))?;
            context_notes.push(format!(
                "{}: a match only in the path is cancelled by {} context words and {} host \
                 suffixes ({path})",
                src.name,
                src.context.words.len(),
                src.context.hosts.len()
            ));
        }
        pb.set_message(src.name.clone());
        let mut hosts: Option<Vec<String>> = wants_hosts(src).then(Vec::new);
        let mut seen_expr: HashSet<String> = HashSet::new();
        for input in inputs {
            let label = input.label.as_str();
            let reject = |rep: &mut SourceReport, line: usize, reason: &str| {
                rep.rejected += 1;
                if rep.first_rejects.len() < opts.show_rejected {
                    let msg = format!("{label}:{line}: {reason}");
                    if !opts.quiet {
                        pb.suspend(|| eprintln!("warning: {msg}"));
                    }
                    rep.first_rejects.push(msg);
                }
            };
            let endings = parse_bytes_with_progress(
                input.format,
                &input.bytes,
                |line, item| {
                    let result = match item {
                        Item::Domain(d) | Item::Url(d) if held_out(d) => return,
                        Item::Domain(d) => {
                            let r = builder.add_domain(id, d);
                            if let (Ok(()), Some(hs)) = (&r, hosts.as_mut()) {
                                if let Ok(h) = lachan_core::host::normalize_host(d.trim()) {
                                    hs.push(h.as_str().to_string());
                                }
                            }
                            r
                        }
                        Item::Url(u) => builder.add_url(id, u),
                        Item::Expression(x) => {
                            if !seen_expr.insert(x.to_string()) {
                                *dup_expressions.entry(*i).or_default() += 1;
                                return;
                            }
                            builder.add_expression(id, x)
                        }
                        Item::Skip(k) => {
                            *rep.skipped.entry(k).or_default() += 1;
                            return;
                        }
                        Item::Reject(why) => Err(why),
                    };
                    match result {
                        Ok(()) => rep.accepted += 1,
                        Err(why) => reject(rep, line, &why),
                    }
                },
                |n| pb.inc(n),
            );
            if let Some(n) = endings.note() {
                rep.notes.push(format!("{label}: {n}"));
            }
        }
        if rep.rejected > rep.first_rejects.len() as u64 && !opts.quiet {
            let more = rep.rejected - rep.first_rejects.len() as u64;
            pb.suspend(|| {
                eprintln!(
                    "warning: … and {} more rejected lines in {}",
                    thousands(more),
                    src.name
                )
            });
        }
        if src.kind == SourceKind::Block {
            usable_block += rep.accepted;
        }
        if let Some(hosts) = hosts {
            source_hosts.push(crate::names::SourceHosts {
                id,
                name: src.name.clone(),
                category: src.category.clone(),
                kind: src.kind,
                hosts,
            });
        }
    }
    pb.finish_and_clear();

    notes.extend(context_notes);
    notes.extend(extra_sections(&reg, fetcher.mirror(), &mut builder).map_err(BuildError::Failed)?);
    let mut benign = Vec::new();
    if let (Some(cfg), Some(psl)) = (&names_cfg, &psl) {
        let inputs = crate::names::Inputs {
            reg: &reg,
            cfg,
            mirror: fetcher.mirror(),
            psl,
            sources: &source_hosts,
            holdout: opts.holdout.as_ref(),
        };
        let (n, b) =
            crate::names::add_sections(&inputs, &mut builder).map_err(BuildError::Failed)?;
        notes.extend(n);
        benign = b;
    }

    let out_shown = opts.out.display();
    let keep = if opts.out.exists() {
        format!("; the existing {out_shown} is left as it was")
    } else {
        String::new()
    };
    if usable_block == 0 {
        let failed = reports.iter().filter(|r| r.error.is_some()).count();
        return Err(BuildError::Failed(format!(
            "nothing usable: no block list yielded a single entry ({failed} of {} sources could \
             not be read, the rest were empty or every line was rejected); no bundle written{keep}",
            reports.len()
        )));
    }

    let (policy, policy_notes) = default_policy(&reg);
    for n in &policy_notes {
        if !opts.quiet {
            eprintln!("warning: {n}");
        }
    }
    builder.set_policy(policy);
    if !benign.is_empty() {
        // The benign sites a name check would act on are exempt: found with
        // the bundle itself, so the engine's own rules decide.
        let trial = builder
            .clone()
            .build()
            .map_err(|e| BuildError::Failed(format!("building the bundle failed: {e}{keep}")))?;
        let engine = Engine::from_bytes(trial).map_err(|e| {
            BuildError::Failed(format!(
                "the new bundle does not open: {e}; not written{keep}"
            ))
        })?;
        let (section, by_kind) = crate::names::exempt_section(&engine, &benign);
        notes.push(format!(
            "benign sites never acted on by name checks: {} of {} ({})",
            by_kind.values().sum::<usize>(),
            benign.len(),
            by_kind
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        builder.set_section(lachan_core::names::EXEMPT_TAG, section);
    }
    let bytes = builder
        .build()
        .map_err(|e| BuildError::Failed(format!("building the bundle failed: {e}{keep}")))?;
    // Never write a bundle the engine cannot open: re-open, verify and
    // apply the default policy before it replaces the last good one.
    let engine = Engine::from_bytes(bytes.clone()).map_err(|e| {
        BuildError::Failed(format!(
            "the new bundle does not open: {e}; not written{keep}"
        ))
    })?;
    engine.bundle().verify().map_err(|e| {
        BuildError::Failed(format!(
            "the new bundle does not verify: {e}; not written{keep}"
        ))
    })?;
    let info = engine.bundle().info();
    if !opts.dry_run {
        write_atomically(&opts.out, &bytes)
            .map_err(|e| BuildError::Failed(format!("cannot write {out_shown}: {e}{keep}")))?;
    }

    for (i, rep) in reports.iter_mut().enumerate() {
        if rep.error.is_some() {
            continue;
        }
        rep.added = info
            .sources
            .iter()
            .find(|s| s.name == rep.name)
            .map_or(0, |s| s.entries);
        rep.duplicates =
            rep.accepted.saturating_sub(rep.added) + dup_expressions.get(&i).copied().unwrap_or(0);
    }
    Ok(BuildReport {
        by_category: counts_by_category(&info),
        sources: reports,
        info,
        out: opts.out.clone(),
        read_time,
        elapsed: start.elapsed(),
        notes: policy_notes.into_iter().chain(notes).collect(),
        bytes: opts.dry_run.then_some(bytes),
        source_hosts: if opts.dry_run {
            source_hosts
        } else {
            Vec::new()
        },
        benign: if opts.dry_run { benign } else { Vec::new() },
    })
}

/// The registry's default policy as the bundle stores it: validated as the
/// engine validates a layer, every bad value reported (`file: path:
/// problem`) and left out, so that the built-in default applies there (a
/// category the policy does not set is blocked; the band is 6-10).
pub fn default_policy(reg: &Registry) -> (serde_json::Value, Vec<String>) {
    if reg.policy.is_null() {
        return (serde_json::Value::Null, Vec::new());
    }
    let file = reg
        .policy_file
        .as_ref()
        .map_or_else(|| "the default policy".into(), |p| p.display().to_string());
    let cats: Vec<&str> = reg.categories.iter().map(|c| c.key.as_str()).collect();
    match PolicyLayer::from_value("defaults", &reg.policy, &cats) {
        Ok((layer, warnings)) => {
            let notes = warnings
                .iter()
                .map(|w| {
                    format!(
                        "{file}: {}: {}; ignored, the built-in default applies there",
                        w.path, w.message
                    )
                })
                .collect();
            (layer.to_value(), notes)
        }
        Err(w) => (
            serde_json::Value::Null,
            vec![format!(
                "{file}: {}; the built-in defaults apply",
                w.message
            )],
        ),
    }
}

fn gz(p: &Path) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(".gz");
    PathBuf::from(s)
}

/// The bundle's `upstream` field: the pinned address and who to credit
/// (the core's `SourceInfo` has no attribution field of its own yet).
fn source_credit(reg: &Registry, src: &crate::registry::Source) -> String {
    let addr = if src.local {
        // Named from the registry's folder, e.g. `lists/curated/safe.txt`.
        let folder = reg
            .dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "lists".into());
        format!("{folder}/{}", src.path)
    } else {
        src.upstream.clone()
    };
    if src.attribution.is_empty() {
        addr
    } else {
        format!("{addr} — {}", src.attribution)
    }
}

/// Writes `bytes` to a temporary file beside `out`, syncs it and renames it
/// over `out`, so a crash or a full disk never leaves a half-written bundle
/// where the last good one was.
pub fn write_atomically(out: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, out)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Prints the build summary: per-source counts, per-category counts, the
/// bundle's size, bytes per key and the build time.
pub fn print_report(r: &BuildReport, quiet: bool, w: &mut dyn Write) -> std::io::Result<()> {
    let size = r.info.size;
    let keys = r.info.keys.max(1);
    if quiet {
        return writeln!(
            w,
            "wrote {} ({} keys, {}, {:.1} s)",
            r.out.display(),
            thousands(r.info.keys),
            human_bytes(size),
            r.elapsed.as_secs_f64()
        );
    }
    writeln!(w, "Sources ({}):", r.sources.len())?;
    let width = r.sources.iter().map(|s| s.name.len()).max().unwrap_or(0);
    for s in &r.sources {
        match &s.error {
            Some(e) => writeln!(w, "  {:width$}  FAILED: {e}", format!("{}:", s.name))?,
            None => {
                let mut line = format!(
                    "  {:width$}  {} added, {} duplicates, {} rejected",
                    format!("{}:", s.name),
                    thousands(s.added),
                    thousands(s.duplicates),
                    thousands(s.rejected),
                    width = width + 1
                );
                for (k, n) in &s.skipped {
                    line.push_str(&format!(", {} {} skipped", thousands(*n), k.label()));
                }
                if let Some(o) = s.origin {
                    line.push_str(&format!("  [{o}]"));
                }
                writeln!(w, "{line}")?;
                for n in &s.notes {
                    writeln!(w, "  {:width$}  {n}", "", width = width + 1)?;
                }
            }
        }
    }
    writeln!(w, "Categories (entries summed over their sources):")?;
    let cwidth = r
        .info
        .categories
        .iter()
        .map(|c| c.key.len())
        .max()
        .unwrap_or(0);
    for c in &r.info.categories {
        let n = r.by_category.get(&c.key).copied().unwrap_or(0);
        writeln!(w, "  {:cwidth$}  {:>10}", c.key, thousands(n))?;
    }
    for n in &r.notes {
        writeln!(w, "note: {n}")?;
    }
    let failed = r.failed().count();
    writeln!(w, "Bundle {}:", r.out.display())?;
    writeln!(
        w,
        "  {} keys (hosts and URL rules), {} expressions, {} sources, {} categories",
        thousands(r.info.keys),
        thousands(r.info.expressions as u64),
        r.info.sources.len(),
        r.info.categories.len()
    )?;
    writeln!(
        w,
        "  size {} ({} bytes; host index {}), {:.2} bytes per key",
        human_bytes(size),
        thousands(size),
        human_bytes(r.info.fst_size),
        size as f64 / keys as f64
    )?;
    writeln!(
        w,
        "  built in {:.2} s (reading {:.2} s)",
        r.elapsed.as_secs_f64(),
        r.read_time.as_secs_f64()
    )?;
    if failed > 0 {
        writeln!(
            w,
            "  {failed} source(s) FAILED and are not in the bundle (see above)"
        )?;
    }
    Ok(())
}
