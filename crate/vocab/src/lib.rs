/*!
Lá Chắn's shared vocabulary: the few types every crate speaks of, and the
checksums of the section formats, each defined once.

* [`AgeBand`] — the four policy age bands.
* [`Action`] — what to do with a page: allow, warn or block.
* [`Category`] — the page-text (phrase) categories.
* [`checksum`] — the checksum functions of the bundle and its sections.

Every type has one wire-name convention: `as_str()` gives the name written
in policies, lists and JSON; [`FromStr`](std::str::FromStr) reads it back
(with the spellings each type documents); [`Display`](std::fmt::Display)
writes `as_str()`. With the `serde` feature the same names are used.
*/
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod checksum;
mod names;

pub use names::{Action, AgeBand, Category, UnknownName, N_CATEGORIES};
