//! The bundle: one file holding everything the engine needs.
//!
//! # Format (version 2), all integers little-endian
//!
//! ```text
//! 0   magic       8 bytes  89 4C 43 42 0D 0A 1A 0A  ("\x89LCB\r\n\x1a\n": a
//!                          text-mode transfer or a truncated copy shows at once)
//! 8   version     u32      FORMAT_VERSION
//! 12  sections    u32      number of entries in the section table
//! 16  checksum    u64      LCB64 of the whole file, this field read as 0
//! 24  total_len   u64      length of the whole file
//! 32  table       sections × { tag [u8; 4], reserved u32 = 0, offset u64, len u64 }
//!     payload     the sections in table order, each 8-byte aligned, the
//!                 padding zero, the last one ending the file
//! ```
//!
//! Sections: `META` (JSON: categories, sources, expressions, default policy,
//! the section tags in table order, build facts), `HFST` (one `fst::Map` of
//! every host and URL-prefix rule, keys written with the host reversed so one
//! walk finds a host and all its parents; see [`crate::host_index`]), `CMBO`
//! (the source-id sets the FST values point at), `HFLT` (the host
//! pre-filter, [`crate::filter`]), and the optional `PHRS` (page-text
//! phrases) and `PDQI` (image-hash index), whose bytes belong to their own
//! crates.
//!
//! # Checks
//!
//! Opening checks the header, the table, and every section through its one
//! entry in [`SECTIONS`]: every index read from the bundle (source and
//! category references in `META`, offsets and counts, combination ids and
//! the source ids they hold, the FST header and root) is checked there, so
//! nothing read later can point outside the bytes. This is O(size of the
//! small sections); the FST, the large one, is only checked in its header
//! and root here. A new section gets a line in [`SECTIONS`] and a check.
//!
//! [`Bundle::verify`] checks the checksum over every byte, then walks every
//! FST key (validating every node) and compares what the builder derives
//! from the keys (the pre-filter, the key and entry counts, the order of
//! the combinations) with what the bundle says. It is meant to run once when
//! a new bundle arrives, before it replaces the last good one.
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::context::{parse_context_entry, ExpressionContext};
use crate::error::{Error, ErrorKind};
use crate::host::{normalize_host, HostKind};
use crate::host_index::{HostIndex, MAX_KEYS, MAX_KEY_LEN};
use crate::policy::AgeBand;

/// First bytes of every bundle.
pub const MAGIC: [u8; 8] = *b"\x89LCB\r\n\x1a\n";
/// The bundle format this build reads and writes. Bump it (and note it in
/// CHANGELOG.md) whenever the layout or a section's meaning changes.
pub const FORMAT_VERSION: u32 = 3;
/// Longest URL-prefix rule, in bytes of its text: a longer line is a
/// broken list, not a rule.
pub const MAX_URL_RULE_LEN: usize = 2048;

const HEADER_LEN: usize = 32;
const TABLE_ENTRY_LEN: usize = 24;
const MAX_SECTIONS: usize = 64;
/// Where the checksum sits in the header.
const CHECKSUM_AT: usize = 16;
/// Expressions are user-visible data; keep each compiled program bounded.
pub(crate) const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// One section kind this build knows: whether a bundle must have it, and
/// the one check its bytes get at open (given the decoded `META`).
struct SectionKind {
    tag: [u8; 4],
    required: bool,
    check: fn(&[u8], &Meta) -> Result<(), String>,
}

/// Every section this build knows. Sections are checked at open in table
/// order, `META` first (it is decoded before the others, which may refer
/// to it). A tag not listed here is ignored if `META` lists it (a later
/// build's optional section), refused otherwise.
const SECTIONS: &[SectionKind] = &[
    SectionKind {
        tag: *b"META",
        required: true,
        check: |_, meta| check_meta(meta),
    },
    SectionKind {
        tag: *b"HFST",
        required: true,
        check: |b, meta| crate::host_index::check(b, meta.keys).map(drop),
    },
    SectionKind {
        tag: *b"CMBO",
        required: true,
        check: |b, meta| check_combos(b, meta.sources.len()).map(drop),
    },
    SectionKind {
        tag: *b"HFLT",
        required: true,
        check: |b, meta| crate::filter::check(b, meta.keys),
    },
    SectionKind {
        tag: *b"PHRS",
        required: false,
        check: |b, _| lachan_text::PhraseSet::check_bytes(b).map_err(|e| e.to_string()),
    },
    SectionKind {
        tag: *b"PDQI",
        required: false,
        check: |b, _| lachan_pdq::HashIndex::check_bytes(b).map_err(|e| e.to_string()),
    },
];

/// Whether a source blocks or allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Entries are harmful for the source's category.
    Block,
    /// Entries are known good and win over block lists.
    Allow,
}

/// A category as stored in the bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryInfo {
    /// Stable key, e.g. `gambling`.
    pub key: String,
    /// One line saying what the category covers.
    #[serde(default)]
    pub description: String,
}

