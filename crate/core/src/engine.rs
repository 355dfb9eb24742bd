//! The engine: a bundle, the merged policy, and the rules for combining
//! list hits into one verdict.
//!
//! # How a verdict is reached
//! 1. A URL that is not a web URL (`about:`, extension pages) is allowed.
//! 2. The policy layers' own lists, school first, then parent: the most
//!    specific entry of the first layer that has one decides.
//! 3. The bundle: every hit on the host, its parent domains, URL-prefix
//!    rules (on the path as servers resolve it, see `path.rs`) and
//!    expressions, for sources that apply to the band. An allow
//!    hit beats every block hit that is not more specific than it (so a
//!    listed sub-site of an allowed domain is still blocked). Of the block
//!    hits left, the one whose category has the strictest action in the
//!    band decides; ties go to the more specific rule.
//! 4. URLs carried inside the URL (translation proxies, caches, archives)
//!    are checked the same way, three levels deep, at most
//!    `unwrap::MAX_TARGETS` per URL; the strictest wins.
//!
//! # Where the rest of the engine lives
//! * `fast_path.rs` — [`Engine::check_code`]: plain URLs checked from
//!   slices of the string, without a full parse.
//! * `explain.rs` — a decision turned into a [`Verdict`]'s sentences.
//! * `text_check.rs` — [`Engine::check_text`], [`Engine::check_comments`].
//! * `images.rs` — [`Engine::check_image_rgba`], [`Engine::check_image_hash`].
//! * `expressions.rs` — the compiled expression rules and their pre-filter.
use std::sync::OnceLock;

use crate::bundle::{Bundle, SourceKind};
use crate::error::{Error, ErrorKind};
use crate::expressions::Expressions;
use crate::fast_path::UrlParts;
use crate::host::HostKind;
use crate::matcher::{lookup, Hit};
use crate::names::{NameHit, Names, PSL_TAG};
use crate::policy::{Action, AgeBand, Policy, PolicyLayer, PolicyWarning};
use crate::unwrap::embedded_urls;
use crate::url::ParsedUrl;
use crate::verdict::Verdict;

const MAX_UNWRAP_DEPTH: usize = 3;

/// Where the deciding rule came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Rule {
    /// Nothing matched.
    None,
    /// A bundle hit.
    List { source: u16, hit: Hit },
    /// An expression, by index.
    Expression { source: u16, index: usize },
    /// A policy layer's own entry: layer index in `Policy::custom`, entry
    /// index, and whether it is an allow entry.
    Custom {
        layer: usize,
        entry: usize,
        allow: bool,
    },
    /// A judgement on a host no list names (brand, look-alike, model).
    Name(NameHit),
}

/// A verdict before it is turned into text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Decision {
    pub(crate) action: Action,
    pub(crate) category: Option<u16>,
    pub(crate) rule: Rule,
    pub(crate) allow_override: bool,
}

impl Decision {
    pub(crate) const ALLOW: Decision = Decision {
        action: Action::Allow,
        category: None,
        rule: Rule::None,
        allow_override: false,
    };
}

