//! `lachan verify BUNDLE --public-key KEY`: checks a published directory in
//! the order the extension does, and stops at the first problem.
use std::path::Path;

use ed25519_dalek::VerifyingKey;
use lachan_core::Bundle;

use super::manifest::Manifest;
use super::publish::sha256_hex;
use super::{keys, read, shown, sig_path, UpdateError};
use crate::util::error_kind_name;

/// Checks, in order: the manifest's signature; its format, kind and fields;
/// its version against `min_version` (a version ≤ it is refused, as a
/// reader refuses one not newer than its own); the bundle's size and
/// sha256; the bundle's signature; that the bundle opens and verifies and
/// holds what its kind says. Returns the manifest and the bundle.
pub fn check(
    bundle_path: &Path,
    manifest_path: &Path,
    key: &VerifyingKey,
    min_version: Option<u64>,
) -> Result<(Manifest, Bundle), UpdateError> {
    let manifest_bytes = read(manifest_path)?;
    let msig = sig_path(manifest_path);
    keys::check(key, manifest_path, &manifest_bytes, &msig, &read(&msig)?)?;
    let m = Manifest::parse(&shown(manifest_path), &manifest_bytes)?;
    if let Some(current) = min_version {
        if m.version <= current {
            return Err(UpdateError::VersionNotNewer {
                file: shown(manifest_path),
                version: m.version,
                current,
            });
        }
    }
    let bytes = read(bundle_path)?;
    if bytes.len() as u64 != m.size {
        return Err(UpdateError::Size {
            file: shown(bundle_path),
            expected: m.size,
            actual: bytes.len() as u64,
        });
    }
    let actual = sha256_hex(&bytes);
    if actual != m.sha256 {
        return Err(UpdateError::Checksum {
            file: shown(bundle_path),
            expected: m.sha256,
            actual,
        });
    }
    let bsig = sig_path(bundle_path);
    keys::check(key, bundle_path, &bytes, &bsig, &read(&bsig)?)?;
    let bad = |e: lachan_core::Error| UpdateError::Bundle {
        file: shown(bundle_path),
        why: format!("[{}] {e}", error_kind_name(e.kind())),
    };
    let bundle = Bundle::from_bytes(bytes).map_err(bad)?;
    bundle.verify().map_err(bad)?;
    let info = bundle.info();
    if m.kind == "hashes" && (!info.has_hashes || info.keys > 0) {
        return Err(UpdateError::Bundle {
            file: shown(bundle_path),
            why: "the manifest says kind \"hashes\", but the bundle is not one of image \
                  hashes only"
                .into(),
        });
    }
    Ok((m, bundle))
}

/// The manifest beside a bundle: `manifest.json` in its directory.
pub fn default_manifest(bundle_path: &Path) -> std::path::PathBuf {
    bundle_path
        .parent()
        .map_or_else(|| Path::new(".").into(), Path::to_path_buf)
        .join(super::MANIFEST_FILE)
}

/// The lines `lachan verify` prints about a signed update, before the
/// bundle's own facts.
pub fn describe(m: &Manifest, manifest_path: &Path) -> Vec<String> {
    let mut lines = vec![
        format!(
            "  manifest {}: format {}, kind {}, version {}, created {}, for extension {} or later",
            manifest_path.display(),
            m.format,
            m.kind,
            m.version,
            m.created,
            m.min_extension_version
        ),
        format!("  sha256 {}, {} bytes", m.sha256, m.size),
    ];
    for s in &m.sources {
        let mut line = format!("  source {}: {}", s.name, s.licence);
        if !s.url.is_empty() {
            line.push_str(&format!(", {}", s.url));
        }
        if !s.attribution.is_empty() {
            line.push_str(&format!(" — {}", s.attribution));
        }
        lines.push(line);
    }
    lines
}
