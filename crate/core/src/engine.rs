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
use std::sync::OnceLock;

use regex_lite::Regex;

use crate::bundle::{Bundle, SourceKind, REGEX_SIZE_LIMIT};
use crate::error::{Error, ErrorKind};
use crate::host::{is_canonical_domain, Host, HostKind, MAX_HOST_LEN};
use crate::images::{self, ImageMatch, ImageVerdict};
use crate::matcher::{lookup, Hit};
use crate::names::{NameHit, Names, PSL_TAG};
use crate::policy::{Action, AgeBand, Policy, PolicyLayer, PolicyWarning};
use crate::text_check::{self, TextVerdict};

/// Section tag of the page-context sites (`lachan_text::Sites`).
pub const SITES_TAG: [u8; 4] = *b"PCTX";
/// Section tag of the learned scorer of short posts (`lachan_text::CommentModel`).
pub const COMMENTS_TAG: [u8; 4] = *b"TMDL";

/// The page a text was read on, for [`Engine::check_text_on`].
#[derive(Clone, Copy, Debug)]
pub struct TextPage<'a> {
    /// The page's URL.
    pub url: &'a str,
    /// Whether it marks itself up as an article (`<article>`, `og:type`).
    pub article: bool,
}
use crate::unwrap::embedded_urls;
use crate::url::ParsedUrl;
use crate::verdict::{MatchKind, Verdict};

const MAX_UNWRAP_DEPTH: usize = 3;

/// Where the deciding rule came from.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Rule {
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

/// What the list lookup needs of a URL, borrowed: from a [`ParsedUrl`], or
/// sliced straight out of a plain URL string by [`split_plain`].
#[derive(Clone, Copy)]
struct UrlParts<'a> {
    host: &'a str,
    kind: HostKind,
    /// The path and query without the path's leading `/`.
    path_rest: &'a str,
    /// A slice of the URL that spells host + path (`/` + `path_rest`) but
    /// for the case of ASCII letters, when there is one (no port, a path
    /// given): the expressions' literal pre-filter can scan it in place
    /// when the path is canonical too.
    text: Option<&'a str>,
}

impl<'a> UrlParts<'a> {
    fn of(url: &'a ParsedUrl) -> UrlParts<'a> {
        UrlParts {
            host: url.host().as_str(),
            kind: url.host().kind(),
            path_rest: url.path().get(1..).unwrap_or(""),
            text: None,
        }
    }
}

/// A verdict before it is turned into text.
#[derive(Clone, Copy, Debug)]
struct Decision {
    action: Action,
    category: Option<u16>,
    rule: Rule,
    allow_override: bool,
}

impl Decision {
    const ALLOW: Decision = Decision {
        action: Action::Allow,
        category: None,
        rule: Rule::None,
        allow_override: false,
    };
}

/// Compiled expression rules with their literal pre-filter.
struct Expressions {
    regexes: Vec<Option<Regex>>,
    /// Aho-Corasick over every expression's required literals.
    literals: Option<aho_corasick::AhoCorasick>,
    /// Expression index of each literal pattern.
    literal_owner: Vec<usize>,
    /// Expressions without literals: always run.
    always: Vec<bool>,
}

impl Expressions {
    fn compile(exprs: &[crate::bundle::ExpressionInfo]) -> Expressions {
        let regexes = exprs
            .iter()
            .map(|e| {
                regex_lite::RegexBuilder::new(&e.pattern)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .ok()
            })
            .collect();
        let mut patterns = Vec::new();
        let mut literal_owner = Vec::new();
        for (i, e) in exprs.iter().enumerate() {
            for l in e.literals.iter().flatten() {
                patterns.push(l.as_str());
                literal_owner.push(i);
            }
        }
        let literals = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&patterns)
            .ok()
            .filter(|_| !patterns.is_empty());
        let always = exprs.iter().map(|e| e.literals.is_none()).collect();
        Expressions {
            regexes,
            literals,
            literal_owner,
            always,
        }
    }

    /// Which expressions may match `text`, judged by their literals.
    fn candidates(&self, text: &str) -> Vec<bool> {
        let mut out = self.always.clone();
        if let Some(ac) = &self.literals {
            for m in ac.find_overlapping_iter(text) {
                out[self.literal_owner[m.pattern().as_usize()]] = true;
            }
        }
        out
    }