/// The filter engine. Cheap to query from many threads; the policy is
/// replaced as a whole with [`Engine::set_policy`].
pub struct Engine {
    pub(crate) bundle: Bundle,
    pub(crate) defaults: PolicyLayer,
    pub(crate) parent: Option<PolicyLayer>,
    pub(crate) school: Option<PolicyLayer>,
    pub(crate) policy: Policy,
    /// Action per category id per band, derived from `policy`.
    pub(crate) actions: Vec<[Action; 4]>,
    /// Category id of each source, resolved once.
    pub(crate) source_categories: Vec<Option<u16>>,
    /// Whether any expression rule applies, per band (derived from the
    /// bundle once).
    pub(crate) expressions_in_band: [bool; 4],
    /// Whether the policy layers have no allow or block entries of their
    /// own (derived from `policy`).
    pub(crate) no_custom: bool,
    pub(crate) expressions: OnceLock<Expressions>,
    /// The phrase set, loaded on the first text check (11-26 ms in WASM:
    /// kept off the cold-start path of URL verdicts).
    pub(crate) phrases: OnceLock<Option<lachan_text::PhraseSet>>,
    pub(crate) sites: OnceLock<Option<lachan_text::Sites>>,
    pub(crate) comments: OnceLock<Option<lachan_text::CommentModel>>,
    /// The image-hash index, opened on the first image check.
    pub(crate) images: OnceLock<Option<lachan_pdq::HashIndex>>,
    /// Whether the bundle judges names no list has (brands, look-alikes,
    /// the host-name model); the sections open on first use.
    pub(crate) has_names: bool,
    pub(crate) names: OnceLock<Option<Names>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("bundle", &self.bundle)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Opens a bundle and applies its default policy.
    pub fn new(bundle: Bundle) -> Result<Engine, Error> {
        let cats = category_keys(&bundle);
        let defaults = match bundle.default_policy() {
            serde_json::Value::Null => PolicyLayer::default(),
            v => {
                let (layer, warnings) = PolicyLayer::from_value("defaults", v, &cats)
                    .map_err(|w| Error::new(ErrorKind::Policy, w.to_string()))?;
                if let Some(w) = warnings.first() {
                    return Err(Error::new(
                        ErrorKind::Policy,
                        format!("the bundle's default policy is invalid: {w}"),
                    ));
                }
                layer
            }
        };
        let mut engine = Engine {
            bundle,
            defaults,
            parent: None,
            school: None,
            policy: Policy::merge(&[]),
            actions: Vec::new(),
            source_categories: Vec::new(),
            expressions_in_band: [false; 4],
            no_custom: true,
            expressions: OnceLock::new(),
            images: OnceLock::new(),
            phrases: OnceLock::new(),
            sites: OnceLock::new(),
            comments: OnceLock::new(),
            has_names: false,
            names: OnceLock::new(),
        };
        engine.has_names = engine.bundle.section(&PSL_TAG).is_some();
        engine.source_categories = engine
            .bundle
            .sources()
            .iter()
            .map(|s| engine.category_id(&s.category))
            .collect();
        engine.expressions_in_band = AgeBand::ALL.map(|band| {
            let sources = engine.bundle.sources();
            engine
                .bundle
                .meta
                .expressions
                .iter()
                .any(|e| sources[e.source as usize].applies_to(band))
        });
        engine.remerge();
        Ok(engine)
    }

    /// Opens bundle bytes (see [`Bundle::from_bytes`]).
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Engine, Error> {
        Engine::new(Bundle::from_bytes(bytes)?)
    }

    /// The bundle.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The merged policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Sets the parent's and school's layers from JSON (`None` clears a
    /// layer). Bad values are returned as warnings and ignored; a layer
    /// that is not JSON at all is ignored as a whole, with one warning.
    pub fn set_policy(&mut self, parent: Option<&str>, school: Option<&str>) -> Vec<PolicyWarning> {
        let cats = category_keys(&self.bundle);
        let mut warnings = Vec::new();
        let mut parse = |name: &str, json: Option<&str>| -> Option<PolicyLayer> {
            let json = json?;
            match PolicyLayer::from_json(name, json, &cats) {
                Ok((layer, w)) => {
                    warnings.extend(w);
                    Some(layer)
                }
                Err(w) => {
                    warnings.push(w);
                    None
                }
            }
        };
        self.parent = parse("parent", parent);
        self.school = parse("school", school);
        self.remerge();
        warnings
    }

    /// Checks a policy layer without applying it (the options page shows
    /// these before saving): the same warnings [`Engine::set_policy`] would
    /// give for it, so a parent sees exactly what the filter would ignore.
    pub fn validate_layer(&self, name: &str, json: &str) -> Vec<PolicyWarning> {
        match PolicyLayer::from_json(name, json, &category_keys(&self.bundle)) {
            Ok((_, warnings)) => warnings,
            Err(w) => vec![w],
        }
    }

