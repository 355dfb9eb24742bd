//! `lachan check` and `lachan verify`.
use std::io::Write;
use std::path::{Path, PathBuf};

use lachan_core::{counts_by_category, AgeBand, Bundle, Engine, MatchKind, SourceKind, Verdict};

use crate::util::{error_kind_name, human_bytes, thousands};

/// A command failure: the exit code and the message for stderr.
#[derive(Debug)]
pub struct CmdError {
    /// 1 = the file is bad, 2 = usage (missing file, bad option); 0 = the
    /// reader of stdout went away (nothing to report).
    pub code: i32,
    /// What went wrong and what to do.
    pub message: String,
}

impl CmdError {
    fn usage(message: impl Into<String>) -> CmdError {
        CmdError {
            code: 2,
            message: message.into(),
        }
    }

    fn bad(message: impl Into<String>) -> CmdError {
        CmdError {
            code: 1,
            message: message.into(),
        }
    }
}

/// A closed pipe (`lachan verify | head`) is not an error: stop quietly.
fn io_err(e: std::io::Error) -> CmdError {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return CmdError {
            code: 0,
            message: String::new(),
        };
    }
    CmdError::bad(format!("cannot write output: {e}"))
}

/// Reads a bundle file; a missing file is a usage error that says how to
/// make one, a bad one a typed error (`[truncated] …`).
pub fn open_bundle(path: &Path, verify: bool) -> Result<Bundle, CmdError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CmdError::usage(format!(
                "no bundle at {}: run `lachan build` first (or pass --bundle FILE)",
                path.display()
            )))
        }
        Err(e) => {
            return Err(CmdError::usage(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    let typed = |e: lachan_core::Error| {
        CmdError::bad(format!(
            "{}: [{}] {e}",
            path.display(),
            error_kind_name(e.kind())
        ))
    };
    let bundle = Bundle::from_bytes(bytes).map_err(typed)?;
    if verify {
        bundle.verify().map_err(typed)?;
    }
    Ok(bundle)
}

/// A policy layer file: JSON, or TOML when the name ends in `.toml`.
fn read_policy(path: &Path) -> Result<String, CmdError> {
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    if is_toml {
        let v = crate::registry::toml_file_to_json(path).map_err(CmdError::usage)?;
        return Ok(v.to_string());
    }
    std::fs::read_to_string(path)
        .map_err(|e| CmdError::usage(format!("cannot read policy {}: {e}", path.display())))
}

/// What `lachan check` was asked to do.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// The bundle file.
    pub bundle: PathBuf,
    /// URLs to check.
    pub urls: Vec<String>,
    /// Age band (default: the policy's).
    pub age: Option<AgeBand>,
    /// One JSON object per URL, one per line.
    pub json: bool,
    /// Parent policy layer file.
    pub parent_policy: Option<PathBuf>,
    /// School policy layer file.
    pub school_policy: Option<PathBuf>,
}

/// The verdict as one line of JSON: the core's `Verdict` plus the `url`.
pub fn verdict_json(url: &str, v: &Verdict) -> serde_json::Value {
    let mut obj = serde_json::Map::new();
    obj.insert("url".into(), url.into());
    if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(v) {
        obj.extend(m);
    }
    serde_json::Value::Object(obj)
}

/// The verdict for people: `BLOCK  gambling  (hostsvn-gambling: domain x) — why`.
pub fn verdict_line(v: &Verdict) -> String {
    let action = v.action.to_string().to_uppercase();
    let category = v.category.as_deref().unwrap_or("-");
    let kind = match v.match_kind {
        MatchKind::Domain => "domain",
        MatchKind::UrlPrefix => "URL prefix",
        MatchKind::Expression => "expression",
        MatchKind::Custom => "own list entry",
        MatchKind::Brand => "brand",
        MatchKind::Lookalike => "look-alike of",
        MatchKind::Model => "host-name model",
        MatchKind::None => "",
    };
    if v.match_kind == MatchKind::None {
        return format!("{action:<5}  {} (age {})", v.reason, v.band);
    }
    let mut line = format!("{action:<5}  {category}");
    if let (Some(src), Some(rule)) = (&v.source, &v.rule) {
        line.push_str(&format!("  ({src}: {kind} {})", shorten(rule, 60)));
    } else if let Some(score) = v.score {
        line.push_str(&format!("  ({kind}, score {score:.3})"));
    }
    line.push_str(&format!(" — {}", v.reason));
    line
}

/// Long expressions are cut for people; `--json` has them whole.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// `lachan check`: prints a verdict per URL. Exit code 0 whatever the verdicts.
pub fn check(opts: &CheckOptions, out: &mut dyn Write) -> Result<(), CmdError> {
    if opts.urls.is_empty() {
        return Err(CmdError::usage("no URL given: lachan check URL..."));
    }
    let bundle = open_bundle(&opts.bundle, true)?;
    let mut engine = Engine::new(bundle)
        .map_err(|e| CmdError::bad(format!("{}: {e}", opts.bundle.display())))?;
    let parent = opts.parent_policy.as_deref().map(read_policy).transpose()?;
    let school = opts.school_policy.as_deref().map(read_policy).transpose()?;
    if parent.is_some() || school.is_some() {
        for w in engine.set_policy(parent.as_deref(), school.as_deref()) {
            eprintln!("warning: policy: {w}");
        }
    }
    for url in &opts.urls {
        let v = engine.check_url(url, opts.age);
        if opts.json {
            writeln!(out, "{}", verdict_json(url, &v)).map_err(io_err)?;
        } else {
            writeln!(out, "{url}").map_err(io_err)?;
            writeln!(out, "  {}", verdict_line(&v)).map_err(io_err)?;
            if let Some(m) = &v.matched_url {
                writeln!(out, "  (matched the address carried inside it: {m})").map_err(io_err)?;
            }
        }
    }
    Ok(())
}

/// `lachan posts`: judges each line of `input` as one short post (a
/// comment, a reply) with the bundle's phrases and comment model, as the
/// extension does on comment pages.
pub fn posts(
    bundle: &Path,
    age: Option<AgeBand>,
    json: bool,
    input: &mut dyn std::io::BufRead,
    out: &mut dyn Write,
) -> Result<(), CmdError> {
    let engine = Engine::new(open_bundle(bundle, true)?)
        .map_err(|e| CmdError::bad(format!("{}: {e}", bundle.display())))?;
    if !engine.has_phrases() {
        return Err(CmdError::bad(format!(
            "{}: the bundle has no page-text phrases, so no post can be judged",
            bundle.display()
        )));
    }
    if !engine.has_comment_model() && !json {
        writeln!(
            out,
            "(this bundle has no comment model: phrases alone judge posts)"
        )
        .map_err(io_err)?;
    }
    let mut line = String::new();
    loop {
        line.clear();
        let n = input
            .read_line(&mut line)
            .map_err(|e| CmdError::usage(format!("cannot read the posts: {e}")))?;
        if n == 0 {
            break;
        }
        let line = line.trim_end_matches(['\n', '\r']).to_string();
        let v = engine.check_comments(&[line.as_str()], age).remove(0);
        if json {
            let mut j = serde_json::to_value(&v).unwrap_or_default();
            j["text"] = serde_json::Value::String(line);
            writeln!(out, "{j}").map_err(io_err)?;
        } else {
            let why = match (&v.category, v.model_permille) {
                (Some(c), Some(p)) => format!(
                    "{c}, phrases {}, model {:.1}%",
                    v.phrase_score,
                    f64::from(p) / 10.0
                ),
                (Some(c), None) => format!("{c}, phrases {}", v.phrase_score),
                (None, Some(p)) => format!("model {:.1}%", f64::from(p) / 10.0),
                (None, None) => String::new(),
            };
            let mark = if v.mask { "MASK " } else { "show " };
            writeln!(
                out,
                "{mark} {line}{}",
                if why.is_empty() {
                    String::new()
                } else {
                    format!("  ({why})")
                }
            )
            .map_err(io_err)?;
        }
    }
    Ok(())
}

/// How `lachan verify` checks a published update (`--public-key`).
#[derive(Clone, Debug, Default)]
pub struct SignedCheck {
    /// The public key: a file, or its base64 text.
    pub public_key: String,
    /// The manifest [default: manifest.json beside the bundle].
    pub manifest: Option<PathBuf>,
    /// Refuse a version less than or equal to this.
    pub min_version: Option<u64>,
}

/// `lachan verify`: opens the bundle, checks the checksum and prints its
/// facts; with `signed`, first checks both signatures, the manifest and the
/// checksum it names (see [`crate::update::verify::check`]).
pub fn verify(
    path: &Path,
    json: bool,
    signed: Option<&SignedCheck>,
    out: &mut dyn Write,
) -> Result<(), CmdError> {
    let mut manifest = None;
    if let Some(sc) = signed {
        let update = |e: crate::update::UpdateError| CmdError {
            code: e.exit_code(),
            message: e.to_string(),
        };
        let key = crate::update::keys::read_public(&sc.public_key).map_err(update)?;
        let mpath = sc
            .manifest
            .clone()
            .unwrap_or_else(|| crate::update::verify::default_manifest(path));
        let (m, _) =
            crate::update::verify::check(path, &mpath, &key, sc.min_version).map_err(update)?;
        manifest = Some((m, mpath));
    }
    let bundle = open_bundle(path, true)?;
    let info = bundle.info();
    let by_cat = counts_by_category(&info);
    if json {
        let mut v = serde_json::json!({
            "ok": true,
            "file": path.display().to_string(),
            "info": info,
            "by_category": by_cat,
        });
        if let Some((m, _)) = &manifest {
            v["manifest"] = serde_json::to_value(m).unwrap_or_default();
        }
        writeln!(out, "{v}").map_err(io_err)?;
        return Ok(());
    }
    let w = out;
    let p = |w: &mut dyn Write, s: String| writeln!(w, "{s}").map_err(io_err);
    match &manifest {
        Some((m, mpath)) => {
            p(
                w,
                format!(
                    "{}: OK (manifest and bundle signatures, size and sha256 verified)",
                    path.display()
                ),
            )?;
            for line in crate::update::verify::describe(m, mpath) {
                p(w, line)?;
            }
        }
        None => p(w, format!("{}: OK (checksum verified)", path.display()))?,
    }
    p(
        w,
        format!(
            "  format version {}, written by {}",
            info.version, info.generator
        ),
    )?;
    p(
        w,
        format!(
            "  size {} ({} bytes), {} keys (host index {}), {} expressions",
            human_bytes(info.size),
            thousands(info.size),
            thousands(info.keys),
            human_bytes(info.fst_size),
            thousands(info.expressions as u64)
        ),
    )?;
    p(
        w,
        format!(
            "  page-text phrases: {}, image hashes: {}",
            if info.has_phrases { "yes" } else { "no" },
            if info.has_hashes { "yes" } else { "no" }
        ),
    )?;
    p(w, format!("Categories ({}):", info.categories.len()))?;
    let cw = info
        .categories
        .iter()
        .map(|c| c.key.len())
        .max()
        .unwrap_or(0);
    for c in &info.categories {
        let n = by_cat.get(&c.key).copied().unwrap_or(0);
        p(w, format!("  {:cw$}  {:>10}", c.key, thousands(n)))?;
    }
    p(w, format!("Sources ({}):", info.sources.len()))?;
    let sw = info.sources.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let cw = info
        .sources
        .iter()
        .map(|s| s.category.len())
        .max()
        .unwrap_or(0);
    let lw = info
        .sources
        .iter()
        .map(|s| s.licence.len())
        .max()
        .unwrap_or(0);
    for s in &info.sources {
        let kind = match s.kind {
            SourceKind::Block => "block",
            SourceKind::Allow => "allow",
        };
        let bands = if s.bands.is_empty() {
            String::new()
        } else {
            format!(
                " [ages {}]",
                s.bands
                    .iter()
                    .map(|b| b.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        p(
            w,
            format!(
                "  {:sw$}  {:cw$}  {kind}  {:>10}  {:lw$}  {}{bands}",
                s.name,
                s.category,
                thousands(s.entries),
                s.licence,
                s.upstream
            ),
        )?;
    }
    Ok(())
}
