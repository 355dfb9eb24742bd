//! The error type of the text crate: opaque, with a public kind and a
//! message that says what went wrong (the same style as the core's).
use std::fmt;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The bytes do not start with the format's magic (not a phrase set,
    /// not a comment model).
    BadMagic,
    /// The bytes were written by another format version.
    Version {
        /// The version this build reads.
        expected: u32,
        /// The version found in the bytes.
        got: u32,
    },
    /// The bytes end too early (or declare impossible sizes).
    Truncated,
    /// The checksum does not match: the bytes are corrupt.
    Checksum,
    /// The checksum matches but the content is malformed (invalid UTF-8,
    /// an unknown category number, trailing bytes, a model of another size).
    Corrupt,
    /// An invalid rule (the message names its origin) or an automaton build failure.
    Rule,
}

/// An error from compiling or loading a phrase set or a comment model.
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

    pub(crate) fn bad_magic(what: &str) -> Error {
        Error::new(ErrorKind::BadMagic, format!("not a Lá Chắn {what}"))
    }

    pub(crate) fn version(what: &str, expected: u16, got: u16) -> Error {
        Error::new(
            ErrorKind::Version {
                expected: expected.into(),
                got: got.into(),
            },
            format!("unsupported {what} version {got} (this build reads version {expected})"),
        )
    }

    pub(crate) fn truncated(what: &str) -> Error {
        Error::new(ErrorKind::Truncated, format!("{what} is truncated"))
    }

    pub(crate) fn checksum(what: &str) -> Error {
        Error::new(
            ErrorKind::Checksum,
            format!("{what} checksum mismatch (corrupt)"),
        )
    }

    pub(crate) fn corrupt(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Corrupt, message)
    }

    pub(crate) fn rule(message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Rule, format!("invalid rule: {message}"))
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
