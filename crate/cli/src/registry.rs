//! The list registry (`lists/registry.toml`): which source lists go into the
//! bundle, in which category, in which format, from where, under which licence.
//!
//! ```toml
//! categories = "categories.toml"        # relative to this file
//! policy = "policy/default.toml"        # the default age policy layer
//!
//! [[source]]
//! name = "hostsvn-gambling"              # stable id, shown in verdicts
//! category = "gambling"                  # a key from categories.toml
//! kind = "block"                         # block | allow
//! format = "domains"                     # domains | hosts | ut1 | adblock | urls | expressions
//! path = "blocklists/hostsvn/gambling/domain.txt"   # inside the mirror
//! upstream = "https://raw.githubusercontent.com/…/extensions/gambling/domain.txt"
//! licence = "MIT"
//! attribution = "hostsVN by BigDargon"
//! bands = ["under-6", "6-10"]           # optional; empty = every band
//! files = ["urls"]                       # ut1 only: which files of the folder
//! local = true                           # optional: path is relative to this
//!                                        # file (the project's own lists)
//! context = "curated/url_context.txt"    # expressions / ut1 only: words and
//!                                        # host suffixes that cancel a match
//!                                        # only in the path (relative to this file)
//! ```
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use lachan_core::context::{parse_context_entry, ExpressionContext};
use lachan_core::{AgeBand, SourceKind};
use serde::Deserialize;

/// How a source file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One domain per line; `#` comments, blank lines, inline comments.
    Domains,
    /// Hosts file: `0.0.0.0 a.com b.com` (bare domain lines accepted too).
    Hosts,
    /// A UT1 category folder: `domains`, `urls`, `expressions` inside it.
    Ut1,
    /// Adblock-style `||domain^` rules (pure domain anchors only).
    Adblock,
    /// URL-prefix rules: `host/path`, with or without a scheme.
    Urls,
    /// One regular expression per line, matched against `host/path`.
    Expressions,
}

impl Format {
    /// The name as written in the registry.
    pub fn key(self) -> &'static str {
        match self {
            Format::Domains => "domains",
            Format::Hosts => "hosts",
            Format::Ut1 => "ut1",
            Format::Adblock => "adblock",
            Format::Urls => "urls",
            Format::Expressions => "expressions",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The files read from a UT1 folder when `files` is not given. A missing
/// one is skipped; `very_restrictive_expression` is only read when named.
pub const UT1_DEFAULT_FILES: [&str; 3] = ["domains", "urls", "expressions"];

/// One `[[source]]` entry, as written.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: String,
    category: String,
    kind: String,
    format: Format,
    path: String,
    #[serde(default)]
    upstream: String,
    #[serde(default)]
    licence: String,
    #[serde(default)]
    attribution: String,
    #[serde(default)]
    bands: Vec<String>,
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    local: bool,
    #[serde(default)]
    context: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    #[serde(default)]
    categories: Option<String>,
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    source: Vec<RawSource>,
    #[serde(default)]
    names: Option<Names>,
    #[serde(default)]
    comments: Option<Comments>,
}

/// The `[comments]` table: the labelled comments the learned scorer of
/// short posts is trained on (`crate/text`, "One post at a time").
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comments {
    /// A stable name for the credits, e.g. `vihos-train`.
    pub name: String,
    /// ViHOS-form CSV (`index,content,index_spans`), relative to the mirror.
    pub train: String,
    /// Its licence, e.g. `MIT`.
    pub licence: String,
    /// Where it comes from and whom to credit.
    pub upstream: String,
}

/// The `[names]` table: what the brand index, the look-alike check and the
/// host-name model are built from (see `crate::names`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Places tried in order for `public_suffix_list.dat` (absolute, or
    /// relative to the registry's folder).
    pub public_suffix_list: Vec<String>,
    /// Block categories whose lists give brands and model positives.
    pub categories: Vec<String>,
    /// Benign sites in the mirror (one domain a line, or `rank,domain`
    /// CSV): model negatives, brand filter, and never acted on.
    #[serde(default)]
    pub benign: Vec<String>,
    /// Dictionaries (one word a line; absolute or mirror-relative): a
    /// brand is never a plain word. Missing files are reported and skipped.
    #[serde(default)]
    pub words: Vec<String>,
    /// The curated protected names, relative to the registry's folder.
    #[serde(default)]
    pub protected: Option<String>,
    /// The allow-list sources whose entries are model negatives too.
    #[serde(default)]
    pub benign_sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawCategories {
    #[serde(default)]
    category: Vec<RawCategory>,
}

#[derive(Debug, Deserialize)]
struct RawCategory {
    key: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    kind: Option<String>,
}

/// A category from `categories.toml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Category {
    /// Stable key.
    pub key: String,
    /// One line saying what it covers.
    pub description: String,
    /// `Allow` for known-good categories.
    pub kind: SourceKind,
}

