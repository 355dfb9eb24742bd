//! The bundle: one file holding everything the engine needs.
//!
//! # Format (version 1), all integers little-endian
//!
//! ```text
//! 0   magic       8 bytes  89 4C 43 42 0D 0A 1A 0A  ("\x89LCB\r\n\x1a\n": a
//!                          text-mode transfer or a truncated copy shows at once)
//! 8   version     u32      FORMAT_VERSION
//! 12  sections    u32      number of entries in the section table
//! 16  checksum    u64      LCB64 of bytes [32, total_len)
//! 24  total_len   u64      length of the whole file
//! 32  table       sections × { tag [u8; 4], reserved u32, offset u64, len u64 }
//!     payload     the sections, each 8-byte aligned
//! ```
//!
//! Sections: `META` (JSON: categories, sources, expressions, default policy,
//! build facts), `HFST` (one `fst::Map` of every host and URL-prefix rule,
//! keys written with the host reversed so one walk finds a host and all its
//! parents), `CMBO` (the source-id sets the FST values point at), and the
//! optional `PHRS` (page-text phrases) and `PDQI` (image-hash index), whose
//! bytes belong to their own crates.
//!
//! Opening checks the header, the table bounds and the FST header: O(1) in
//! the size of the lists, nothing is copied. [`Bundle::verify`] checks the
//! checksum over every byte and is meant to run once when a new bundle
//! arrives, before it replaces the last good one.
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use fst::raw::Fst;
use serde::{Deserialize, Serialize};

use crate::context::{parse_context_entry, ExpressionContext};
use crate::error::{Error, ErrorKind};
use crate::host::{normalize_host, HostKind};
use crate::policy::AgeBand;

/// First bytes of every bundle.
pub const MAGIC: [u8; 8] = *b"\x89LCB\r\n\x1a\n";
/// The bundle format this build reads and writes. Bump it (and note it in
/// CHANGELOG.md) whenever the layout or a section's meaning changes.
pub const FORMAT_VERSION: u32 = 1;

const HEADER_LEN: usize = 32;
const TABLE_ENTRY_LEN: usize = 24;
const MAX_SECTIONS: usize = 64;
/// Expressions are user-visible data; keep each compiled program bounded.
pub(crate) const REGEX_SIZE_LIMIT: usize = 1 << 20;

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
pub struct CategoryInfo {
    /// Stable key, e.g. `gambling`.
    pub key: String,
    /// One line saying what the category covers.
    #[serde(default)]
    pub description: String,
}

/// A source list as stored in the bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// The `META` section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
}

impl AsRef<[u8]> for Slice {
    fn as_ref(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }
}

/// An opened bundle.
pub struct Bundle {
    buf: Arc<Vec<u8>>,
    sections: Vec<([u8; 4], usize, usize)>,
    pub(crate) meta: Meta,
    pub(crate) fst: Fst<Slice>,
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

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// LCB64: a 64-bit multiply-rotate hash over little-endian words. It finds
/// corruption (truncation, flipped bits, a bad download); it is not meant to
/// resist tampering.
pub fn checksum(bytes: &[u8]) -> u64 {
    const P1: u64 = 0x9E37_79B9_7F4A_7C15;
    const P2: u64 = 0xC2B2_AE3D_27D4_EB4F;
    let mut h = P2 ^ (bytes.len() as u64).wrapping_mul(P1);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h ^ w.wrapping_mul(P1)).rotate_left(29).wrapping_mul(P2);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(tail).wrapping_mul(P1))
        .rotate_left(29)
        .wrapping_mul(P2);
    h ^= h >> 32;
    h.wrapping_mul(P1) ^ (h >> 29)
}