/// A source list as stored in the bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceInfo {
    /// Stable id, e.g. `hostsvn-gambling`.
    pub name: String,
    /// Category key.
    pub category: String,
    /// Block or allow.
    pub kind: SourceKind,
    /// Licence of the list, e.g. `CC-BY-SA-4.0`.
    #[serde(default)]
    pub licence: String,
    /// Attribution / upstream address.
    #[serde(default)]
    pub upstream: String,
    /// Bands the source applies to; empty means every band.
    #[serde(default)]
    pub bands: Vec<AgeBand>,
    /// Entries compiled in (filled in by the builder).
    #[serde(default)]
    pub entries: u64,
}

impl SourceInfo {
    pub(crate) fn applies_to(&self, band: AgeBand) -> bool {
        self.bands.is_empty() || self.bands.contains(&band)
    }
}

/// An expression rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpressionInfo {
    pub source: u16,
    pub pattern: String,
    /// Every match contains one of these (see `literals.rs`); `None`: the
    /// expression always runs.
    #[serde(default)]
    pub literals: Option<Vec<String>>,
}

/// The context list of an expression source (see `context.rs`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ContextInfo {
    pub source: u16,
    #[serde(flatten)]
    pub context: ExpressionContext,
}

/// The `META` section. Unknown fields are refused: a field this build does
/// not know is either damage or a newer format.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    pub generator: String,
    pub categories: Vec<CategoryInfo>,
    pub sources: Vec<SourceInfo>,
    #[serde(default)]
    pub expressions: Vec<ExpressionInfo>,
    /// Absent from older bundles: their expressions apply everywhere.
    #[serde(default)]
    pub expression_contexts: Vec<ContextInfo>,
    #[serde(default)]
    pub policy: serde_json::Value,
    #[serde(default)]
    pub keys: u64,
    /// Protected brand names for the look-alike check (see `names`).
    #[serde(default)]
    pub protected: Vec<crate::names::ProtectedName>,
    /// The source id that names look-alike verdicts, if any.
    #[serde(default)]
    pub lookalike_source: Option<u16>,
    /// The section tags in table order: the table is checked against it at
    /// open, so a section cannot vanish or change its name unseen.
    #[serde(default)]
    pub sections: Vec<String>,
    /// The data a learned section was trained on, with its licence and
    /// credit (absent from older bundles).
    #[serde(default)]
    pub trained_on: Vec<TrainingInfo>,
}

/// Data a learned section (`TMDL`) was computed from: credited like a
/// source, though none of it is matched.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingInfo {
    /// The section it made, e.g. `TMDL`.
    pub section: String,
    /// Its name, e.g. `vihos-train`.
    pub name: String,
    /// Its licence, e.g. `MIT`.
    pub licence: String,
    /// Where it comes from and whom to credit ("address — credit").
    pub upstream: String,
}

/// Facts about a bundle for `lachan verify` and the options page.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BundleInfo {
    /// Format version.
    pub version: u32,
    /// File size in bytes.
    pub size: u64,
    /// Number of FST keys (hosts and URL-prefix rules).
    pub keys: u64,
    /// Size of the FST in bytes.
    pub fst_size: u64,
    /// Who wrote it.
    pub generator: String,
    /// The categories.
    pub categories: Vec<CategoryInfo>,
    /// The sources with their entry counts.
    pub sources: Vec<SourceInfo>,
    /// Number of expression rules.
    pub expressions: usize,
    /// Whether a page-text phrase section is present.
    pub has_phrases: bool,
    /// Whether an image-hash section is present.
    pub has_hashes: bool,
    /// The data learned sections were trained on.
    pub trained_on: Vec<TrainingInfo>,
}

/// A shared, cheaply clonable view of part of the bundle bytes.
#[derive(Clone)]
pub(crate) struct Slice {
    buf: Arc<Vec<u8>>,
    start: usize,
    end: usize,
}

impl Slice {
    /// The part `[from, to)` of this slice, if in bounds.
    pub(crate) fn sub(&self, from: usize, to: usize) -> Option<Slice> {
        let start = self.start.checked_add(from)?;
        let end = self.start.checked_add(to)?;
        (start <= end && end <= self.end).then(|| Slice {
            buf: self.buf.clone(),
            start,
            end,
        })
    }

    pub(crate) fn new(buf: Arc<Vec<u8>>, start: usize, end: usize) -> Slice {
        Slice { buf, start, end }
    }
}

impl AsRef<[u8]> for Slice {
    fn as_ref(&self) -> &[u8] {
        // In range by construction (the table is checked at open).
        self.buf.get(self.start..self.end).unwrap_or(&[])
    }
}

/// An opened bundle.
pub struct Bundle {
    buf: Arc<Vec<u8>>,
    sections: Vec<([u8; 4], usize, usize)>,
    pub(crate) meta: Meta,
    pub(crate) fst: HostIndex,
    combos: Slice,
    combo_count: usize,
}

impl std::fmt::Debug for Bundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundle")
            .field("size", &self.buf.len())
            .finish_non_exhaustive()
    }
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

/// The checksum a bundle's header must hold.
/// (`lachan_vocab::checksum::lcb64_with_hole`: LCB64 of the whole file
/// with the checksum field read as zero.)
pub(crate) fn bundle_checksum(b: &[u8]) -> u64 {
    lachan_vocab::checksum::lcb64_with_hole(b, CHECKSUM_AT / 8)
}

