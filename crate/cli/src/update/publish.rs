//! `lachan publish`: build the bundle (or one of image hashes only), sign
//! it, write it with its manifest into a directory any static HTTPS server
//! can serve.
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use lachan_core::{Bundle, BundleBuilder, Engine};
use lachan_pdq::{HashIndex, HashIndexBuilder};
use sha2::{Digest, Sha256};

use super::manifest::{self, Manifest, ManifestSource};
use super::{keys, shown, sig_path, UpdateError, BUNDLE_FILE, MANIFEST_FILE};
use crate::build::{build, write_atomically, BuildError, BuildOptions, BuildReport};

/// The image-hash section's tag.
const PDQI: [u8; 4] = *b"PDQI";

/// What `lachan publish` was asked to do.
#[derive(Clone, Debug)]
pub struct PublishOptions {
    /// How to build the lists (its `out` and `dry_run` are ignored).
    pub build: BuildOptions,
    /// The secret key file.
    pub key: PathBuf,
    /// The directory to publish into.
    pub out: PathBuf,
    /// The new version: greater than any published in `out` before.
    pub version: u64,
    /// Hash-list files for the image-hash section.
    pub hashes: Vec<PathBuf>,
    /// A bundle with only the image-hash section (no lists are read).
    pub hashes_only: bool,
    /// The licence or terms the hash lists come under, for the manifest.
    pub hashes_licence: String,
    /// Extensions older than this refuse the update.
    pub min_extension: String,
}

/// What was published.
#[derive(Debug)]
pub struct Published {
    /// The manifest written.
    pub manifest: Manifest,
    /// The bundle file written.
    pub bundle: PathBuf,
    /// The list build's report (none for `--hashes-only`).
    pub report: Option<BuildReport>,
    /// Rejected hash-list lines (`file:line: reason`), already printed.
    pub warnings: Vec<String>,
    /// Hashes taken from the `--hashes` files.
    pub hashes: usize,
}

/// Publishes: checks the key and version first (nothing is built for a
/// refused version), then builds, signs and writes the bundle, its
/// signature, the manifest and its signature, each atomically and the
/// manifest last; then checks the directory as a reader would.
pub fn publish(opts: &PublishOptions) -> Result<Published, UpdateError> {
    let key = keys::read_secret(&opts.key)?;
    if opts.version == 0 || opts.version > manifest::MAX_VERSION {
        return Err(UpdateError::Usage(format!(
            "--version {} is outside 1..={}",
            opts.version,
            manifest::MAX_VERSION
        )));
    }
    if manifest::parse_semver(&opts.min_extension).is_none() {
        return Err(UpdateError::Usage(format!(
            "--min-extension {:?} is not X.Y.Z",
            opts.min_extension
        )));
    }
    if opts.hashes_only && opts.hashes.is_empty() {
        return Err(UpdateError::Usage(
            "--hashes-only needs at least one --hashes FILE".into(),
        ));
    }
    let manifest_path = opts.out.join(MANIFEST_FILE);
    if let Some(current) = published_version(&manifest_path)? {
        if opts.version <= current {
            return Err(UpdateError::VersionNotNewer {
                file: shown(&manifest_path),
                version: opts.version,
                current,
            });
        }
    }

    let mut warnings = Vec::new();
    let mut hashes = HashIndexBuilder::new();
    let taken = read_hash_lists(&opts.hashes, &mut hashes, &mut warnings)?;
    let bundle_path = opts.out.join(BUNDLE_FILE);
    let (bytes, report) = if opts.hashes_only {
        (hashes_bundle(hashes)?, None)
    } else {
        let mut b = opts.build.clone();
        b.out = bundle_path.clone();
        b.dry_run = true;
        let mut report = build(&b).map_err(|e| match e {
            BuildError::Config(m) => UpdateError::Usage(m),
            BuildError::Failed(m) => UpdateError::Bundle {
                file: shown(&bundle_path),
                why: format!("build failed: {m}"),
            },
        })?;
        let bytes = report.bytes.take().expect("a dry run returns the bytes");
        let bytes = if opts.hashes.is_empty() {
            bytes
        } else {
            with_hashes(&bundle_path, bytes, hashes)?
        };
        (bytes, Some(report))
    };
    let bundle_err = |why: String| UpdateError::Bundle {
        file: shown(&bundle_path),
        why,
    };
    // Never publish what the engine cannot open.
    let engine = Engine::from_bytes(bytes.clone())
        .map_err(|e| bundle_err(format!("the new bundle does not open: {e}")))?;
    engine
        .bundle()
        .verify()
        .map_err(|e| bundle_err(format!("the new bundle does not verify: {e}")))?;

    let mut sources = bundle_sources(engine.bundle());
    for p in &opts.hashes {
        sources.push(ManifestSource {
            name: p
                .file_name()
                .map_or_else(|| shown(p), |n| n.to_string_lossy().into_owned()),
            licence: opts.hashes_licence.clone(),
            url: String::new(),
            attribution: String::new(),
        });
    }
    let m = Manifest {
        format: manifest::FORMAT,
        kind: if opts.hashes_only { "hashes" } else { "bundle" }.into(),
        version: opts.version,
        file: BUNDLE_FILE.into(),
        sha256: sha256_hex(&bytes),
        size: bytes.len() as u64,
        created: manifest::rfc3339_utc(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        ),
        min_extension_version: opts.min_extension.clone(),
        sources,
    };
    let manifest_bytes = m.to_bytes();
    let writes = [
        (bundle_path.clone(), bytes.clone()),
        (
            sig_path(&bundle_path),
            keys::sign(&key, &bytes).into_bytes(),
        ),
        (manifest_path.clone(), manifest_bytes.clone()),
        (
            sig_path(&manifest_path),
            keys::sign(&key, &manifest_bytes).into_bytes(),
        ),
    ];
    for (path, data) in &writes {
        write_atomically(path, data).map_err(|e| UpdateError::Io {
            path: shown(path),
            why: format!("cannot write it: {e}"),
        })?;
    }
    // What a reader will do, on what was written.
    super::verify::check(&bundle_path, &manifest_path, &key.verifying_key(), None)?;
    Ok(Published {
        manifest: m,
        bundle: bundle_path,
        report,
        warnings,
        hashes: taken,
    })
}

