//! The one error type of the core: opaque, with a public kind and a message
//! that says what went wrong and how to fix it.
use std::fmt;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes are not a Lá Chắn bundle (wrong magic).
    NotABundle,
    /// The bundle was written by another format version.
    Version {
        /// The version this build reads.
        expected: u32,
        /// The version found in the file.
        got: u32,
    },
    /// The bundle is shorter than its header says.
    Truncated,
    /// The checksum over the payload does not match the header.
    Checksum {
        /// The checksum stored in the header.
        expected: u64,
        /// The checksum computed over the bytes.
        got: u64,
    },
    /// A section of the bundle is malformed.
    Corrupt,
    /// A policy value is invalid.
    Policy,
    /// A list entry could not be added while building a bundle.
    Entry,
    /// Building a bundle failed.
    Build,
}

/// An error from the core.
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

    pub(crate) fn corrupt(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Corrupt, message)
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