    /// Whether any expression could match: the fast path's question.
    fn may_match(&self, text: &str) -> bool {
        self.always.iter().any(|a| *a) || self.literals.as_ref().is_some_and(|ac| ac.is_match(text))
    }
}

/// The filter engine. Cheap to query from many threads; the policy is
/// replaced as a whole with [`Engine::set_policy`].
pub struct Engine {
    bundle: Bundle,
    defaults: PolicyLayer,
    parent: Option<PolicyLayer>,
    school: Option<PolicyLayer>,
    policy: Policy,
    /// Action per category id per band, derived from `policy`.
    actions: Vec<[Action; 4]>,
    /// Category id of each source, resolved once.
    source_categories: Vec<Option<u16>>,
    /// Whether any expression rule applies, per band (derived from the
    /// bundle once).
    expressions_in_band: [bool; 4],
    /// Whether the policy layers have no allow or block entries of their
    /// own (derived from `policy`).
    no_custom: bool,
    expressions: OnceLock<Expressions>,
    /// The phrase set, loaded on the first text check (11-26 ms in WASM:
    /// kept off the cold-start path of URL verdicts).
    phrases: OnceLock<Option<lachan_text::PhraseSet>>,
    sites: OnceLock<Option<lachan_text::Sites>>,
    comments: OnceLock<Option<lachan_text::CommentModel>>,
    /// The image-hash index, opened on the first image check.
    images: OnceLock<Option<lachan_pdq::HashIndex>>,
    /// Whether the bundle judges names no list has (brands, look-alikes,
    /// the host-name model); the sections open on first use.
    has_names: bool,
    names: OnceLock<Option<Names>>,
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

    /// The fast path: the action (0 allow, 1 warn, 2 block) in the low two
    /// bits and the category id + 1 (0 = none) above them.
    pub fn check_code(&self, url: &str, band: Option<AgeBand>) -> u32 {
        let band = band.unwrap_or(self.policy.band());
        if self.no_custom {
            // A host with upper-case letters (rare: browsers give hosts
            // lower-cased) is lower-cased into a stack buffer, set up only
            // then.
            match split_plain(url, None) {
                Ok(parts) => {
                    if let Some(code) = self.check_plain(&parts, band) {
                        return code;
                    }
                }
                Err(NotPlain::UpperCase) => {
                    let mut buf = [0u8; MAX_HOST_LEN];
                    if let Ok(parts) = split_plain(url, Some(&mut buf)) {
                        if let Some(code) = self.check_plain(&parts, band) {
                            return code;
                        }
                    }
                }
                Err(NotPlain::Other) => {}
            }
        }
        let Ok(parsed) = ParsedUrl::parse(url) else {
            return 0;
        };
        let (d, _) = self.decide_with_embedded(&parsed, band, 0);
        code_of(&d)
    }

    /// The verdict code of a plain URL (see [`split_plain`]) without
    /// building a [`ParsedUrl`]: the host pre-filter, then at most one FST
    /// walk over the host slice. `None` for a host that may carry another
    /// URL: unwrapping needs the full path. Only called without custom
    /// entries, so the lists alone decide, exactly as [`Engine::decide`]
    /// would on the parsed URL.
    #[inline]
    fn check_plain(&self, parts: &UrlParts<'_>, band: AgeBand) -> Option<u32> {
        if crate::unwrap::may_carry_url(parts.host) {
            return None;
        }
        let suffixes = self
            .bundle
            .host_filter()
            .map_or(u64::MAX, |f| f.suffix_mask(parts.host.as_bytes()));
        if suffixes == 0 {
            // No list can match: only an expression could, and its literal
            // pre-filter (case-insensitive) rules most out, over the slice
            // of the URL that spells host + path when there is one. Then
            // only the name checks are left.
            let may = self.expressions_in_band[band as usize] && {
                let compiled = self
                    .expressions
                    .get_or_init(|| Expressions::compile(&self.bundle.meta.expressions));
                match parts.text {
                    Some(text) if crate::path::is_canonical(parts.path_rest) => {
                        compiled.may_match(text)
                    }
                    _ => compiled.may_match(&format!(
                        "{}{}",
                        parts.host,
                        crate::path::canonical_text(parts.path_rest)
                    )),
                }
            };
            if !may {
                return Some(self.decide_names(parts, band).map_or(0, |d| code_of(&d)));
            }
        }
        Some(code_of(&self.decide_lists(parts, band, suffixes)))
    }