/// The version of the manifest already in the directory, if any. One that
/// cannot be read is refused rather than overwritten blindly: its version
/// is what keeps the next one newer.
fn published_version(path: &Path) -> Result<Option<u64>, UpdateError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(UpdateError::Io {
                path: shown(path),
                why: format!("cannot read the published manifest: {e}"),
            })
        }
    };
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("version").and_then(serde_json::Value::as_u64))
        .map(Some)
        .ok_or_else(|| UpdateError::Manifest {
            file: shown(path),
            why: "the manifest already published here has no readable version; move it \
                  away to publish into this directory"
                .into(),
        })
}

/// Reads hash-list files into `index`: bad lines are reported (on stderr as
/// they are found, and in `warnings`) as `file:line: reason` and left out,
/// the good ones kept. Fails if a file
/// cannot be read or if the files hold no usable hash at all.
pub fn read_hash_lists(
    files: &[PathBuf],
    index: &mut HashIndexBuilder,
    warnings: &mut Vec<String>,
) -> Result<usize, UpdateError> {
    let mut taken = 0;
    for path in files {
        let raw = super::read(path)?;
        let (text, problems, _) = crate::lines::decode(&raw);
        let list = lachan_pdq::parse_hash_list(&text);
        let mut found: Vec<(usize, String)> = problems;
        found.extend(list.errors.iter().map(|e| (e.line, e.reason.clone())));
        found.sort_by_key(|f| f.0);
        let mut report = |w: String| {
            eprintln!("warning: {w}");
            warnings.push(w);
        };
        for (line, why) in found {
            report(format!("{}:{line}: {why}", path.display()));
        }
        if list.entries.is_empty() {
            report(format!("{}: no usable hash", path.display()));
        }
        taken += list.entries.len();
        index.add_list(&list).map_err(|e| UpdateError::HashList {
            why: format!("{}: {e}", path.display()),
        })?;
    }
    if !files.is_empty() && taken == 0 {
        return Err(UpdateError::HashList {
            why: format!(
                "no usable hash in {}; nothing published",
                files
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    Ok(taken)
}

/// A bundle of only the image-hash section: no lists, no policy (the
/// engine opens it with an empty host index; it decides no address).
fn hashes_bundle(index: HashIndexBuilder) -> Result<Vec<u8>, UpdateError> {
    let index = index.build().map_err(|e| UpdateError::HashList {
        why: format!("image-hash index: {e}"),
    })?;
    let mut b = BundleBuilder::new();
    b.set_section(PDQI, index.to_bytes());
    b.build().map_err(|e| UpdateError::HashList {
        why: format!("building the bundle failed: {e}"),
    })
}

/// The built bundle with the `--hashes` lists added to its own hashes.
fn with_hashes(
    path: &Path,
    bytes: Vec<u8>,
    mut index: HashIndexBuilder,
) -> Result<Vec<u8>, UpdateError> {
    let bad = |why: String| UpdateError::Bundle {
        file: shown(path),
        why,
    };
    let bundle = Bundle::from_bytes(bytes).map_err(|e| bad(e.to_string()))?;
    let mut merged = HashIndexBuilder::new();
    if let Some(own) = bundle.section(&PDQI) {
        let own = HashIndex::from_bytes(own).map_err(|e| bad(e.to_string()))?;
        for (h, source, id) in own.entries() {
            merged.add(h, source, id).map_err(|e| bad(e.to_string()))?;
        }
    }
    // The builder keeps no list of what was added: move it across.
    let extra = std::mem::take(&mut index)
        .build()
        .map_err(|e| bad(e.to_string()))?;
    for (h, source, id) in extra.entries() {
        merged.add(h, source, id).map_err(|e| bad(e.to_string()))?;
    }
    let merged = merged.build().map_err(|e| bad(e.to_string()))?;
    let mut b = BundleBuilder::from_bundle(&bundle).map_err(|e| bad(e.to_string()))?;
    b.set_section(PDQI, merged.to_bytes());
    b.build().map_err(|e| bad(e.to_string()))
}

/// The bundle's sources for the manifest. A build records each source's
/// address and credit as `address — credit` (see `lachan build`).
pub fn bundle_sources(bundle: &Bundle) -> Vec<ManifestSource> {
    bundle
        .sources()
        .iter()
        .map(|s| {
            let (url, attribution) = match s.upstream.split_once(" — ") {
                Some((u, a)) => (u.to_string(), a.to_string()),
                None => (s.upstream.clone(), String::new()),
            };
            ManifestSource {
                name: s.name.clone(),
                licence: s.licence.clone(),
                url,
                attribution,
            }
        })
        .collect()
}

/// sha256 as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