impl Bundle {
    /// Opens a bundle over its bytes without copying. Every index read from
    /// the bundle is checked here (see the module docs); anything wrong is
    /// a typed error, never a panic. The checksum is [`Bundle::verify`]'s.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Bundle, Error> {
        let buf = Arc::new(bytes);
        let b = &buf[..];
        if b.get(..8) != Some(&MAGIC[..]) {
            return Err(Error::new(
                ErrorKind::NotABundle,
                "not a Lá Chắn bundle (bad magic bytes); build one with `lachan build`",
            ));
        }
        let (Some(version), Some(count), Some(total)) =
            (u32_at(b, 8), u32_at(b, 12), u64_at(b, 24))
        else {
            return Err(truncated(b.len(), HEADER_LEN as u64));
        };
        if version != FORMAT_VERSION {
            return Err(Error::new(
                ErrorKind::Version {
                    expected: FORMAT_VERSION,
                    got: version,
                },
                format!(
                    "bundle format version {version}, this build reads version \
                     {FORMAT_VERSION}; rebuild the bundle with this version of `lachan build`"
                ),
            ));
        }
        if (b.len() as u64) < total {
            return Err(truncated(b.len(), total));
        }
        if b.len() as u64 != total {
            return Err(Error::corrupt(format!(
                "bundle is {} bytes but its header says {total}; the file has extra bytes",
                b.len()
            )));
        }
        let sections = read_table(b, count as usize)?;
        let find = |tag: &[u8; 4]| sections.iter().find(|s| &s.0 == tag).map(|s| (s.1, s.2));
        let missing = |t: &str| Error::corrupt(format!("bundle has no {t} section; rebuild it"));
        let (ms, me) = find(b"META").ok_or_else(|| missing("META"))?;
        let meta: Meta = serde_json::from_slice(b.get(ms..me).unwrap_or(&[]))
            .map_err(|e| Error::corrupt(format!("bundle META section is not valid: {e}")))?;
        check_sections(b, &sections, &meta)?;
        let slice = |(start, end)| Slice::new(buf.clone(), start, end);
        let (fs, fe) = find(b"HFST").ok_or_else(|| missing("HFST"))?;
        let fst =
            HostIndex::open(slice((fs, fe)), meta.keys).map_err(|e| section_error(b"HFST", e))?;
        let combos = slice(find(b"CMBO").ok_or_else(|| missing("CMBO"))?);
        // Checked in `check_sections`.
        let combo_count = u32_at(combos.as_ref(), 0).unwrap_or(0) as usize;
        Ok(Bundle {
            buf,
            sections,
            meta,
            fst,
            combos,
            combo_count,
        })
    }

    /// Checks the checksum over every byte and the FST's own checksum,
    /// then walks every FST key and checks what the builder derives from
    /// the keys against what the bundle says (see the module docs).
    pub fn verify(&self) -> Result<(), Error> {
        let b = &self.buf[..];
        let expected = u64_at(b, CHECKSUM_AT).unwrap_or(0);
        let got = bundle_checksum(b);
        if expected != got {
            return Err(Error::new(
                ErrorKind::Checksum { expected, got },
                format!(
                    "bundle checksum mismatch (header {expected:016x}, computed {got:016x}): \
                     the file is corrupt; keep the last good bundle and download or rebuild it"
                ),
            ));
        }
        self.fst
            .verify_crc()
            .map_err(|e| Error::corrupt(format!("bundle host index checksum failed: {e}")))?;
        self.verify_derived()
    }

    /// The walk of [`Bundle::verify`]: every key, and what follows from
    /// the keys.
    fn verify_derived(&self) -> Result<(), Error> {
        let sources = self.meta.sources.len();
        let mut entries = vec![0u64; sources];
        // Source ids are checked at open; `get_mut` keeps this total anyway.
        let mut count = |sid: u16| {
            if let Some(n) = entries.get_mut(usize::from(sid)) {
                *n += 1;
            }
        };
        for e in &self.meta.expressions {
            count(e.source);
        }
        let mut filter = crate::filter::FilterBuilder::new(self.fst.len() as usize);
        // Combination ids are handed out in order of first use, as the
        // builder does: the next new one must be exactly `next_new`.
        let mut next_new = 0u64;
        self.fst
            .walk(|key, value| {
                if value >= self.combo_count as u64 || value > next_new {
                    return Err(format!("a key points at combination {value} out of order"));
                }
                if value == next_new {
                    next_new += 1;
                }
                self.combo(value).for_each(&mut count);
                filter.insert_key(key);
                Ok(())
            })
            .map_err(|e| section_error(b"HFST", e))?;
        if next_new != self.combo_count as u64 {
            return Err(section_error(b"CMBO", "a combination no key uses".into()));
        }
        if let Some(s) = self
            .meta
            .sources
            .iter()
            .zip(&entries)
            .find(|(s, n)| s.entries != **n)
        {
            return Err(Error::corrupt(format!(
                "bundle META says source {} has {} entries, the index holds {}; rebuild it",
                s.0.name, s.0.entries, s.1
            )));
        }
        if self.section(b"HFLT") != Some(&filter.finish()[..]) {
            return Err(section_error(b"HFLT", "it does not match the keys".into()));
        }
        Ok(())
    }

    /// The bytes of an optional section (`PHRS`, `PDQI`), if present.
    pub fn section(&self, tag: &[u8; 4]) -> Option<&[u8]> {
        self.sections
            .iter()
            .find(|s| &s.0 == tag)
            .and_then(|s| self.buf.get(s.1..s.2))
    }

    /// An optional section as a shared slice of the bundle bytes.
    pub(crate) fn section_slice(&self, tag: &[u8; 4]) -> Option<Slice> {
        self.sections.iter().find(|s| &s.0 == tag).map(|s| Slice {
            buf: self.buf.clone(),
            start: s.1,
            end: s.2,
        })
    }

    /// The host pre-filter, if the bundle has a well-formed one.
    pub(crate) fn host_filter(&self) -> Option<crate::filter::HostFilter<'_>> {
        crate::filter::HostFilter::new(self.section(b"HFLT")?)
    }

    /// The categories, in id order.
    pub fn categories(&self) -> &[CategoryInfo] {
        &self.meta.categories
    }

    /// The sources, in id order.
    pub fn sources(&self) -> &[SourceInfo] {
        &self.meta.sources
    }

    /// The default policy layer as JSON.
    pub fn default_policy(&self) -> &serde_json::Value {
        &self.meta.policy
    }

    /// The source ids of combination `idx` (an FST value); none for an id
    /// out of range.
    pub(crate) fn combo(&self, idx: u64) -> impl Iterator<Item = u16> + '_ {
        let b = self.combos.as_ref();
        let range = usize::try_from(idx)
            .ok()
            .filter(|i| *i < self.combo_count)
            .and_then(|i| {
                let start = u32_at(b, 4 + i * 4)? as usize;
                let end = u32_at(b, 8 + i * 4)? as usize;
                b.get(start..end)
            });
        range
            .unwrap_or(&[])
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
    }

    /// Facts about the bundle.
    pub fn info(&self) -> BundleInfo {
        BundleInfo {
            version: FORMAT_VERSION,
            size: self.buf.len() as u64,
            keys: self.fst.len(),
            fst_size: self.fst.as_bytes().len() as u64,
            generator: self.meta.generator.clone(),
            categories: self.meta.categories.clone(),
            sources: self.meta.sources.clone(),
            expressions: self.meta.expressions.len(),
            has_phrases: self.section(b"PHRS").is_some(),
            has_hashes: self.section(b"PDQI").is_some(),
            trained_on: self.meta.trained_on.clone(),
        }
    }
}

