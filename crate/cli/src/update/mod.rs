//! Signed updates: `lachan keygen`, `lachan publish` and the signed form of
//! `lachan verify`. The formats are documented for publishers in
//! `docs/updates.md`:
//!
//! * [`keys`] — the Ed25519 key pair (one line of base64 each), signatures.
//! * [`manifest`] — `manifest.json`: format, kind, version, checksum, size,
//!   creation time, minimum extension version, sources and licences.
//! * [`publish`] — build (or take hash lists), sign, write the directory.
//! * [`verify`] — check a published directory as the extension will.
pub mod keys;
pub mod manifest;
pub mod publish;
pub mod verify;

/// File names inside a published directory.
pub const BUNDLE_FILE: &str = "lachan.lcb";
/// The manifest's file name; its signature is this plus [`SIG_EXT`].
pub const MANIFEST_FILE: &str = "manifest.json";
/// Appended to a file's name for its detached signature.
pub const SIG_EXT: &str = ".sig";
/// The secret key's file name in the `keygen` directory.
pub const SECRET_FILE: &str = "lachan-update.key";
/// The public key's file name in the `keygen` directory.
pub const PUBLIC_FILE: &str = "lachan-update.pub";

/// Why an update could not be made or was refused. Each names the file and
/// what is wrong; [`UpdateError::kind`] is the short tag printed in
/// brackets (and matched by tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpdateError {
    /// A key cannot be read, or is not one line of standard base64.
    KeyUnreadable { path: String, why: String },
    /// A key decodes to other than 32 bytes.
    KeyLength { path: String, len: usize },
    /// `keygen` would overwrite a key.
    KeyExists { path: String },
    /// A signature file cannot be read or is not a base64 Ed25519 signature.
    SignatureUnreadable { path: String, why: String },
    /// The signature does not match the file under this public key.
    BadSignature { file: String, signature: String },
    /// The bundle's sha256 is not the manifest's.
    Checksum {
        file: String,
        expected: String,
        actual: String,
    },
    /// The bundle's size is not the manifest's.
    Size {
        file: String,
        expected: u64,
        actual: u64,
    },
    /// The manifest's format (or kind) is not one this build reads.
    UnknownFormat { file: String, why: String },
    /// The manifest is not the JSON object the format describes.
    Manifest { file: String, why: String },
    /// The version is not newer than the one given or already published.
    VersionNotNewer {
        file: String,
        version: u64,
        current: u64,
    },
    /// The bundle does not open or verify in the engine.
    Bundle { file: String, why: String },
    /// A hash list yields no usable hash.
    HashList { why: String },
    /// A file cannot be read or written.
    Io { path: String, why: String },
    /// A bad option.
    Usage(String),
}

impl UpdateError {
    /// The short tag: `bad-signature`, `checksum`, `size`, `format`, …
    pub fn kind(&self) -> &'static str {
        match self {
            UpdateError::KeyUnreadable { .. } => "key",
            UpdateError::KeyLength { .. } => "key-length",
            UpdateError::KeyExists { .. } => "key-exists",
            UpdateError::SignatureUnreadable { .. } => "signature",
            UpdateError::BadSignature { .. } => "bad-signature",
            UpdateError::Checksum { .. } => "checksum",
            UpdateError::Size { .. } => "size",
            UpdateError::UnknownFormat { .. } => "format",
            UpdateError::Manifest { .. } => "manifest",
            UpdateError::VersionNotNewer { .. } => "version",
            UpdateError::Bundle { .. } => "bundle",
            UpdateError::HashList { .. } => "hash-list",
            UpdateError::Io { .. } => "io",
            UpdateError::Usage(_) => "usage",
        }
    }

    /// 2 for what the person asked wrongly (a missing file, an option, an
    /// existing key), 1 for a file that is bad.
    pub fn exit_code(&self) -> i32 {
        match self {
            UpdateError::KeyExists { .. } | UpdateError::Io { .. } | UpdateError::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl std::fmt::Display for UpdateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let k = self.kind();
        match self {
            UpdateError::KeyUnreadable { path, why } => {
                write!(f, "{path}: [{k}] cannot read the key: {why}")
            }
            UpdateError::KeyLength { path, len } => write!(
                f,
                "{path}: [{k}] the key is {len} bytes, an Ed25519 key is 32 (one line of \
                 base64, 44 characters, as `lachan keygen` writes it)"
            ),
            UpdateError::KeyExists { path } => write!(
                f,
                "{path}: [{k}] a key is already there; it is not overwritten (move it away \
                 first, or choose another --out)"
            ),
            UpdateError::SignatureUnreadable { path, why } => {
                write!(f, "{path}: [{k}] not a signature: {why}")
            }
            UpdateError::BadSignature { file, signature } => write!(
                f,
                "{file}: [{k}] the signature {signature} does not match: the file was \
                 changed after signing, or signed with another key"
            ),
            UpdateError::Checksum {
                file,
                expected,
                actual,
            } => write!(
                f,
                "{file}: [{k}] sha256 is {actual}, the manifest says {expected}: the file \
                 was changed or is not the one the manifest names"
            ),
            UpdateError::Size {
                file,
                expected,
                actual,
            } => write!(
                f,
                "{file}: [{k}] {actual} bytes, the manifest says {expected}: the file is \
                 incomplete or not the one the manifest names"
            ),
            UpdateError::UnknownFormat { file, why } => write!(f, "{file}: [{k}] {why}"),
            UpdateError::Manifest { file, why } => write!(f, "{file}: [{k}] {why}"),
            UpdateError::VersionNotNewer {
                file,
                version,
                current,
            } => write!(
                f,
                "{file}: [{k}] version {version} is not newer than {current}: versions only \
                 go up, never back (no rollback)"
            ),
            UpdateError::Bundle { file, why } => write!(f, "{file}: [{k}] {why}"),
            UpdateError::HashList { why } => write!(f, "[{k}] {why}"),
            UpdateError::Io { path, why } => write!(f, "{path}: [{k}] {why}"),
            UpdateError::Usage(m) => write!(f, "[{k}] {m}"),
        }
    }
}

impl std::error::Error for UpdateError {}

/// `path` for messages.
pub(crate) fn shown(path: &std::path::Path) -> String {
    path.display().to_string()
}

/// `path` with [`SIG_EXT`] appended to its name.
pub fn sig_path(path: &std::path::Path) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(SIG_EXT);
    std::path::PathBuf::from(s)
}

/// Reads a whole file; a failure names the file.
pub(crate) fn read(path: &std::path::Path) -> Result<Vec<u8>, UpdateError> {
    std::fs::read(path).map_err(|e| UpdateError::Io {
        path: shown(path),
        why: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".into(),
            _ => format!("cannot read it: {e}"),
        },
    })
}
