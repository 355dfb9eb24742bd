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

use std::sync::Arc;

use crate::bundle::{Bundle, Slice};
use crate::host_index::HostIndex;
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
    /// The model's most likely harmful category and its score.
    Model { category: u16, score: f32 },
}

/// The public suffix list on its own, for the compiler (training and brand
/// extraction need registrable labels exactly as the engine draws them).
pub struct SuffixList(PublicSuffixes);

impl SuffixList {
    /// Opens `PSFX` section bytes (see [`psl::build`]).
    pub fn from_bytes(bytes: Vec<u8>) -> Option<SuffixList> {
        let len = bytes.len();
        let index = HostIndex::open_any(Slice::new(Arc::new(bytes), 0, len)).ok()?;
        Some(SuffixList(PublicSuffixes::new(index)))
    }

    /// The registrable part of a canonical domain name.
    pub fn registrable(&self, host: &str) -> Option<Registrable> {
        self.0.registrable(host)
    }
}

/// The opened name sections of a bundle.
pub(crate) struct Names {
    psl: PublicSuffixes,
    brands: Option<Brands>,
    model: Option<model::Model>,
    exempt: Option<HostIndex>,
    lookalikes: Lookalikes,
}

impl Names {
    /// Opens the sections; `None` without a public suffix list (nothing
    /// here can work without registrable labels).
    pub(crate) fn open(bundle: &Bundle) -> Option<Names> {
        let psl = PublicSuffixes::new(HostIndex::open_any(bundle.section_slice(&PSL_TAG)?).ok()?);
        let brands = bundle.section_slice(&BRAND_TAG).and_then(Brands::open);
        let model = bundle
            .section_slice(&MODEL_TAG)
            .and_then(model::Model::open);
        let exempt = bundle
            .section_slice(&EXEMPT_TAG)
            .and_then(|s| HostIndex::open_any(s).ok());
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
        // A tenant of a cloud or hosting platform (`d1y0….cloudfront.net`)
        // has a name the platform made, not one an operator chose: the
        // model, which reads operators' names, does not judge it.
        let model = self.model.as_ref().filter(|_| !reg.private).and_then(|m| {
            let (category, margin) = m.margin(host, reg)?;
            let score = model::score(margin);
            Some(NameHit::Model { category, score })
        });
        (look, brand, model)
    }

    /// Whether the bundle carries the host-name model.
    pub(crate) fn has_model(&self) -> bool {
        self.model.is_some()
    }

    /// The model's log-odds alone, exemptions ignored (for evaluation);
    /// `None` where the model does not judge (a platform's tenant).
    pub(crate) fn model_score(&self, host: &str) -> Option<(u16, f32)> {
        let reg = self.psl.registrable(host).filter(|r| !r.private)?;
        self.model.as_ref()?.margin(host, reg)
    }

    pub(crate) fn protected(&self, index: usize) -> &ProtectedName {
        self.lookalikes.name(index)
    }
}