fn truncated(len: usize, need: u64) -> Error {
    Error::new(
        ErrorKind::Truncated,
        format!("bundle is truncated ({len} bytes, needs {need}); download or rebuild it"),
    )
}

fn section_error(tag: &[u8; 4], why: String) -> Error {
    Error::corrupt(format!(
        "bundle section {} is not valid: {why}; rebuild the bundle",
        String::from_utf8_lossy(tag)
    ))
}

/// Reads the section table: each entry inside the file, the sections in
/// order, 8-byte aligned, zero padding between them, the last one ending
/// the file, no tag twice.
fn read_table(b: &[u8], count: usize) -> Result<Vec<([u8; 4], usize, usize)>, Error> {
    let table_end = HEADER_LEN + count.min(MAX_SECTIONS) * TABLE_ENTRY_LEN;
    if count > MAX_SECTIONS || table_end > b.len() {
        return Err(Error::corrupt(format!(
            "bundle section table is invalid ({count} sections)"
        )));
    }
    let mut sections: Vec<([u8; 4], usize, usize)> = Vec::with_capacity(count);
    let mut prev_end = table_end;
    for i in 0..count {
        let at = HEADER_LEN + i * TABLE_ENTRY_LEN;
        let mut tag = [0u8; 4];
        tag.copy_from_slice(b.get(at..at + 4).unwrap_or(&[0; 4]));
        let name = String::from_utf8_lossy(&tag).into_owned();
        let bad = |why: &str| Error::corrupt(format!("bundle section {name} {why}; rebuild it"));
        let (Some(reserved), Some(off), Some(len)) =
            (u32_at(b, at + 4), u64_at(b, at + 8), u64_at(b, at + 16))
        else {
            return Err(bad("has a truncated table entry"));
        };
        let end = off.checked_add(len).filter(|e| *e <= b.len() as u64);
        let Some(end) = end else {
            return Err(bad("points outside the file"));
        };
        let (off, end) = (off as usize, end as usize);
        if reserved != 0 || off % 8 != 0 || off < prev_end || off - prev_end >= 8 {
            return Err(bad("is not where the table says sections lie"));
        }
        if b.get(prev_end..off)
            .is_none_or(|pad| pad.iter().any(|x| *x != 0))
        {
            return Err(bad("follows non-zero padding"));
        }
        if sections.iter().any(|s| s.0 == tag) {
            return Err(bad("appears twice"));
        }
        sections.push((tag, off, end));
        prev_end = end;
    }
    if prev_end != b.len() {
        return Err(Error::corrupt(
            "bundle has bytes after its last section; rebuild it",
        ));
    }
    Ok(sections)
}

