//! The error type of the PDQ crate: opaque, with a public kind and a
//! message that says what went wrong (the same style as the core's).
use core::fmt;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Width or height is zero.
    EmptyImage,
    /// The pixel buffer length does not match `width * height * bytes_per_pixel`.
    BufferSize {
        /// Expected length in bytes.
        expected: usize,
        /// Actual length in bytes.
        actual: usize,
    },
    /// `width * height * bytes_per_pixel` overflows the address space.
    ImageTooLarge,
    /// A hash string is not 64 hex digits; the message says why.
    InvalidHex,
    /// The index bytes do not start with [`INDEX_MAGIC`](crate::INDEX_MAGIC).
    NotAnIndex,
    /// The index was written by another format version.
    Version {
        /// The version this build reads.
        expected: u32,
        /// The version found in the bytes.
        got: u32,
    },
    /// The index bytes are truncated or inconsistent; the message says where.
    Corrupt,
    /// Too many entries (or too much text) for the index format (limit 2³²−1).
    IndexTooLarge,
}

/// An error from hashing, parsing or index loading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn corrupt(why: &str) -> Error {
        Error::new(ErrorKind::Corrupt, format!("corrupt PDQ index: {why}"))
    }

    pub(crate) fn too_large() -> Error {
        Error::new(ErrorKind::IndexTooLarge, "too many entries for a PDQ index")
    }

    /// The kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