/// A validated source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Stable id.
    pub name: String,
    /// Category key.
    pub category: String,
    /// Block or allow.
    pub kind: SourceKind,
    /// File format.
    pub format: Format,
    /// Path inside the mirror (or relative to the registry when `local`).
    pub path: String,
    /// Download address at a pinned commit (a folder address for `ut1`).
    pub upstream: String,
    /// SPDX licence id.
    pub licence: String,
    /// Who to credit.
    pub attribution: String,
    /// Bands the source applies to; empty = all.
    pub bands: Vec<AgeBand>,
    /// For `ut1`: the files of the folder to read; empty = the defaults.
    pub files: Vec<String>,
    /// Whether `path` is the project's own file, next to the registry.
    pub local: bool,
    /// The context list file (relative to the registry), if any.
    pub context_path: Option<String>,
    /// Its entries, read and checked when the registry is loaded.
    pub context: ExpressionContext,
}

impl Source {
    /// The UT1 files to read and whether each must exist.
    pub fn ut1_files(&self) -> Vec<(String, bool)> {
        if self.files.is_empty() {
            UT1_DEFAULT_FILES
                .iter()
                .map(|f| (f.to_string(), false))
                .collect()
        } else {
            self.files.iter().map(|f| (f.clone(), true)).collect()
        }
    }
}

/// A loaded, validated registry.
#[derive(Clone, Debug)]
pub struct Registry {
    /// The registry file.
    pub path: PathBuf,
    /// Its directory (local paths are relative to it).
    pub dir: PathBuf,
    /// Categories in bundle order (from `categories`, else from the sources).
    pub categories: Vec<Category>,
    /// The default policy layer as JSON (`Null` when none is named), as
    /// written: [`crate::build::default_policy`] validates it.
    pub policy: serde_json::Value,
    /// The file it was read from.
    pub policy_file: Option<PathBuf>,
    /// The sources, in file order.
    pub sources: Vec<Source>,
    /// The `[names]` table, if the registry has one.
    pub names: Option<Names>,
    /// The `[comments]` table, if the registry has one.
    pub comments: Option<Comments>,
}