/// Runs every section's check from [`SECTIONS`], and checks the table
/// against `META`'s list of tags.
fn check_sections(
    b: &[u8],
    sections: &[([u8; 4], usize, usize)],
    meta: &Meta,
) -> Result<(), Error> {
    let listed = meta.sections.len() == sections.len()
        && meta
            .sections
            .iter()
            .zip(sections)
            .all(|(m, s)| m.as_bytes() == s.0);
    if !listed {
        return Err(Error::corrupt(
            "bundle section table does not match the sections META lists; rebuild it",
        ));
    }
    for (tag, start, end) in sections {
        let Some(kind) = SECTIONS.iter().find(|k| &k.tag == tag) else {
            continue; // listed in META: a later build's optional section
        };
        let bytes = b.get(*start..*end).unwrap_or(&[]);
        (kind.check)(bytes, meta).map_err(|e| section_error(tag, e))?;
    }
    if let Some(k) = SECTIONS
        .iter()
        .find(|k| k.required && !sections.iter().any(|s| s.0 == k.tag))
    {
        return Err(Error::corrupt(format!(
            "bundle has no {} section; rebuild it",
            String::from_utf8_lossy(&k.tag)
        )));
    }
    Ok(())
}

/// `META`'s own references: every source's category exists, every
/// expression's source exists and its pattern compiles with the literals
/// the builder derives from it, names and keys are unique, ids fit.
fn check_meta(meta: &Meta) -> Result<(), String> {
    if meta.sources.len() > usize::from(u16::MAX) || meta.categories.len() > usize::from(u16::MAX) {
        return Err("too many sources or categories".into());
    }
    let mut keys = HashSet::new();
    if let Some(c) = meta
        .categories
        .iter()
        .find(|c| !keys.insert(c.key.as_str()))
    {
        return Err(format!("category {} is listed twice", c.key));
    }
    let mut names = HashSet::new();
    for s in &meta.sources {
        if !names.insert(s.name.as_str()) {
            return Err(format!("source {} is listed twice", s.name));
        }
        if !keys.contains(s.category.as_str()) {
            return Err(format!(
                "source {} names unknown category {}",
                s.name, s.category
            ));
        }
    }
    match &meta.policy {
        serde_json::Value::Null => {}
        serde_json::Value::Object(o) => {
            // The builder writes the validated layer only (see
            // `PolicyLayer::to_value`); any other key is damage.
            if let Some(k) = o
                .keys()
                .find(|k| !crate::policy::LAYER_KEYS.contains(&k.as_str()))
            {
                return Err(format!("the default policy has an unknown key {k:?}"));
            }
        }
        _ => return Err("the default policy is not an object".into()),
    }
    if meta.keys > MAX_KEYS {
        return Err(format!("{} keys is more than a bundle may hold", meta.keys));
    }
    for (i, e) in meta.expressions.iter().enumerate() {
        if usize::from(e.source) >= meta.sources.len() {
            return Err(format!(
                "expression {i} names source {}, which does not exist",
                e.source
            ));
        }
        regex_lite::RegexBuilder::new(&e.pattern)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|err| format!("expression {i} does not compile: {err}"))?;
        if e.literals != crate::literals::required_literals(&e.pattern) {
            return Err(format!(
                "expression {i} carries literals its pattern does not give"
            ));
        }
    }
    Ok(())
}

/// `CMBO` layout: u32 count, (count + 1) u32 byte offsets into the section,
/// then the u16 source ids; each set ascending, no set twice, the ids
/// ending the section. Checked once at open so lookups need no checks.
fn check_combos(b: &[u8], sources: usize) -> Result<usize, String> {
    let bad = |why: &str| Err(why.to_string());
    let Some(count) = u32_at(b, 0) else {
        return bad("too short");
    };
    let count = count as usize;
    let table_end = count
        .checked_add(1)
        .and_then(|n| n.checked_mul(4))
        .and_then(|n| n.checked_add(4))
        .filter(|e| *e <= b.len());
    let Some(table_end) = table_end else {
        return bad("its offset table does not fit");
    };
    let mut prev = table_end;
    let mut seen: HashSet<&[u8]> = HashSet::with_capacity(count);
    for i in 0..=count {
        let off = u32_at(b, 4 + i * 4).unwrap_or(0) as usize;
        if off < prev || off > b.len() || (off - table_end) % 2 != 0 || (i == 0 && off != table_end)
        {
            return bad("its offsets are out of order");
        }
        if i > 0 {
            let set = b.get(prev..off).unwrap_or(&[]);
            let ids: Vec<u16> = set
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            if ids.is_empty() || ids.windows(2).any(|w| w[0] >= w[1]) || !seen.insert(set) {
                return bad("a set is empty, out of order or listed twice");
            }
            if ids.iter().any(|id| usize::from(*id) >= sources) {
                return bad("a set names a source that does not exist");
            }
        }
        prev = off;
    }
    if prev != b.len() {
        return bad("it has bytes after its last set");
    }
    Ok(count)
}

/// Builds a bundle in memory. Hosts are normalised as the engine normalises
/// them, duplicates collapse, and each entry keeps every source it came from.
///
/// Memory is O(entries); keys are sorted once in [`BundleBuilder::build`].
#[derive(Clone, Default)]
pub struct BundleBuilder {
    categories: Vec<CategoryInfo>,
    sources: Vec<SourceInfo>,
    keys: Vec<(Box<[u8]>, u16)>,
    expressions: Vec<ExpressionInfo>,
    expression_contexts: Vec<ContextInfo>,
    policy: serde_json::Value,
    extra: Vec<([u8; 4], Vec<u8>)>,
    generator: String,
    protected: Vec<crate::names::ProtectedName>,
    lookalike_source: Option<u16>,
    trained_on: Vec<TrainingInfo>,
}

