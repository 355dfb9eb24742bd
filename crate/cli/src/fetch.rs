//! Getting a source's bytes: from the project's own files, a mirror
//! directory laid out like `shared/data`, or the upstream address.
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::parse::ut1_file_format;
use crate::registry::{Format, Registry, Source};

/// Largest file accepted from a download or the disk (after gunzip).
pub const MAX_INPUT: u64 = 512 << 20;

/// Where an input came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The project's own file, next to the registry.
    Project,
    /// The mirror directory.
    Mirror,
    /// Downloaded from `upstream`.
    Download,
}

impl Origin {
    /// One word for reports.
    pub fn word(self) -> &'static str {
        match self {
            Origin::Project => "project",
            Origin::Mirror => "mirror",
            Origin::Download => "download",
        }
    }
}

/// One file of a source, read into memory.
#[derive(Clone, Debug)]
pub struct Input {
    /// File path or URL, used in `file:line: reason` messages.
    pub label: String,
    /// How to read it.
    pub format: Format,
    /// The (decompressed) bytes.
    pub bytes: Vec<u8>,
    /// Where it came from.
    pub origin: Origin,
}

/// Reads sources; downloads are made with one shared HTTP agent.
pub struct Fetcher {
    mirror: Option<PathBuf>,
    offline: bool,
    agent: ureq::Agent,
}

/// A gzip stream starts with these bytes; anything else is read as is.
fn maybe_gunzip(bytes: Vec<u8>, label: &str) -> Result<Vec<u8>, String> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() * 4);
    flate2::read::MultiGzDecoder::new(&bytes[..])
        .take(MAX_INPUT + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("{label}: cannot decompress gzip data: {e}"))?;
    if out.len() as u64 > MAX_INPUT {
        return Err(format!("{label}: larger than {} MiB", MAX_INPUT >> 20));
    }
    Ok(out)
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let label = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {label}: {e}"))?;
    if meta.len() > MAX_INPUT {
        return Err(format!("{label}: larger than {} MiB", MAX_INPUT >> 20));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {label}: {e}"))?;
    maybe_gunzip(bytes, &label)
}

/// `path`, else `path.gz`, if either is a file.
fn existing(path: &Path) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path.to_path_buf());
    }
    let mut gz = path.as_os_str().to_owned();
    gz.push(".gz");
    let gz = PathBuf::from(gz);
    gz.is_file().then_some(gz)
}

/// A failed download: 404 is told apart so optional UT1 files can be absent.
enum DownloadError {
    NotFound,
    Other(String),
}