/// Reads a TOML file into a JSON value (for policy files).
pub fn toml_file_to_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let value: toml::Value =
        toml::from_str(&text).map_err(|e| format!("{}: invalid TOML: {e}", path.display()))?;
    serde_json::to_value(value).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse_kind(s: &str) -> Option<SourceKind> {
    match s {
        "block" => Some(SourceKind::Block),
        "allow" => Some(SourceKind::Allow),
        _ => None,
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
}

impl Registry {
    /// Loads and validates a registry. Every problem is reported at once,
    /// one per line, each naming the source and what to fix.
    pub fn load(path: &Path) -> Result<Registry, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read registry {}: {e}", path.display()))?;
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Registry::parse(&text, path, &dir)
    }

    /// Parses registry text; `dir` is where relative paths start.
    pub fn parse(text: &str, path: &Path, dir: &Path) -> Result<Registry, String> {
        let shown = path.display();
        let raw: RawRegistry = toml::from_str(text).map_err(|e| format!("{shown}: {e}"))?;
        let mut problems = Vec::new();

        let mut categories: Vec<Category> = Vec::new();
        let have_categories = raw.categories.is_some();
        if let Some(c) = &raw.categories {
            let cpath = dir.join(c);
            match std::fs::read_to_string(&cpath) {
                Err(e) => problems.push(format!("cannot read {}: {e}", cpath.display())),
                Ok(t) => match toml::from_str::<RawCategories>(&t) {
                    Err(e) => problems.push(format!("{}: {e}", cpath.display())),
                    Ok(rc) => {
                        for c in rc.category {
                            let kind = match c.kind.as_deref() {
                                None | Some("block") => SourceKind::Block,
                                Some("allow") => SourceKind::Allow,
                                Some(k) => {
                                    problems.push(format!(
                                        "{}: category {}: kind must be \"block\" or \"allow\", not {k:?}",
                                        cpath.display(),
                                        c.key
                                    ));
                                    SourceKind::Block
                                }
                            };
                            if categories.iter().any(|x| x.key == c.key) {
                                problems.push(format!(
                                    "{}: category {} is defined twice",
                                    cpath.display(),
                                    c.key
                                ));
                                continue;
                            }
                            categories.push(Category {
                                key: c.key,
                                description: c.description,
                                kind,
                            });
                        }
                    }
                },
            }
        }

        let policy = match &raw.policy {
            None => serde_json::Value::Null,
            Some(p) => match toml_file_to_json(&dir.join(p)) {
                Ok(v) => v,
                Err(e) => {
                    problems.push(e);
                    serde_json::Value::Null
                }
            },
        };

        let mut names = HashSet::new();
        let mut sources = Vec::new();
        for s in raw.source {
            let at = format!("{shown}: source {:?}", s.name);
            if !valid_name(&s.name) {
                problems.push(format!(
                    "{at}: name must be lower-case letters, digits, '-', '_' or '.'"
                ));
            }
            if !names.insert(s.name.clone()) {
                problems.push(format!("{at}: name is used twice"));
            }
            let kind = match parse_kind(&s.kind) {
                Some(k) => k,
                None => {
                    problems.push(format!(
                        "{at}: kind must be \"block\" or \"allow\", not {:?}",
                        s.kind
                    ));
                    SourceKind::Block
                }
            };
            if have_categories {
                match categories.iter().find(|c| c.key == s.category) {
                    None => problems.push(format!(
                        "{at}: unknown category {:?} (known: {})",
                        s.category,
                        categories
                            .iter()
                            .map(|c| c.key.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                    Some(c) if c.kind != kind => problems.push(format!(
                        "{at}: category {} is an {} category, so the source's kind must be \"{}\"",
                        c.key,
                        kind_word(c.kind),
                        kind_word(c.kind)
                    )),
                    Some(_) => {}
                }
            } else if !categories.iter().any(|c| c.key == s.category) {
                categories.push(Category {
                    key: s.category.clone(),
                    description: String::new(),
                    kind,
                });
            }
            let mut bands = Vec::new();
            for b in &s.bands {
                match b.parse::<AgeBand>().ok() {
                    Some(band) if !bands.contains(&band) => bands.push(band),
                    Some(_) => {}
                    None => problems.push(format!(
                        "{at}: unknown age band {b:?} (use under-6, 6-10, 11-14 or 15-17)"
                    )),
                }
            }
            if s.path.trim().is_empty() {
                problems.push(format!("{at}: path is empty"));
            }
            if !s.files.is_empty() && s.format != Format::Ut1 {
                problems.push(format!("{at}: `files` is only for format = \"ut1\""));
            }
            for f in &s.files {
                if f.is_empty() || f.contains('/') || f.contains('\\') || f == ".." {
                    problems.push(format!(
                        "{at}: `files` entry {f:?} must be a plain file name"
                    ));
                }
            }
            if !s.local {
                if s.upstream.is_empty() {
                    problems.push(format!(
                        "{at}: upstream is missing (the download address at a pinned commit)"
                    ));
                } else if !(s.upstream.starts_with("https://") || s.upstream.starts_with("http://"))
                {
                    problems.push(format!("{at}: upstream must be an http(s) address"));
                }
            }
            if s.licence.trim().is_empty() {
                problems.push(format!("{at}: licence is missing"));
            }
            let mut context = ExpressionContext::default();
            if let Some(c) = &s.context {
                if !matches!(s.format, Format::Expressions | Format::Ut1) {
                    problems.push(format!(
                        "{at}: `context` is only for format = \"expressions\" or \"ut1\""
                    ));
                }
                if kind != SourceKind::Block {
                    problems.push(format!("{at}: `context` is only for block sources"));
                }
                match read_context(&dir.join(c)) {
                    Ok(ctx) => context = ctx,
                    Err(errs) => problems.extend(errs.into_iter().map(|e| format!("{at}: {e}"))),
                }
            }
            sources.push(Source {
                name: s.name,
                category: s.category,
                kind,
                format: s.format,
                path: s.path,
                upstream: s.upstream,
                licence: s.licence,
                attribution: s.attribution,
                bands,
                files: s.files,
                local: s.local,
                context_path: s.context,
                context,
            });
        }
        if sources.is_empty() {
            problems.push(format!("{shown}: no [[source]] entries"));
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        Ok(Registry {
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
            categories,
            policy,
            policy_file: raw.policy.as_ref().map(|p| dir.join(p)),
            sources,
            names: raw.names,
            comments: raw.comments,
        })
    }
}

/// Reads a context list: one word, phrase (`sex-ed`) or host suffix
/// (`.nhs.uk`) a line, each followed by `#` and the reason. Every problem
/// is returned, as `file:line: what`.
pub fn read_context(path: &Path) -> Result<ExpressionContext, Vec<String>> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![format!("cannot read context list {shown}: {e}")])?;
    let mut context = ExpressionContext::default();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (entry, reason) = line.split_once('#').unwrap_or((line, ""));
        if reason.trim().is_empty() {
            problems.push(format!(
                "{shown}:{}: {:?} needs a reason after `#`",
                i + 1,
                entry.trim()
            ));
            continue;
        }
        match parse_context_entry(entry) {
            Ok(e) => context.add(e),
            Err(e) => problems.push(format!("{shown}:{}: {e}", i + 1)),
        }
    }
    if problems.is_empty() && context.is_empty() {
        problems.push(format!("context list {shown} has no entries"));
    }
    if problems.is_empty() {
        Ok(context)
    } else {
        Err(problems)
    }
}

fn kind_word(k: SourceKind) -> &'static str {
    match k {
        SourceKind::Block => "block",
        SourceKind::Allow => "allow",
    }
}