impl BundleBuilder {
    /// A new, empty builder.
    pub fn new() -> BundleBuilder {
        BundleBuilder {
            generator: format!("lachan {}", env!("CARGO_PKG_VERSION")),
            ..Default::default()
        }
    }

    /// A builder holding everything `bundle` holds (its categories,
    /// sources, keys, expressions, policy and optional sections): building
    /// it gives the bundle's own bytes when the bundle is as a build writes
    /// it. The mutation tests use it to tell a well-formed bundle of other
    /// content from damage [`Bundle::verify`] missed.
    pub fn from_bundle(bundle: &Bundle) -> Result<BundleBuilder, Error> {
        let meta = &bundle.meta;
        let mut b = BundleBuilder {
            categories: meta.categories.clone(),
            sources: meta.sources.clone(),
            keys: Vec::new(),
            expressions: meta.expressions.clone(),
            policy: meta.policy.clone(),
            extra: Vec::new(),
            generator: meta.generator.clone(),
            expression_contexts: meta.expression_contexts.clone(),
            protected: meta.protected.clone(),
            lookalike_source: meta.lookalike_source,
            trained_on: meta.trained_on.clone(),
        };
        bundle
            .fst
            .walk(|key, value| {
                for sid in bundle.combo(value) {
                    b.keys.push((key.into(), sid));
                }
                Ok(())
            })
            .map_err(|e| section_error(b"HFST", e))?;
        for (tag, start, end) in &bundle.sections {
            if !matches!(tag, b"META" | b"HFST" | b"CMBO" | b"HFLT") {
                let bytes = bundle.buf.get(*start..*end).unwrap_or(&[]);
                b.extra.push((*tag, bytes.to_vec()));
            }
        }
        Ok(b)
    }

    /// Adds (or finds) a category; returns its id.
    pub fn category(&mut self, key: &str, description: &str) -> u16 {
        if let Some(i) = self.categories.iter().position(|c| c.key == key) {
            if self.categories[i].description.is_empty() {
                self.categories[i].description = description.to_string();
            }
            return i as u16;
        }
        self.categories.push(CategoryInfo {
            key: key.into(),
            description: description.into(),
        });
        (self.categories.len() - 1) as u16
    }

    /// Adds a source list; its category is added if new. Returns the id.
    pub fn source(&mut self, info: SourceInfo) -> Result<u16, Error> {
        if self.sources.iter().any(|s| s.name == info.name) {
            return Err(Error::new(
                ErrorKind::Build,
                format!("source {} is defined twice", info.name),
            ));
        }
        if self.sources.len() >= u16::MAX as usize {
            return Err(Error::new(ErrorKind::Build, "too many sources"));
        }
        self.category(&info.category, "");
        self.sources.push(SourceInfo { entries: 0, ..info });
        Ok((self.sources.len() - 1) as u16)
    }

    /// Adds a host (`example.com`, `BÜCHER.de.`, an IP literal). A host
    /// also covers its subdomains. Returns why a line is unusable.
    pub fn add_domain(&mut self, source: u16, text: &str) -> Result<(), String> {
        let key = domain_key(text)?;
        self.push(source, key);
        Ok(())
    }

    /// Adds a URL-prefix rule, `host/path` with or without a scheme. It
    /// covers the host and its subdomains, for paths starting with `path`
    /// at a segment boundary. A rule without a path is a domain rule. A
    /// rule longer than [`MAX_URL_RULE_LEN`] bytes is refused.
    pub fn add_url(&mut self, source: u16, text: &str) -> Result<(), String> {
        if text.len() > MAX_URL_RULE_LEN {
            return Err(format!(
                "URL rule is {} bytes long, more than the {MAX_URL_RULE_LEN} a rule may have \
                 (a broken line?)",
                text.len()
            ));
        }
        let key = url_key(text)?;
        self.push(source, key);
        Ok(())
    }