fn contains(set: &HostIndex, key: &str) -> bool {
    let raw = set.raw();
    let mut addr = set.root();
    for &c in key.as_bytes() {
        match raw.step(addr, c) {
            Some((next, _)) => addr = next,
            None => return false,
        }
    }
    raw.final_output(addr).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BundleBuilder, Engine, MatchKind, SourceInfo, SourceKind};

    const PSL: &str = "com\nvn\ncom.vn\n*.ck\n!www.ck\napp\n// comment\n";

    fn sections() -> Vec<([u8; 4], Vec<u8>)> {
        let (psl, _) = psl::build(PSL).unwrap();
        let brands = brand::build(vec![
            ("jun88".into(), 0, brand::EXACT | brand::CONTAINED),
            ("casino".into(), 0, brand::EXACT),
        ])
        .unwrap();
        let classes = [model::BENIGN, 0];
        let weights: Vec<i8> = (0..(1usize << 8) * 2).map(|i| (i % 7) as i8 - 3).collect();
        let hmdl = model::encode(8, &classes, &[0.0, -1.0], 0.1, &weights);
        vec![(PSL_TAG, psl), (BRAND_TAG, brands), (MODEL_TAG, hmdl)]
    }

    fn engine(sections: Vec<([u8; 4], Vec<u8>)>) -> Option<Engine> {
        let mut b = BundleBuilder::new();
        let s = b
            .source(SourceInfo {
                name: "g".into(),
                category: "gambling".into(),
                kind: SourceKind::Block,
                licence: String::new(),
                upstream: String::new(),
                bands: Vec::new(),
                entries: 0,
            })
            .unwrap();
        b.add_domain(s, "jun88.com").unwrap();
        for (tag, bytes) in sections {
            b.set_section(tag, bytes);
        }
        Engine::from_bytes(b.build().ok()?).ok()
    }

    #[test]
    fn registrable_labels_follow_the_list() {
        let (bytes, n) = psl::build(PSL).unwrap();
        assert_eq!(n, 6);
        let l = SuffixList::from_bytes(bytes).unwrap();
        let label = |h: &str| l.registrable(h).map(|r| r.label(h).to_string());
        assert_eq!(label("m.shop.com.vn").as_deref(), Some("shop"));
        assert_eq!(label("shop.vn").as_deref(), Some("shop"));
        assert_eq!(label("a.b.example.ck").as_deref(), Some("b"));
        assert_eq!(label("www.ck").as_deref(), Some("www"));
        assert_eq!(label("x.unknowntld").as_deref(), Some("x"));
        assert_eq!(label("com.vn"), None);
    }

    #[test]
    fn private_rules_are_marked() {
        let list = "com\n// ===BEGIN PRIVATE DOMAINS===\ncloudfront.net\n*.elb.example\n// ===END PRIVATE DOMAINS===\nnet\n";
        let (bytes, _) = psl::build(list).unwrap();
        let l = SuffixList::from_bytes(bytes).unwrap();
        let private = |h: &str| {
            l.registrable(h)
                .map(|r| (r.label(h).to_string(), r.private))
        };
        assert_eq!(
            private("d1y002.cloudfront.net"),
            Some(("d1y002".into(), true))
        );
        assert_eq!(
            private("a.b.us-east-1.elb.example"),
            Some(("b".into(), true))
        );
        assert_eq!(private("shop.com"), Some(("shop".into(), false)));
        // `net` is an ICANN rule even though it comes after the section.
        assert_eq!(private("cloud.net"), Some(("cloud".into(), false)));
    }

    #[test]
    fn brand_on_a_new_suffix_is_found() {
        let e = engine(sections()).unwrap();
        for host in [
            "jun88.app",
            "m1.jun88.app",
            "jun88-ok.vn",
            "newjun88.com.vn",
        ] {
            let v = e.check_url(&format!("https://{host}/"), None);
            assert_eq!(v.match_kind, MatchKind::Brand, "{host}: {}", v.reason);
            assert_eq!(v.rule.as_deref(), Some("jun88"));
        }
        // An exact-only brand does not match inside another label.
        let v = e.check_url("https://casinoroyale.com/", None);
        assert_ne!(v.match_kind, MatchKind::Brand);
    }

    /// Damaged name sections (in a bundle whose checksum is right) are
    /// never a panic: each check answers, with or without the section.
    #[test]
    fn damaged_name_sections_never_panic() {
        let mut x = 0x5eed_u64;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let hosts = [
            "https://jun88.app/",
            "https://a.b.c.com.vn/",
            "https://x.ck/",
            "https://q.zz/",
        ];
        for round in 0..3000 {
            let mut s = sections();
            let which = (rnd() % 3) as usize;
            let bytes = &mut s[which].1;
            match rnd() % 3 {
                0 => {
                    let at = (rnd() as usize) % bytes.len();
                    bytes[at] ^= 1 << (rnd() % 8);
                }
                1 => {
                    let at = (rnd() as usize) % bytes.len();
                    bytes[at] = rnd() as u8;
                }
                _ => {
                    let at = (rnd() as usize) % bytes.len();
                    bytes.truncate(at);
                }
            }
            let Some(e) = engine(s) else { continue };
            for h in hosts {
                let v = e.check_url(h, None);
                assert!(v.action <= crate::Action::Block, "round {round}");
                let _ = e.check_code(h, None);
            }
        }
    }
}
