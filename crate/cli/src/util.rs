//! Small formatting and path helpers.
use std::path::{Path, PathBuf};

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `3_345_678` → `3.19 MiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.2} {}", UNITS[u])
    }
}

/// The registry file that marks the workspace root.
pub const REGISTRY_REL: &str = "lists/registry.toml";

/// The workspace root: the nearest ancestor of the current directory that
/// holds `lists/registry.toml`, else of the executable (so
/// `cargo run --bin lachan` works from anywhere inside the repository, and
/// `target/release/lachan` from outside it), else the current directory.
pub fn workspace_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    if let Some(r) = find_up(&cwd) {
        return r;
    }
    if let Some(r) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().and_then(find_up))
    {
        return r;
    }
    cwd
}

fn find_up(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join(REGISTRY_REL).is_file())
        .map(Path::to_path_buf)
}

/// The default mirror: `$LACHAN_MIRROR`, else `<root>/../shared/data` when
/// it exists, else none (sources are downloaded).
pub fn default_mirror(root: &Path) -> Option<PathBuf> {
    if let Some(m) = std::env::var_os("LACHAN_MIRROR").filter(|m| !m.is_empty()) {
        return Some(PathBuf::from(m));
    }
    let shared = root.join("..").join("shared").join("data");
    shared
        .is_dir()
        .then(|| shared.canonicalize().unwrap_or(shared))
}

/// The default bundle path: `<root>/dist/lachan.lcb`.
pub fn default_bundle(root: &Path) -> PathBuf {
    root.join("dist").join("lachan.lcb")
}

/// A short name for a core error kind, for messages and tests.
pub fn error_kind_name(kind: &lachan_core::ErrorKind) -> &'static str {
    use lachan_core::ErrorKind as K;
    match kind {
        K::NotABundle => "not-a-bundle",
        K::Version { .. } => "version",
        K::Truncated => "truncated",
        K::Checksum { .. } => "checksum",
        K::Corrupt => "corrupt",
        K::Policy => "policy",
        K::Entry => "entry",
        K::Build => "build",
        _ => "error",
    }
}
