//! Names that no list has yet: the operator behind a listed domain on its
//! next domain (brand index), look-alikes of protected brands, and a
//! host-name model, all judged on the host's registrable part as the Public
//! Suffix List draws it.
//!
//! # Overview of types
//! * [`psl`] — the Public Suffix List compiled into the bundle (`PSFX`).
//! * [`brand`] — brands derived from the block lists (`BRND`).
//! * [`lookalike`] — protected names and their real domains (META).
//! * [`model`] — the linear host-name classifier (`HMDL`).
//!
//! Sites on an allow list, and benign top sites that one of these would
//! flag (`NEXM`, computed at build time), are never acted on.
pub mod brand;
pub mod lookalike;
pub mod model;
pub mod psl;

use fst::raw::Fst;

use crate::bundle::{Bundle, Slice};
use brand::Brands;
use lookalike::Lookalikes;
use psl::{PublicSuffixes, Registrable};

pub use lookalike::ProtectedName;
pub use model::host_features;

/// Section tag of the public suffix list.
pub const PSL_TAG: [u8; 4] = *b"PSFX";
/// Section tag of the brand index.
pub const BRAND_TAG: [u8; 4] = *b"BRND";
/// Section tag of the host-name model.
pub const MODEL_TAG: [u8; 4] = *b"HMDL";
/// Section tag of the benign sites never acted on (an `fst::Set` of
/// registrable domains).
pub const EXEMPT_TAG: [u8; 4] = *b"NEXM";

/// What a name check found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum NameHit {
    /// A protected name on a domain that is not its own: index in META.
    Lookalike { index: usize },
    /// A listed operator's brand; offsets in the host.
    Brand {
        source: u16,
        start: usize,
        end: usize,
        exact: bool,
    },
    /// The model's most likely harmful category and its probability.
    Model { category: u16, score: f32 },
}

/// The public suffix list on its own, for the compiler (training and brand
/// extraction need registrable labels exactly as the engine draws them).
pub struct SuffixList(PublicSuffixes<Vec<u8>>);

impl SuffixList {
    /// Opens `PSFX` section bytes (see [`psl::build`]).
    pub fn from_bytes(bytes: Vec<u8>) -> Option<SuffixList> {
        Some(SuffixList(PublicSuffixes::new(Fst::new(bytes).ok()?)))
    }

    /// The registrable part of a canonical domain name.
    pub fn registrable(&self, host: &str) -> Option<Registrable> {
        self.0.registrable(host)
    }
}

/// The opened name sections of a bundle.
pub(crate) struct Names {
    psl: PublicSuffixes<Slice>,
    brands: Option<Brands>,
    model: Option<Slice>,
    exempt: Option<Fst<Slice>>,
    lookalikes: Lookalikes,
}

impl Names {
    /// Opens the sections; `None` without a public suffix list (nothing
    /// here can work without registrable labels).
    pub(crate) fn open(bundle: &Bundle) -> Option<Names> {
        let psl = PublicSuffixes::new(Fst::new(bundle.section_slice(&PSL_TAG)?).ok()?);
        let brands = bundle.section_slice(&BRAND_TAG).and_then(Brands::open);
        let model = bundle
            .section_slice(&MODEL_TAG)
            .filter(|s| model::Model::open(s.as_ref()).is_some());
        let exempt = bundle
            .section_slice(&EXEMPT_TAG)
            .and_then(|s| Fst::new(s).ok());
        Some(Names {
            psl,
            brands,
            model,
            exempt,
            lookalikes: Lookalikes::new(&bundle.meta.protected),
        })
    }

    /// Every judgement on a canonical domain name, strongest kind first:
    /// a look-alike, a brand, the model's score. Nothing for a public
    /// suffix or an exempt (benign top) site.
    pub(crate) fn check(&self, host: &str) -> (Option<NameHit>, Option<NameHit>, Option<NameHit>) {
        let Some(reg) = self.psl.registrable(host) else {
            return (None, None, None);
        };
        let domain = reg.domain(host);
        if self.lookalikes.is_own(domain)
            || self.exempt.as_ref().is_some_and(|e| contains(e, domain))
        {
            return (None, None, None);
        }
        let look = self
            .lookalikes
            .find(host, domain, reg.suffix_start)
            .map(|index| NameHit::Lookalike { index });
        let brand = self.brands.as_ref().and_then(|b| {
            let h = b.find(reg.label(host))?;
            Some(NameHit::Brand {
                source: h.source,
                start: reg.label_start + h.start,
                end: reg.label_start + h.end,
                exact: h.exact,
            })
        });
        let model = self.model.as_ref().and_then(|s| {
            let m = model::Model::open(s.as_ref())?;
            let (category, score) = m.score(host, reg)?;
            Some(NameHit::Model { category, score })
        });
        (look, brand, model)
    }

    /// The model's score alone, exemptions ignored (for evaluation).
    pub(crate) fn model_score(&self, host: &str) -> Option<(u16, f32)> {
        let reg = self.psl.registrable(host)?;
        model::Model::open(self.model.as_ref()?.as_ref())?.score(host, reg)
    }

    pub(crate) fn protected(&self, index: usize) -> &ProtectedName {
        self.lookalikes.name(index)
    }
}

fn contains(set: &Fst<Slice>, key: &str) -> bool {
    let raw = crate::matcher::Raw::new(set.as_bytes());
    let mut addr = set.root().addr();
    for &c in key.as_bytes() {
        match raw.step(addr, c) {
            Some((next, _)) => addr = next,
            None => return false,
        }
    }
    raw.final_output(addr).is_some()
}