impl Fetcher {
    /// `mirror`: the directory to read from first; `offline`: never download.
    pub fn new(mirror: Option<PathBuf>, offline: bool) -> Fetcher {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(15))
            .timeout_read(Duration::from_secs(120))
            .user_agent(concat!(
                "lachan/",
                env!("CARGO_PKG_VERSION"),
                " (list compiler)"
            ))
            .build();
        Fetcher {
            mirror,
            offline,
            agent,
        }
    }

    /// The mirror directory, if any.
    pub fn mirror(&self) -> Option<&Path> {
        self.mirror.as_deref()
    }

    fn download(&self, url: &str) -> Result<Vec<u8>, DownloadError> {
        let resp = match self.agent.get(url).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(404, _)) => return Err(DownloadError::NotFound),
            Err(ureq::Error::Status(code, r)) => {
                return Err(DownloadError::Other(format!(
                    "download of {url} failed: HTTP {code} {}",
                    r.status_text()
                )))
            }
            Err(ureq::Error::Transport(t)) => {
                return Err(DownloadError::Other(format!(
                    "download of {url} failed: {t}"
                )))
            }
        };
        let mut bytes = Vec::new();
        resp.into_reader()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| DownloadError::Other(format!("download of {url} broke off: {e}")))?;
        if bytes.len() as u64 > MAX_INPUT {
            return Err(DownloadError::Other(format!(
                "download of {url} is larger than {} MiB",
                MAX_INPUT >> 20
            )));
        }
        maybe_gunzip(bytes, url).map_err(DownloadError::Other)
    }

    fn download_required(&self, url: &str) -> Result<Vec<u8>, String> {
        self.download(url).map_err(|e| match e {
            DownloadError::NotFound => format!("download of {url} failed: HTTP 404 Not Found"),
            DownloadError::Other(m) => m,
        })
    }

    /// Where a non-local source's file lives in the mirror, if it is there.
    fn in_mirror(&self, rel: &str) -> Option<PathBuf> {
        self.mirror.as_ref().map(|m| m.join(rel))
    }

    fn no_download(&self, src: &Source) -> String {
        match &self.mirror {
            Some(m) => format!(
                "{} is not in the mirror {} and downloads are off (--offline)",
                src.path,
                m.display()
            ),
            None => format!(
                "{} has no mirror and downloads are off (--offline)",
                src.path
            ),
        }
    }

    /// Reads every file of a source.
    pub fn inputs(&self, reg: &Registry, src: &Source) -> Result<Vec<Input>, String> {
        if src.format == Format::Ut1 {
            return self.ut1_inputs(reg, src);
        }
        if src.local {
            let path = reg.dir.join(&src.path);
            let found = existing(&path)
                .ok_or_else(|| format!("project list {} does not exist", path.display()))?;
            return Ok(vec![Input {
                label: found.display().to_string(),
                format: src.format,
                bytes: read_file(&found)?,
                origin: Origin::Project,
            }]);
        }
        if let Some(found) = self.in_mirror(&src.path).as_deref().and_then(existing) {
            return Ok(vec![Input {
                label: found.display().to_string(),
                format: src.format,
                bytes: read_file(&found)?,
                origin: Origin::Mirror,
            }]);
        }
        if self.offline {
            return Err(self.no_download(src));
        }
        Ok(vec![Input {
            label: src.upstream.clone(),
            format: src.format,
            bytes: self.download_required(&src.upstream)?,
            origin: Origin::Download,
        }])
    }

    /// A UT1 folder: from the project or the mirror when the folder is there
    /// (its missing default files are simply absent), else downloaded file by
    /// file from `upstream/<file>` (a 404 on a default file means absent).
    fn ut1_inputs(&self, reg: &Registry, src: &Source) -> Result<Vec<Input>, String> {
        let files = src.ut1_files();
        let folder = if src.local {
            Some((reg.dir.join(&src.path), Origin::Project))
        } else {
            self.in_mirror(&src.path)
                .filter(|p| p.is_dir())
                .map(|p| (p, Origin::Mirror))
        };
        let mut out = Vec::new();
        match folder {
            Some((dir, origin)) => {
                if !dir.is_dir() {
                    return Err(format!("UT1 folder {} does not exist", dir.display()));
                }
                for (file, required) in &files {
                    match existing(&dir.join(file)) {
                        Some(p) => out.push(Input {
                            label: p.display().to_string(),
                            format: ut1_file_format(file),
                            bytes: read_file(&p)?,
                            origin,
                        }),
                        None if *required => {
                            return Err(format!(
                                "{} has no file {file:?} (named in `files`)",
                                dir.display()
                            ))
                        }
                        None => {}
                    }
                }
                if out.is_empty() {
                    return Err(format!(
                        "UT1 folder {} has none of the files {}",
                        dir.display(),
                        files
                            .iter()
                            .map(|f| f.0.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            None => {
                if self.offline {
                    return Err(self.no_download(src));
                }
                let base = src.upstream.trim_end_matches('/');
                for (file, required) in &files {
                    let url = format!("{base}/{file}");
                    match self.download(&url) {
                        Ok(bytes) => out.push(Input {
                            label: url,
                            format: ut1_file_format(file),
                            bytes,
                            origin: Origin::Download,
                        }),
                        Err(DownloadError::NotFound) if !required => {}
                        Err(DownloadError::NotFound) => {
                            return Err(format!("download of {url} failed: HTTP 404 Not Found"))
                        }
                        Err(DownloadError::Other(m)) => return Err(m),
                    }
                }
                if out.is_empty() {
                    return Err(format!(
                        "none of the UT1 files {} exist under {base}",
                        files
                            .iter()
                            .map(|f| f.0.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// Reads a local file (or `file.gz`), decompressing gzip: for the inputs of
/// the name checks, which are never downloaded.
pub fn read_local(path: &Path) -> Result<Vec<u8>, String> {
    let found = existing(path).ok_or_else(|| format!("{}: no such file", path.display()))?;
    read_file(&found)
}