impl Bundle {
    /// Opens a bundle over its bytes without copying or verifying the
    /// checksum. Truncated or malformed headers are a typed error.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Bundle, Error> {
        let buf = Arc::new(bytes);
        let b = &buf[..];
        if b.len() < 8 || b[..8] != MAGIC {
            return Err(Error::new(
                ErrorKind::NotABundle,
                "not a Lá Chắn bundle (bad magic bytes); build one with `lachan build`",
            ));
        }
        if b.len() < HEADER_LEN {
            return Err(truncated(b.len(), HEADER_LEN));
        }
        let version = u32_at(b, 8);
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
        let total = u64_at(b, 24);
        if (b.len() as u64) < total {
            return Err(truncated(b.len(), total as usize));
        }
        if b.len() as u64 != total {
            return Err(Error::corrupt(format!(
                "bundle is {} bytes but its header says {total}; the file has extra bytes",
                b.len()
            )));
        }
        let count = u32_at(b, 12) as usize;
        if count > MAX_SECTIONS || HEADER_LEN + count * TABLE_ENTRY_LEN > b.len() {
            return Err(Error::corrupt(format!(
                "bundle section table is invalid ({count} sections)"
            )));
        }
        let mut sections = Vec::with_capacity(count);
        for i in 0..count {
            let at = HEADER_LEN + i * TABLE_ENTRY_LEN;
            let tag: [u8; 4] = b[at..at + 4].try_into().expect("4 bytes");
            let off = u64_at(b, at + 8);
            let len = u64_at(b, at + 16);
            let end = off.checked_add(len).filter(|e| *e <= b.len() as u64);
            if end.is_none() || off < (HEADER_LEN + count * TABLE_ENTRY_LEN) as u64 {
                return Err(Error::corrupt(format!(
                    "bundle section {} points outside the file",
                    String::from_utf8_lossy(&tag)
                )));
            }
            sections.push((tag, off as usize, (off + len) as usize));
        }
        let find = |tag: &[u8; 4]| sections.iter().find(|s| &s.0 == tag).map(|s| (s.1, s.2));
        let missing = |t: &str| Error::corrupt(format!("bundle has no {t} section; rebuild it"));
        let (ms, me) = find(b"META").ok_or_else(|| missing("META"))?;
        let meta: Meta = serde_json::from_slice(&b[ms..me])
            .map_err(|e| Error::corrupt(format!("bundle META section is not valid: {e}")))?;
        let (fs, fe) = find(b"HFST").ok_or_else(|| missing("HFST"))?;
        let fst = Fst::new(Slice {
            buf: buf.clone(),
            start: fs,
            end: fe,
        })
        .map_err(|e| Error::corrupt(format!("bundle host index is not valid: {e}")))?;
        let (cs, ce) = find(b"CMBO").ok_or_else(|| missing("CMBO"))?;
        let combos = Slice {
            buf: buf.clone(),
            start: cs,
            end: ce,
        };
        let combo_count = check_combos(combos.as_ref(), meta.sources.len())?;
        Ok(Bundle {
            buf,
            sections,
            meta,
            fst,
            combos,
            combo_count,
        })
    }

    /// Checks the checksum over every byte, and the FST's own checksum.
    pub fn verify(&self) -> Result<(), Error> {
        let b = &self.buf[..];
        let expected = u64_at(b, 16);
        let got = checksum(&b[HEADER_LEN..]);
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
            .verify()
            .map_err(|e| Error::corrupt(format!("bundle host index checksum failed: {e}")))
    }

    /// The bytes of an optional section (`PHRS`, `PDQI`), if present.
    pub fn section(&self, tag: &[u8; 4]) -> Option<&[u8]> {
        self.sections
            .iter()
            .find(|s| &s.0 == tag)
            .map(|s| &self.buf[s.1..s.2])
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

    /// The source ids of combination `idx` (an FST value).
    pub(crate) fn combo(&self, idx: u64) -> impl Iterator<Item = u16> + '_ {
        let b = self.combos.as_ref();
        let (start, end) = if (idx as usize) < self.combo_count {
            let i = idx as usize;
            (u32_at(b, 4 + i * 4) as usize, u32_at(b, 8 + i * 4) as usize)
        } else {
            (0, 0)
        };
        b[start..end]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
    }

    /// Facts about the bundle.
    pub fn info(&self) -> BundleInfo {
        BundleInfo {
            version: FORMAT_VERSION,
            size: self.buf.len() as u64,
            keys: self.fst.len() as u64,
            fst_size: self.fst.as_bytes().len() as u64,
            generator: self.meta.generator.clone(),
            categories: self.meta.categories.clone(),
            sources: self.meta.sources.clone(),
            expressions: self.meta.expressions.len(),
            has_phrases: self.section(b"PHRS").is_some(),
            has_hashes: self.section(b"PDQI").is_some(),
        }
    }
}

