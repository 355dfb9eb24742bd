/*!
The `lachan` list compiler and checker, as a library.

* [`registry`] — `lists/registry.toml`: the source lists, their category,
  format, upstream address and licence.
* [`parse`] — line parsers for plain domains, hosts files, UT1 folders,
  Adblock `||domain^` rules, URL lists and expressions.
* [`fetch`] — reading a source from the project, a mirror directory or its
  upstream address (HTTP(S), gzip decompressed transparently).
* [`build`] — `lachan build`: compile everything into one bundle, report
  per source and per category, write atomically.
* [`commands`] — `lachan check` and `lachan verify`.
* [`names`] — the brand index, look-alike names and host-name model
  sections, derived from the lists at build time.
* [`update`] — `lachan keygen`, `lachan publish` and signed `lachan verify`:
  Ed25519 keys, the signed manifest, the published directory.
* [`eval`] — `lachan eval`: held-out recall and benign false positives of
  the whole engine, per category and age band.

The binary (`src/main.rs`) is only the command-line front.
*/
#![forbid(unsafe_code)]

pub mod build;
pub mod commands;
pub mod eval;
pub mod fetch;
pub mod lines;
pub mod names;
pub mod parse;
pub mod registry;
pub mod update;
pub mod util;