    /// Adds a regular expression matched against `host/path` (lower-case).
    pub fn add_expression(&mut self, source: u16, pattern: &str) -> Result<(), String> {
        regex_lite::RegexBuilder::new(pattern)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| format!("invalid expression: {e}"))?;
        let literals = crate::literals::required_literals(pattern);
        self.expressions.push(ExpressionInfo {
            source,
            pattern: pattern.to_string(),
            literals,
        });
        self.sources[source as usize].entries += 1;
        Ok(())
    }

    /// Sets the context list of an expression source: its expressions do
    /// not apply to a match only in the path of an address that shows one
    /// of the contexts (see [`ExpressionContext`]). Every entry is checked.
    pub fn set_expression_context(
        &mut self,
        source: u16,
        context: ExpressionContext,
    ) -> Result<(), String> {
        if source as usize >= self.sources.len() {
            return Err(format!("no source {source} for a context list"));
        }
        let mut checked = ExpressionContext::default();
        let words = context.words.iter().map(String::as_str);
        let hosts = context.hosts.iter().map(|h| format!(".{h}"));
        for entry in words.map(str::to_string).chain(hosts) {
            checked.add(parse_context_entry(&entry)?);
        }
        self.expression_contexts.retain(|c| c.source != source);
        if !checked.is_empty() {
            self.expression_contexts.push(ContextInfo {
                source,
                context: checked,
            });
        }
        Ok(())
    }

    /// Sets the default policy layer (JSON object, see [`crate::policy`]).
    pub fn set_policy(&mut self, policy: serde_json::Value) {
        self.policy = policy;
    }

    /// Sets the protected names of the look-alike check and the source
    /// that its verdicts name.
    pub fn set_protected(&mut self, source: u16, names: Vec<crate::names::ProtectedName>) {
        self.lookalike_source = Some(source);
        self.protected = names;
    }

    /// Credits the data a learned section was trained on.
    pub fn trained_on(&mut self, info: TrainingInfo) {
        self.trained_on
            .retain(|t| t.section != info.section || t.name != info.name);
        self.trained_on.push(info);
    }

    /// Adds an opaque section (`PHRS`, `PDQI`).
    pub fn set_section(&mut self, tag: [u8; 4], bytes: Vec<u8>) {
        self.extra.retain(|s| s.0 != tag);
        self.extra.push((tag, bytes));
    }

    /// Number of entries so far for a source (before de-duplication across
    /// sources; after it within a source once built).
    pub fn entries(&self, source: u16) -> u64 {
        self.sources[source as usize].entries
    }

    fn push(&mut self, source: u16, key: Vec<u8>) {
        self.keys.push((key.into_boxed_slice(), source));
        self.sources[source as usize].entries += 1;
    }

    /// Sorts, de-duplicates and writes the bundle.
    pub fn build(mut self) -> Result<Vec<u8>, Error> {
        self.keys.sort_unstable();
        self.keys.dedup();
        if let Some((key, _)) = self.keys.iter().find(|(k, _)| k.len() > MAX_KEY_LEN) {
            return Err(Error::new(
                ErrorKind::Build,
                format!(
                    "an index key of {} bytes is longer than {MAX_KEY_LEN}",
                    key.len()
                ),
            ));
        }
        for s in &mut self.sources {
            s.entries = 0;
        }
        for (_, src) in &self.keys {
            self.sources[*src as usize].entries += 1;
        }
        for e in &self.expressions {
            self.sources[e.source as usize].entries += 1;
        }
        let mut combos: Vec<Vec<u16>> = Vec::new();
        let mut combo_ids: HashMap<Vec<u16>, u64> = HashMap::new();
        let mut fst = fst::MapBuilder::memory();
        let mut i = 0;
        let mut key_count = 0u64;
        while i < self.keys.len() {
            let key = &self.keys[i].0;
            let mut set = Vec::new();
            while i < self.keys.len() && &self.keys[i].0 == key {
                set.push(self.keys[i].1);
                i += 1;
            }
            let next = combos.len() as u64;
            let id = *combo_ids.entry(set.clone()).or_insert_with(|| {
                combos.push(set);
                next
            });
            fst.insert(key, id)
                .map_err(|e| Error::new(ErrorKind::Build, e.to_string()))?;
            key_count += 1;
        }
        if key_count > MAX_KEYS {
            return Err(Error::new(
                ErrorKind::Build,
                format!("{key_count} index keys is more than the {MAX_KEYS} a bundle may hold"),
            ));
        }
        let mut filter = crate::filter::FilterBuilder::new(key_count as usize);
        let mut last: Option<&[u8]> = None;
        for (key, _) in &self.keys {
            if last != Some(&key[..]) {
                filter.insert_key(key);
            }
            last = Some(key);
        }
        let filter = filter.finish();
        let fst = fst
            .into_inner()
            .map_err(|e| Error::new(ErrorKind::Build, e.to_string()))?;
        let meta = Meta {
            generator: self.generator,
            categories: self.categories,
            sources: self.sources,
            expressions: self.expressions,
            expression_contexts: self.expression_contexts,
            policy: self.policy,
            keys: key_count,
            protected: self.protected,
            lookalike_source: self.lookalike_source,
            trained_on: self.trained_on,
            sections: Vec::new(),
        };
        let mut sections: Vec<([u8; 4], Vec<u8>)> = vec![
            (*b"META", Vec::new()),
            (*b"HFST", fst),
            (*b"CMBO", encode_combos(&combos)),
            (*b"HFLT", filter),
        ];
        sections.extend(self.extra);
        let meta = Meta {
            sections: sections
                .iter()
                .map(|(t, _)| String::from_utf8_lossy(t).into_owned())
                .collect(),
            ..meta
        };
        sections[0].1 =
            serde_json::to_vec(&meta).map_err(|e| Error::new(ErrorKind::Build, e.to_string()))?;
        Ok(write(sections))
    }
}

/// Test helper: `bytes` with section `tag` replaced by `new` (laid out and
/// checksummed as a build would), so a test can hand the decoders any
/// content.
#[cfg(test)]
pub(crate) fn with_section(bytes: &[u8], tag: &[u8; 4], new: Vec<u8>) -> Vec<u8> {
    let count = u32_at(bytes, 12).unwrap_or(0) as usize;
    let sections = read_table(bytes, count).expect("a well-formed bundle");
    let sections = sections
        .into_iter()
        .map(|(t, s, e)| {
            let body = if &t == tag {
                new.clone()
            } else {
                bytes[s..e].to_vec()
            };
            (t, body)
        })
        .collect();
    write(sections)
}