fn truncated(len: usize, need: usize) -> Error {
    Error::new(
        ErrorKind::Truncated,
        format!("bundle is truncated ({len} bytes, needs {need}); download or rebuild it"),
    )
}

/// `CMBO` layout: u32 count, (count + 1) u32 byte offsets into the section,
/// then the u16 source ids. Checked once at open so lookups need no checks.
fn check_combos(b: &[u8], sources: usize) -> Result<usize, Error> {
    let bad = || Error::corrupt("bundle CMBO section is malformed; rebuild the bundle");
    if b.len() < 4 {
        return Err(bad());
    }
    let count = u32_at(b, 0) as usize;
    let table_end = count
        .checked_add(1)
        .and_then(|n| n.checked_mul(4))
        .map(|n| n + 4);
    let table_end = table_end.filter(|e| *e <= b.len()).ok_or_else(bad)?;
    let mut prev = table_end;
    for i in 0..=count {
        let off = u32_at(b, 4 + i * 4) as usize;
        if off < prev || off > b.len() || (off - table_end) % 2 != 0 {
            return Err(bad());
        }
        prev = off;
    }
    let ids = &b[table_end..prev];
    if ids
        .chunks_exact(2)
        .any(|c| u16::from_le_bytes([c[0], c[1]]) as usize >= sources)
    {
        return Err(bad());
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
}

impl BundleBuilder {
    /// A new, empty builder.
    pub fn new() -> BundleBuilder {
        BundleBuilder {
            generator: format!("lachan {}", env!("CARGO_PKG_VERSION")),
            ..Default::default()
        }
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
    /// at a segment boundary. A rule without a path is a domain rule.
    pub fn add_url(&mut self, source: u16, text: &str) -> Result<(), String> {
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
        for s in &mut self.sources {
            s.entries = 0;
        }
        for (_, src) in &self.keys {
            self.sources[*src as usize].entries += 1;
        }
        for e in &self.expressions {
            self.sources[e.source as usize].entries += 1;
        }
        let mut host_hashes = Vec::with_capacity(self.keys.len());
        for (key, _) in &self.keys {
            let mut h = crate::filter::SuffixHash::new();
            for &b in key.iter().take_while(|b| **b != b'/') {
                h.push(b);
            }
            host_hashes.push(h);
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
        };
        let meta =
            serde_json::to_vec(&meta).map_err(|e| Error::new(ErrorKind::Build, e.to_string()))?;
        let mut sections: Vec<([u8; 4], Vec<u8>)> = vec![
            (*b"META", meta),
            (*b"HFST", fst),
            (*b"CMBO", encode_combos(&combos)),
            (*b"HFLT", crate::filter::build(&host_hashes)),
        ];
        sections.extend(self.extra);
        Ok(write(sections))
    }
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
    let sum = checksum(&out[HEADER_LEN..]);
    out[16..24].copy_from_slice(&sum.to_le_bytes());
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
    /// Every host and URL-prefix rule in the index, decoded. O(n); meant
    /// for build tools, not the lookup path.
    pub fn export_rules(&self) -> Vec<ExportedRule> {
        use fst::Streamer;
        let mut out = Vec::with_capacity(self.fst.len());
        let mut stream = self.fst.stream();
        while let Some((key, value)) = stream.next() {
            let (host_rev, path) = match key.iter().position(|b| *b == b'/') {
                Some(i) => (&key[..i], &key[i..]),
                None => (key, &[][..]),
            };
            let mut rule: Vec<u8> = host_rev.iter().rev().copied().collect();
            rule.extend_from_slice(path);
            out.push(ExportedRule {
                rule: String::from_utf8_lossy(&rule).into_owned(),
                is_url: !path.is_empty(),
                sources: self.combo(value.value()).collect(),
            });
        }
        out
    }
}