    fn decide_with_embedded(
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

    fn decide(&self, url: &ParsedUrl, band: AgeBand) -> Decision {
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
    fn decide_lists(&self, url: &UrlParts<'_>, band: AgeBand, suffixes: u64) -> Decision {
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
    fn decide_names(&self, url: &UrlParts<'_>, band: AgeBand) -> Option<Decision> {
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
            if !matches!(hit, NameHit::Model { .. }) && !confirmed(model, confirm) {
                action = action.min(Action::Warn);
            }
            if let NameHit::Model { score, .. } = hit {
                let by_score = self
                    .policy
                    .model()
                    .map_or(Action::Allow, |m| m.action(score, band));
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

    /// The host-name model's most likely harmful category and probability
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
        let (c, s) = names.model_score(host)?;
        Some((self.bundle.categories().get(c as usize)?.key.as_str(), s))
    }

    fn phrase_set(&self) -> Option<&lachan_text::PhraseSet> {
        self.phrases
            .get_or_init(|| lachan_text::PhraseSet::from_bytes(self.bundle.section(b"PHRS")?).ok())
            .as_ref()
    }

    /// Whether the bundle carries page-text phrases.
    pub fn has_phrases(&self) -> bool {
        self.phrase_set().is_some()
    }

    /// Scores page text (or a search query) for the band in force (or
    /// `band`). Without a phrase section everything is allowed.
    pub fn check_text(&self, text: &str, band: Option<AgeBand>) -> TextVerdict {
        self.check_text_on(text, band, None)
    }

    /// Scores page text in its page's context: the page's URL (its host is
    /// looked up in the bundle's context sites, `PCTX`) and whether the page
    /// marks itself up as an article (see `lachan_text::PageContext`). A URL
    /// that does not parse, or a bundle without context sites, gives no
    /// context: the words alone decide.
    pub fn check_text_on(
        &self,
        text: &str,
        band: Option<AgeBand>,
        page: Option<TextPage<'_>>,
    ) -> TextVerdict {
        let band = band.unwrap_or(self.policy.band());
        let Some(set) = self.phrase_set() else {
            return text_check::allow(band);
        };
        let context = page
            .map(|p| lachan_text::PageContext {
                site: self.context_site(p.url),
                article: p.article,
            })
            .unwrap_or_default();
        text_check::score(set, text, band, context)
    }

    /// Judges short posts one by one (comments, replies, forum posts) for
    /// the band in force (or `band`): which to mask where they stand, by the
    /// bullying and adult phrases and the bundle's learned scorer (`TMDL`).
    /// Without the scorer (or with a damaged one) the phrases alone decide;
    /// without phrases nothing is masked.
    pub fn check_comments(
        &self,
        texts: &[&str],
        band: Option<AgeBand>,
    ) -> Vec<text_check::CommentCheck> {
        let band = band.unwrap_or(self.policy.band());
        let Some(set) = self.phrase_set() else {
            return texts
                .iter()
                .map(|_| text_check::CommentCheck::default())
                .collect();
        };
        let model = self
            .comments
            .get_or_init(|| {
                lachan_text::CommentModel::from_bytes(self.bundle.section(&COMMENTS_TAG)?).ok()
            })
            .as_ref();
        texts
            .iter()
            .map(|t| text_check::comment(set, t, band, model))
            .collect()
    }

    /// Whether the bundle carries a readable learned scorer of short posts.
    pub fn has_comment_model(&self) -> bool {
        self.comments
            .get_or_init(|| {
                lachan_text::CommentModel::from_bytes(self.bundle.section(&COMMENTS_TAG)?).ok()
            })
            .is_some()
    }

    /// The kind of context site `url` is on, if the bundle lists its host.
    pub fn context_site(&self, url: &str) -> Option<lachan_text::SiteKind> {
        let sites = self
            .sites
            .get_or_init(|| lachan_text::Sites::from_bytes(self.bundle.section(&SITES_TAG)?))
            .as_ref()?;
        let parsed = crate::url::ParsedUrl::parse(url).ok()?;
        sites.kind_of(parsed.host().as_str())
    }

    fn image_index(&self) -> Option<&lachan_pdq::HashIndex> {
        self.images
            .get_or_init(|| {
                let bytes = self.bundle.section(b"PDQI")?;
                lachan_pdq::HashIndex::from_bytes(bytes).ok()
            })
            .as_ref()
    }

    /// Number of image hashes in the bundle's hash list.
    pub fn image_hashes(&self) -> usize {
        self.image_index().map_or(0, |i| i.len())
    }

    /// PDQ-hashes an RGBA image (as a canvas gives it) and looks it up in the
    /// bundle's hash list, all rotations and flips, within distance 31.
    pub fn check_image_rgba(
        &self,
        pixels: &[u8],
        width: u32,
        height: u32,
    ) -> Result<ImageVerdict, Error> {
        images::check_rgba(self.image_index(), pixels, width, height)
            .map_err(|e| Error::new(ErrorKind::Entry, format!("cannot hash this image: {e}")))
    }

    /// Looks up a PDQ hash given as 64 hex digits.
    pub fn check_image_hash(&self, hex: &str) -> Result<Option<ImageMatch>, Error> {
        images::check_hex(self.image_index(), hex)
            .map_err(|e| Error::new(ErrorKind::Entry, format!("not a PDQ hash: {e}")))
    }

    fn category_id(&self, key: &str) -> Option<u16> {
        self.bundle
            .categories()
            .iter()
            .position(|c| c.key == key)
            .map(|i| i as u16)
    }

    fn explain(&self, d: Decision, band: AgeBand, url: &ParsedUrl, embedded: bool) -> Verdict {
        let mut v = Verdict::allow(band, "not on any list");
        v.action = d.action;
        v.allow_override = d.allow_override;
        v.category = d
            .category
            .map(|c| self.bundle.categories()[c as usize].key.clone());
        if embedded {
            v.matched_url = Some(display_url(url));
        }
        let host = url.host().as_str();
        match d.rule {
            Rule::None => {}
            Rule::List { source, hit } => {
                let s = &self.bundle.sources()[source as usize];
                let rule = format!("{}{}", &host[hit.host_start..], rule_path(url, hit));
                v.match_kind = if hit.path_len > 0 {
                    MatchKind::UrlPrefix
                } else {
                    MatchKind::Domain
                };
                v.source = Some(s.name.clone());
                v.reason = if d.allow_override {
                    v.category = Some(s.category.clone());
                    format!(
                        "{rule} is on the allow-list {} ({}), which wins over block lists",
                        s.name, s.category
                    )
                } else {
                    format!(
                        "{rule} is on the {} list {} → {} for age {band}",
                        s.category, s.name, d.action
                    )
                };
                v.rule = Some(rule);
            }
            Rule::Expression { source, index } => {
                let s = &self.bundle.sources()[source as usize];
                let pattern = self.bundle.meta.expressions[index].pattern.clone();
                v.match_kind = MatchKind::Expression;
                v.source = Some(s.name.clone());
                v.reason = format!(
                    "the address matches an expression of the {} list {} → {} for age {band}",
                    s.category, s.name, d.action
                );
                v.rule = Some(pattern);
            }
            Rule::Custom {
                layer,
                entry,
                allow,
            } => {
                let l = &self.policy.custom[layer];
                let list = if allow { &l.allow } else { &l.block };
                let e = &list[entry];
                v.match_kind = MatchKind::Custom;
                v.source = Some(l.name().to_string());
                v.rule = Some(e.original.clone());
                v.reason = format!(
                    "{} is on the {}'s {} list",
                    e.original,
                    l.name(),
                    if allow { "allow" } else { "block" }
                );
            }
            Rule::Name(hit) => self.explain_name(&mut v, hit, host, band, d.action),
        }
        if embedded && d.rule != Rule::None {
            v.reason = format!("the page carries {}: {}", display_url(url), v.reason);
        }
        if d.rule == Rule::None {
            v.reason = format!("{host} is not on any list");
        }
        if d.category.is_some() && d.action == Action::Allow && !d.allow_override {
            v.reason = v.reason.replace("→ allow", "→ allowed");
        }
        v
    }
}

impl Engine {
    fn explain_name(&self, v: &mut Verdict, hit: NameHit, host: &str, band: AgeBand, a: Action) {
        let category = v.category.clone().unwrap_or_default();
        match hit {
            NameHit::Brand {
                source, start, end, ..
            } => {
                let s = &self.bundle.sources()[source as usize];
                let brand = &host[start..end];
                v.match_kind = MatchKind::Brand;
                v.source = Some(s.name.clone());
                v.rule = Some(brand.to_string());
                v.reason = format!(
                    "{host} looks like {brand}, a known {category} site on the list {} → {a} \
                     for age {band}",
                    s.name
                );
            }
            NameHit::Lookalike { index } => {
                let names = self.names.get().and_then(Option::as_ref);
                let Some(p) = names.map(|n| n.protected(index)) else {
                    return;
                };
                let source = self.bundle.meta.lookalike_source;
                v.match_kind = MatchKind::Lookalike;
                v.source = source.map(|s| self.bundle.sources()[s as usize].name.clone());
                v.rule = Some(p.name.clone());
                v.reason = format!(
                    "{host} looks like {} but is not {} → {a} for age {band}",
                    p.name,
                    p.domains.first().map_or("its site", String::as_str)
                );
            }
            NameHit::Model { score, .. } => {
                v.match_kind = MatchKind::Model;
                v.source = Some(MODEL_SOURCE.to_string());
                v.score = Some((f64::from(score) * 1000.0).round() / 1000.0);
                v.reason = format!(
                    "{host} is on no list, but the host-name model scores it {score:.2} as \
                     {category} → {a} for age {band}"
                );
            }
        }
    }
}

/// The `source` of a model verdict.
pub const MODEL_SOURCE: &str = "host-name-model";

/// The verdict code of a decision.
fn code_of(d: &Decision) -> u32 {
    (d.action as u32) | (d.category.map_or(0, |c| c as u32 + 1) << 2)
}

/// Host and path of a plain `http(s)://host[:port]/path?query` URL, sliced
/// out without allocating, exactly as [`ParsedUrl::parse`] would give them:
/// the host is canonical once ASCII letters are lower-cased (into `buf`
/// when needed), the port is a valid number (the port plays no part in a
/// verdict), and the path and query hold nothing the parser would trim,
/// drop or resolve (controls, space, `#`, `\`, `/.`, `/%`). `None` for
/// anything else (userinfo, IP forms, `xn--`, non-ASCII…): the caller then
/// parses the URL in full. Without `buf`, a host with upper-case letters
/// gives [`NotPlain::UpperCase`].
fn split_plain<'a>(
    url: &'a str,
    buf: Option<&'a mut [u8; MAX_HOST_LEN]>,
) -> Result<UrlParts<'a>, NotPlain> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(NotPlain::Other)?;
    let b = rest.as_bytes();
    let end = b
        .iter()
        .position(|&c| matches!(c, b'/' | b'?'))
        .unwrap_or(b.len());
    let authority = &b[..end];
    let host_end = match authority.iter().position(|&c| c == b':') {
        Some(i) => {
            let port = &authority[i + 1..];
            // An invalid port makes the URL an error, which the full path
            // answers (allow); so does a port above 65535.
            if port.len() > 5
                || !port.iter().all(u8::is_ascii_digit)
                || port.iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0')) > 65535
            {
                return Err(NotPlain::Other);
            }
            i
        }
        None => end,
    };
    let tail = &b[end..];
    // The same tests as the parser's own fast path (`url::parse_fast`).
    let special = tail.iter().fold(false, |a, &c| {
        a | (c <= b' ') | (c == 0x7F) | (c == b'#') | (c == b'\\')
    });
    let dot_segment = tail.windows(2).fold(false, |a, w| {
        a | ((w[0] == b'/') & ((w[1] == b'.') | (w[1] == b'%')))
    });
    if special || dot_segment {
        return Err(NotPlain::Other);
    }
    let host_bytes = &authority[..host_end];
    let host = if is_canonical_domain(host_bytes) {
        &rest[..host_end]
    } else {
        // Upper-case ASCII letters: the parser lower-cases them and then
        // needs the same canonical form.
        if host_bytes.len() > MAX_HOST_LEN
            || !host_bytes.iter().any(u8::is_ascii_uppercase)
            || !host_bytes
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        {
            return Err(NotPlain::Other);
        }
        let Some(buf) = buf else {
            return Err(NotPlain::UpperCase);
        };
        let lower = &mut buf[..host_bytes.len()];
        for (d, s) in lower.iter_mut().zip(host_bytes) {
            *d = s.to_ascii_lowercase();
        }
        if !is_canonical_domain(lower) {
            return Err(NotPlain::Other);
        }
        std::str::from_utf8(lower).map_err(|_| NotPlain::Other)?
    };
    let path_rest = &rest[end..];
    let text = (host_end == end && path_rest.starts_with('/')).then_some(rest);
    let path_rest = path_rest.strip_prefix('/').unwrap_or(path_rest);
    Ok(UrlParts {
        host,
        kind: HostKind::Domain,
        path_rest,
        text,
    })
}

/// Why [`split_plain`] gave no parts.
#[derive(Debug, PartialEq, Eq)]
enum NotPlain {
    /// The host has upper-case ASCII letters and no buffer was given.
    UpperCase,
    /// Anything else: the full parser must decide.
    Other,
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

/// The path part of a list hit's rule, as compiled: the first
/// `hit.path_len` bytes of the URL's canonical path.
fn rule_path(url: &ParsedUrl, hit: crate::matcher::Hit) -> String {
    if hit.path_len == 0 {
        return String::new();
    }
    let canon = crate::path::canonical(url.path().get(1..).unwrap_or(""));
    let end = (hit.path_len - 1).min(canon.len());
    let mut out = String::from("/");
    out.push_str(&String::from_utf8_lossy(&canon[..end]));
    out.make_ascii_lowercase();
    out
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

fn display_url(url: &ParsedUrl) -> String {
    let host: &Host = url.host();
    let h = if host.kind() == HostKind::Ipv6 {
        format!("[{}]", host.as_str())
    } else {
        host.as_str().into()
    };
    match url.port() {
        Some(p) => format!("{}://{}:{}{}", url.scheme(), h, p, url.path()),
        None => format!("{}://{}{}", url.scheme(), h, url.path()),
    }
}

/// Whether the model's score backs a name hit: `confirm` in thousandths
/// (0: every hit stands on its own).
fn confirmed(model: Option<NameHit>, confirm: u16) -> bool {
    confirm == 0
        || matches!(model, Some(NameHit::Model { score, .. }) if score * 1000.0 >= f32::from(confirm))
}

#[cfg(test)]
mod fast_path_tests {
    use super::*;

    /// `split_plain` gives exactly the host and path the parser gives, or
    /// nothing.
    #[test]
    fn split_plain_agrees_with_the_parser() {
        let hosts = [
            "example.com",
            "www.Example.COM",
            "EXAMPLE.COM",
            "a_b.example.com",
            "xn--bcher-kva.example",
            "XN--bcher-kva.example",
            "localhost",
            "1.2.3.4",
            "1.2.3.a4",
            "a.b.1",
            "ex%41mple.com",
            "example..com",
            "example.com.",
            ".example.com",
            "user@example.com",
            "user:pw@example.com",
            "exa mple.com",
            "bücher.de",
            "[::1]",
            "",
            "-a-.com",
            "a.0x1f",
            "A.0X1F",
        ];
        let ports = [
            "", ":", ":80", ":443", ":8443", ":65535", ":65536", ":99999", ":123456", ":8a", ":-1",
        ];
        let tails = [
            "",
            "/",
            "/a/b?q=1",
            "?q=1",
            "/A/B?Q=1",
            "/a/./b",
            "/a/../b",
            "/%2e/b",
            "/a#frag",
            "/a\\b",
            "/a b",
            "/a\tb",
            "/ä",
            "#x",
            "/a?u=https://x.com/.",
            "/.hidden",
            "/b%65t/x",
            "//bet",
            "/a//b?x=//",
            "/a%2Fb",
            "/a%2e",
            "/a/%",
        ];
        let mut checked = 0;
        for scheme in ["https://", "http://", "HTTP://", "ws://", ""] {
            for host in hosts {
                for port in ports {
                    for tail in tails {
                        let url = format!("{scheme}{host}{port}{tail}");
                        let mut buf = [0u8; MAX_HOST_LEN];
                        let first = split_plain(&url, None).err();
                        if first == Some(NotPlain::Other) {
                            assert!(split_plain(&url, Some(&mut buf)).is_err(), "{url}");
                            continue;
                        }
                        let Ok(parts) = split_plain(&url, Some(&mut buf)) else {
                            // Lower-cased, the host may still need the parser.
                            assert_eq!(first, Some(NotPlain::UpperCase), "{url}");
                            continue;
                        };
                        let parsed = ParsedUrl::parse(&url).expect(&url);
                        assert_eq!(parts.host, parsed.host().as_str(), "{url}");
                        assert_eq!(parts.kind, parsed.host().kind(), "{url}");
                        assert_eq!(format!("/{}", parts.path_rest), parsed.path(), "{url}");
                        if let Some(text) = parts.text {
                            let whole = format!("{}{}", parsed.host().as_str(), parsed.path());
                            assert!(text.eq_ignore_ascii_case(&whole), "{url}");
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
        let long = format!("https://{}.com/", "A".repeat(300));
        assert!(split_plain(&long, Some(&mut [0u8; MAX_HOST_LEN])).is_err());
    }

    /// The one-test `may_carry_url` covers every host a rule looks at.
    #[test]
    fn may_carry_url_covers_the_rules() {
        use crate::unwrap::{may_carry_url, may_carry_url_by_rules};
        let names = [
            "translate.goog",
            "x.translate.goog",
            "www-bad-com.translate.goog",
            "bad-com.cdn.ampproject.org",
            "web.archive.org",
            "wayback.archive.org",
            "archive.org",
            "www.archive.org",
            "archive.ph",
            "www.archive.is",
            "archive.today",
            "archive.li",
            "archive.vn",
            "archive.md",
            "archive.fo",
            "google.com",
            "www.google.com.vn",
            "google.co.uk",
            "translated.turbopages.org",
            "translate.google.com",
            "translate.google.evil.example",
            "translate.googleusercontent.com",
            "a.translate.googleusercontent.com",
            "translate.yandex.ru",
            "www.translatetheweb.com",
            "microsofttranslator.com",
            "www.microsofttranslator.com",
            "webcache.googleusercontent.com",
            "bing.com",
            "www.bing.com",
            "l.facebook.com",
            "lm.facebook.com",
            "m.facebook.com",
            "www.facebook.com",
            "l.messenger.com",
            "l.instagram.com",
            "youtube.com",
            "www.youtube.com",
            "vk.com",
            "m.vk.com",
            "steamcommunity.com",
            "www.linkedin.com",
            "out.reddit.com",
            "t.umblr.com",
            "slack-redir.net",
            "eur01.safelinks.protection.outlook.com",
            "href.li",
            "anonym.to",
            "nullrefer.com",
            "www.nullrefer.com",
            "hiderefer.com",
        ];
        let mut hosts: Vec<String> = Vec::new();
        for n in names {
            hosts.push(n.to_string());
            for p in [
                "www.",
                "a.",
                "x.y.",
                "notgoogle",
                "www-",
                "google.",
                "translate.",
            ] {
                hosts.push(format!("{p}{n}"));
            }
            for s in [".", ".com", "x", ".vn", ".co.uk", ".evil.net"] {
                hosts.push(format!("{n}{s}"));
            }
        }
        for h in &hosts {
            if may_carry_url_by_rules(h) {
                assert!(may_carry_url(h), "{h}");
            }
        }
        assert!(!may_carry_url("example.com"));
        assert!(!may_carry_url("www.bad.com.vn"));
        assert!(!may_carry_url("com"));
    }
}