fn encode_combos(combos: &[Vec<u16>]) -> Vec<u8> {
    let table_end = 4 + (combos.len() + 1) * 4;
    let mut out = Vec::with_capacity(table_end + combos.iter().map(|c| c.len() * 2).sum::<usize>());
    out.extend_from_slice(&(combos.len() as u32).to_le_bytes());
    let mut off = table_end as u32;
    for c in combos {
        out.extend_from_slice(&off.to_le_bytes());
        off += (c.len() * 2) as u32;
    }
    out.extend_from_slice(&off.to_le_bytes());
    for c in combos {
        for id in c {
            out.extend_from_slice(&id.to_le_bytes());
        }
    }
    out
}

fn write(sections: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    let table_len = sections.len() * TABLE_ENTRY_LEN;
    let mut offsets = Vec::new();
    let mut pos = HEADER_LEN + table_len;
    for (_, bytes) in &sections {
        pos = pos.next_multiple_of(8);
        offsets.push(pos);
        pos += bytes.len();
    }
    let mut out = vec![0u8; pos];
    out[..8].copy_from_slice(&MAGIC);
    out[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    out[12..16].copy_from_slice(&(sections.len() as u32).to_le_bytes());
    out[24..32].copy_from_slice(&(pos as u64).to_le_bytes());
    for (i, ((tag, bytes), off)) in sections.iter().zip(&offsets).enumerate() {
        let at = HEADER_LEN + i * TABLE_ENTRY_LEN;
        out[at..at + 4].copy_from_slice(tag);
        out[at + 8..at + 16].copy_from_slice(&(*off as u64).to_le_bytes());
        out[at + 16..at + 24].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
        out[*off..*off + bytes.len()].copy_from_slice(bytes);
    }
    let sum = bundle_checksum(&out);
    out[CHECKSUM_AT..CHECKSUM_AT + 8].copy_from_slice(&sum.to_le_bytes());
    out
}

/// The FST key of a host: its bytes reversed, so that a host and all its
/// parent domains lie on one path from the root.
pub(crate) fn domain_key(text: &str) -> Result<Vec<u8>, String> {
    let host = normalize_host(text.trim()).map_err(|e| e.to_string())?;
    if host.kind() == HostKind::Domain && !host.as_str().contains('.') {
        return Err(format!(
            "\"{}\" is a bare name, not a domain (no dot)",
            host.as_str()
        ));
    }
    Ok(host.as_str().bytes().rev().collect())
}

/// The FST key of a URL-prefix rule: reversed host, `/`, the path in the
/// form URLs are checked in ([`crate::path::canonical`]: resolved,
/// decoded, slashes merged), lower-case, without trailing slashes.
pub(crate) fn url_key(text: &str) -> Result<Vec<u8>, String> {
    let t = text.trim();
    let t = match t.find("://") {
        Some(i) => &t[i + 3..],
        None => t,
    };
    let (host, path) = match t.find('/') {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = match host.rfind(':') {
        Some(i) if !host.starts_with('[') => &host[..i],
        _ => host,
    };
    let mut key = domain_key(host)?;
    let path = crate::url::normalize_path(path);
    if path
        .bytes()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
    {
        return Err("URL path contains spaces or control characters".into());
    }
    let canon = crate::path::canonical(&path[1..]);
    let end = canon.iter().rposition(|&b| b != b'/').map_or(0, |i| i + 1);
    if end > 0 {
        key.push(b'/');
        key.extend(canon[..end].iter().map(|b| b.to_ascii_lowercase()));
    }
    Ok(key)
}

/// Per-source counts, by category, for build reports.
pub fn counts_by_category(info: &BundleInfo) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for s in &info.sources {
        *out.entry(s.category.clone()).or_default() += s.entries;
    }
    out
}

/// One rule of the host index, decoded for export (e.g. to generate
/// Chromium declarativeNetRequest rulesets from the same bundle).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExportedRule {
    /// `example.com` or `example.com/path`.
    pub rule: String,
    /// Whether it has a path part.
    pub is_url: bool,
    /// Source ids that list it.
    pub sources: Vec<u16>,
}

impl Bundle {
    /// Every host and URL-prefix rule in the index, decoded, in key order.
    /// O(n); meant for build tools, not the lookup path. A malformed index
    /// is an error: the walk validates every node and stops at the key
    /// count the bundle declares (see [`crate::host_index`]), so it neither
    /// loops nor grows without limit.
    pub fn export_rules(&self) -> Result<Vec<ExportedRule>, Error> {
        let mut out = Vec::new();
        self.fst
            .walk(|key, value| {
                if value >= self.combo_count as u64 {
                    return Err(format!(
                        "a key points at combination {value}, which does not exist"
                    ));
                }
                let (host_rev, path) = match key.iter().position(|b| *b == b'/') {
                    Some(i) => key.split_at(i),
                    None => (key, &[][..]),
                };
                let mut rule: Vec<u8> = host_rev.iter().rev().copied().collect();
                rule.extend_from_slice(path);
                out.push(ExportedRule {
                    rule: String::from_utf8_lossy(&rule).into_owned(),
                    is_url: !path.is_empty(),
                    sources: self.combo(value).collect(),
                });
                Ok(())
            })
            .map_err(|e| section_error(b"HFST", e))?;
        Ok(out)
    }
}