    /// The bundle's default action table, without the parent's or school's
    /// layers: what "the default for this age" means on the options page.
    pub fn default_table(
        &self,
    ) -> std::collections::BTreeMap<String, std::collections::BTreeMap<&'static str, Action>> {
        Policy::merge(&[&self.defaults]).table()
    }

    fn remerge(&mut self) {
        let mut layers = vec![&self.defaults];
        layers.extend(self.parent.as_ref());
        layers.extend(self.school.as_ref());
        self.policy = Policy::merge(&layers);
        self.no_custom = self
            .policy
            .custom
            .iter()
            .all(|l| l.allow.is_empty() && l.block.is_empty());
        self.actions = self
            .bundle
            .categories()
            .iter()
            .map(|c| AgeBand::ALL.map(|b| self.policy.action(&c.key, b)))
            .collect();
    }

    /// The verdict for a URL in the policy's band (or `band` if given).
    pub fn check_url(&self, url: &str, band: Option<AgeBand>) -> Verdict {
        let band = band.unwrap_or(self.policy.band());
        let parsed = match ParsedUrl::parse(url) {
            Ok(p) => p,
            Err(e) => return Verdict::allow(band, format!("not a web address we filter ({e})")),
        };
        let (decision, matched) = self.decide_with_embedded(&parsed, band, 0);
        self.explain(
            decision,
            band,
            matched.as_ref().unwrap_or(&parsed),
            matched.is_some(),
        )
    }

    pub(crate) fn decide_with_embedded(
        &self,
        url: &ParsedUrl,
        band: AgeBand,
        depth: usize,
    ) -> (Decision, Option<ParsedUrl>) {
        let mut best = (self.decide(url, band), None);
        if depth >= MAX_UNWRAP_DEPTH || best.0.action == Action::Block {
            return best;
        }
        for inner in embedded_urls(url) {
            let Ok(inner) = ParsedUrl::parse(&inner) else {
                continue;
            };
            let (d, deeper) = self.decide_with_embedded(&inner, band, depth + 1);
            if d.action > best.0.action {
                best = (d, Some(deeper.unwrap_or(inner)));
            }
        }
        best
    }

    pub(crate) fn decide(&self, url: &ParsedUrl, band: AgeBand) -> Decision {
        if let Some(d) = self.decide_custom(url) {
            return d;
        }
        self.decide_lists(&UrlParts::of(url), band, u64::MAX)
    }

    fn decide_custom(&self, url: &ParsedUrl) -> Option<Decision> {
        if self
            .policy
            .custom
            .iter()
            .all(|l| l.allow.is_empty() && l.block.is_empty())
        {
            return None;
        }
        let host = url.host().as_str();
        let path = crate::path::canonical_text(url.path().get(1..).unwrap_or(""));
        for (li, layer) in self.policy.custom.iter().enumerate() {
            let mut best: Option<(usize, usize, bool)> = None;
            for (allow, list) in [(true, &layer.allow), (false, &layer.block)] {
                for (ei, e) in list.iter().enumerate() {
                    if !host_covers(&e.host, host, url.host().kind())
                        || !path_covers(&e.path, &path)
                    {
                        continue;
                    }
                    let spec = e.host.len() + e.path.len();
                    // Equal specificity: block wins inside one layer.
                    let better = match best {
                        None => true,
                        Some((s, _, a)) => spec > s || (spec == s && a && !allow),
                    };
                    if better {
                        best = Some((spec, ei, allow));
                    }
                }
            }
            if let Some((_, entry, allow)) = best {
                let action = if allow { Action::Allow } else { Action::Block };
                return Some(Decision {
                    action,
                    category: None,
                    rule: Rule::Custom {
                        layer: li,
                        entry,
                        allow,
                    },
                    allow_override: false,
                });
            }
        }
        None
    }

    /// `suffixes`: the host suffixes that may be listed, from the host
    /// pre-filter (see [`lookup`]); `u64::MAX` to look at all of them.
    pub(crate) fn decide_lists(
        &self,
        url: &UrlParts<'_>,
        band: AgeBand,
        suffixes: u64,
    ) -> Decision {
        let hits = lookup(
            &self.bundle.fst,
            url.host,
            url.kind,
            url.path_rest,
            suffixes,
        );
        let host_len = url.host.len();
        let sources = self.bundle.sources();
        // Most specific allow hit.
        let mut allow_spec: Option<usize> = None;
        for hit in hits.as_slice() {
            for sid in self.bundle.combo(hit.combo) {
                let s = &sources[sid as usize];
                if s.kind == SourceKind::Allow && s.applies_to(band) {
                    allow_spec = allow_spec.max(Some(hit.specificity(host_len)));
                }
            }
        }
        let mut best = Decision::ALLOW;
        let mut best_spec = 0usize;
        let mut overridden = false;
        for hit in hits.as_slice() {
            let spec = hit.specificity(host_len);
            for sid in self.bundle.combo(hit.combo) {
                let s = &sources[sid as usize];
                if s.kind != SourceKind::Block || !s.applies_to(band) {
                    continue;
                }
                if allow_spec.is_some_and(|a| a >= spec) {
                    overridden = true;
                    continue;
                }
                let cat = self.source_categories[sid as usize];
                let action = cat.map_or(Action::Block, |c| self.actions[c as usize][band as usize]);
                let better = best.category.is_none()
                    || action > best.action
                    || (action == best.action && spec > best_spec);
                if better {
                    best = Decision {
                        action,
                        category: cat,
                        rule: Rule::List {
                            source: sid,
                            hit: *hit,
                        },
                        allow_override: false,
                    };
                    best_spec = spec;
                }
            }
        }
        if best.category.is_none() && allow_spec.is_none() {
            if let Some(d) = self.decide_expressions(url, band) {
                return d;
            }
            if let Some(d) = self.decide_names(url, band) {
                return d;
            }
        }
        if best.category.is_none() && overridden {
            best.allow_override = true;
            best.rule = self.allow_rule(&hits, host_len, band);
        }
        best
    }

    fn allow_rule(&self, hits: &crate::matcher::Hits, host_len: usize, band: AgeBand) -> Rule {
        let sources = self.bundle.sources();
        hits.as_slice()
            .iter()
            .flat_map(|h| self.bundle.combo(h.combo).map(move |s| (s, *h)))
            .filter(|(s, _)| {
                let s = &sources[*s as usize];
                s.kind == SourceKind::Allow && s.applies_to(band)
            })
            .max_by_key(|(_, h)| h.specificity(host_len))
            .map_or(Rule::None, |(source, hit)| Rule::List { source, hit })
    }

    fn decide_expressions(&self, url: &UrlParts<'_>, band: AgeBand) -> Option<Decision> {
        if !self.expressions_in_band[band as usize] {
            return None;
        }
        let exprs = &self.bundle.meta.expressions;
        let sources = self.bundle.sources();
        // Compiled on first use: most bands never need them.
        let compiled = self.expressions.get_or_init(|| Expressions::compile(exprs));
        // The text is the host and the canonical path, lower-cased.
        let text = format!("{}{}", url.host, crate::path::canonical_text(url.path_rest));
        let candidates = compiled.candidates(&text);
        let mut best: Option<Decision> = None;
        for (index, re) in compiled.regexes.iter().enumerate() {
            if !candidates[index] {
                continue;
            }
            let source = exprs[index].source;
            let s = &sources[source as usize];
            if s.kind != SourceKind::Block || !s.applies_to(band) {
                continue;
            }
            let Some(m) = re.as_ref().and_then(|re| re.find(&text)) else {
                continue;
            };
            // Leftmost match: if it starts in the path, no match touches the
            // host, and the source's context list may rule it out.
            if m.start() >= url.host.len()
                && self
                    .bundle
                    .meta
                    .expression_contexts
                    .iter()
                    .any(|c| c.source == source && c.context.covers(url.host, url.path_rest))
            {
                continue;
            }
            let cat = self.source_categories[source as usize];
            let action = cat.map_or(Action::Block, |c| self.actions[c as usize][band as usize]);
            if best.is_none_or(|b| action > b.action) {
                best = Some(Decision {
                    action,
                    category: cat,
                    rule: Rule::Expression { source, index },
                    allow_override: false,
                });
            }
        }
        best
    }

    /// The name checks of a host that no list names and no allow list
    /// covers: the strictest of a look-alike, a brand and the model's
    /// score, each through the policy of its category (and, for the model,
    /// the policy's score bands).
    pub(crate) fn decide_names(&self, url: &UrlParts<'_>, band: AgeBand) -> Option<Decision> {
        // A wrapper host (a translation proxy, a cache) is judged by the
        // URL it carries, never by its own name.
        if !self.has_names || url.kind != HostKind::Domain || crate::unwrap::may_carry_url(url.host)
        {
            return None;
        }
        let names = self
            .names
            .get_or_init(|| Names::open(&self.bundle))
            .as_ref()?;
        let (look, brand, model) = names.check(url.host);
        let confirm = match self.policy.model() {
            Some(m) if names.has_model() => m.confirm,
            _ => 0,
        };
        let mut best: Option<Decision> = None;
        for hit in [look, brand, model].into_iter().flatten() {
            let category = match hit {
                NameHit::Lookalike { .. } => self
                    .bundle
                    .meta
                    .lookalike_source
                    .and_then(|s| *self.source_categories.get(s as usize)?),
                NameHit::Brand { source, .. } => self
                    .source_categories
                    .get(source as usize)
                    .copied()
                    .flatten(),
                NameHit::Model { category, .. } => {
                    Some(category).filter(|c| (*c as usize) < self.actions.len())
                }
            };
            let Some(category) = category else { continue };
            let mut action = self.actions[category as usize][band as usize];
            // A brand or a look-alike alone is a name that chance can
            // spell; it blocks only where the model also finds the host
            // harmful enough, and warns otherwise.
            if !matches!(hit, NameHit::Model { .. }) && !confirmed(model, confirm, category) {
                action = action.min(Action::Warn);
            }
            if let NameHit::Model { score, .. } = hit {
                let key = self
                    .bundle
                    .categories()
                    .get(category as usize)
                    .map_or("", |c| c.key.as_str());
                let by_score = self
                    .policy
                    .model()
                    .map_or(Action::Allow, |m| m.action(score, key, band));
                action = action.min(by_score);
            }
            if action > Action::Allow && best.is_none_or(|b| action > b.action) {
                best = Some(Decision {
                    action,
                    category: Some(category),
                    rule: Rule::Name(hit),
                    allow_override: false,
                });
            }
        }
        best
    }

    /// The host-name model's most likely harmful category and its score
    /// for a canonical domain name, ignoring lists and exemptions: for
    /// choosing and checking the policy's score bands (`lachan eval`).
    pub fn host_model_score(&self, host: &str) -> Option<(&str, f32)> {
        if !self.has_names {
            return None;
        }
        let names = self
            .names
            .get_or_init(|| Names::open(&self.bundle))
            .as_ref()?;
        let (c, margin) = names.model_score(host)?;
        Some((
            self.bundle.categories().get(c as usize)?.key.as_str(),
            crate::names::model::score(margin),
        ))
    }

    fn category_id(&self, key: &str) -> Option<u16> {
        self.bundle
            .categories()
            .iter()
            .position(|c| c.key == key)
            .map(|i| i as u16)
    }
}

fn category_keys(bundle: &Bundle) -> Vec<&str> {
    bundle.categories().iter().map(|c| c.key.as_str()).collect()
}

/// Whether a custom entry host covers `host` on a label boundary.
fn host_covers(entry: &str, host: &str, kind: HostKind) -> bool {
    if host == entry {
        return true;
    }
    kind == HostKind::Domain
        && host.len() > entry.len()
        && host.ends_with(entry)
        && host.as_bytes()[host.len() - entry.len() - 1] == b'.'
}

fn path_covers(prefix: &str, path: &str) -> bool {
    if prefix.is_empty() {
        return true;
    }
    path.starts_with(prefix)
        && (path.len() == prefix.len()
            || prefix.ends_with('/')
            || matches!(
                path.as_bytes()[prefix.len()],
                b'/' | b'?' | b'#' | b'&' | b'.'
            ))
}

/// Whether the model's score backs a name hit: `confirm` in thousandths
/// (0: every hit stands on its own).
fn confirmed(model: Option<NameHit>, confirm: u16, category: u16) -> bool {
    confirm == 0
        || matches!(model, Some(NameHit::Model { score, category: c }) if c == category && score * 1000.0 >= f32::from(confirm))
}
