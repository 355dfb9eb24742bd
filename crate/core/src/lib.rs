/*!
Lá Chắn core: the decisions a parental safety filter makes, with no I/O.

Everything here works on bytes and strings handed in by a caller (the
`lachan` CLI natively, the extension's service worker through the WASM
facade), so one engine gives the same verdict everywhere.

# Overview of types

* [`Bundle`] — a checksummed, versioned file holding the category lists as
  one FST plus tables of categories and sources. Opening it is O(1): the FST
  is read in place. [`BundleBuilder`] writes one.
* [`Engine`] — a bundle plus the merged age [`Policy`]; [`Engine::check_url`]
  returns a [`Verdict`] naming the action, category, source list and rule.
* [`url::ParsedUrl`] / [`host::Host`] — WHATWG-style URL and host
  normalisation (case, trailing dot, userinfo, percent-encoding, IPv4 forms,
  IPv6, punycode) so that tricks cannot dodge a list.
* [`policy`] — age bands, per-category actions, layered overrides
  (school > parent > defaults) with validation errors that say what to fix.
* [`AgeBand`], [`Action`] — from `lachan-vocab`, shared with `lachan-text`
  (page-text scoring, [`Engine::check_text`]) and `lachan-pdq` (image
  hashes, [`Engine::check_image_rgba`]); those crates are dependencies of
  the core, used by name, not re-exported.
*/
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bundle;
pub mod context;
mod engine;
mod error;
mod explain;
mod expressions;
mod fast_path;
mod filter;
pub mod host;
mod host_index;
mod images;
mod literals;
mod matcher;
pub mod names;
mod path;
pub mod policy;
pub mod punycode;
mod text_check;
pub mod unwrap;
pub mod url;
mod verdict;

pub use bundle::{
    counts_by_category, Bundle, BundleBuilder, BundleInfo, CategoryInfo, ExportedRule, SourceInfo,
    SourceKind, TrainingInfo, FORMAT_VERSION, MAX_URL_RULE_LEN,
};
pub use engine::Engine;
pub use error::{Error, ErrorKind};
pub use images::{ImageMatch, ImageVerdict};
/// LCB64, the bundle's checksum function (see `lachan_vocab::checksum`).
pub use lachan_vocab::checksum::lcb64 as checksum;
pub use policy::{Action, AgeBand, ModelPolicy, Policy, PolicyLayer, PolicyWarning};
pub use text_check::{
    CommentCheck, PageContextInfo, TextMatch, TextPage, TextVerdict, COMMENTS_TAG, SITES_TAG,
};
pub use verdict::{MatchKind, Verdict};

#[cfg(test)]
mod tests;
